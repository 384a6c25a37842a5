/**
 * Where `npm run status` gets a stack's outputs: a saved file (`--outputs`), or the Pulumi CLI
 * (`pulumi stack output --json --stack <name>`, without --show-secrets: secret outputs stay
 * `[secret]`). The CLI is spawned without a shell, bounded in time and in what it may print.
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { InputError } from "../cli/cli";
import { CONTROL, INVISIBLE } from "../../core/status/model";

/** Outputs larger than this are not a stack of this program. */
export const MAX_OUTPUTS_BYTES = 10 * 1024 * 1024;
export const PULUMI_TIMEOUT_MS = 120_000;

function parseJson(text: string, what: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new InputError([`${what}: not JSON; save the outputs with: pulumi stack output --json --stack <name> > outputs.json`]);
    }
}

/** A saved `pulumi stack output --json`. */
export function readOutputsFile(file: string): unknown {
    let size: number;
    try {
        size = statSync(file).size;
    } catch {
        throw new InputError([`--outputs: ${file} cannot be read`]);
    }
    if (size > MAX_OUTPUTS_BYTES) throw new InputError([`--outputs: ${file} is larger than ${MAX_OUTPUTS_BYTES} bytes; not the outputs of this program`]);
    return parseJson(readFileSync(file, "utf8"), `--outputs ${file}`);
}

export interface PulumiRun {
    /** The command to run. Defaults to `pulumi` on PATH. */
    command?: string;
    timeoutMs?: number;
    maxBytes?: number;
    env?: NodeJS.ProcessEnv;
}

/** `pulumi stack output --json --stack <stack>`, read within bounds; a missing CLI is one clear line. */
export function readPulumiOutputs(stack: string, run: PulumiRun = {}): Promise<unknown> {
    const maxBytes = run.maxBytes ?? MAX_OUTPUTS_BYTES;
    const suggest = `or pass a saved file: pulumi stack output --json --stack ${stack} > outputs.json, then --outputs outputs.json`;
    return new Promise((resolve, reject) => {
        const child = spawn(run.command ?? "pulumi", ["stack", "output", "--json", "--stack", stack], { shell: false, env: run.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        let size = 0;
        let err = "";
        let settled = false;
        const settle = (e: Error | undefined, value?: unknown) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            if (e) reject(e);
            else resolve(value);
        };
        // Settle at once: a process pulumi started may hold the pipes open long after pulumi is killed.
        const fail = (e: Error) => {
            settle(e);
            child.kill("SIGKILL");
            child.stdout.destroy();
            child.stderr.destroy();
        };
        const timer = setTimeout(() => fail(new InputError([`pulumi stack output did not finish within ${(run.timeoutMs ?? PULUMI_TIMEOUT_MS) / 1000} s; ${suggest}`])), run.timeoutMs ?? PULUMI_TIMEOUT_MS);
        child.stdout.on("data", (d: Buffer) => {
            size += d.length;
            if (size > maxBytes) fail(new InputError([`pulumi stack output printed more than ${maxBytes} bytes; not the outputs of this program`]));
            else out.push(d);
        });
        child.stderr.on("data", (d: Buffer) => {
            if (err.length < 2000) err += d.toString();
        });
        child.on("error", (e: NodeJS.ErrnoException) => {
            settle(e.code === "ENOENT" ? new InputError([`the Pulumi CLI (pulumi) is not on PATH; install it and log in to the stack's backend, ${suggest}`]) : new InputError([`pulumi could not be started (${e.code ?? "error"}); ${suggest}`]));
        });
        child.on("close", (code) => {
            if (settled) return;
            if (code !== 0) {
                const first = err.split("\n").find((l) => l.trim() !== "")?.replace(CONTROL, " ").replace(INVISIBLE, "").trim().slice(0, 300) || `exit code ${code}`;
                return settle(new InputError([`pulumi stack output --stack ${stack} failed: ${first}`]));
            }
            try {
                settle(undefined, parseJson(Buffer.concat(out).toString("utf8"), "pulumi stack output"));
            } catch (e) {
                settle(e as Error);
            }
        });
    });
}
