/**
 * What got through the review with exit 0 (issue 20), tried as an attacker and as a new user would:
 * one pull request against a prod stack that changes where credentials go, lowers enforcement,
 * switches self-service on, deletes a protected grant and adds a secret two apps read.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { git, RunResult, runPlan, runReview } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

const OPS = "11111111-2222-3333-4444-555555555555";
const GONE = "66666666-7777-8888-9999-000000000000";
const CLIENT = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const NS = "altinn-app-secrets";
/** A cdk-nag style id (`Access::write`, `Host::x`): for matching, never for a person. */
const TOKEN = /\b(Access|Value|Host|Permission|Role|Scope|Protect|Reason|Vault|Key|Principal|Config|Setting|Esc|Suppression|ContentType)::/;

const client = { section: "MaskinportenSettings", clientId: CLIENT, format: "legacy", scope: "altinn:serviceowner/instances.read", apps: ["app-a"] };

const before = {
    secretsprovider: "azurekeyvault://ttd-state.vault.azure.net/keys/prod",
    encryptedkey: "YWJjZGVmZ2hpams=",
    config: {
        [`${NS}:org`]: "ttd",
        [`${NS}:environment`]: "prod",
        [`${NS}:keyVault`]: { authorization: "rbac", unmanagedAccess: "fail" },
        [`${NS}:accessGrants`]: [
            { principalId: OPS, principalType: "Group", access: "read", reason: "Operations team reads secrets" },
            { principalId: GONE, principalType: "Group", role: "Key Vault Reader", reason: "Break-glass group, reviewed yearly" },
        ],
        [`${NS}:maskinportenClients`]: [client],
    },
};

const after = {
    secretsprovider: "azurekeyvault://elsewhere.vault.azure.net/keys/prod",
    encryptedkey: "ZGVmZ2hpamtsbW4=",
    environment: ["ttd/shared"],
    config: {
        "azure-native:oidcRequestUrl": "https://oidc.evil.example/token",
        "azure-native:metadataHost": "metadata.evil.example",
        "azure-native:location": "norwayeast",
        [`${NS}:org`]: "ttd",
        [`${NS}:environment`]: "prod",
        [`${NS}:keyVault`]: { authorization: "rbac", unmanagedAccess: "warn" },
        [`${NS}:accessGrants`]: [{ principalId: OPS, principalType: "Group", access: "read", reason: "Operations team reads secrets", description: "Ops (read)" }],
        [`${NS}:maskinporten`]: { selfService: { adminClientId: "admin-client" } },
        [`${NS}:maskinportenClients`]: [client, { section: "Integrations--New", format: "builtin", apps: ["app-b"] }],
        [`${NS}:appSecrets`]: [{ section: "Shared", key: "Token", generate: { length: 32 }, apps: ["app-a", "app-b"] }],
    },
};


let review: RunResult;
let full: string;
let plan: RunResult;
let planJson: RunResult;

beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "altinn-review-trust-"));
    git(dir, "init", "-q", "-b", "main");
    writeFileSync(path.join(dir, "Pulumi.prod.yaml"), stringify(before));
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "base");
    writeFileSync(path.join(dir, "Pulumi.prod.yaml"), stringify(after));
    const fullFile = path.join(dir, "review-full.md");
    review = await runReview(["--stack", "prod", "--config-dir", dir, "--base", "HEAD", "--full", fullFile]);
    full = existsSync(fullFile) ? readFileSync(fullFile, "utf8") : "";
    plan = await runPlan(["--stack", "prod", "--config-dir", dir, "--base", "HEAD"]);
    planJson = await runPlan(["--stack", "prod", "--config-dir", dir, "--base", "HEAD", "--json"]);
}, 120_000);

const row = (cells: string[]) => `| ${cells.join(" | ")} |`;

describe("a pull request that changes where credentials go", () => {
    it("fails the review (exit 1) with a mandatory finding per provider setting, secrets-provider change and ESC import", () => {
        expect(review.code).toBe(1);
        for (const [rule, setting] of [
            ["config-key-allowed", "azure-native:oidcRequestUrl"],
            ["config-key-allowed", "azure-native:metadataHost"],
            ["secrets-provider-unchanged", "secretsprovider"],
            ["secrets-provider-unchanged", "encryptedkey"],
            ["esc-environment-allowed", "environment"],
        ]) {
            const line = review.stdout.split("\n").find((l) => l.startsWith(`| **mandatory** | ${rule} |`) && l.includes(`setting ${setting}`));
            expect(line, `${rule} ${setting}`).toBeDefined();
        }
        // azure-native:location is allowed in policy/config.json: shown as a change, no finding
        expect(review.stdout).not.toContain("setting azure-native:location");
        expect(review.stdout).toContain(row(["azure-native:location", "(not set)", "norwayeast"]));
    });

    it("fails the plan (exit 1) on the provider settings and the ESC import", () => {
        expect(plan.code).toBe(1);
        expect(plan.stdout).toContain("[mandatory] config-key-allowed: setting azure-native:oidcRequestUrl");
        expect(plan.stdout).toContain("[mandatory] esc-environment-allowed: setting environment");
    });

    it("lists every other change of the stack file, top-level keys and other namespaces included", () => {
        for (const cells of [
            ["azure-native:oidcRequestUrl", "(not set)", "https://oidc.evil.example/token"],
            ["secretsprovider", "azurekeyvault://ttd-state.vault.azure.net/keys/prod", "azurekeyvault://elsewhere.vault.azure.net/keys/prod"],
            ["environment: (Pulumi ESC imports)", "(not set)", '&#91;"ttd/shared"&#93;'],
            [`accessGrants&#91;principalId=${OPS}&#93;.description`, "(not set)", "Ops (read)"],
        ]) {
            expect(review.stdout).toContain(row(cells));
        }
    });
});

describe("a pull request that lowers enforcement and switches self-service on", () => {
    it("shows the lowered level as a row and makes it a mandatory finding in prod", () => {
        expect(review.stdout).toContain(row(["**lowered**", "keyVault.unmanagedAccess (unmanaged-access findings)", "fail (mandatory)", "warn (advisory)"]));
        expect(review.stdout).toContain("| **mandatory** | enforcement-not-lowered | setting keyVault.unmanagedAccess |");
    });

    it("shows self-service switched on, for the stack and for each existing client, and a new client as created by the stack", () => {
        expect(review.stdout).toContain(row(["changed", "maskinporten.selfService", "none (keys registered by hand)", "API https://api.samarbeid.digdir.no/api/v1 (gets the admin token), admin client admin-client"]));
        expect(review.stdout).toContain(row(["changed", "Maskinporten client MaskinportenSettings", "registered by hand", "registered by self-service"]));
        expect(review.stdout).toContain("| **added** | Maskinporten client Integrations--New |  | client created by the stack at pulumi up (self-service), builtin");
        expect(review.stdout).not.toContain("client undefined");
    });
});

describe("a pull request that deletes a protected prod grant", () => {
    const urn = `urn:pulumi:prod::altinn-app-secrets::${TYPES.keyVaultAccess}$${TYPES.accessGrant}::vault-${GONE}`;
    const childUrn = `urn:pulumi:prod::altinn-app-secrets::${TYPES.keyVaultAccess}$${TYPES.accessGrant}$${TYPES.roleAssignment}::vault-${GONE}-role`;

    it("says at the top that deploy.yml will stop, and prints the exact unprotect commands", () => {
        const top = review.stdout.split("### Findings")[0];
        expect(top).toContain("**Deploy will stop: this change deletes or replaces 2 protected prod resource(s).");
        expect(review.stdout).toContain(`pulumi state unprotect -s prod '${urn}'`);
        expect(review.stdout).toContain(`pulumi state unprotect -s prod '${childUrn}'`);
    });

    it("has the plan name them too, in text and JSON", () => {
        expect(plan.stdout).toContain("Deletions under protect (compared with HEAD): 2");
        expect(plan.stdout).toContain(`    pulumi state unprotect -s prod '${urn}'`);
        const json = JSON.parse(planJson.stdout);
        expect(json.protectedChanges.changes.map((c: { urn: string; change: string }) => [c.change, c.urn])).toEqual([
            ["deleted", urn],
            ["deleted", childUrn],
        ]);
        expect(json.protectedChanges.commands).toEqual([`pulumi state unprotect -s prod '${urn}'`, `pulumi state unprotect -s prod '${childUrn}'`]);
    });
});

describe("a pull request that adds a secret two apps read", () => {
    it("lists each app the change redeploys, and why", () => {
        expect(review.stdout).toContain(row(["app-a", "now read by this app: Shared--Token"]));
        expect(review.stdout).toContain(row(["app-b", "its first secret: the redeploy is created, which runs it"]));
    });
});

describe("what a person reads", () => {
    it("never shows an internal token, in the review, the plan's text or its JSON", () => {
        for (const text of [review.stdout, full, plan.stdout, planJson.stdout]) expect(text).not.toMatch(TOKEN);
        expect(JSON.parse(planJson.stdout).findings.every((f: { message: string }) => f.message.includes("To fix: "))).toBe(true);
    });

    it("writes the whole review with --full, and the same on stdout while it fits one comment", () => {
        expect(full).toBe(review.stdout);
    });
});
