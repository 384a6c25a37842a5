/**
 * Assertions on the rendered model, as CDK's Template does: count and find resources the
 * mocks recorded. Also: run the plan CLI and write throwaway stack files and pack configs.
 */
import { ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { vi } from "vitest";
import { stringify } from "yaml";
import type { RecordedResource } from "../../scripts/offline/mocks";
import { ConfigError, ParseOptions, parseStackConfig } from "../../core/config/parse";
import { install } from "./rootStackGuard.cjs";

export const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The example stacks as shipped (a copy of the root Pulumi.tt02.yaml and Pulumi.prod.yaml): tests
 * that depend on the examples read these, so an org that makes the root stack files its own, as the
 * README says, keeps a green `npm test`. tests/repo/stackFiles.test.ts checks the root ones.
 */
export const EXAMPLE_STACKS = path.join(ROOT, "tests", "support", "fixtures", "stacks");

/** For a test file that checks the org's own root stack files on purpose: tests/support/setup.ts lets it read them. */
export function readsRootStackFiles(): void {
    install().allowed = true;
}

/** Why reading the root stack files in a test is a defect (tests/support/rootStackGuard.cjs). */
export function rootStackReadsMessage(files: string[]): string {
    return `read the org's own ${files.join(", ")} at the project root: read tests/support/fixtures/stacks (EXAMPLE_STACKS, --config-dir) instead, so that npm test passes whatever the org's stack files hold`;
}

export function resourcesOfType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

export function resourceCount(resources: RecordedResource[], type: string): number {
    return resourcesOfType(resources, type).length;
}

/** True when `actual` contains everything in `partial` (objects by key, arrays element-wise). */
export function matches(actual: unknown, partial: unknown): boolean {
    if (partial === null || typeof partial !== "object") return Object.is(actual, partial);
    if (Array.isArray(partial)) {
        return Array.isArray(actual) && actual.length === partial.length && partial.every((p, i) => matches(actual[i], p));
    }
    if (actual === null || typeof actual !== "object") return false;
    return Object.entries(partial).every(([k, v]) => matches((actual as Record<string, unknown>)[k], v));
}

export function hasResource(resources: RecordedResource[], type: string, partialInputs: Record<string, unknown>): boolean {
    return resourcesOfType(resources, type).some((r) => matches(r.inputs, partialInputs));
}

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

/**
 * Start `node <nodeArgs>` in the project folder with `env` as its whole environment, noting the
 * root stack files it reads (a test must not depend on what the org wrote there). `checkReads`,
 * once the process has ended, throws if it read one.
 */
export function spawnNode(nodeArgs: string[], env: NodeJS.ProcessEnv): { child: ChildProcessWithoutNullStreams; checkReads: () => void } {
    const reads = path.join(tmpdir(), `root-stack-reads-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const child = spawn(process.execPath, ["--require", ROOT_STACK_GUARD, ...nodeArgs], { cwd: ROOT, env: { ...env, ROOT_STACK_READS_FILE: reads } });
    const checkReads = () => {
        const read = existsSync(reads) ? readFileSync(reads, "utf8").split("\n").filter(Boolean) : [];
        rmSync(reads, { force: true });
        if (read.length && !install().allowed) throw new Error(rootStackReadsMessage([...new Set(read)]));
    };
    return { child, checkReads };
}

/** Run `node <nodeArgs>` in the project folder with `env` as its whole environment; collect what it prints. */
export function runNode(nodeArgs: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const { child, checkReads } = spawnNode(nodeArgs, env);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            try {
                checkReads();
                resolve({ code: code ?? -1, stdout, stderr });
            } catch (e) {
                reject(e);
            }
        });
    });
}

const ROOT_STACK_GUARD = path.join(ROOT, "tests", "support", "rootStackGuard.cjs");

/** The node arguments that run the project's TypeScript, as the npm scripts do. */
export const TYPESCRIPT = ["--require", path.join(ROOT, "scripts", "cli", "typescript.cjs")];

/** Run a repo script as `npm run` does, with extra environment. */
export function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
    return runNode([...TYPESCRIPT, path.join(ROOT, script), ...args], { ...process.env, ...env });
}

/** Run the plan CLI as its own process: for tests of the process itself (exit, pipes, stray output). */
export function runPlanProcess(args: string[]): Promise<RunResult> {
    return runScript("scripts/plan/main.ts", args);
}

let cliQueue: Promise<unknown> = Promise.resolve();

/**
 * Run a CLI in this process: the same argument parsing, evaluation, output and exit code as the
 * script, at a tenth of a process's cost. Pulumi's mock runtime is global, so runs queue one
 * after another, each with freshly loaded project modules (and so a fresh program).
 */
function runInProcess(cli: "plan" | "review", args: string[]): Promise<RunResult> {
    const run = cliQueue.then(async () => {
        vi.resetModules();
        const { executeCli } = await import("../../scripts/cli/cli");
        if (cli === "plan") {
            const { PLAN_CLI, planMain } = await import("../../scripts/plan/planCli");
            return executeCli(PLAN_CLI, planMain, args);
        }
        const { REVIEW_CLI, reviewMain } = await import("../../scripts/review/reviewCli");
        return executeCli(REVIEW_CLI, reviewMain, args);
    });
    cliQueue = run.catch(() => undefined);
    return run;
}

/** `npm run plan -- <args>`, in this process (see runInProcess). */
export function runPlan(args: string[]): Promise<RunResult> {
    return runInProcess("plan", args);
}

/** `npm run review -- <args>`, in this process (see runInProcess). */
export function runReview(args: string[]): Promise<RunResult> {
    return runInProcess("review", args);
}

/** Write `Pulumi.<stack>.yaml` files for the given configs into a fresh temporary folder. */
export function writeStacks(stacks: Record<string, Record<string, unknown>>): string {
    const dir = mkdtempSync(path.join(tmpdir(), "altinn-app-secrets-"));
    for (const [stack, config] of Object.entries(stacks)) {
        const namespaced = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `altinn-app-secrets:${k}`, v]));
        writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config: namespaced }));
    }
    return dir;
}

/** Raw config as Pulumi passes it: full keys, objects as JSON text. */
export function rawConfig(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [`altinn-app-secrets:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

/**
 * An adopt fragment as a person completes it: every empty reason, clientId and scope written,
 * keys without the project's namespace (ready for `writeStacks`).
 */
export function completedFragment(fragment: { config: Record<string, unknown> }, filled: { reason: string; clientId: string; scope: string }): Record<string, unknown> {
    const config = JSON.parse(JSON.stringify(fragment.config), (key, value) =>
        (key === "reason" || key === "clientId" || key === "scope") && value === "" ? filled[key] : (value as unknown),
    ) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/^altinn-app-secrets:/, ""), v]));
}

/** The lines parseStackConfig refuses `raw` with; none when it is accepted. */
export function configErrors(raw: Record<string, string>, opts: ParseOptions = {}): string[] {
    try {
        parseStackConfig(raw, opts);
    } catch (e) {
        if (e instanceof ConfigError) return e.errors;
        throw e;
    }
    return [];
}

/** git in `dir` as a throwaway test user (no signing): for stack files with a history. */
export function git(dir: string, ...args: string[]): string {
    return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd: dir }).toString().trim();
}

/**
 * A throwaway policy/config.json in `dir`: the shipped one with `allowedStudioHosts` set to
 * `studioHosts` (left out when undefined: the default applies). Returns its path.
 */
export function writePackConfig(studioHosts: string[] | undefined, dir = mkdtempSync(path.join(tmpdir(), "altinn-app-secrets-pack-"))): string {
    const { allowedStudioHosts: _shipped, ...rest } = JSON.parse(readFileSync(path.join(ROOT, "policy", "config.json"), "utf8")) as Record<string, unknown>;
    const file = path.join(dir, "config.json");
    writeFileSync(file, JSON.stringify(studioHosts === undefined ? rest : { ...rest, allowedStudioHosts: studioHosts }, null, 2));
    return file;
}

/**
 * The redeploy script as it ships (scripts/redeploy.mjs, scripts/redeploy/, core/) copied into a
 * fresh folder with a policy/config.json of its own beside it: `studioHosts` as in writePackConfig,
 * or the shipped file itself when "shipped". For a spawned run that reads the config as
 * `pulumi up` does. Returns the script's path.
 */
export function redeployScriptCopy(studioHosts: string[] | undefined | "shipped"): string {
    const dir = mkdtempSync(path.join(tmpdir(), "altinn-app-secrets-redeploy-"));
    // No "type" here, as in the project: core/*.js load as CommonJS.
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true }));
    cpSync(path.join(ROOT, "core"), path.join(dir, "core"), { recursive: true });
    cpSync(path.join(ROOT, "scripts", "redeploy"), path.join(dir, "scripts", "redeploy"), { recursive: true });
    cpSync(path.join(ROOT, "scripts", "redeploy.mjs"), path.join(dir, "scripts", "redeploy.mjs"));
    mkdirSync(path.join(dir, "policy"));
    if (studioHosts === "shipped") cpSync(path.join(ROOT, "policy", "config.json"), path.join(dir, "policy", "config.json"));
    else writePackConfig(studioHosts, path.join(dir, "policy"));
    return path.join(dir, "scripts", "redeploy.mjs");
}
