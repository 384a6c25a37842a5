/**
 * Offline plan: `npm run plan -- --stack <name> [--json]`.
 * Evaluates index.ts under mocks and prints what `pulumi up` would declare.
 * Exit 0: no mandatory finding; 1: a mandatory finding; 2: bad config or arguments.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { firstLine, reportInputError, writeOut } from "./lib/cli";
import { evaluateStack } from "./lib/evaluate";
import { planFindings } from "./lib/findings";
import { buildReport, renderText } from "./lib/report";
import { StackFileError } from "./lib/stack";

const USAGE = "usage: npm run plan -- --stack <name> [--json] [--config-dir <dir>]";

function parseArgs(argv: string[]): { stack: string; json: boolean; configDir?: string } {
    let stack: string | undefined;
    let configDir: string | undefined;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") json = true;
        else if (a === "--stack" || a === "-s") stack = argv[++i];
        else if (a.startsWith("--stack=")) stack = a.slice("--stack=".length);
        else if (a === "--config-dir") configDir = argv[++i];
        else throw new StackFileError(`unknown argument ${JSON.stringify(a)}; ${USAGE}`);
    }
    if (!stack) throw new StackFileError(`--stack is required; ${USAGE}`);
    return { stack, json, configDir };
}

async function main(): Promise<number> {
    const root = path.resolve(__dirname, "..");
    const { stack, json, configDir } = parseArgs(process.argv.slice(2));
    const evaluation = await evaluateStack(root, stack, configDir ? path.resolve(configDir) : root);
    const report = buildReport(evaluation, planFindings(evaluation));
    await writeOut(json ? JSON.stringify(report, null, 2) : renderText(report));
    return report.findings.some((f) => f.level === "mandatory" && !f.suppressed) ? 1 : 0;
}

/** For `npm run bench`: peak memory and CPU time of this run, written where PLAN_STATS_FILE says. */
function writeStats(): void {
    const file = process.env.PLAN_STATS_FILE;
    if (!file) return;
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
}

main().then(
    (code) => {
        writeStats();
        process.exit(code);
    },
    (e: unknown) => {
        if (reportInputError(e)) process.exit(2);
        // Anything else is a bug in the program.
        process.stderr.write(`plan failed: ${firstLine(e)}\n`);
        process.exit(3);
    },
);
