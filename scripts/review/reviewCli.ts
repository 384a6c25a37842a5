/** The grant review's command line and work; `scripts/review/main.ts` runs it as a process. */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError, parseStackConfig, StackConfig } from "../../core/config/parse";
import { CliResult, CliSpec, CliValues } from "../cli/cli";
import { evaluateStack } from "../offline/evaluate";
import { packConfigOf, planFindings } from "../offline/findings";
import { grantRows, renderReview, ReviewInput } from "./grantReview";
import { diffOther, keyChangeFindings } from "./stackDiff";
import { diffAllowedHosts } from "./selfServiceDiff";
import { blocks } from "../../policy/evaluate";
import { PackConfig, parsePackText } from "../../policy/packConfig";
import { StackFileError, stackConfigOf } from "../offline/stack";
import { PROJECT } from "../../core/config/schema";

export const REVIEW_CLI: CliSpec = {
    command: "review",
    summary: "Print every access grant of a stack as a Markdown table with its policy findings and, with --base, what the change does to grants, Maskinporten clients, app secrets, suppressions and redeploy settings.",
    options: {
        stack: { type: "string", short: "s", value: "<name>", description: "the stack: reads Pulumi.<name>.yaml", required: true },
        base: { type: "string", value: "<git-ref>", description: "compare with the stack file at this git ref (e.g. origin/main)" },
        "config-dir": { type: "string", value: "<dir>", description: "folder holding the stack file (a git work tree for --base). Defaults to the project folder" },
    },
    notes: ["exit codes: 0 clean, 1 a mandatory finding, 2 bad arguments or config (one line per mistake), 3 a bug"],
};

/** The stack config at `ref`, or none with a note when there is no usable file. */
function baseConfig(configDir: string, stack: string, ref: string): { config?: StackConfig; note?: string } {
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
        return { note: `Pulumi.${stack}.yaml does not exist at ${ref}: everything in it is new.` };
    }
    try {
        const { config, secretKeys, plainTextPaths } = stackConfigOf(parse(text), PROJECT);
        return { config: parseStackConfig(config, { secretKeys, plainTextPaths }) };
    } catch (e) {
        const problem = e instanceof ConfigError ? `${e.errors.length} config error(s)` : "not valid YAML";
        return { note: `Pulumi.${stack}.yaml at ${ref} could not be read (${problem}); compared with an empty stack.` };
    }
}

/** policy/config.json at `ref` (its suppressions and Maskinporten hosts), when the stack files and the policy live in the same repository. */
function basePack(root: string, configDir: string, ref: string): Pick<PackConfig, "packSuppressions" | "maskinportenHosts"> | undefined {
    try {
        const top = (cwd: string) => execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd, stdio: "pipe" }).toString().trim();
        if (top(root) !== top(configDir)) return undefined;
        const text = execFileSync("git", ["show", `${ref}:./policy/config.json`], { cwd: root, stdio: "pipe" }).toString();
        return parsePackText(text, `policy/config.json at ${ref}`);
    } catch {
        return { packSuppressions: [], maskinportenHosts: [] };
    }
}

/** A stack with nothing in it, to compare a new stack file with. */
function emptyLike(head: StackConfig): StackConfig {
    return { ...head, accessGrants: [], maskinportenClients: [], appSecrets: [], suppressions: [], redeploy: head.redeploy };
}

/** The review itself, for runCli and for tests that run it in-process. */
export async function reviewMain(args: CliValues): Promise<CliResult> {
    const root = path.resolve(__dirname, "..", "..");
    const stack = String(args.stack);
    const base = typeof args.base === "string" ? args.base : undefined;
    const configDir = typeof args["config-dir"] === "string" ? path.resolve(args["config-dir"]) : root;
    const at = base ? baseConfig(configDir, stack, base) : undefined;
    const evaluation = await evaluateStack(root, stack, configDir);
    const head = evaluation.config;
    const pack = packConfigOf();
    const findings = planFindings(evaluation);
    let baseInput: ReviewInput["base"];
    if (base && at) {
        const was = at.config ?? emptyLike(head);
        findings.push(...keyChangeFindings(was, head, base, pack.packSuppressions));
        const wasPack = basePack(root, configDir, base);
        const other = [...diffOther(was, head, wasPack?.packSuppressions, pack.packSuppressions), ...(wasPack ? diffAllowedHosts(wasPack.maskinportenHosts, pack.maskinportenHosts) : [])];
        baseInput = { ref: base, rows: grantRows(was), other, note: at.note };
    }
    const markdown = renderReview({ stack, org: head.org, environment: head.environment, rows: grantRows(head), findings, studioUrl: head.redeploy.studioUrl, base: baseInput });
    // Exit like the plan: 1 when a mandatory finding is not suppressed.
    return { output: markdown, code: findings.some(blocks) ? 1 : 0 };
}
