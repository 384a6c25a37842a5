/**
 * `adopt --write` loses nothing the user wrote and, when it refuses, writes nothing: not a comment
 * (which no parsed value shows), not the stack file's link or permissions, not an import file.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { mergeStackFile, writeStackFile } from "../../scripts/adopt/mergeStackFile";
import { adoptSaved, OPS, stackFile } from "../support/savedVault";

const PIPELINE = "22222222-3333-4444-5555-666666666666";
const refusal = (f: () => unknown): string[] => {
    try {
        f();
    } catch (e) {
        return (e as { lines?: string[] }).lines ?? [`not an InputError: ${(e as Error).message}`];
    }
    return [];
};

const FRAGMENT = `config:\n  p:accessGrants:\n    - principalId: ${OPS}\n      access: read\n      reason: Ops team reads secrets\n    - principalId: ${PIPELINE}\n      permissions:\n        secrets: [Get]\n      reason: ""\n`;

describe("mergeStackFile keeps every comment, or refuses", () => {
    it("refuses to rewrite a flow list that holds a comment", () => {
        const stack = `config:\n  p:org: ttd\n  p:accessGrants: [\n    # Ops: approved in SEC-42 by the CISO\n    {principalId: ${OPS}, access: read, reason: Ops team reads secrets},\n  ]\n`;
        expect(refusal(() => mergeStackFile(stack, FRAGMENT, "Pulumi.x.yaml", "adopt-x.yaml"))).toEqual([
            "Pulumi.x.yaml: merging would drop 1 comment(s), the first on line 4; nothing written: run adopt without --write and merge adopt-x.yaml into it by hand",
        ]);
    });

    it("refuses to rewrite a flow map that holds a comment", () => {
        const stack = "config:\n  p:keyVault: {\n    authorization: accessPolicy, # chosen by ops\n    name: kv1\n  }\n";
        const lines = refusal(() => mergeStackFile(stack, "config:\n  p:keyVault:\n    authorization: accessPolicy\n    name: kv1\n    tenantId: t\n", "Pulumi.x.yaml"));
        expect(lines).toEqual([expect.stringContaining("would drop 1 comment(s), the first on line 3")]);
    });

    it("still merges where every comment stays", () => {
        const stack = `config:\n  # grants\n  p:accessGrants:\n    - principalId: ${OPS} # ops\n      access: read\n      reason: Ops team reads secrets\n`;
        expect(mergeStackFile(stack, FRAGMENT, "Pulumi.x.yaml").text).toContain("# grants\n  p:accessGrants:\n    - principalId: 11111111-2222-3333-4444-555555555555 # ops\n");
    });
});

describe("writeStackFile", () => {
    it("writes through a symlinked stack file to the file it names, keeping its permissions", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "write-stack-"));
        mkdirSync(path.join(dir, "shared"));
        mkdirSync(path.join(dir, "project"));
        const real = path.join(dir, "shared", "Pulumi.tt02.yaml");
        writeFileSync(real, "config:\n  p:org: ttd\n");
        chmodSync(real, 0o600);
        const link = path.join(dir, "project", "Pulumi.tt02.yaml");
        symlinkSync(path.join("..", "shared", "Pulumi.tt02.yaml"), link);
        writeStackFile(link, readFileSync(link, "utf8"), "config:\n  p:org: ttd\n  p:new: 1\n");
        expect(lstatSync(link).isSymbolicLink()).toBe(true);
        expect(readFileSync(real, "utf8")).toBe("config:\n  p:org: ttd\n  p:new: 1\n");
        expect(statSync(real).mode & 0o777).toBe(0o600);
    });
});

describe("adopt --write that cannot write the stack file", () => {
    it("leaves no import file behind when it says nothing was written", async () => {
        const stack = stackFile(
            "ttd",
            "tt02",
            `  altinn-app-secrets:keyVault:\n    authorization: accessPolicy\n  altinn-app-secrets:accessGrants:\n    - principalId: ${OPS}\n      access: read\n      reason: Operations team reads secrets\n  altinn-app-secrets:redeploy:\n    enabled: true\n`,
        );
        // Where the stack file's temporary copy goes, a file already stands: the stack file cannot be replaced.
        const run = await adoptSaved(stack, ["--write"], {
            policies: [{ objectId: OPS, secrets: ["Get", "List"] }, { objectId: PIPELINE, secrets: ["Get"] }],
            out: "out",
            before: (dir) => writeFileSync(path.join(dir, `Pulumi.tt02.yaml.adopt-${process.pid}`), "in the way"),
        });
        expect(run.code).toBe(2);
        expect(run.stderr.join("\n")).toContain("cannot write");
        expect(run.after).toBe(stack);
        expect(existsSync(path.join(run.dir, "out", "import-tt02.json"))).toBe(false);
    });
});
