/**
 * The guard that keeps `npm test` green for an org that made the root stack files its own
 * (tests/support/rootStackGuard.cjs): it notices a test reading one, in this process and in the
 * processes tests run, and leaves every other file alone. The file read here does not exist: the
 * guard notes the attempt, whatever the org keeps at the root.
 */
import { readFile as readFileCallback, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_STACKS, ROOT, rootStackReadsMessage, runNode } from "../support/helpers";
import { install } from "../support/rootStackGuard.cjs";

const NONE = "Pulumi.guard-test-none.yaml";
const attempt = (file: string) => `try { require("node:fs").readFileSync(${JSON.stringify(file)}, "utf8"); } catch {}`;

describe("the root stack file guard", () => {
    it("notes a root stack file read in this process, and not Pulumi.yaml or the fixtures", () => {
        const guard = install();
        readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
        readFileSync(path.join(EXAMPLE_STACKS, "Pulumi.tt02.yaml"), "utf8");
        expect(guard.read).toEqual([]);
        expect(() => readFileSync(path.join(ROOT, NONE), "utf8")).toThrow(/ENOENT/);
        expect(guard.read).toEqual([NONE]);
        // Read on purpose here: the file passes.
        guard.read = [];
    });

    it("notes one read by file: URL, Buffer, fs/promises and the callback readFile too", async () => {
        const guard = install();
        const full = path.join(ROOT, NONE);
        expect(() => readFileSync(pathToFileURL(full))).toThrow(/ENOENT/);
        expect(() => readFileSync(Buffer.from(full))).toThrow(/ENOENT/);
        await expect(readFile(full, "utf8")).rejects.toThrow(/ENOENT/);
        await new Promise<void>((resolve) => readFileCallback(full, () => resolve()));
        expect(guard.read).toEqual([NONE, NONE, NONE, NONE]);
        guard.read = [];
    });

    it("fails a run of a process that reads one, relative to the project folder too", async () => {
        await expect(runNode(["-e", attempt(NONE)], process.env)).rejects.toThrow(rootStackReadsMessage([NONE]));
        await expect(runNode(["-e", attempt(path.join(ROOT, "Pulumi.yaml"))], process.env)).resolves.toMatchObject({ code: 0 });
    });
});
