/**
 * The program's vault audit fed a getVault answer that lies (a mode that is not a boolean, an access
 * policy list that is not one, entries that are not entries): each is one RunError line naming
 * keyVault, as adopt refuses the same answer (the rules live in core/vault/vaultAnswer.ts), never a
 * TypeError with a stack trace, and never access policies read as something else.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { auditVault, AuditResult } from "../../components/keyvault/vaultAudit";
import { installMocks, MOCK_CLIENT_CONFIG } from "../../scripts/offline/mocks";

const TENANT = MOCK_CLIENT_CONFIG.tenantId;
const HAND = "66666666-7777-4888-8999-000000000000";

/**
 * What the audit makes of a vault whose getVault answer has these properties: its result, or the
 * error it fails with. A failed apply also rejects the outputs derived from it, which nothing here
 * awaits: Pulumi's run reports such an error once (it remembers the error object), so those
 * rejections are collected for the call and must all be that same error.
 */
async function audit(properties: Record<string, unknown>): Promise<AuditResult | Error> {
    const listeners = process.listeners("unhandledRejection");
    const unhandled: unknown[] = [];
    const collect = (e: unknown) => void unhandled.push(e);
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", collect);
    try {
        // No ARM token: an answer read as RBAC would ask for one, which these mocks refuse.
        installMocks({ project: "altinn-app-secrets", stack: "tt02", config: {}, vault: { tenantId: TENANT, ...properties } as never });
        const out = auditVault({ vaultName: "ttd-tt02-apps-kv", resourceGroupName: "altinnapps-ttd-tt02-rg", authorization: "accessPolicy", tenantId: TENANT, tenantFromConfig: false, grants: [] });
        const result = await (out as unknown as { promise(): Promise<AuditResult> }).promise().then(
            (r) => r,
            (e: unknown) => e as Error,
        );
        await new Promise((r) => setTimeout(r, 20));
        for (const e of unhandled) expect(e).toBe(result);
        return result;
    } finally {
        process.off("unhandledRejection", collect);
        for (const l of listeners) process.on("unhandledRejection", l);
    }
}

/** The RunError a lying answer must give: one line, naming keyVault and what is wrong. */
async function refusal(properties: Record<string, unknown>): Promise<string> {
    const result = await audit(properties);
    expect(result, JSON.stringify(properties)).toBeInstanceOf(pulumi.RunError);
    const message = (result as Error).message;
    expect(message).not.toContain("\n");
    return message;
}

const policy = { tenantId: TENANT, objectId: HAND, permissions: { secrets: ["get"] } };
const NOT_READ = "keyVault: Azure's answer for the vault cannot be believed: properties.";

describe("the audit's reading of the vault's access mode", () => {
    it("refuses a mode that is not true or false, instead of Boolean(\"false\") reading as RBAC", async () => {
        for (const [mode, shown] of [["false", 'the string "false"'], ["true", 'the string "true"'], [0, "the number 0"]] as const) {
            expect(await refusal({ enableRbacAuthorization: mode, accessPolicies: [policy] })).toBe(
                `${NOT_READ}enableRbacAuthorization is ${shown}, not true or false: whether the vault uses access policies or RBAC cannot be read`,
            );
        }
    });

    it("reads an absent or null mode as Azure does: access policies, whose entries are audited", async () => {
        for (const mode of [undefined, null, false]) {
            const result = (await audit({ enableRbacAuthorization: mode, accessPolicies: [policy] })) as AuditResult;
            expect(result.unmanagedAccess, String(mode)).toEqual([{ principalId: HAND, permissions: { secrets: ["get"] }, source: "accessPolicy" }]);
        }
    });
});

describe("the audit's reading of the access policy list", () => {
    it("refuses a list that is not a list, an entry that is not an object or lacks its object ID", async () => {
        expect(await refusal({ enableRbacAuthorization: false, accessPolicies: {} })).toBe(`${NOT_READ}accessPolicies must be a list`);
        expect(await refusal({ enableRbacAuthorization: false, accessPolicies: [null, policy] })).toBe(`${NOT_READ}accessPolicies[0] must be an object`);
        expect(await refusal({ enableRbacAuthorization: false, accessPolicies: [policy, { tenantId: TENANT, permissions: { secrets: ["get"] } }] })).toBe(`${NOT_READ}accessPolicies[1].objectId is not a GUID`);
    });

    it("refuses permissions that are not lists of permission names, instead of reading \"all\" as a, l, l", async () => {
        expect(await refusal({ enableRbacAuthorization: false, accessPolicies: [{ ...policy, permissions: { secrets: "all" } }] })).toBe(`${NOT_READ}accessPolicies[0].permissions.secrets must be a list of names`);
        expect(await refusal({ enableRbacAuthorization: false, accessPolicies: [{ ...policy, permissions: [] }] })).toBe(`${NOT_READ}accessPolicies[0].permissions must be an object`);
        expect(await refusal({ enableRbacAuthorization: false, accessPolicies: [{ ...policy, permissions: { secrets: ["get\u001b[2J", "set\u202e"] } }] })).toBe(
            `${NOT_READ}accessPolicies[0].permissions.secrets[0] "get\\u001b[2J" is not a Key Vault permission name (letters only, such as get, list, set) (and 1 more problem)`,
        );
    });

    it("still refuses a missing list in an access-policy vault, and takes none in an RBAC one", async () => {
        expect(await refusal({ enableRbacAuthorization: false })).toBe("keyVault: Azure's answer for the vault has no access policy list, and the vault uses access policies: who has access cannot be read");
        expect(await refusal({ accessPolicies: null })).toMatch(/no access policy list/);
    });
});
