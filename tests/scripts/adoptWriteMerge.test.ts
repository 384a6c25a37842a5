/**
 * `adopt --write` on an ordinary first adoption: several edits land at the same place in the stack
 * file (keys added together to keyVault, a key added to a grant right where adopted grants are
 * appended), and they must land in the fragment's order. A merge that does not read back as YAML is
 * a refusal (exit 2), never a crash. Saved `az` output only.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../../core/config/parse";
import { mergeStackFile } from "../../scripts/adopt/mergeStackFile";
import { parseOptionsOf, readStackFiles } from "../../scripts/offline/stack";
import { configErrors, ROOT } from "../support/helpers";
import { adoptSaved, OPS, stackFile, SUB, TENANT } from "../support/savedVault";

const PIPELINE = "22222222-3333-4444-5555-666666666666";
const BREAK_GLASS = "33333333-4444-4555-8666-777777777777";

/** A first stack file as the README has a user write it: org set, one grant, keyVault left at its defaults. */
const STACK = stackFile(
    "digdir",
    "digdir in tt02. Reviewed by the platform team.",
    `  altinn-app-secrets:keyVault:
    authorization: accessPolicy
  altinn-app-secrets:accessGrants:
    # Operations, see the runbook
    - principalId: ${OPS}
      access: read
      reason: Operations team, "Access to logs and secrets"
  altinn-app-secrets:redeploy:
    enabled: true # apps are redeployed when a secret changes
    studioUrl: https://altinn.studio
`,
);

const WITH_IDS = STACK.replace("    authorization: accessPolicy\n", `    authorization: accessPolicy\n    subscriptionId: ${SUB}\n    tenantId: ${TENANT}\n`);
const WITH_PERMISSIONS = STACK.replace("      access: read\n", "      permissions: { secrets: [get, list] }\n");

/** The vault as the portal left it: the stack's principal (spelled Get, List) and two more, and hand-made Maskinporten secrets. */
const adoptWrite = (stackText: string) =>
    adoptSaved(stackText, ["--write"], {
        org: "digdir",
        policies: [
            { objectId: OPS, secrets: ["Get", "List"] },
            { objectId: PIPELINE, secrets: ["Get", "List", "Set"], keys: ["Get"] },
            { objectId: BREAK_GLASS, secrets: ["Get"] },
        ],
        secretNames: ["MaskinportenSettings--ClientId", "MaskinportenSettings--EncodedJwk", "MaskinportenSettings--Scope"],
        out: "adopt",
    });

type Grant = { principalId: string; access?: string; permissions?: Record<string, string[]>; reason: string };
const configOf = (text: string) => (parse(text) as { config: Record<string, unknown> }).config;
const grantsOf = (text: string) => configOf(text)["altinn-app-secrets:accessGrants"] as Grant[];

describe("mergeStackFile: edits at the same place", () => {
    it("keeps two keys inserted at the same spot in the fragment's order", () => {
        const stack = "config:\n  p:settings:\n    a: 1 # kept\n  p:other: x\n";
        const merged = mergeStackFile(stack, "config:\n  p:settings:\n    a: 1\n    b: 2\n    c: 3\n", "Pulumi.x.yaml");
        expect(merged.text).toBe("config:\n  p:settings:\n    a: 1 # kept\n    b: 2\n    c: 3\n  p:other: x\n");
    });

    it("fills an empty last key before adding the keys that follow it", () => {
        // accessGrants: left empty at the end of config, and the fragment adds maskinportenClients after it.
        const merged = mergeStackFile("config:\n  p:org: ttd\n  p:accessGrants:\n", "config:\n  p:accessGrants:\n    - principalId: a\n  p:maskinportenClients:\n    - section: S\n", "Pulumi.x.yaml");
        expect(merged.text).toBe("config:\n  p:org: ttd\n  p:accessGrants:\n    - principalId: a\n  p:maskinportenClients:\n    - section: S\n");
    });

    it("puts a key new to an existing grant in that grant, before the grants appended after it", () => {
        const stack = `config:\n  p:accessGrants:\n    # ops\n    - principalId: ${OPS}\n      access: read\n      reason: Operations team reads secrets\n`;
        const fragment = `config:\n  p:accessGrants:\n    - principalId: ${OPS}\n      reason: Operations team reads secrets\n      permissions:\n        secrets: [Get, List]\n    - principalId: ${PIPELINE}\n      permissions:\n        secrets: [Get]\n      reason: ""\n    - principalId: ${BREAK_GLASS}\n      permissions:\n        secrets: [Get]\n      reason: ""\n`;
        const merged = mergeStackFile(stack, fragment, "Pulumi.x.yaml");
        expect(parse(merged.text)).toEqual(parse(fragment));
        expect(merged.text).toContain(`    # ops\n    - principalId: ${OPS}\n      reason: Operations team reads secrets\n      permissions:\n`);
    });

    it("adds a key to config after the edits inside its last key, whatever the fragment's order", () => {
        // The README's first stack file: no keyVault key, accessGrants last. The fragment adds keyVault
        // first; it must still land after the stack's grant gets its permissions and the adopted grant.
        const stack = `config:\n  p:org: ttd\n  p:accessGrants:\n    - principalId: ${OPS}\n      access: read\n      reason: Operations team reads secrets\n`;
        const fragment = `config:\n  p:keyVault:\n    tenantId: t\n  p:accessGrants:\n    - principalId: ${OPS}\n      reason: Operations team reads secrets\n      permissions:\n        secrets: [Get, List]\n    - principalId: ${PIPELINE}\n      permissions:\n        secrets: [Get]\n      reason: ""\n`;
        const merged = mergeStackFile(stack, fragment, "Pulumi.x.yaml");
        expect(parse(merged.text)).toEqual({ config: { "p:org": "ttd", ...parse(fragment).config } });
        expect(merged.text.endsWith(`      reason: ""\n  p:keyVault:\n    tenantId: t\n`)).toBe(true);
    });

    it("shows a removed line as removed, with no empty line added in its place", () => {
        const stack = `config:\n  p:accessGrants:\n    - principalId: ${OPS}\n      access: read\n      reason: why\n`;
        const merged = mergeStackFile(stack, `config:\n  p:accessGrants:\n    - principalId: ${OPS}\n      reason: why\n`, "Pulumi.x.yaml");
        expect(merged.diff).toEqual(["@@ line 4", `      - principalId: ${OPS}`, "-       access: read"]);
    });

    it("refuses with exit 2, naming the fragment to merge by hand, when the merged text does not read as YAML", () => {
        // Removing `access` removes the anchor a later key refers to: the spliced text has a dangling alias.
        const stack = `config:\n  p:accessGrants:\n    - principalId: ${OPS}\n      access: &level read\n      reason: why\n  other:level: *level\n`;
        const fragment = `config:\n  p:accessGrants:\n    - principalId: ${OPS}\n      reason: why\n      permissions:\n        secrets: [Get]\n`;
        let error: unknown;
        try {
            mergeStackFile(stack, fragment, "Pulumi.x.yaml", "adopt-x.yaml");
        } catch (e) {
            error = e;
        }
        expect((error as Error).constructor.name).toBe("InputError");
        expect((error as { lines: string[] }).lines).toEqual(["Pulumi.x.yaml: merged with adopt's fragment it would not be valid YAML; nothing written: run adopt without --write and merge adopt-x.yaml into it by hand"]);
    });
});

describe("adopt --write on a first adoption", () => {
    it("adds keyVault.subscriptionId and tenantId together, the stack's grant's permissions and the adopted grants; the plan's parser then accepts the file once reasons are written", async () => {
        const run = await adoptWrite(STACK);
        expect(run.stderr).toEqual([]);
        expect(run.code).toBe(0);
        expect(run.after).toContain(`    authorization: accessPolicy\n    subscriptionId: ${SUB}\n    tenantId: ${TENANT}\n`);
        expect(grantsOf(run.after).map((g) => [g.principalId, g.permissions])).toEqual([
            [OPS, { secrets: ["Get", "List"] }],
            [PIPELINE, { secrets: ["Get", "List", "Set"], keys: ["Get"] }],
            [BREAK_GLASS, { secrets: ["Get"] }],
        ]);
        expect(grantsOf(run.after)[0]).not.toHaveProperty("access");
        // Every comment and untouched line is still there, in order.
        const kept = STACK.split("\n").filter((l) => l !== "      access: read");
        expect(run.after.split("\n").filter((l) => kept.includes(l))).toEqual(kept);
        // Only the empty reasons and clientId/scope stand between the file and the plan.
        const files = readStackFiles(ROOT, "tt02", run.dir);
        expect(configErrors(files.config, parseOptionsOf(files))).toEqual([
            "accessGrants[1].reason: is required and may not be empty",
            "accessGrants[2].reason: is required and may not be empty",
            "maskinportenClients[0].clientId: is required and may not be empty",
            "maskinportenClients[0].scope: is required and may not be empty",
        ]);
        const completed = run.after
            .replace(/reason: ""/g, "reason: Written by a person after adopting")
            .replace(/clientId: ""/g, "clientId: 5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b")
            .replace(/scope: ""/g, "scope: altinn:serviceowner/instances.read");
        writeFileSync(path.join(run.dir, "Pulumi.tt02.yaml"), completed);
        const done = readStackFiles(ROOT, "tt02", run.dir);
        expect(parseStackConfig(done.config, parseOptionsOf(done)).accessGrants).toHaveLength(3);
    });

    it("merges when the stack already sets subscriptionId and tenantId", async () => {
        const run = await adoptWrite(WITH_IDS);
        expect(run.stderr).toEqual([]);
        expect(run.code).toBe(0);
        expect(configOf(run.after)["altinn-app-secrets:keyVault"]).toEqual({ authorization: "accessPolicy", subscriptionId: SUB, tenantId: TENANT });
        expect(grantsOf(run.after).map((g) => g.principalId)).toEqual([OPS, PIPELINE, BREAK_GLASS]);
        expect(grantsOf(run.after)[0]).toEqual({ principalId: OPS, reason: 'Operations team, "Access to logs and secrets"', permissions: { secrets: ["Get", "List"] } });
    });

    it("merges when the stack's grant has explicit permissions", async () => {
        const run = await adoptWrite(WITH_PERMISSIONS);
        expect(run.stderr).toEqual([]);
        expect(run.code).toBe(0);
        expect(grantsOf(run.after).map((g) => [g.principalId, g.permissions])).toEqual([
            [OPS, { secrets: ["Get", "List"] }],
            [PIPELINE, { secrets: ["Get", "List", "Set"], keys: ["Get"] }],
            [BREAK_GLASS, { secrets: ["Get"] }],
        ]);
        expect(run.after).toContain("      permissions: { secrets: [Get, List] }\n");
    });
});
