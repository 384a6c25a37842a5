/**
 * Grant review for reviewers: `npm run review -- --stack <name> [--base <git-ref>] [--config-dir <dir>]`.
 * Prints a Markdown table of every grant with its findings and, with --base, what the change
 * adds, removes or widens compared with the stack file at that ref.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError, parseStackConfig } from "../components/config";
import { CliSpec, runCli } from "./lib/cli";
import { evaluateStack } from "./lib/evaluate";
import { planFindings } from "./lib/findings";
import { GrantRow, grantRows, renderReview } from "./lib/grantReview";
import { StackFileError, stackConfigOf } from "./lib/stack";
import { PROJECT } from "../components/schema";

const REVIEW_CLI: CliSpec = {
    command: "review",
    summary: "Print every access grant of a stack as a Markdown table with its policy findings and, with --base, what the change adds, removes or widens.",
    options: {
        stack: { type: "string", short: "s", value: "<name>", description: "the stack: reads Pulumi.<name>.yaml", required: true },
        base: { type: "string", value: "<git-ref>", description: "compare with the stack file at this git ref (e.g. origin/main)" },
        "config-dir": { type: "string", value: "<dir>", description: "folder holding the stack file (a git work tree for --base). Defaults to the project folder" },
    },
    notes: ["exit codes: 0 report printed, 2 bad arguments or config (one line per mistake), 3 a bug"],
};

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

runCli(REVIEW_CLI, async (args) => {
    const root = path.resolve(__dirname, "..");
    const stack = String(args.stack);
    const base = typeof args.base === "string" ? args.base : undefined;
    const configDir = typeof args["config-dir"] === "string" ? path.resolve(args["config-dir"]) : root;
    const evaluation = await evaluateStack(root, stack, configDir);
    const markdown = renderReview({
        stack,
        org: evaluation.config.org,
        environment: evaluation.config.environment,
        rows: grantRows(evaluation.config),
        findings: planFindings(evaluation),
        base: base ? { ref: base, ...baseRows(configDir, stack, base) } : undefined,
    });
    return { output: markdown, code: 0 };
});
