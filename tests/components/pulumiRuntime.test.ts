/**
 * Pulumi's Node.js runtime loads TypeScript with ts-node and type checking, with options of its
 * own. These tests load the program and the policy pack that way, in separate processes, so
 * `pulumi up` and `pulumi preview --policy-pack policy` will accept them.
 *
 * The program is loaded transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY=true, as the workflows may
 * run it): ts-node's per-file type check of the program costs some 20 s of CPU, and `tsc --noEmit`
 * in `npm test` checks the same files with the same tsconfig. The policy pack has a tsconfig of
 * its own that nothing else checks, so it is loaded type-checked.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_STACKS, ROOT, runNode } from "../support/helpers";

const RUNTIME = path.join(ROOT, "tests", "support", "fixtures", "pulumi-ts-runtime.js");

describe.concurrent("under Pulumi's TypeScript runtime (ts-node)", () => {
    it("loads and runs the program for the tt02 stack", async () => {
        const result = await runNode([RUNTIME, "program", ROOT, "tt02", EXAMPLE_STACKS], { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout).resources).toBeGreaterThan(20);
    }, 90_000);

    it("loads the policy pack, which prints its analyzer port and keeps serving", async () => {
        const child = spawn(process.execPath, [RUNTIME, "policy", path.join(ROOT, "policy")]);
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<string>((resolve, reject) => {
            child.stdout.on("data", (d: Buffer) => resolve(d.toString().trim()));
            child.on("close", (code) => reject(new Error(`policy pack exited ${code}: ${stderr}`)));
        });
        expect(port).toMatch(/^\d+$/);
        expect(child.exitCode).toBeNull(); // still serving
        child.kill();
        expect(stderr).toBe("");
    }, 90_000);
});
