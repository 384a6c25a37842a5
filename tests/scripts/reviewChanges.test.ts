/**
 * The review's predictions from two configs, pure: which protected resources a change deletes or
 * replaces (held equal to what the program declares, from the resource record), which apps it
 * redeploys and why, what the rest of the stack file does, and a review that always fits a comment.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig, StackConfig } from "../../core/config/parse";
import { LIMITS } from "../../core/config/limits";
import { protectedChanges, protectedResources } from "../../scripts/offline/protectedResources";
import { stackConfigOf } from "../../scripts/offline/stack";
import { diffStackFile } from "../../scripts/review/fileDiff";
import { grantRows } from "../../scripts/review/grantReview";
import { redeployChanges } from "../../scripts/review/redeploys";
import { COMMENT_LIMIT, fitComment, renderReview } from "../../scripts/review/render";
import { EXAMPLE_STACKS, rawConfig, ROOT } from "../support/helpers";
import { guid, largeStack } from "../support/largeStack";

const PROJECT = "altinn-app-secrets";
const config = (c: Record<string, unknown>): StackConfig => parseStackConfig(rawConfig(c));
const fromFile = (file: string) => stackConfigOf(parse(readFileSync(path.join(EXAMPLE_STACKS, file), "utf8")), PROJECT).config;

interface Recorded {
    type: string;
    name: string;
    parent?: string;
    protect: boolean;
}

/** The protected URNs the program declared under mocks, from the resource record. */
function recordedProtected(stack: string): string[] {
    const record = JSON.parse(readFileSync(path.join(ROOT, "tests/support/fixtures/resource-record.json"), "utf8")) as Record<string, Recorded[]>;
    return record[stack]
        .filter((r) => r.protect)
        .map((r) => `urn:pulumi:${stack}::${PROJECT}::${r.parent ? `${r.parent.split("::")[2]}$` : ""}${r.type}::${r.name}`)
        .sort();
}

describe("protected resources", () => {
    it("are, URN for URN, what the program declares with protect (prod example and the large stack)", () => {
        expect(protectedResources(parseStackConfig(fromFile("Pulumi.prod.yaml")), "prod", PROJECT).map((r) => r.urn).sort()).toEqual(recordedProtected("prod"));
        expect(protectedResources(config(largeStack()), "large", PROJECT).map((r) => r.urn).sort()).toEqual(recordedProtected("large"));
        expect(recordedProtected("tt02")).toEqual([]);
    });

    it("a change deletes: a removed client takes its secrets and registration, a removed generated secret its value", () => {
        const base = config(largeStack());
        const stack = largeStack() as { maskinportenClients: unknown[]; appSecrets: unknown[] };
        const head = config({ ...stack, maskinportenClients: stack.maskinportenClients.slice(1), appSecrets: stack.appSecrets.slice(1) });
        expect(protectedChanges(base, head, "large", PROJECT).map((c) => `${c.change} ${c.what}`)).toEqual([
            "deleted Maskinporten client Client0",
            "deleted Key Vault secret Client0--ClientId",
            "deleted Key Vault secret Client0--EncodedJwk",
            "deleted self-service registration of Client0",
            "deleted app secret ExternalApi--ApiKey",
            "deleted Key Vault secret ExternalApi--ApiKey",
            "deleted generated value of ExternalApi--ApiKey",
        ]);
    });

    it("a change replaces: another role, a new generation of a generated value; nothing in tt02", () => {
        const grant = { principalId: guid(1, 1), principalType: "Group", access: "read", reason: "Operations team reads" };
        const prod = (g: Record<string, unknown>, generation = 1) =>
            config({ org: "ttd", environment: "prod", keyVault: { authorization: "rbac" }, accessGrants: [{ ...grant, ...g }], appSecrets: [{ section: "A", key: "B", generate: { length: 32, generation } }] });
        expect(protectedChanges(prod({}), prod({ access: "write" }, 2), "prod", PROJECT).map((c) => `${c.change} ${c.what}`)).toEqual([
            `replaced grant for ${guid(1, 1)} (its role assignment)`,
            "replaced generated value of A--B",
        ]);
        expect(protectedChanges(prod({}), prod({ reason: "Operations team reads, reviewed" }), "prod", PROJECT)).toEqual([]);
        const tt02 = config({ org: "ttd", environment: "tt02", accessGrants: [grant] });
        expect(protectedChanges(tt02, config({ org: "ttd", environment: "tt02" }), "tt02", PROJECT)).toEqual([]);
    });
});

describe("redeploys", () => {
    const client = (more: Record<string, unknown> = {}) => ({ section: "S", clientId: guid(0, 2), format: "legacy", scope: "x", apps: ["app-a", "app-b"], ...more });
    const stack = (more: Record<string, unknown>) => config({ org: "ttd", environment: "tt02", maskinportenClients: [client()], ...more });

    it("names each app whose secrets change, with the secret and what changed", () => {
        const base = stack({});
        expect(redeployChanges(base, stack({ maskinportenClients: [client({ keyGeneration: 2 })] })).apps).toEqual([
            { app: "app-a", reasons: ["key generation 1 -> key generation 2: S--EncodedJwk"] },
            { app: "app-b", reasons: ["key generation 1 -> key generation 2: S--EncodedJwk"] },
        ]);
        expect(redeployChanges(base, stack({ maskinportenClients: [client({ apps: ["app-a"] })] })).apps).toEqual([]);
        expect(redeployChanges(base, stack({ redeploy: { studioUrl: "https://studio.example.no" } })).apps.map((a) => a.reasons)).toEqual([
            ["the redeploy command changed (org, environment or redeploy.studioUrl)"],
            ["the redeploy command changed (org, environment or redeploy.studioUrl)"],
        ]);
        expect(redeployChanges(base, base)).toEqual({ automatic: true, apps: [] });
    });

    it("says when the redeploys are by hand", () => {
        expect(redeployChanges(stack({}), stack({ redeploy: { enabled: false }, maskinportenClients: [client({ clientId: guid(9, 2) })] }))).toMatchObject({ automatic: false, apps: [{ app: "app-a" }, { app: "app-b" }] });
    });
});

describe("the rest of the stack file", () => {
    it("shows a secret only as changed, never its value or ciphertext", () => {
        const doc = (secure: string) => ({ config: { "azure-native:clientSecret": { secure }, [`${PROJECT}:org`]: "ttd" } });
        expect(diffStackFile(doc("v1:AAAA"), doc("v1:BBBB"))).toEqual([{ path: "azure-native:clientSecret", before: "(secret)", after: "(secret) changed" }]);
        expect(JSON.stringify(diffStackFile({}, { config: { "pulumi:x": [{ secure: "v1:CCCC" }] } }))).not.toContain("CCCC");
    });

    it("leaves an added or removed grant's keys to the grants section, and shows a kept grant's principalType change", () => {
        const grant = (id: number, principalType: string) => ({ principalId: guid(id, 1), principalType, access: "read", reason: "Operations read secrets" });
        const doc = (...grants: unknown[]) => ({ config: { [`${PROJECT}:accessGrants`]: grants } });
        expect(diffStackFile(doc(grant(1, "Group"), grant(2, "Group")), doc(grant(2, "Group")))).toEqual([]);
        expect(diffStackFile(doc(grant(2, "Group")), doc(grant(2, "Group"), grant(3, "User")))).toEqual([]);
        expect(diffStackFile(doc(grant(2, "Group")), doc(grant(2, "User")))).toEqual([{ path: `accessGrants[principalId=${guid(2, 1)}].principalType`, before: "Group", after: "User" }]);
    });
});

describe("the largest allowed stack's review (issue 20, item 11)", () => {
    const many = (n: number, make: (i: number) => unknown) => Array.from({ length: n }, (_, i) => make(i));
    const reason = (i: number) => `Generated grant ${i} `.padEnd(LIMITS.reason, "x");
    const largest = config({
        org: "ttd",
        environment: "prod",
        keyVault: { authorization: "rbac" },
        accessGrants: many(LIMITS.accessGrants, (i) => ({ principalId: guid(i, 1), principalType: "Group", access: "read", reason: reason(i) })),
    });
    const markdown = renderReview({
        stack: "prod",
        org: "ttd",
        environment: "prod",
        rows: grantRows(largest),
        findings: [],
        base: { ref: "main", rows: grantRows({ ...largest, accessGrants: largest.accessGrants.map((g) => ({ ...g, reason: `${g.reason.slice(0, 400)} old` })) }) },
    });

    it("fits a job summary (1 MiB) in full, and one pull request comment when cut, summary first", () => {
        expect(Buffer.byteLength(markdown)).toBeGreaterThan(COMMENT_LIMIT);
        expect(Buffer.byteLength(markdown)).toBeLessThan(1024 * 1024);
        const cut = fitComment(markdown, "prod");
        expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(COMMENT_LIMIT);
        expect(cut.startsWith(markdown.split("\n").slice(0, 4).join("\n"))).toBe(true);
        expect(cut).toMatch(/The full review is in the artifact of this pull request's `preview-prod` job \(`review-full\.md`\), and in that job's summary when it fits there \(1 MiB\)\.$/);
        expect(fitComment("short", "prod")).toBe("short");
    });
});
