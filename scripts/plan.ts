/**
 * Offline plan: `npm run plan -- --stack <name> [--json]`.
 * Evaluates index.ts under mocks and prints what `pulumi up` would declare.
 * Exit 0: no mandatory finding; 1: a mandatory finding; 2: bad config or arguments.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../components/config";
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
    await new Promise<void>((resolve) => process.stdout.write((json ? JSON.stringify(report, null, 2) : renderText(report)) + "\n", () => resolve()));
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
        if (e instanceof ConfigError) {
            for (const line of e.errors) process.stderr.write(`${line}\n`);
        } else if (e instanceof StackFileError) {
            process.stderr.write(`${e.message}\n`);
        } else {
            // Anything else is a bug in the program: one line, no stack trace, no values.
            process.stderr.write(`plan failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
            process.exit(3);
        }
        process.exit(2);
    },
);
