/** The grant review's command line and work; `scripts/review/main.ts` runs it as a process. */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError, parseStackConfig, StackConfig } from "../../core/config/parse";
import { CliResult, CliSpec, CliValues, firstLine, InputError, UsageError } from "../cli/cli";
import { markdownToText } from "./terminalText";
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
        format: { type: "string", value: "<markdown|text>", description: "markdown (for a pull request; escapes user text) or text (for a terminal). Defaults to text on a terminal, markdown otherwise" },
        json: { type: "boolean", description: "print the review as one JSON object (grants, findings, and with --base the change) instead" },
    },
    exitCodes: { 0: "no mandatory finding", 1: "a mandatory finding" },
};

/**
 * The stack config at `ref`; none, with a note, only when the file does not exist there (a new
 * stack). A file that exists but is invalid is bad input (exit 2): compared with an empty stack,
 * every grant it has would pass the review as new, and its mistakes would go unseen.
 */
function baseConfig(configDir: string, stack: string, ref: string): { config?: StackConfig; note?: string } {
    if (!/^[\w./~^@{}-]+$/.test(ref)) throw new StackFileError(`--base: ${JSON.stringify(ref)} is not a git ref`);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: configDir, stdio: "pipe" }).toString();
    try {
        git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
    } catch {
        throw new StackFileError(`--base: ${JSON.stringify(ref)} is not a commit in the git repository at ${configDir}`);
    }
    const file = `Pulumi.${stack}.yaml`;
    try {
        git("cat-file", "-e", `${ref}:./${file}`);
    } catch {
        return { note: `${file} does not exist at ${ref}: everything in it is new.` };
    }
    const invalid = (why: string[]) => new InputError(why.map((w) => `--base: ${file} at ${ref} is invalid: ${w}`));
    let text: string;
    try {
        text = git("show", `${ref}:./${file}`);
    } catch (e) {
        throw invalid([`git show failed (${firstLine(e)})`]);
    }
    let doc: unknown;
    try {
        doc = parse(text);
    } catch (e) {
        throw invalid([`not valid YAML (${firstLine(e)})`]);
    }
    try {
        const { config, secretKeys, plainTextPaths } = stackConfigOf(doc, PROJECT);
        return { config: parseStackConfig(config, { secretKeys, plainTextPaths }) };
    } catch (e) {
        if (e instanceof ConfigError) throw invalid(e.errors);
        if (e instanceof StackFileError) throw invalid([e.message]);
        throw e;
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
    const format = args.format ?? (process.stdout.isTTY ? "text" : "markdown");
    if (format !== "markdown" && format !== "text") throw new UsageError(`--format: ${JSON.stringify(format)} is not markdown or text`);
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
    const input: ReviewInput = { stack, org: head.org, environment: head.environment, rows: grantRows(head), findings, studioUrl: head.redeploy.studioUrl, base: baseInput };
    const markdown = renderReview(input);
    // Exit like the plan: 1 when a mandatory finding is not suppressed.
    const code = findings.some(blocks) ? 1 : 0;
    if (args.json) return { output: JSON.stringify(input, null, 2), code };
    return format === "markdown" ? { output: markdown, code } : { output: markdownToText(markdown), code, wrap: true };
}
