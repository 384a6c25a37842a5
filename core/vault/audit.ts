/**
 * The vault as Azure has it, compared with `accessGrants`: who has access that the stack does not
 * declare, and whether the vault's mode and tenant are the ones the stack assumes. Pure.
 */
import type { AccessGrantConfig, AuthorizationMode, Permissions } from "../config/parse";
import { grantRoleId } from "./grants";
import { BUILTIN_ROLES, roleAssignmentName, roleId as toRoleId, roleName } from "./roles";

/**
 * The offline plan's mocks answer `getVault` with this tag: no Azure was read, so the audit
 * reports status `offline` instead of comparing against an imaginary vault.
 */
export const OFFLINE_VAULT_TAG = "altinn-app-secrets-offline-plan";

/** One access policy entry as `getVault` / `az keyvault show` report it. */
export interface VaultAccessPolicy {
    tenantId: string;
    objectId: string;
    /** Compound identity (an app acting for a user); rare. */
    applicationId?: string;
    permissions: Permissions;
}

/** One role assignment as the ARM API / `az role assignment list` report it. */
export interface VaultRoleAssignment {
    /** Full ARM ID of the assignment. */
    id: string;
    /** The assignment's name (a GUID): the last segment of `id`. */
    name: string;
    scope: string;
    principalId: string;
    principalType?: string;
    /** Full ARM ID of the role definition, or its GUID. */
    roleDefinitionId: string;
    description?: string;
    /** ABAC condition that narrows the assignment; a grant cannot declare one. */
    condition?: string;
    /** Cross-tenant (Lighthouse) assignment: the managed identity it is delegated to; a grant cannot declare one. */
    delegatedManagedIdentityResourceId?: string;
}

/** A role assignment as ARM (under `properties`), the Azure SDK or `az` (flat) describe it. */
export function roleAssignmentOf(a: Record<string, unknown>): VaultRoleAssignment {
    const p = { ...a, ...((a.properties ?? {}) as Record<string, unknown>) };
    const id = String(p.id ?? "");
    return {
        id,
        name: String(p.name ?? id.slice(id.lastIndexOf("/") + 1)),
        scope: String(p.scope ?? ""),
        principalId: String(p.principalId ?? ""),
        ...(p.principalType ? { principalType: String(p.principalType) } : {}),
        roleDefinitionId: String(p.roleDefinitionId ?? ""),
        ...(typeof p.description === "string" ? { description: p.description } : {}),
        ...(typeof p.condition === "string" && p.condition ? { condition: p.condition } : {}),
        ...(typeof p.delegatedManagedIdentityResourceId === "string" && p.delegatedManagedIdentityResourceId ? { delegatedManagedIdentityResourceId: p.delegatedManagedIdentityResourceId } : {}),
    };
}

/** Each assignment once (by ID, any case), in the order first listed: two listings overlap at the vault's scope. */
export function eachOnce(assignments: VaultRoleAssignment[]): VaultRoleAssignment[] {
    const byId = new Map<string, VaultRoleAssignment>();
    for (const a of assignments) if (!byId.has(a.id.toLowerCase())) byId.set(a.id.toLowerCase(), a);
    return [...byId.values()];
}

/** What the audit needs to know about the vault. */
export interface VaultReality {
    /** ARM ID of the vault. */
    id: string;
    tenantId: string;
    enableRbacAuthorization: boolean;
    accessPolicies: VaultAccessPolicy[];
    /** Role assignments at the vault's scope, above it and below it (one secret) (RBAC mode). */
    roleAssignments: VaultRoleAssignment[];
}

/** One principal's access that `accessGrants` does not declare (stack output `unmanagedAccess`). */
export interface UnmanagedAccess {
    principalId: string;
    /** Access policy permissions (access-policy vaults). */
    permissions?: Permissions;
    /** Role name, friendly when built in (RBAC vaults). */
    role?: string;
    /** `accessPolicy`, or the role assignment's scope. */
    source: string;
    /** ARM ID of the role assignment (RBAC vaults). */
    roleAssignmentId?: string;
    /**
     * The `expires` of the grant that declared this access until that day: the first up after it
     * removes the access; found after that up, it was granted again outside the stack.
     */
    expiredGrant?: string;
}

/** Built-in roles whose data actions reach a Key Vault's secrets, keys or certificates. */
export const KEY_VAULT_DATA_ROLE_IDS: readonly string[] = [
    BUILTIN_ROLES["Key Vault Administrator"],
    BUILTIN_ROLES["Key Vault Secrets Officer"],
    BUILTIN_ROLES["Key Vault Secrets User"],
    BUILTIN_ROLES["Key Vault Reader"],
    "a4417e6f-fecd-4de8-b567-7b0420556985", // Key Vault Certificates Officer
    "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba", // Key Vault Certificate User
    "14b46e9e-c2b7-41b4-b07b-48a6ebf60603", // Key Vault Crypto Officer
    "12338af0-0e69-4776-bea7-57ae8d297424", // Key Vault Crypto User
    "e147488a-f6f5-4113-8e2d-b22465e65bf6", // Key Vault Crypto Service Encryption User
    "08bbd89e-9f13-488c-ac41-acfcb10c90ab", // Key Vault Crypto Service Release User
];

/** Built-in roles known to carry no Key Vault data action (control plane only). */
export const NO_DATA_ROLE_IDS: readonly string[] = [
    BUILTIN_ROLES.Owner,
    BUILTIN_ROLES.Contributor,
    BUILTIN_ROLES["User Access Administrator"],
    BUILTIN_ROLES["Key Vault Contributor"],
    BUILTIN_ROLES["Key Vault Data Access Administrator"],
    "acdd72a7-3385-48ef-bd42-f606fba81ae7", // Reader
];

/**
 * Whether a role grants Key Vault data actions: known built-ins by ID; any other role by the
 * data actions of its definition, which the caller looks up (`undefined` when it has not).
 */
export function grantsKeyVaultData(roleDefinitionId: string, dataActions?: string[]): boolean | undefined {
    const id = toRoleId(roleDefinitionId);
    if (id && KEY_VAULT_DATA_ROLE_IDS.includes(id)) return true;
    if (id && NO_DATA_ROLE_IDS.includes(id)) return false;
    if (dataActions === undefined) return undefined;
    return dataActions.some((a) => a === "*" || /^microsoft\.keyvault\//i.test(a));
}

/** Role IDs whose data actions must be looked up before `grantsKeyVaultData` can answer. */
export function unknownRoleIds(assignments: Pick<VaultRoleAssignment, "roleDefinitionId">[]): string[] {
    return [...new Set(assignments.map((a) => a.roleDefinitionId).filter((r) => grantsKeyVaultData(r) === undefined))];
}

function normalizedScope(scope: string): string {
    return scope.toLowerCase().replace(/\/+$/, "");
}

/** Whether `scope` is a part of the vault `vaultId` (a single secret, key or certificate). */
export function withinVault(scope: string, vaultId: string): boolean {
    return normalizedScope(scope).startsWith(`${normalizedScope(vaultId)}/`);
}

/** Whether a role assignment at `scope` applies to the vault `vaultId` (its scope or above). */
export function appliesToVault(scope: string, vaultId: string): boolean {
    const s = normalizedScope(scope);
    const v = normalizedScope(vaultId);
    // Management groups sit above every subscription; ARM's atScope() listing returns only those that apply.
    return s === "" || s === v || v.startsWith(`${s}/`) || s.startsWith("/providers/microsoft.management/managementgroups/");
}

/**
 * The access the stack does not declare. On an access-policy vault: every access policy entry no
 * grant owns (a grant owns one plain entry of its principal; a compound identity, or a second entry
 * for the same principal, is unmanaged). On an RBAC vault: every data role assignment at, above or
 * below (one secret) the vault's scope that is not exactly the assignment a grant declares (same principal, role and
 * name, at the vault's scope: a hand-made twin under another name is not the stack's, and blocks
 * the stack's own until adopted). A custom role
 * whose data actions were not looked up (`dataActionsByRole`, by role definition ID) counts as access.
 */
export function findUnmanagedAccess(vault: VaultReality, grants: AccessGrantConfig[], dataActionsByRole: Record<string, string[]> = {}): UnmanagedAccess[] {
    if (!vault.enableRbacAuthorization) {
        const owned = ownedAccessPolicies(vault.accessPolicies, grants);
        return vault.accessPolicies.filter((p) => !owned.has(p)).map((p) => ({ principalId: p.objectId.toLowerCase(), permissions: p.permissions, source: "accessPolicy" }));
    }
    // The assignment a grant declares: its principal and role at the vault, under the grant's name.
    const managed = new Set(
        grants.map((g) => {
            const role = grantRoleId(g);
            return `${g.principalId.toLowerCase()}|${role}|${(g.roleAssignmentName ?? roleAssignmentName(vault.id, g.principalId, role)).toLowerCase()}`;
        }),
    );
    return vault.roleAssignments
        // Below the vault (one secret) is access too, and never a grant's: grants are at the vault's scope.
        .filter((a) => (appliesToVault(a.scope, vault.id) || withinVault(a.scope, vault.id)) && grantsKeyVaultData(a.roleDefinitionId, dataActionsByRole[a.roleDefinitionId]) !== false)
        .filter((a) => {
            const atVault = normalizedScope(a.scope) === normalizedScope(vault.id);
            return !(atVault && managed.has(`${a.principalId.toLowerCase()}|${toRoleId(a.roleDefinitionId)}|${a.name.toLowerCase()}`));
        })
        .map((a) => ({
            principalId: a.principalId.toLowerCase(),
            role: roleName(toRoleId(a.roleDefinitionId) ?? a.roleDefinitionId),
            source: a.scope,
            roleAssignmentId: a.id,
        }));
}

/**
 * Unmanaged access, where the access only an expired grant (no longer declared) accounts for is
 * marked with that grant's date instead of being counted as managed: an expired entry left in the
 * stack file must not hide access granted again in the portal after the up removed it.
 */
export function findUnmanagedAccessAfterExpiry(
    vault: VaultReality,
    declared: AccessGrantConfig[],
    expired: AccessGrantConfig[],
    dataActionsByRole: Record<string, string[]> = {},
): UnmanagedAccess[] {
    const key = (u: UnmanagedAccess) => `${u.principalId}|${u.source}|${u.roleAssignmentId ?? JSON.stringify(u.permissions ?? {})}`;
    const unaccounted = new Set(findUnmanagedAccess(vault, [...declared, ...expired], dataActionsByRole).map(key));
    const ended = new Map(expired.map((g) => [g.principalId.toLowerCase(), g.expires ?? ""]));
    return findUnmanagedAccess(vault, declared, dataActionsByRole).map((u) => (unaccounted.has(key(u)) ? u : { ...u, expiredGrant: ended.get(u.principalId) ?? "" }));
}

/**
 * The access policy entries the grants own. A grant owns one entry: the one azure-native manages
 * (object ID as the stack sends it), else its principal's first. A second entry for the same
 * principal is access of its own.
 */
export function ownedAccessPolicies(policies: VaultAccessPolicy[], grants: AccessGrantConfig[]): Set<VaultAccessPolicy> {
    const owned = new Set<VaultAccessPolicy>();
    for (const g of grants) {
        const plain = policies.filter((p) => !p.applicationId && p.objectId.toLowerCase() === g.principalId.toLowerCase());
        const entry = plain.find((p) => p.objectId === (g.principalIdInAzure ?? g.principalId)) ?? plain[0];
        if (entry) owned.add(entry);
    }
    return owned;
}

/** Where the stack's assumptions about the vault are wrong: each a sentence naming the config key. */
export function vaultMismatches(vault: Pick<VaultReality, "tenantId" | "enableRbacAuthorization">, mode: AuthorizationMode, tenantId: string, tenantFromConfig: boolean): string[] {
    const problems: string[] = [];
    const real: AuthorizationMode = vault.enableRbacAuthorization ? "rbac" : "accessPolicy";
    if (real !== mode) {
        problems.push(
            `keyVault.authorization is ${mode} but the vault uses ${real}: ${mode === "rbac" ? "role assignments" : "access policies"} would grant nothing; set keyVault.authorization: ${real}`,
        );
    }
    if (vault.tenantId && vault.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
        problems.push(
            tenantFromConfig
                ? `keyVault.tenantId is ${tenantId} but the vault's tenant is ${vault.tenantId}; set keyVault.tenantId: ${vault.tenantId}`
                : `the deploying identity's tenant ${tenantId} is not the vault's tenant ${vault.tenantId}; set keyVault.tenantId: ${vault.tenantId}`,
        );
    }
    return problems;
}

/** A short description of an unmanaged entry's access, for findings and summaries. */
export function describeAccess(entry: Pick<UnmanagedAccess, "permissions" | "role">): string {
    if (entry.role) return entry.role;
    return Object.entries(entry.permissions ?? {})
        .filter(([, list]) => list && list.length > 0)
        .map(([kind, list]) => `${kind}: ${list!.join(",")}`)
        .join("; ");
}
