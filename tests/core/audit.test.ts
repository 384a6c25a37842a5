import { describe, expect, it } from "vitest";
import { appliesToVault, findUnmanagedAccess, findUnmanagedAccessAfterExpiry, grantsKeyVaultData, unknownRoleIds, vaultMismatches, VaultReality, withinVault } from "../../core/vault/audit";
import type { AccessGrantConfig } from "../../core/config/parse";
import { BUILTIN_ROLES, roleAssignmentName, roleDefinitionResourceId } from "../../core/vault/roles";
import { evaluateRules } from "../../policy/evaluate";
import type { PolicyResource } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

const SUB = "00000000-0000-0000-0000-00000000bbbb";
const RG = `/subscriptions/${SUB}/resourceGroups/altinnapps-ttd-tt02-rg`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/ttd-tt02-apps-kv`;
const TENANT = "00000000-0000-0000-0000-00000000aaaa";
const OPS = "11111111-2222-3333-4444-555555555555";
const HAND = "66666666-7777-8888-9999-000000000000";
const role = (name: keyof typeof BUILTIN_ROLES) => roleDefinitionResourceId(SUB, BUILTIN_ROLES[name]);
const grant = (principalId: string, extra: Partial<AccessGrantConfig> = {}): AccessGrantConfig => ({ principalId, access: "read", reason: "Operations team reads secrets", ...extra });
const assignment = (principalId: string, roleDefinitionId: string, scope = VAULT, name = "a1") => ({
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope,
    principalId,
    principalType: "Group",
    roleDefinitionId,
});

const policyVault: VaultReality = {
    id: VAULT,
    tenantId: TENANT,
    enableRbacAuthorization: false,
    accessPolicies: [
        { tenantId: TENANT, objectId: OPS, permissions: { secrets: ["get", "list"] } },
        { tenantId: TENANT, objectId: HAND.toUpperCase(), permissions: { secrets: ["Get", "List", "Set"], keys: ["Get"] } },
    ],
    roleAssignments: [],
};

describe("findUnmanagedAccess", () => {
    it("reports every access policy whose principal accessGrants does not declare", () => {
        expect(findUnmanagedAccess(policyVault, [grant(OPS)])).toEqual([
            { principalId: HAND, permissions: { secrets: ["Get", "List", "Set"], keys: ["Get"] }, source: "accessPolicy" },
        ]);
        expect(findUnmanagedAccess(policyVault, [grant(OPS), grant(HAND)])).toEqual([]);
    });

    it("on an RBAC vault reports data role assignments at the vault and above that no grant declares", () => {
        const vault: VaultReality = {
            ...policyVault,
            enableRbacAuthorization: true,
            roleAssignments: [
                assignment(OPS, role("Key Vault Secrets User"), VAULT, roleAssignmentName(VAULT, OPS, BUILTIN_ROLES["Key Vault Secrets User"])),
                assignment(OPS, role("Key Vault Secrets Officer"), RG, "wider"),
                assignment(HAND, role("Key Vault Administrator"), `/subscriptions/${SUB}`, "sub"),
                assignment(HAND, role("Owner"), VAULT, "control-plane-only"),
            ],
        };
        expect(findUnmanagedAccess(vault, [grant(OPS)])).toEqual([
            { principalId: OPS, role: "Key Vault Secrets Officer", source: RG, roleAssignmentId: `${RG}/providers/Microsoft.Authorization/roleAssignments/wider` },
            { principalId: HAND, role: "Key Vault Administrator", source: `/subscriptions/${SUB}`, roleAssignmentId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/sub` },
        ]);
    });

    it("marks access only an expired grant accounts for with its date, on an RBAC vault as with access policies", () => {
        const declaredName = roleAssignmentName(VAULT, OPS, BUILTIN_ROLES["Key Vault Secrets User"]);
        const vault: VaultReality = {
            ...policyVault,
            enableRbacAuthorization: true,
            roleAssignments: [assignment(OPS, role("Key Vault Secrets User"), VAULT, declaredName), assignment(HAND, role("Key Vault Secrets User"), VAULT, roleAssignmentName(VAULT, HAND, BUILTIN_ROLES["Key Vault Secrets User"])), assignment(HAND, role("Key Vault Administrator"), RG, "wider")],
        };
        expect(findUnmanagedAccessAfterExpiry(vault, [grant(OPS)], [grant(HAND, { expires: "2027-01-28" })]).map((u) => [u.principalId, u.role, u.expiredGrant])).toEqual([
            [HAND, "Key Vault Secrets User", "2027-01-28"],
            // what the expired grant never declared is plain unmanaged access
            [HAND, "Key Vault Administrator", undefined],
        ]);
        expect(findUnmanagedAccessAfterExpiry(policyVault, [grant(OPS)], [grant(HAND, { expires: "2027-01-28" })])).toEqual([
            { principalId: HAND, permissions: { secrets: ["Get", "List", "Set"], keys: ["Get"] }, source: "accessPolicy", expiredGrant: "2027-01-28" },
        ]);
    });

    it("counts a hand-made twin of a declared grant (same principal and role, another name) as unmanaged until adopted by name", () => {
        const twin = assignment(OPS, role("Key Vault Secrets User"), VAULT, "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d");
        const vault: VaultReality = { ...policyVault, enableRbacAuthorization: true, roleAssignments: [twin] };
        expect(findUnmanagedAccess(vault, [grant(OPS)])).toEqual([{ principalId: OPS, role: "Key Vault Secrets User", source: VAULT, roleAssignmentId: twin.id }]);
        expect(findUnmanagedAccess(vault, [grant(OPS, { roleAssignmentName: twin.name.toUpperCase() })])).toEqual([]);
    });

    it("judges custom roles by their data actions, and counts one not looked up as access", () => {
        const custom = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/99999999-0000-0000-0000-000000000001`;
        const vault: VaultReality = { ...policyVault, enableRbacAuthorization: true, roleAssignments: [assignment(HAND, custom)] };
        expect(unknownRoleIds(vault.roleAssignments)).toEqual([custom]);
        expect(findUnmanagedAccess(vault, [], { [custom]: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"] })).toEqual([]);
        expect(findUnmanagedAccess(vault, [], { [custom]: ["Microsoft.KeyVault/vaults/secrets/getSecret/action"] })).toHaveLength(1);
        expect(findUnmanagedAccess(vault, [])).toHaveLength(1);
        expect(grantsKeyVaultData(BUILTIN_ROLES.Contributor)).toBe(false);
    });

    it("counts an assignment to one secret of the vault as unmanaged access: a grant cannot declare it", () => {
        const secret = `${VAULT}/secrets/MaskinportenSettings--EncodedJwk`;
        const vault: VaultReality = { ...policyVault, enableRbacAuthorization: true, roleAssignments: [assignment(OPS, role("Key Vault Secrets User"), secret, "one-secret")] };
        expect(withinVault(secret.toUpperCase(), VAULT)).toBe(true);
        expect(withinVault(VAULT, VAULT)).toBe(false);
        expect(withinVault(`${VAULT}2/secrets/x`, VAULT)).toBe(false);
        expect(findUnmanagedAccess(vault, [grant(OPS)])).toEqual([{ principalId: OPS, role: "Key Vault Secrets User", source: secret, roleAssignmentId: `${secret}/providers/Microsoft.Authorization/roleAssignments/one-secret` }]);
    });

    it("counts scopes above the vault, never beside or below it", () => {
        expect(appliesToVault("/", VAULT)).toBe(true);
        expect(appliesToVault(RG.toUpperCase(), VAULT)).toBe(true);
        expect(appliesToVault(`${RG}2`, VAULT)).toBe(false);
        expect(appliesToVault(`${VAULT}/secrets/x`, VAULT)).toBe(false);
    });
});

describe("vaultMismatches", () => {
    it("names the key to set when the mode or tenant differs", () => {
        expect(vaultMismatches(policyVault, "accessPolicy", TENANT, false)).toEqual([]);
        expect(vaultMismatches(policyVault, "rbac", "00000000-0000-0000-0000-00000000ffff", true)).toEqual([
            "keyVault.authorization is rbac but the vault uses accessPolicy: role assignments would grant nothing; set keyVault.authorization: accessPolicy",
            `keyVault.tenantId is 00000000-0000-0000-0000-00000000ffff but the vault's tenant is ${TENANT}; set keyVault.tenantId: ${TENANT}`,
        ]);
    });
});

describe("audit rules", () => {
    const audit = (props: Record<string, unknown>): PolicyResource => ({ type: TYPES.vaultAudit, name: "audit", id: `${TYPES.vaultAudit}::audit`, props, protect: false });
    const unmanagedAccess = findUnmanagedAccess(policyVault, [grant(OPS)]);

    it("unmanaged-access names the principal and how to adopt or remove it; advisory unless the stack says fail", () => {
        const [warn] = evaluateRules([audit({ unmanagedAccess, unmanagedAccessLevel: "warn", mismatches: [] })], {});
        expect(warn).toMatchObject({ policy: "unmanaged-access", level: "advisory", principalId: HAND });
        expect(warn.message).toContain(`(principal ${HAND})`);
        expect(warn.message).toContain("npm run adopt");
        expect(warn.message).toContain("remove it in Azure");
        expect(warn.message).toContain("access policy (secrets: Get,List,Set; keys: Get)");
        const [fail] = evaluateRules([audit({ unmanagedAccess, unmanagedAccessLevel: "fail", mismatches: [] })], {});
        expect(fail.level).toBe("mandatory");
    });

    it("a suppression by principal still lists the finding; with fail only policy/config.json can suppress it", () => {
        const suppression = { rule: "unmanaged-access", principalId: HAND, reason: "Break-glass, reviewed yearly" };
        const [warn] = evaluateRules([audit({ unmanagedAccess, unmanagedAccessLevel: "warn" })], {}, [suppression]);
        expect(warn.suppressed).toEqual({ reason: "Break-glass, reviewed yearly", source: "stack" });
        const [failInStack] = evaluateRules([audit({ unmanagedAccess, unmanagedAccessLevel: "fail" })], {}, [suppression]);
        expect(failInStack.suppressed).toBeUndefined();
        const [failInPack] = evaluateRules([audit({ unmanagedAccess, unmanagedAccessLevel: "fail" })], { packSuppressions: [suppression] });
        expect(failInPack.suppressed).toEqual({ reason: "Break-glass, reviewed yearly", source: "policy/config.json" });
    });

    it("vault-matches-config is mandatory", () => {
        const findings = evaluateRules([audit({ unmanagedAccess: [], mismatches: vaultMismatches(policyVault, "rbac", TENANT, false) })], {});
        expect(findings.map((f) => [f.policy, f.level])).toEqual([["vault-matches-config", "mandatory"]]);
        expect(findings[0].message).toContain("set keyVault.authorization: accessPolicy");
    });
});
