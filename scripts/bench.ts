/**
 * `npm run bench`: time the offline plan (`plan --json`, a fresh process each run, as a person
 * runs it) on generated stacks, and print each figure and the 100:1 ratios. A script, not a test.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

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
    maxRssMb: number;
    resources: number;
}

function measure(dir: string, stack: string): Figure {
    const times: number[] = [];
    let rss = 0;
    let resources = 0;
    const statsFile = path.join(dir, `${stack}.stats.json`);
    for (let i = 0; i < RUNS; i++) {
        const start = process.hrtime.bigint();
        const run = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "scripts", "plan.ts"), "--stack", stack, "--config-dir", dir, "--json"], {
            cwd: ROOT,
            env: { ...process.env, PLAN_STATS_FILE: statsFile },
            maxBuffer: 256 * 1024 * 1024,
        });
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (run.status !== 0) throw new Error(`plan --stack ${stack} exited ${run.status}: ${run.stderr.toString().split("\n")[0]}`);
        resources = (JSON.parse(run.stdout.toString()) as { resources: unknown[] }).resources.length;
        rss = Math.max(rss, (JSON.parse(readFileSync(statsFile, "utf8")) as { maxRssKb: number }).maxRssKb / 1024);
    }
    times.sort((a, b) => a - b);
    return { name: stack, medianMs: times[Math.floor(times.length / 2)], maxRssMb: rss, resources };
}

function main(): void {
    const dir = mkdtempSync(path.join(tmpdir(), "altinn-bench-"));
    try {
        const stacks: Record<string, Record<string, unknown>> = {
            "grants-1": grantsStack(1),
            "grants-100": grantsStack(100),
            "clients-1": clientsStack(1),
            "clients-100": clientsStack(100),
        };
        for (const [name, config] of Object.entries(stacks)) writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ config }));
        const figures = Object.keys(stacks).map((s) => measure(dir, s));
        console.log(`plan --json, median of ${RUNS} runs each (fresh process per run, includes tsx start-up)`);
        for (const f of figures) {
            console.log(`  ${f.name.padEnd(12)} ${f.medianMs.toFixed(0).padStart(6)} ms  ${f.maxRssMb.toFixed(0).padStart(4)} MB max RSS  ${String(f.resources).padStart(4)} resources`);
        }
        for (const kind of ["grants", "clients"]) {
            const one = figures.find((f) => f.name === `${kind}-1`)!;
            const hundred = figures.find((f) => f.name === `${kind}-100`)!;
            console.log(`  ratio ${kind} 100:1  time ${(hundred.medianMs / one.medianMs).toFixed(2)}x  memory ${(hundred.maxRssMb / one.maxRssMb).toFixed(2)}x`);
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

main();
