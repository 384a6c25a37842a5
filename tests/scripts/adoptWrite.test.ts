/**
 * `npm run adopt -- --write`: the fragment merged into the stack file itself, everything else kept
 * byte for byte; refused when a `secure:` value would be lost or the file changed meanwhile.
 * Also adopt's `--json` and its text width. Saved `az` output only.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runAdopt } from "../../scripts/adopt/adoptCli";
import { mergeStackFile, writeStackFile } from "../../scripts/adopt/mergeStackFile";
import { ROOT } from "../support/helpers";
import { adoptSaved, OPS, stackFile, SUB, TENANT } from "../support/savedVault";

const HAND = "77777777-8888-4999-8aaa-bbbbbbbbbbbb";

/** A stack file as a person writes one: comments, a flow list, an aligned comment, a secure value. */
const STACK = stackFile(
    "ttd",
    "Our tt02 stack. Reviewed by the platform team.",
    `  altinn-app-secrets:keyVault:
    subscriptionId: ${SUB}     # the apps subscription
    tenantId: ${TENANT}
  altinn-app-secrets:accessGrants:
    # Operations, see the runbook
    - principalId: ${OPS}
      permissions: { secrets: [get, list] }
      reason: Operations team reads secrets
  altinn-app-secrets:appSecrets:
    - section: ExternalApi
      key: ApiKey
      apps: [app-a]
      value:
        secure: v1:c29tZSBub25jZQ==:c29tZSBjaXBoZXJ0ZXh0
`,
);

const adopt = (stackText: string, extra: string[], policies = [{ objectId: OPS, secrets: ["get", "list"] }, { objectId: HAND, secrets: ["Get"] }], width = 100) => adoptSaved(stackText, extra, { policies, width });

describe("adopt --write", () => {
    it("merges the adopted grant into the stack file, keeping every other line as written, and shows the change", async () => {
        const run = await adopt(STACK, ["--write"]);
        expect(run.stderr).toEqual([]);
        expect(run.code).toBe(0);
        // Only the adopted entry is new: the file is the old one with lines added after the last grant.
        const added = run.after.split("\n").filter((l) => !STACK.split("\n").includes(l));
        expect(run.after.split("\n").filter((l) => !added.includes(l))).toEqual(STACK.split("\n"));
        expect(added.join("\n")).toContain(`- principalId: ${HAND}`);
        expect(added.join("\n")).toContain('reason: ""');
        expect((parse(run.after) as { config: Record<string, unknown[]> }).config["altinn-app-secrets:accessGrants"]).toHaveLength(2);
        const text = run.stdout.join("\n");
        expect(text).toContain("Changes to Pulumi.tt02.yaml:");
        expect(text).toMatch(/@@ line 14\n {2} {6}reason: Operations team reads secrets\n\+ {5}# adopted: .*\n(?:\+ {7}\S.*\n)*\+ {5}- principalId: 77777777/);
        // Every line between the hunk's header and the next blank line is context or marked as a change.
        const hunk = text.slice(text.indexOf("@@ line 14")).split("\n\n")[0].split("\n").slice(2);
        expect(hunk.every((l) => l.startsWith("+ "))).toBe(true);
        expect(text).toContain("1. In Pulumi.tt02.yaml, write every empty reason");
        // The import file is written; the fragment file is not needed.
        expect(run.stdout.join("\n")).toContain(path.join(run.dir, "import-tt02.json"));
        expect(() => readFileSync(path.join(run.dir, "adopt-tt02.yaml"))).toThrow();
    });

    it("changes nothing, and says so, when there is nothing to adopt", async () => {
        const run = await adopt(STACK, ["--write"], [{ objectId: OPS, secrets: ["get", "list"] }]);
        expect(run.code).toBe(0);
        expect(run.after).toBe(STACK);
        expect(run.stdout.join("\n")).toContain("Pulumi.tt02.yaml: nothing to change.");
    });

    it("refuses, writing nothing, when the key it rewrites holds a secure: value", async () => {
        const secureGrant = STACK.replace("reason: Operations team reads secrets", "reason:\n        secure: v1:bm9uY2U=:Y2lwaGVy");
        const run = await adopt(secureGrant, ["--write"]);
        expect(run.code).toBe(2);
        // Only appSecrets[].value may be secure: the stack file is refused before adopt writes anything.
        expect(run.stderr.join("\n")).toContain("accessGrants[0].reason: is a secure: value, and only appSecrets[].value may be one");
        expect(run.after).toBe(secureGrant);
    });

    it("refuses to write over a stack file that changed after it was read", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "adopt-write-"));
        const file = path.join(dir, "Pulumi.tt02.yaml");
        writeFileSync(file, `${STACK}# someone's edit\n`);
        expect(() => writeStackFile(file, STACK, "config: {}\n")).toThrow("Pulumi.tt02.yaml changed while adopt ran; nothing written");
        expect(readFileSync(file, "utf8")).toBe(`${STACK}# someone's edit\n`);
    });

    it("never drops a secure: value, and never writes a merge that reads differently from the fragment", () => {
        // A fragment that would replace the app secrets (adopt never writes one; the check holds anyway).
        const fragment = "config:\n  altinn-app-secrets:appSecrets:\n    - section: ExternalApi\n      key: ApiKey\n      apps: [app-a]\n      generate: { length: 32 }\n";
        expect(() => mergeStackFile(STACK, fragment, "Pulumi.tt02.yaml")).toThrow("merging would drop 1 secure: value(s); nothing written");
    });

    it("edits inside flow lists and keys without touching their neighbours; adds a missing key at the end of config", () => {
        const fragment = `config:\n  altinn-app-secrets:keyVault:\n    subscriptionId: ${SUB}\n    tenantId: ${TENANT}\n    authorization: accessPolicy\n  altinn-app-secrets:accessGrants:\n    - principalId: ${OPS}\n      permissions: { secrets: [get, list, Set] }\n      reason: Operations team reads secrets\n  altinn-app-secrets:maskinportenClients:\n    - section: Partner\n      clientId: ""\n`;
        const merged = mergeStackFile(STACK, fragment, "Pulumi.tt02.yaml");
        expect(merged.text).toContain(`    subscriptionId: ${SUB}     # the apps subscription\n    tenantId: ${TENANT}\n    authorization: accessPolicy\n`);
        expect(merged.text).toContain("      permissions: { secrets: [get, list, Set] }\n");
        expect(merged.text.endsWith('  altinn-app-secrets:maskinportenClients:\n    - section: Partner\n      clientId: ""\n')).toBe(true);
        expect(merged.diff).toContain("-       permissions: { secrets: [get, list] }");
        expect(merged.diff).toContain("+       permissions: { secrets: [get, list, Set] }");
    });
});

describe("adopt's Next: steps", () => {
    it("name the files as the user types them from the current folder: relative inside it, absolute outside it", async () => {
        const first = await adopt(STACK, []);
        const args = (out: string, extra: string[] = []) => ["--stack", "tt02", "--config-dir", first.dir, "--out", out, "--vault-json", path.join(first.dir, "v.json"), "--secrets-json", path.join(first.dir, "s.json"), ...extra];
        const inside = await runAdopt(args("adopt/"), { root: ROOT, env: {}, cwd: first.dir });
        expect(inside.code).toBe(0);
        const text = inside.stdout.join("\n");
        expect(text).toContain("1. Replace those keys in Pulumi.tt02.yaml with adopt/adopt-tt02.yaml (or run again with --write)");
        expect(text).toContain(`2. npm run plan -- --stack tt02 --config-dir ${first.dir}   (refuses`);
        expect(text).toContain("pulumi import -s tt02 --file adopt/import-tt02.json --protect=false");
        // From another folder: absolute.
        const outside = await runAdopt(args(path.join(first.dir, "far")), { root: ROOT, env: {}, cwd: ROOT });
        expect(outside.stderr).toEqual([]);
        const far = path.join(first.dir, "far");
        expect(outside.stdout.join("\n")).toContain(`1. Replace those keys in ${path.join(first.dir, "Pulumi.tt02.yaml")} with ${path.join(far, "adopt-tt02.yaml")} (or`);
        expect(outside.stdout.join("\n")).toContain(`pulumi import -s tt02 --file ${path.join(far, "import-tt02.json")} --protect=false`);
        // With a space in --out: quoted, so a copy works as printed.
        const spaced = await runAdopt(args("with space", ["--write"]), { root: ROOT, env: {}, cwd: first.dir });
        expect(spaced.stderr).toEqual([]);
        expect(spaced.stdout.join("\n")).toContain("1. In Pulumi.tt02.yaml, write every empty reason");
        expect(spaced.stdout.join("\n")).toContain("pulumi import -s tt02 --file 'with space/import-tt02.json' --protect=false");
    });
});

describe("adopt --json and text width", () => {
    it("--json prints one object with the summary, fragment, import file and files written; errors too are JSON", async () => {
        const run = await adopt(STACK, ["--json"]);
        expect(run.code).toBe(0);
        const out = JSON.parse(run.stdout.join("\n")) as Record<string, unknown>;
        expect(Object.keys(out)).toEqual(["stack", "summary", "fragment", "importFile", "written", "stackFileChanges"]);
        expect(out.written).toEqual([path.join(run.dir, "adopt-tt02.yaml"), path.join(run.dir, "import-tt02.json")]);
        const again = await runAdopt(["--stack", "tt02", "--config-dir", run.dir, "--out", run.dir, "--vault-json", path.join(run.dir, "v.json"), "--json"], { root: ROOT, env: {} });
        expect(again.code).toBe(2);
        expect(JSON.parse(again.stdout.join("\n"))).toEqual({ exitCode: 2, errors: again.stderr });
    });

    it("keeps every line of its text within the terminal's width as npm run adopt prints it (100 when not a terminal)", async () => {
        for (const width of [100, 72]) {
            const run = await adopt(STACK, ["--write"], undefined, width);
            expect(run.stdout.filter((l) => l.length > width)).toEqual([]);
        }
        // Unwrapped, the summary has lines over 100 columns: the wrapping is what keeps it within.
        expect((await adopt(STACK, ["--write"], undefined, 0)).stdout.some((l) => l.length > 100)).toBe(true);
    });

    it("keeps its error lines within the width too: a long problem continues on lines indented by two spaces", async () => {
        const first = await adopt(STACK, []);
        expect(first.code).toBe(0);
        // Again without --force: both output files exist, and each problem names its path.
        const dir = path.join(first.dir, "out");
        mkdirSync(dir);
        for (const f of ["adopt-tt02.yaml", "import-tt02.json"]) writeFileSync(path.join(dir, f), "kept\n");
        // A path is one word and stays whole: the width leaves room for it (a temp folder's name varies).
        const width = Math.max(60, path.join(dir, "adopt-tt02.yaml").length + 1);
        const args = ["--stack", "tt02", "--config-dir", first.dir, "--out", dir, "--vault-json", path.join(first.dir, "v.json"), "--secrets-json", path.join(first.dir, "s.json")];
        const unwrapped = await runAdopt(args, { root: ROOT, env: {} });
        const wrapped = await runAdopt(args, { root: ROOT, env: {} }, { width });
        expect(wrapped.code).toBe(2);
        expect(unwrapped.stderr).toHaveLength(2);
        expect(unwrapped.stderr.every((l) => l.length > width)).toBe(true);
        expect(wrapped.stderr.filter((l) => l.length > width)).toEqual([]);
        // One problem per line that starts at column 0; the words are the same, only the breaks differ.
        const problems = wrapped.stderr.reduce<string[]>((all, l) => (l.startsWith("  ") ? [...all.slice(0, -1), `${all.at(-1)} ${l.trim()}`] : [...all, l]), []);
        expect(problems).toEqual(unwrapped.stderr);
        expect(readFileSync(path.join(dir, "adopt-tt02.yaml"), "utf8")).toBe("kept\n");
    });
});
