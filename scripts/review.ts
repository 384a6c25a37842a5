/**
 * Grant review for reviewers: `npm run review -- --stack <name> [--base <git-ref>] [--config-dir <dir>]`.
 * Prints a Markdown table of every grant with its findings and, with --base, what the change
 * adds, removes or widens compared with the stack file at that ref.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError, parseStackConfig } from "../components/config";
import { firstLine, reportInputError, writeOut } from "./lib/cli";
import { evaluateStack } from "./lib/evaluate";
import { planFindings } from "./lib/findings";
import { GrantRow, grantRows, renderReview } from "./lib/grantReview";
import { StackFileError, stackConfigOf } from "./lib/stack";
import { PROJECT } from "../components/schema";

const USAGE = "usage: npm run review -- --stack <name> [--base <git-ref>] [--config-dir <dir>]";

function parseArgs(argv: string[]): { stack: string; base?: string; configDir?: string } {
    const out: { stack?: string; base?: string; configDir?: string } = {};
    for (let i = 0; i < argv.length; i++) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined || value.startsWith("--")) throw new StackFileError(`${flag} needs a value; ${USAGE}`);
        if (flag === "--stack" || flag === "-s") out.stack = value;
        else if (flag === "--base") out.base = value;
        else if (flag === "--config-dir") out.configDir = value;
        else throw new StackFileError(`unknown argument ${JSON.stringify(flag)}; ${USAGE}`);
        i++;
    }
    if (!out.stack) throw new StackFileError(`--stack is required; ${USAGE}`);
    return out as { stack: string; base?: string; configDir?: string };
}

/** The grants of the stack file at `ref`, or none with a note when there is no usable file. */
function baseRows(configDir: string, stack: string, ref: string): { rows: GrantRow[]; note?: string } {
    if (!/^[\w./~^@{}-]+$/.test(ref)) throw new StackFileError(`--base: ${JSON.stringify(ref)} is not a git ref`);
    let text: string;
    try {
        execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: configDir, stdio: "pipe" });
    } catch {
        throw new StackFileError(`--base: ${JSON.stringify(ref)} is not a commit in the git repository at ${configDir}`);
    }
    try {
        text = execFileSync("git", ["show", `${ref}:./Pulumi.${stack}.yaml`], { cwd: configDir, stdio: "pipe" }).toString();
    } catch {
        return { rows: [], note: `Pulumi.${stack}.yaml does not exist at \`${ref}\`: every grant is new.` };
    }
    try {
        const { config, secretKeys, plainTextPaths } = stackConfigOf(parse(text), PROJECT);
        return { rows: grantRows(parseStackConfig(config, { secretKeys, plainTextPaths })) };
    } catch (e) {
        const problem = e instanceof ConfigError ? `${e.errors.length} config error(s)` : "not valid YAML";
        return { rows: [], note: `Pulumi.${stack}.yaml at \`${ref}\` could not be read (${problem}); compared with no grants.` };
    }
}

async function main(): Promise<void> {
    const root = path.resolve(__dirname, "..");
    const { stack, base, configDir: dirArg } = parseArgs(process.argv.slice(2));
    const configDir = dirArg ? path.resolve(dirArg) : root;
    const evaluation = await evaluateStack(root, stack, configDir);
    const markdown = renderReview({
        stack,
        org: evaluation.config.org,
        environment: evaluation.config.environment,
        rows: grantRows(evaluation.config),
        findings: planFindings(evaluation),
        base: base ? { ref: base, ...baseRows(configDir, stack, base) } : undefined,
    });
    await writeOut(markdown);
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        if (!reportInputError(e)) process.stderr.write(`${firstLine(e)}\n`);
        process.exit(2);
    },
);
