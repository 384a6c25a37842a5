/** The access review's command line and work; `scripts/review/main.ts` runs it as a process. */
import { closeSync, lstatSync, openSync, readFileSync, readSync } from "node:fs";
import * as path from "node:path";
import type { StackConfig } from "../../core/config/parse";
import { CliResult, CliSpec, CliValues, InputError, UsageError } from "../cli/cli";
import { cannotWrite, writeNamedFile } from "../cli/files";
import { markdownToText } from "./terminalText";
import { evaluateStack } from "../offline/evaluate";
import { packConfigOf, planFindings } from "../offline/findings";
import { readBasePack, readBaseStack } from "../offline/baseStack";
import { protectedChanges, unprotectCommands } from "../offline/protectedResources";
import { grantRows } from "./grantReview";
import { fitComment, renderReview, ReviewInput } from "./render";
import { diffOther, keyChangeFindings } from "./stackDiff";
import { diffAllowedHosts } from "./selfServiceDiff";
import { diffPackFile, diffStackFile } from "./fileDiff";
import { redeployChanges } from "./redeploys";
import { encryptionFindings, settingChanges } from "./settingChanges";
import { blocks } from "../../policy/evaluate";
import { PACK_CONFIG_FILE } from "../../policy/packConfig";

export const REVIEW_CLI: CliSpec = {
    command: "review",
    summary:
        "Print the access review of a stack: every finding with how to fix it, every grant, and with --base every change compared with that ref (grants, clients, secrets, suppressions, settings, redeploys, protected resources deleted, and every other stack-file key). Markdown on stdout fits one pull request comment; --full writes all of it.",
    options: {
        stack: { type: "string", short: "s", value: "<name>", description: "the stack: reads Pulumi.<name>.yaml", required: true },
        base: { type: "string", value: "<git-ref>", description: "compare with the stack file at this git ref (e.g. origin/main)" },
        "config-dir": { type: "string", value: "<dir>", description: "folder holding the stack file (a git work tree for --base). Defaults to the project folder" },
        format: { type: "string", value: "<markdown|text>", description: "markdown (for a pull request; escapes user text) or text (for a terminal). Defaults to text on a terminal, markdown otherwise" },
        json: { type: "boolean", description: "print the review as one JSON object (grants, findings, and with --base the change) instead" },
        full: { type: "string", value: "<file>", description: "also write the whole Markdown review to this file (the Markdown on stdout is cut to fit a pull request comment); an existing file is replaced only if it is such a review" },
    },
    exitCodes: { 0: "no mandatory finding", 1: "a mandatory finding" },
};

/** A stack with nothing in it, to compare a new stack file with. */
function emptyLike(head: StackConfig): StackConfig {
    return { ...head, accessGrants: [], maskinportenClients: [], appSecrets: [], suppressions: [], redeploy: head.redeploy, maskinporten: {} };
}

function headPackDocument(): Record<string, unknown> {
    try {
        return JSON.parse(readFileSync(PACK_CONFIG_FILE, "utf8")) as Record<string, unknown>;
    } catch {
        return {};
    }
}

/** What a review --full wrote starts with: only such a file is replaced. */
const REVIEW_START = "## Access review: ";

/**
 * `--full` replaces a review it wrote before, never another file: `--full Pulumi.tt02.yaml` (a slip
 * of the shell's completion) would replace the stack file, secure: values and all. Nor is a link
 * followed (a pull request can commit review-full.md as one).
 */
function checkFullTarget(file: string): void {
    const found = lstatSync(file, { throwIfNoEntry: false });
    if (!found || found.isDirectory()) return;
    let start = "";
    if (found.isFile()) {
        try {
            const fd = openSync(file, "r");
            try {
                const buffer = Buffer.alloc(REVIEW_START.length);
                start = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString("utf8");
            } finally {
                closeSync(fd);
            }
        } catch (e) {
            throw cannotWrite(file, e, "--full");
        }
    }
    if (start !== REVIEW_START) throw new InputError([`--full: ${file} exists and is not a review this command wrote (${found.isSymbolicLink() ? "a link" : "other content"}); name another file or move it away`]);
}

/** The review itself, for runCli and for tests that run it in-process. */
export async function reviewMain(args: CliValues): Promise<CliResult> {
    const root = path.resolve(__dirname, "..", "..");
    const stack = String(args.stack);
    const ref = typeof args.base === "string" ? args.base : undefined;
    const configDir = typeof args["config-dir"] === "string" ? path.resolve(args["config-dir"]) : root;
    const format = args.format ?? (process.stdout.isTTY ? "text" : "markdown");
    if (format !== "markdown" && format !== "text") throw new UsageError(`--format: ${JSON.stringify(format)} is not markdown or text`);
    if (args.json && args.format !== undefined) throw new UsageError("--format and --json cannot be combined; choose one");
    const at = ref ? readBaseStack(configDir, stack, ref) : undefined;
    const evaluation = await evaluateStack(root, stack, configDir);
    const head = evaluation.config;
    const pack = packConfigOf();
    const findings = planFindings(evaluation);
    let base: ReviewInput["base"];
    if (ref && at) {
        const was = at.config ?? emptyLike(head);
        const headDocument = evaluation.files.document ?? {};
        const wasPack = readBasePack(root, configDir, ref);
        const settings = settingChanges(was, head, pack.packSuppressions);
        findings.push(...keyChangeFindings(was, head, ref, pack.packSuppressions), ...settings.findings, ...encryptionFindings(at.document, headDocument, head.environment, pack.packSuppressions));
        const doomed = at.config ? protectedChanges(at.config, head, stack, evaluation.files.project) : [];
        base = {
            ref,
            rows: grantRows(was),
            other: [
                ...diffOther(was, head, wasPack.pack?.packSuppressions, pack.packSuppressions),
                ...(wasPack.pack ? diffAllowedHosts(wasPack.pack.maskinportenHosts, pack.maskinportenHosts) : []),
                ...settings.rows,
            ],
            files: [...diffStackFile(at.document, headDocument), ...(wasPack.document ? diffPackFile(wasPack.document, headPackDocument()) : [])],
            redeploys: redeployChanges(was, head),
            protectedChanges: { changes: doomed, commands: unprotectCommands(doomed, stack) },
            note: at.note,
        };
    }
    const input: ReviewInput = { stack, org: head.org, environment: head.environment, rows: grantRows(head), findings, studioUrl: head.redeploy.studioUrl, base };
    const markdown = renderReview(input);
    if (typeof args.full === "string") {
        checkFullTarget(args.full);
        writeNamedFile(args.full, `${markdown}\n`, "--full");
    }
    // Exit like the plan: 1 when a mandatory finding is not suppressed.
    const code = findings.some(blocks) ? 1 : 0;
    // The findings' internal ids (`Access::write`) are for tools and tests, not for what a person reads.
    if (args.json) return { output: JSON.stringify({ ...input, findings: findings.map(({ detail: _detail, ...f }) => f) }, null, 2), code };
    return format === "markdown" ? { output: fitComment(markdown, stack), code } : { output: markdownToText(markdown), code, wrap: true };
}
