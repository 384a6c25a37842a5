/**
 * Azure built-in roles that matter for a Key Vault, by friendly name and ID. Pure.
 * IDs are the same in every Azure tenant.
 */
import { createHash } from "node:crypto";
import { GUID_PATTERN } from "../config/limits";

export const BUILTIN_ROLES = {
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
    "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "Key Vault Contributor": "f25e0fa2-a7c8-4377-a976-54943a77a395",
    "Key Vault Data Access Administrator": "8b54135c-b56d-4d72-a534-26097cfdc8d8",
    Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
} as const;

export type BuiltinRoleName = keyof typeof BUILTIN_ROLES;

/** Access presets: what `access: read|write` means in each authorization mode. */
export const ACCESS_PRESETS = {
    read: { secrets: ["get", "list"], role: "Key Vault Secrets User" },
    write: { secrets: ["get", "list", "set", "delete"], role: "Key Vault Secrets Officer" },
} as const satisfies Record<string, { secrets: readonly string[]; role: BuiltinRoleName }>;

export type AccessPreset = keyof typeof ACCESS_PRESETS;

export { GUID_PATTERN };

/** The role ID for a friendly built-in name or a role definition GUID; undefined when neither. */
export function roleId(nameOrId: string): string | undefined {
    if (Object.hasOwn(BUILTIN_ROLES, nameOrId)) return BUILTIN_ROLES[nameOrId as BuiltinRoleName];
    if (GUID_PATTERN.test(nameOrId)) return nameOrId.toLowerCase();
    const fromPath = /\/roleDefinitions\/([0-9a-f-]{36})$/i.exec(nameOrId);
    return fromPath && GUID_PATTERN.test(fromPath[1]) ? fromPath[1].toLowerCase() : undefined;
}

/** The friendly name of a built-in role ID, or the ID itself when it is not one we know. */
export function roleName(id: string): string {
    const found = Object.entries(BUILTIN_ROLES).find(([, v]) => v === id.toLowerCase());
    return found ? found[0] : id;
}

/** `/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<id>` */
export function roleDefinitionResourceId(subscriptionId: string, id: string): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
}

/** The ARM ID of a Key Vault: the scope of its role assignments. */
export function vaultResourceId(subscriptionId: string, resourceGroupName: string, vaultName: string): string {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.KeyVault/vaults/${vaultName}`;
}

/** The subscription, resource group and vault name in a vault's ARM ID, spelled as in the ID. */
export function vaultIdParts(id: string): { subscriptionId: string; resourceGroupName: string; name: string } | undefined {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)$/i.exec(id);
    return m ? { subscriptionId: m[1], resourceGroupName: m[2], name: m[3] } : undefined;
}

/** Namespace for name-based UUIDs of role assignments in this project (a fixed random UUID). */
const ROLE_ASSIGNMENT_NAMESPACE = "3c1f5a52-9a0e-4d39-8d53-2a4b7e9d6f10";

/**
 * A deterministic role assignment name: an RFC 4122 version-5 UUID of (scope, principal, role),
 * the way Azure Verified Modules derive `guid(scope, principalId, roleId)`, so a re-run or an
 * import finds the same assignment instead of creating a second one.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionId: string): string {
    const ns = Buffer.from(ROLE_ASSIGNMENT_NAMESPACE.replace(/-/g, ""), "hex");
    const name = [scope, principalId, roleDefinitionId].map((s) => s.toLowerCase()).join("|");
    const hash = createHash("sha1").update(ns).update(name, "utf8").digest();
    hash[6] = (hash[6] & 0x0f) | 0x50;
    hash[8] = (hash[8] & 0x3f) | 0x80;
    const hex = hash.subarray(0, 16).toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
