import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCli, UsageError, usage } from "../../scripts/cli/cli";
import { EXAMPLE_STACKS, ROOT, RunResult, runNode, runPlan, runScript, spawnNode, TYPESCRIPT, writeStacks } from "../support/helpers";

const LOADED = path.join(ROOT, "tests", "support", "fixtures", "loadedModules.cjs");

/** Run a script and report which @pulumi packages it loaded (read off require.cache at exit). */
async function runWatchingLoads(script: string, args: string[]): Promise<RunResult & { loaded: string[] }> {
    const file = path.join(tmpdir(), `loaded-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
    const result = await runNode(["--require", LOADED, ...TYPESCRIPT, path.join(ROOT, script), ...args], { ...process.env, LOADED_MODULES_FILE: file });
    return { ...result, loaded: JSON.parse(readFileSync(file, "utf8")) as string[] };
}

/** Run a script whose stdout reader goes away at once, as `| head -c 10` does once it has its bytes. */
function runWithClosedStdout(script: string, args: string[]): Promise<{ code: number | null; signal: string | null; stderr: string }> {
    return new Promise((resolve, reject) => {
        const { child, checkReads } = spawnNode([...TYPESCRIPT, path.join(ROOT, script), ...args], process.env);
        child.stdout.destroy();
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code, signal) => {
            try {
                checkReads();
                resolve({ code, signal, stderr });
            } catch (e) {
                reject(e);
            }
        });
    });
}

const SPEC = {
    command: "plan",
    summary: "Test spec.",
    options: {
        stack: { type: "string" as const, short: "s", value: "<name>", description: "the stack", required: true },
        json: { type: "boolean" as const, description: "JSON" },
    },
    exitCodes: { 0: "fine", 1: "a finding" },
};

describe("parseCli", () => {
    it("reads long, short and --flag=value forms", () => {
        expect(parseCli(SPEC, ["--stack", "tt02", "--json"])).toMatchObject({ stack: "tt02", json: true });
        expect(parseCli(SPEC, ["-s", "prod"])).toMatchObject({ stack: "prod" });
        expect(parseCli(SPEC, ["--stack=tt02"])).toMatchObject({ stack: "tt02" });
    });

    it("returns nothing for -h and --help, even without the required options", () => {
        expect(parseCli(SPEC, ["-h"])).toBeUndefined();
        expect(parseCli(SPEC, ["--stack", "tt02", "--help"])).toBeUndefined();
    });

    it("refuses unknown options, positionals, a missing value and a missing required option in one line with the usage", () => {
        const message = (argv: string[]) => {
            try {
                parseCli(SPEC, argv);
            } catch (e) {
                expect(e).toBeInstanceOf(UsageError);
                return (e as Error).message;
            }
            return "no error";
        };
        expect(message(["--stack", "tt02", "--jsno"])).toMatch(/^Unknown option '--jsno' \(did you mean --json\?\); usage: npm run plan -- --stack <name> \[--json\]$/);
        // `npm run plan --stack tt02` hands the command only tt02: say where the -- goes.
        expect(message(["tt02"])).toMatch(/^Unexpected argument 'tt02'.* \(npm run passes on only what follows --, as in: npm run plan -- --stack tt02\); usage: /);
        expect(message(["--stack"])).toMatch(/^Option '-s, --stack <value>' argument missing; usage: /);
        expect(message(["--stack", "--json"])).toMatch(/^Option '--stack' argument is ambiguous; usage: /);
        expect(message(["--json"])).toBe("--stack is required; usage: npm run plan -- --stack <name> [--json]");
        for (const argv of [["--jsno"], ["tt02"], ["--stack"], ["--json"]]) expect(message(argv).split("\n")).toHaveLength(1);
    });

    it("prints a usage that lists every option and -h", () => {
        const text = usage(SPEC);
        expect(text).toContain("-s, --stack <name>");
        expect(text).toContain("--json");
        expect(text).toContain("-h, --help");
    });
});

type Watched = RunResult & { loaded: string[] };
let plan: Watched;
let review: Watched;
let bench: Watched;
let badArg: RunResult;
let badConfigReview: Watched;
let benchRun: RunResult;
let benchBadStack: RunResult;
let closedPipe: { code: number | null; signal: string | null; stderr: string };

// Every process at once: most of their time is start-up, and two cores are shared.
beforeAll(async () => {
    const dir = writeStacks({ tt02: { org: "TTD", environment: "tt02" } });
    [plan, review, bench, badArg, badConfigReview, benchRun, benchBadStack, closedPipe] = await Promise.all([
        runWatchingLoads("scripts/plan/main.ts", ["--help"]),
        runWatchingLoads("scripts/review/main.ts", ["-h"]),
        runWatchingLoads("scripts/bench/main.ts", ["--help"]),
        runScript("scripts/plan/main.ts", ["--stack", "tt02", "--colour"]),
        runWatchingLoads("scripts/review/main.ts", ["--stack", "tt02", "--config-dir", dir]),
        runScript("scripts/bench/main.ts", ["--only", "grants-1", "--runs", "1"]),
        runScript("scripts/bench/main.ts", ["--only", "clients-7"]),
        runWithClosedStdout("scripts/plan/main.ts", ["--stack", "tt02", "--config-dir", EXAMPLE_STACKS, "--json"]),
    ]);
}, 120_000);

describe("--help on every TypeScript CLI", () => {
    it("prints usage, exits 0 and does no work (no Pulumi SDK loaded, bench does not run)", () => {
        for (const [run, command] of [[plan, "plan"], [review, "review"], [bench, "bench"]] as const) {
            expect(run.code).toBe(0);
            expect(run.stdout).toMatch(new RegExp(`^usage: npm run ${command} -- `));
            expect(run.stdout).toContain("-h, --help");
            expect(run.stderr).toBe("");
            expect(run.loaded).toEqual([]);
        }
        expect(plan.stdout).toContain("--stack <name>");
        expect(review.stdout).toContain("--base <git-ref>");
        expect(bench.stdout).toContain("--runs <n>");
        expect(bench.stdout).not.toMatch(/resources? +in|median of|one run each/);
    });

    it("keeps the usage within 100 columns", () => {
        for (const run of [plan, review, bench]) for (const line of run.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    });

    it("refuses an unknown option with exit 2 and one problem, continued on indented lines within 100 columns", () => {
        expect(badArg.code).toBe(2);
        expect(badArg.stdout).toBe("");
        const [first, ...rest] = badArg.stderr.trimEnd().split("\n");
        expect(first).toMatch(/^Unknown option '--colour'; usage: npm run plan -- --stack <name>/);
        expect(rest.length).toBeGreaterThan(0);
        for (const line of [first, ...rest]) expect(line.length).toBeLessThanOrEqual(100);
        for (const line of rest) expect(line).toMatch(/^  \S/);
    });
});

describe("npm run bench", () => {
    it("prints each run as it goes, then loading @pulumi/pulumi and each plan in one table", () => {
        const run = benchRun;
        expect(run.code).toBe(0);
        const lines = run.stdout.trim().split("\n");
        expect(lines[0]).toBe("bench: loading @pulumi/pulumi and 1 stack, 1 run each");
        expect(lines[1]).toMatch(/^  pulumi-load +run 1\/1: require\("@pulumi\/pulumi"\) in +\d+\.\d s +\(\d+ s elapsed\)$/);
        expect(lines[2]).toMatch(/^  grants-1 +run 1\/1: +1 resource +in +\d+\.\d s +\(\d+ s elapsed\)$/);
        expect(lines[3]).toMatch(/^one run each, a fresh node process per run/);
        expect(lines[4]).toMatch(/^  pulumi-load +\d+ ms +\d+ ms CPU +\d+ MB max RSS +require\("@pulumi\/pulumi"\)$/);
        expect(lines[5]).toMatch(/^  grants-1 +\d+ ms +\d+ ms CPU +\d+ MB max RSS +1 resource$/);
    });

    it("refuses an unknown stack name in one line", () => {
        const run = benchBadStack;
        expect(run.code).toBe(2);
        expect(run.stderr.trim()).toBe('--only: "clients-7" is not one of grants-1, grants-100, clients-1, clients-20');
    });

    it("has the plan name a PLAN_STATS_FILE it cannot write in one line, exit 2", async () => {
        const file = path.join(tmpdir(), `no-such-folder-${process.pid}`, "stats.json");
        process.env.PLAN_STATS_FILE = file;
        try {
            const run = await runPlan(["--stack", "tt02", "--config-dir", EXAMPLE_STACKS]);
            expect(run.code).toBe(2);
            expect(run.stderr.trim()).toBe(`PLAN_STATS_FILE: cannot write ${file} (its folder does not exist)`);
        } finally {
            delete process.env.PLAN_STATS_FILE;
        }
    });
});

describe("CLIs that only read config", () => {
    it("review of a stack with bad config reports it without loading the Pulumi SDK or azure-native", () => {
        const run = badConfigReview;
        expect(run.code).toBe(2);
        expect(run.stderr.trim()).toMatch(/^org: "TTD" is not a service owner code/);
        expect(run.loaded).toEqual([]);
    });
});

describe("a closed stdout pipe (| head -c 10)", () => {
    it("ends plan --json quietly: no EPIPE, no stack trace, the plan's own exit code", () => {
        const run = closedPipe;
        expect(run.stderr).toBe("");
        expect(run.signal).toBeNull();
        expect(run.code).toBe(0);
    });
});
