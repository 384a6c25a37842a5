/**
 * The commands section of docs/reference.md: each command's `--help`, printed from its CliSpec
 * (redeploy's from scripts/redeploy/options.mjs), at the width used when stdout is not a terminal.
 */
import { CliSpec, DEFAULT_WIDTH, usage } from "../cli/cli";
import { ADOPT_CLI } from "../adopt/adoptCli";
import { BENCH_CLI } from "../bench/main";
import { PLAN_CLI } from "../plan/planCli";
import { REVIEW_CLI } from "../review/reviewCli";
import { STATUS_CLI } from "../status/statusCli";
import { usage as redeployUsage } from "../redeploy/options.mjs";
import { DOCS_CLI } from "./docsCli";

/** The commands `npm run <name>` runs, in the order a person meets them. */
export const COMMAND_SPECS: readonly CliSpec[] = [PLAN_CLI, REVIEW_CLI, ADOPT_CLI, STATUS_CLI, DOCS_CLI, BENCH_CLI];

/** npm scripts that are not commands of their own, with what they do. */
export const OTHER_SCRIPTS: Record<string, string> = {
    redeploy: "`node scripts/redeploy.mjs`: redeploy one app by hand (below); `pulumi up` runs the same script for every app whose secrets changed.",
    test: "`tsc --noEmit && vitest run`: type-check and run every test, offline (the CI command, `.ci/run`).",
    typecheck: "`tsc --noEmit` only.",
};

const block = (text: string) => ["```text", text, "```"];

export function renderCommands(): string {
    const lines = [
        "## Commands",
        "",
        "Every command answers `--help` (`npm run plan -- --help`) with what is printed here, and suggests the flag you meant when one is mistyped. Text output and errors fit the terminal's width (100 columns when it is not a terminal); a long problem continues on lines indented by two spaces, and a name longer than the line (a key path, a section) continues on the next, cut after a `.` or `-` where one falls near the end. What would break if split stays whole on its line: a URL, a resource ID or URN, a command to copy, and Markdown (a table row, the review for a pull request comment), which its reader wraps.",
        "",
        "Other npm scripts:",
        "",
        ...Object.entries(OTHER_SCRIPTS).map(([name, text]) => `- \`npm run ${name}\`: ${text}`),
    ];
    for (const spec of COMMAND_SPECS) lines.push("", `### npm run ${spec.command}`, "", ...block(usage(spec, DEFAULT_WIDTH)));
    lines.push("", "### npm run redeploy", "", ...block(redeployUsage(DEFAULT_WIDTH)));
    return lines.join("\n");
}

/** Every npm script the reference documents. */
export function documentedScripts(): string[] {
    return [...COMMAND_SPECS.map((s) => s.command), ...Object.keys(OTHER_SCRIPTS)];
}
