/**
 * `npm run bench`: time loading @pulumi/pulumi in a fresh node process (the floor any plan pays)
 * and the offline plan (`plan --json`, a fresh process each run, as `npm run plan` runs it) on
 * generated stacks; print progress as it goes, then each figure, the one-client plan against
 * loading @pulumi/pulumi, and the many:1 ratios. A script, not a test.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { CliSpec, runCli, UsageError } from "../cli/cli";
import { LIMITS } from "../../core/config/limits";

/** The largest stacks the config allows (core/config/limits.ts). */
const MANY_GRANTS = LIMITS.accessGrants;
const MANY_CLIENTS = LIMITS.maskinportenClients;

const ROOT = path.resolve(__dirname, "..", "..");

export const BENCH_CLI: CliSpec = {
    command: "bench",
    summary: `Time loading @pulumi/pulumi in a fresh node process, and the offline plan (plan --json, a fresh process per run, as npm run plan runs it) on generated stacks of 1 and ${MANY_GRANTS} grants and 1 and ${MANY_CLIENTS} Maskinporten clients (the most a stack may hold).`,
    options: {
        runs: { type: "string", value: "<n>", description: "runs per stack; the median is reported. Defaults to $BENCH_RUNS or 3" },
        only: { type: "string", value: "<stacks>", description: `comma-separated subset of grants-1, grants-${MANY_GRANTS}, clients-1, clients-${MANY_CLIENTS}. Defaults to all` },
    },
    notes: ["Progress goes to stdout as each run ends; the table, the one-client plan against loading @pulumi/pulumi and the many:1 ratios come last."],
    exitCodes: { 0: "measured" },
};

function guid(i: number, salt: number): string {
    const hex = (i * 7919 + salt).toString(16).padStart(12, "0").slice(-12);
    return `${salt.toString(16).padStart(8, "0")}-1111-4222-8333-${hex}`;
}

/** A tt02 stack with `grants` access grants. */
function grantsStack(grants: number): Record<string, unknown> {
    return {
        "altinn-app-secrets:org": "ttd",
        "altinn-app-secrets:environment": "tt02",
        "altinn-app-secrets:accessGrants": Array.from({ length: grants }, (_, i) => ({
            principalId: guid(i, 1),
            access: i % 10 === 0 ? "write" : "read",
            reason: `Generated grant number ${i} for the benchmark`,
        })),
    };
}

/** A tt02 stack with `clients` Maskinporten clients (one key pair each, generated as the plan does). */
function clientsStack(clients: number): Record<string, unknown> {
    return {
        "altinn-app-secrets:org": "ttd",
        "altinn-app-secrets:environment": "tt02",
        "altinn-app-secrets:maskinportenClients": Array.from({ length: clients }, (_, i) => ({
            section: `Client${i}`,
            clientId: guid(i, 2),
            format: i % 2 === 0 ? "legacy" : "builtin",
            scope: "altinn:serviceowner/instances.read",
            apps: [`app-${i % 10}`],
        })),
    };
}

interface Figure {
    name: string;
    medianMs: number;
    /** Median CPU time of the plan process (all threads): steadier than wall time on a shared machine. */
    medianCpuMs: number;
    maxRssMb: number;
    resources: number;
}

/** One progress line, printed at once (the whole bench takes tens of seconds). */
function progress(line: string): void {
    process.stdout.write(`${line}\n`);
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/** What `require("@pulumi/pulumi")` costs a fresh node process: the floor under every plan. */
const PULUMI_LOAD = `require("@pulumi/pulumi"); const u = process.resourceUsage(); process.stdout.write(JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));`;

function measurePulumiLoad(runs: number, started: bigint): Figure {
    const times: number[] = [];
    const cpu: number[] = [];
    let rss = 0;
    for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const run = spawnSync(process.execPath, ["-e", PULUMI_LOAD], { cwd: ROOT });
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (run.status !== 0) throw new Error(`loading @pulumi/pulumi exited ${run.status}: ${run.stderr.toString().split("\n")[0]}`);
        const stats = JSON.parse(run.stdout.toString()) as { maxRssKb: number; cpuMs: number };
        rss = Math.max(rss, stats.maxRssKb / 1024);
        cpu.push(stats.cpuMs);
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        progress(`  ${"pulumi-load".padEnd(12)} run ${i + 1}/${runs}: require("@pulumi/pulumi") in ${(times[i] / 1000).toFixed(1).padStart(5)} s  (${elapsed.toFixed(0)} s elapsed)`);
    }
    return { name: "pulumi-load", medianMs: median(times), medianCpuMs: median(cpu), maxRssMb: rss, resources: 0 };
}

/** `1 stack`, `2 stacks`. */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function measure(dir: string, stack: string, runs: number, started: bigint): Figure {
    const times: number[] = [];
    const cpu: number[] = [];
    let rss = 0;
    let resources = 0;
    const statsFile = path.join(dir, `${stack}.stats.json`);
    for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const run = spawnSync(process.execPath, ["--require", path.join(ROOT, "scripts", "cli", "typescript.cjs"), path.join(ROOT, "scripts", "plan", "main.ts"), "--stack", stack, "--config-dir", dir, "--json"], {
            cwd: ROOT,
            env: { ...process.env, PLAN_STATS_FILE: statsFile },
            maxBuffer: 256 * 1024 * 1024,
        });
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (run.status !== 0) throw new Error(`plan --stack ${stack} exited ${run.status}: ${run.stderr.toString().split("\n")[0]}`);
        resources = (JSON.parse(run.stdout.toString()) as { resources: unknown[] }).resources.length;
        const stats = JSON.parse(readFileSync(statsFile, "utf8")) as { maxRssKb: number; cpuMs: number };
        rss = Math.max(rss, stats.maxRssKb / 1024);
        cpu.push(stats.cpuMs);
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        progress(`  ${stack.padEnd(12)} run ${i + 1}/${runs}: ${String(resources).padStart(4)} ${resources === 1 ? "resource " : "resources"} in ${(times[i] / 1000).toFixed(1).padStart(5)} s  (${elapsed.toFixed(0)} s elapsed)`);
    }
    return { name: stack, medianMs: median(times), medianCpuMs: median(cpu), maxRssMb: rss, resources };
}

// Run as `npm run bench`; a test imports it for its --help only.
if (require.main === module) runCli(BENCH_CLI, async (args) => {
    const runs = Number(args.runs ?? process.env.BENCH_RUNS ?? 3);
    if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new UsageError(`--runs: ${JSON.stringify(args.runs ?? process.env.BENCH_RUNS)} is not a whole number from 1 to 50`);
    const started = process.hrtime.bigint();
    const dir = mkdtempSync(path.join(tmpdir(), "altinn-bench-"));
    try {
        const all: Record<string, Record<string, unknown>> = {
            "grants-1": grantsStack(1),
            [`grants-${MANY_GRANTS}`]: grantsStack(MANY_GRANTS),
            "clients-1": clientsStack(1),
            [`clients-${MANY_CLIENTS}`]: clientsStack(MANY_CLIENTS),
        };
        const only = typeof args.only === "string" ? args.only.split(",").map((s) => s.trim()) : Object.keys(all);
        const unknown = only.filter((s) => !(s in all));
        if (unknown.length) throw new UsageError(`--only: ${unknown.map((s) => JSON.stringify(s)).join(", ")} is not one of ${Object.keys(all).join(", ")}`);
        const stacks = Object.fromEntries(only.map((s) => [s, all[s]]));
        for (const [name, config] of Object.entries(stacks)) writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ config }));
        progress(`bench: loading @pulumi/pulumi and ${count(Object.keys(stacks).length, "stack")}, ${count(runs, "run")} each`);
        const pulumiLoad = measurePulumiLoad(runs, started);
        const figures = Object.keys(stacks).map((s) => measure(dir, s, runs, started));
        const out = [runs === 1 ? "one run each, a fresh node process per run (node start-up included)" : `median of ${runs} runs each, a fresh node process per run (node start-up included)`];
        for (const f of [pulumiLoad, ...figures]) {
            const what = f === pulumiLoad ? "require(\"@pulumi/pulumi\")" : `${String(f.resources).padStart(4)} ${f.resources === 1 ? "resource" : "resources"}`;
            out.push(`  ${f.name.padEnd(12)} ${f.medianMs.toFixed(0).padStart(6)} ms  ${f.medianCpuMs.toFixed(0).padStart(6)} ms CPU  ${f.maxRssMb.toFixed(0).padStart(4)} MB max RSS  ${what}`);
        }
        const single = figures.find((f) => f.name === "clients-1");
        if (single) out.push(`  ratio clients-1 : pulumi-load  time ${(single.medianMs / pulumiLoad.medianMs).toFixed(2)}x  CPU ${(single.medianCpuMs / pulumiLoad.medianCpuMs).toFixed(2)}x`);
        for (const [kind, many] of [["grants", MANY_GRANTS], ["clients", MANY_CLIENTS]] as const) {
            const one = figures.find((f) => f.name === `${kind}-1`);
            const most = figures.find((f) => f.name === `${kind}-${many}`);
            if (!one || !most) continue;
            out.push(`  ratio ${kind} ${many}:1  time ${(most.medianMs / one.medianMs).toFixed(2)}x  CPU ${(most.medianCpuMs / one.medianCpuMs).toFixed(2)}x  memory ${(most.maxRssMb / one.maxRssMb).toFixed(2)}x`);
        }
        return { output: out.join("\n"), code: 0 };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
