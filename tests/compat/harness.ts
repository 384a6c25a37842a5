/**
 * Builds and runs the .NET harness in this folder (Program.cs), which runs Altinn's own
 * Maskinporten client on a stored secret. The build is cached: it is redone only when the
 * harness sources change (a hash of them is kept next to the build output).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export const HARNESS_DIR = __dirname;
const PROJECT = path.join(HARNESS_DIR, "Compat.csproj");
const SOURCES = ["Compat.csproj", "Program.cs", "packages.lock.json"];
const DLL = path.join(HARNESS_DIR, "bin", "Release", "net10.0", "Compat.dll");
const STAMP = path.join(HARNESS_DIR, "bin", "sources.sha256");

/** Quiet, offline-friendly dotnet: no telemetry, banners or first-run work. */
const DOTNET_ENV = { DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1", DOTNET_SKIP_FIRST_TIME_EXPERIENCE: "1", DOTNET_CLI_UI_LANGUAGE: "en" };

/** The `dotnet` executable on PATH, or undefined. */
export function dotnetOnPath(envPath = process.env.PATH ?? ""): string | undefined {
    for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
        const candidate = path.join(dir, "dotnet");
        try {
            accessSync(candidate, constants.X_OK);
            return candidate;
        } catch {
            // not in this folder
        }
    }
    return undefined;
}

export interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function run(command: string, args: string[], opts: { stdin?: string; timeoutMs: number }): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: HARNESS_DIR, env: { ...process.env, ...DOTNET_ENV }, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
        });
        // A harness that exits before reading its input (bad usage) must not crash the test run.
        child.stdin.on("error", () => undefined);
        child.stdin.end(opts.stdin ?? "");
    });
}

function sourcesHash(): string {
    const hash = createHash("sha256");
    for (const file of SOURCES) hash.update(file).update("\0").update(readFileSync(path.join(HARNESS_DIR, file))).update("\0");
    return hash.digest("hex");
}

/**
 * The built harness, building it first when its sources changed since the last build.
 * Restore is locked to packages.lock.json, so the client version under test cannot drift.
 */
export async function buildHarness(dotnet: string): Promise<{ dll: string; built: boolean }> {
    const hash = sourcesHash();
    if (existsSync(DLL) && existsSync(STAMP) && readFileSync(STAMP, "utf8") === hash) return { dll: DLL, built: false };
    // No build servers: they would outlive the build and keep its output pipes open.
    const result = await run(dotnet, ["build", PROJECT, "-c", "Release", "--disable-build-servers", "-nodeReuse:false", "-v", "q", "-p:RestoreLockedMode=true"], { timeoutMs: 240_000 });
    if (result.code !== 0) {
        const lines = `${result.stdout}\n${result.stderr}`.split("\n").filter((l) => /error|warn/i.test(l));
        throw new Error(`dotnet build of tests/compat failed (exit ${result.code}):\n${lines.slice(0, 20).join("\n")}`);
    }
    mkdirSync(path.dirname(STAMP), { recursive: true });
    writeFileSync(STAMP, hash);
    return { dll: DLL, built: true };
}

/** Legacy settings, as the app's `MaskinportenSettings` section holds them. */
export interface LegacySettings {
    environment: string;
    clientId: string;
    scope: string;
}

/** The token request the real client sent, as the harness captured it. */
export interface CapturedRequest {
    method: string;
    url: string;
    contentType: string | null;
    form: Record<string, string>;
}

/** Run the real client on `secret` (given on stdin, never on the command line). */
export function runHarness(dotnet: string, dll: string, settings: LegacySettings, secret: string): Promise<Run> {
    return run(dotnet, harnessArgs(dll, settings), { stdin: secret, timeoutMs: 30_000 });
}

/** The harness command line: settings only, the secret goes on stdin. */
export function harnessArgs(dll: string, settings: LegacySettings): string[] {
    return [dll, "--environment", settings.environment, "--client-id", settings.clientId, "--scope", settings.scope];
}
