/**
 * The pack's side of issue 20: provider settings in the stack config are findings the pack sees
 * (through the ReviewContext component), and every finding says how to fix it in words.
 */
import { describe, expect, it, vi } from "vitest";
import type { PolicyResource, ReviewContext } from "../../core/policy/rule";
import { BUILTIN_ROLES } from "../../core/vault/roles";
import { evaluateRules, suppressionFindings } from "../../policy/evaluate";
import { readPackConfig } from "../../policy/packConfig";
import { ALL_RULES } from "../../policy/rules";
import { TYPES } from "../../core/resourceNames";
/** The component that carries the stack's context to the pack (policy/rules/config-key-allowed.ts). */
import { ROOT, writeStacks } from "../support/helpers";

const P = "11111111-2222-3333-4444-555555555555";
const SUB = "00000000-0000-0000-0000-00000000bbbb";
const res = (type: string, props: Record<string, unknown>, extra: Partial<PolicyResource> = {}): PolicyResource => ({ type, name: "r", id: `${type}::r`, props, protect: false, ...extra });
const reviewContext = (configKeys: string[]) => res(TYPES.reviewContext, { environment: "prod", org: "ttd", suppressions: [], configKeys });

/** A cdk-nag style id (`Access::write`, `Host::x`): for matching, never for a person. */
const TOKEN = /\b[A-Z][A-Za-z]*::/;

describe("config-key-allowed", () => {
    const context: ReviewContext = { environment: "prod", ...readPackConfig() };

    it("is a mandatory finding for a provider setting policy/config.json does not allow, naming the key", () => {
        const findings = evaluateRules([reviewContext(["azure-native:location", "azure-native:metadataHost", "azure-native:oidcRequestUrl"])], context);
        expect(findings.map((f) => [f.policy, f.level, f.setting])).toEqual([
            ["config-key-allowed", "mandatory", "azure-native:metadataHost"],
            ["config-key-allowed", "mandatory", "azure-native:oidcRequestUrl"],
        ]);
        expect(findings[1].message).toContain("To fix: remove the key from the stack file; a harmless one goes into allowedConfigKeys in policy/config.json with a reason");
    });

    it("is silenced only by policy/config.json, by setting", () => {
        const pack = [{ rule: "config-key-allowed", setting: "azure-native:metadataHost", reason: "Sovereign cloud endpoint, approved by security" }];
        const [f] = evaluateRules([reviewContext(["azure-native:metadataHost"])], { ...context, packSuppressions: pack });
        expect(f.suppressed).toEqual({ reason: "Sovereign cloud endpoint, approved by security", source: "policy/config.json" });
    });

    it("reaches the pack: the program hands the names (never the values) of foreign config keys to ReviewContext", async () => {
        const dir = writeStacks({ tt02: { org: "ttd", environment: "tt02", "azure-native:oidcRequestUrl": "https://oidc.evil.example/token", "azure-native:location": "norwayeast" } });
        vi.resetModules();
        const { evaluateStack } = await import("../../scripts/offline/evaluate");
        const ev = await evaluateStack(ROOT, "tt02", dir);
        const review = ev.resources.find((r) => r.type === TYPES.reviewContext)!;
        // CrossGuard shows the pack a component's inputs as its props: these are what the rule reads there.
        expect(review.inputs.configKeys).toEqual(["azure-native:location", "azure-native:oidcRequestUrl"]);
        expect(JSON.stringify(review.inputs)).not.toContain("evil.example");
        const findings = evaluateRules([{ type: review.type, name: review.name, id: review.urn, props: review.inputs, protect: false }], { environment: "tt02", ...readPackConfig() });
        expect(findings.map((f) => f.setting)).toEqual(["azure-native:oidcRequestUrl"]);
    }, 30_000);
});

describe("every finding (issue 20, item 10)", () => {
    // One resource that makes each rule fire.
    const offenders: PolicyResource[] = [
        res(TYPES.accessPolicy, { policy: { objectId: P, permissions: { secrets: ["purge"], keys: ["get"] } } }),
        res(TYPES.accessGrant, { principalId: P, access: "write", reason: "ops", environment: "prod" }),
        res(TYPES.roleAssignment, { principalId: P, scope: `/subscriptions/${SUB}`, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${BUILTIN_ROLES.Owner}` }),
        res(TYPES.secret, { secretName: "S--K", properties: {}, tags: { environment: "prod" } }, { valueIsSecret: false, placeholderPath: "appSecrets[0].value" }),
        res(TYPES.command, { environment: { ALTINN_STUDIO_URL: "https://studio.evil.example" } }),
        res(TYPES.vaultAudit, { unmanagedAccess: [{ principalId: P, source: "accessPolicy", permissions: { secrets: ["get"] } }], mismatches: ["the vault uses RBAC"], unmanagedAccessLevel: "fail" }),
        res(TYPES.maskinportenRegistration, { label: "maskinportenClients[section=S]", keys: [{ kid: "k1" }], registered: [{ kid: "k1", exp: 1 }], apiUrl: "https://api.evil.example" }),
        res(TYPES.maskinportenClient, { section: "MaskinportenSettings", clientId: "not-a-uuid", format: "legacy" }),
        reviewContext(["azure-native:oidcRequestUrl"]),
        res(TYPES.keyVaultAccess, { expiredGrants: [{ principalId: P, expires: "2020-01-01" }] }),
    ];
    const context: ReviewContext = { environment: "prod", principalAllowlist: [], writeAllowlist: [], stack: "prod" };
    const findings = evaluateRules(offenders, context);
    const stale = suppressionFindings([{ rule: "principal-allowlisted", principalId: "99999999-2222-3333-4444-555555555555", reason: "No longer needed at all" }], findings);

    it("comes from every rule in the pack", () => {
        expect(new Set(findings.map((f) => f.policy))).toEqual(new Set(ALL_RULES.map((r) => r.id)));
    });

    it("says how to fix it, and shows no internal token such as Access::write, Value::placeholder or Host::...", () => {
        for (const f of [...findings, ...stale]) {
            expect(f.message, f.detail).not.toMatch(TOKEN);
            expect(f.message, f.detail).toMatch(/To fix: |: remove it/);
        }
        const write = findings.find((f) => f.policy === "write-access-reviewed")!;
        expect(write.detail).toBe("Access::write"); // the id stays, for tools and tests
        expect(write.message).toContain("writeAllowlist in policy/config.json");
        expect(findings.find((f) => f.policy === "studio-host-allowed")!.message).toContain("set redeploy.studioUrl to https://altinn.studio, or add the host to allowedStudioHosts in policy/config.json");
        expect(findings.find((f) => f.policy === "secret-value-not-placeholder")!.message).toContain("pulumi config set -s prod --secret --path 'appSecrets[0].value'");
    });
});
