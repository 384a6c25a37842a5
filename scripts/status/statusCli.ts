/** `npm run status`'s command line and work; `scripts/status/main.ts` runs it as a process. */
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { CliResult, CliSpec, CliValues, InputError, UsageError } from "../cli/cli";
import { statusFromOutputs } from "../../core/status/model";
import { PulumiRun, readOutputsFile, readPulumiOutputs } from "./outputs";
import { renderStatusMarkdown, renderStatusText } from "./render";
import { issueUpdate } from "./issue";
import { checkOutputs } from "./checkOutputs";

export const STATUS_CLI: CliSpec = {
    command: "status",
    summary:
        "Show what a deployed stack holds, from its outputs: per Maskinporten client the kids by role, where each is registered and when it expires; per app its secrets and last redeploy; every grant by days left; unmanaged access. Needs no secret.",
    options: {
        stack: { type: "string", short: "s", value: "<name>", description: "the stack", required: true },
        outputs: { type: "string", value: "<file>", description: "read saved `pulumi stack output --json` instead of running the Pulumi CLI" },
        markdown: { type: "boolean", description: "Markdown for GitHub, with a Mermaid gantt of key and grant lifetimes" },
        json: { type: "boolean", description: "one JSON object, for scripts" },
        "alerts-json": { type: "boolean", description: "for the key-expiry workflow: the status issue's new body and the comment announcing keys and grants that reached 30, 7 or 1 days left, as one JSON object" },
        "issue-body": { type: "string", value: "<file>", description: "with --alerts-json: the status issue's current body (what was announced before). Defaults to none" },
    },
    exitCodes: { 0: "shown" },
};

/** What a test can set: the time, how the Pulumi CLI is run, and the project folder (with the stack files). */
export interface StatusDeps {
    now?: number;
    pulumi?: PulumiRun;
    root?: string;
}

const STACK = /^[\w.-]+(?:\/[\w.-]+){0,2}$/;
const MAX_ISSUE_BODY = 1024 * 1024;

function issueBody(file: string | undefined): string {
    if (file === undefined) return "";
    try {
        if (statSync(file).size > MAX_ISSUE_BODY) throw new InputError([`--issue-body: ${file} is larger than ${MAX_ISSUE_BODY} bytes`]);
        return readFileSync(file, "utf8");
    } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError([`--issue-body: ${file} cannot be read`]);
    }
}

/** The status itself, for runCli and for tests that run it in-process. */
export async function statusMain(args: CliValues, deps: StatusDeps = {}): Promise<CliResult> {
    const stack = String(args.stack);
    if (!STACK.test(stack)) throw new UsageError(`--stack: ${JSON.stringify(stack)} is not a stack name`);
    const formats = ["markdown", "json", "alerts-json"].filter((f) => args[f]);
    if (formats.length > 1) throw new UsageError(`--${formats.join(" and --")} cannot be combined; choose one`);
    if (args["issue-body"] !== undefined && !args["alerts-json"]) throw new UsageError("--issue-body goes with --alerts-json");
    const previous = issueBody(args["issue-body"] as string | undefined);
    const now = deps.now ?? Date.now();
    const file = typeof args.outputs === "string" ? args.outputs : undefined;
    const read = file !== undefined ? readOutputsFile(file) : await readPulumiOutputs(stack, deps.pulumi);
    const source = file !== undefined ? { name: `--outputs ${file}`, file: true } : { name: `pulumi stack output --stack ${stack}`, file: false };
    const outputs = await checkOutputs(read, stack, source, deps.root ?? path.resolve(__dirname, "..", ".."));
    const status = statusFromOutputs(outputs, stack, now);
    if (args.json) return { output: JSON.stringify(status, null, 2), code: 0 };
    if (args.markdown) return { output: renderStatusMarkdown(status, now), code: 0 };
    if (args["alerts-json"]) return { output: JSON.stringify(issueUpdate(status, previous, now), null, 2), code: 0 };
    return { output: renderStatusText(status, now), code: 0 };
}
