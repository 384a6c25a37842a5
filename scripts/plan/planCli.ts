/** The offline plan's command line and work; `scripts/plan/main.ts` runs it as a process. */
import * as path from "node:path";
import { CliResult, CliSpec, CliValues, fitWidth, useColor } from "../cli/cli";
import { writeNamedFile } from "../cli/files";

export const PLAN_CLI: CliSpec = {
    command: "plan",
    summary: "Evaluate index.ts for a stack under Pulumi mocks (no Azure, no Pulumi CLI) and print what `pulumi up` would declare.",
    options: {
        stack: { type: "string", short: "s", value: "<name>", description: "the stack: reads Pulumi.<name>.yaml", required: true },
        json: { type: "boolean", description: "print one JSON object and nothing else on stdout, to pipe: `npm run --silent plan -- --stack tt02 --json | jq .`" },
        "config-dir": { type: "string", value: "<dir>", description: "folder holding the stack file. Defaults to the project folder" },
        base: { type: "string", value: "<git-ref>", description: "compare with the stack file at this git ref: name the protected resources the change deletes or replaces, with the pulumi state unprotect commands" },
    },
    exitCodes: { 0: "no mandatory finding", 1: "a mandatory policy finding" },
};

/** For `npm run bench`: peak memory and CPU time of this run, written where PLAN_STATS_FILE says. */
function writeStats(): void {
    const file = process.env.PLAN_STATS_FILE;
    if (!file) return;
    const usage = process.resourceUsage();
    writeNamedFile(file, JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }), "PLAN_STATS_FILE");
}

/** The plan itself, for runCli and for tests that run it in-process. */
export async function planMain(args: CliValues): Promise<CliResult> {
    const root = path.resolve(__dirname, "..", "..");
    const configDir = typeof args["config-dir"] === "string" ? path.resolve(args["config-dir"]) : root;
    // Loaded only after the arguments are good, so `--help` and bad arguments do no work.
    const [{ evaluateStack }, { planFindings }, { buildReport }, { renderText }, protectedSection] = await Promise.all([
        import("../offline/evaluate"),
        import("../offline/findings"),
        import("./report"),
        import("./renderText"),
        import("./protectedSection"),
    ]);
    if (typeof args.base === "string") (await import("../offline/baseStack")).checkRef(configDir, args.base);
    // The plan shows none of the dynamic providers' serialized code: it asks for none.
    const evaluation = await evaluateStack(root, String(args.stack), configDir, { providerCode: "skip" });
    const report = buildReport(evaluation, planFindings(evaluation));
    const protectedChanges = typeof args.base === "string" ? protectedSection.planProtectedChanges(evaluation, configDir, args.base) : undefined;
    writeStats();
    const text = () => renderText(report, { color: useColor(process.stdout) }) + (protectedChanges ? protectedSection.renderProtectedChanges(protectedChanges) : "");
    return {
        output: args.json ? JSON.stringify(protectedChanges ? { ...report, protectedChanges } : report, null, 2) : fitWidth(text()),
        code: report.findings.some((f) => f.level === "mandatory" && !f.suppressed) ? 1 : 0,
    };
}
