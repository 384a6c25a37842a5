/**
 * Adopt's keyVault section: the vault's real mode and tenant, and its names as Azure spells them.
 */
import { vaultMismatches } from "../../core/vault/audit";
import type { AuthorizationMode } from "../../core/config/parse";
import { TYPES } from "../../core/resourceNames";
import { vaultIdParts, vaultResourceId } from "../../core/vault/roles";
import type { AdoptionInput, KeyVaultPlan, RawEntry } from "./adoption";

/**
 * keyVault: the vault's real mode and tenant, and its names spelled as Azure has them: azure-native
 * compares the vault and resource group names (and a role assignment's scope) exactly.
 */
export function planKeyVault(input: AdoptionInput, mode: AuthorizationMode): KeyVaultPlan {
    const { config, vault } = input;
    const kv = config.keyVault;
    const stackKey = `${input.project}:keyVault`;
    const raw = input.rawConfig[stackKey] ? (JSON.parse(input.rawConfig[stackKey]) as RawEntry) : {};
    const summary: string[] = [];
    let changed = false;
    const set = (k: string, value: string) => {
        raw[k] = value;
        changed = true;
    };
    if (kv.authorization !== mode) {
        set("authorization", mode);
        // Grants written for the other mode cannot be declared in this one: say which, by key.
        const other = mode === "rbac" ? "permissions" : "role";
        config.accessGrants.forEach((g, i) => {
            if (mode === "rbac" ? g.permissions : g.roleId) {
                summary.push(`accessGrants[${i}].${other}: is for keyVault.authorization ${kv.authorization}; give ${g.principalId} access: read|write${mode === "rbac" ? " or a role" : " or permissions"} before the plan accepts the fragment`);
            }
        });
    }
    if (kv.tenantId && kv.tenantId !== vault.tenantId.toLowerCase()) set("tenantId", vault.tenantId);
    for (const m of vaultMismatches(vault, kv.authorization, kv.tenantId ?? vault.tenantId, kv.tenantId !== undefined)) summary.push(`Fixed in the fragment: ${m}`);
    const names = vaultIdParts(vault.id);
    // A stack that already manages entries of the vault keeps its spelling: changing it would replace them.
    const deployed = (input.managed ?? []).some((r) => r.type === TYPES.accessPolicy || r.type === TYPES.roleAssignment || r.type === TYPES.secret);
    const sent = { resourceGroupName: kv.resourceGroupName, name: kv.name };
    for (const k of ["resourceGroupName", "name"] as const) {
        const ours = sent[k];
        const theirs = names?.[k];
        if (!theirs || theirs === ours) continue;
        if (deployed) {
            summary.push(`keyVault.${k} is ${ours} but Azure spells it ${theirs}; kept, because the stack already manages entries under ${ours} (changing it would replace them)`);
            continue;
        }
        set(k, theirs);
        sent[k] = theirs;
        summary.push(`Fixed in the fragment: keyVault.${k} is ${ours} but Azure spells it ${theirs}; set to Azure's spelling so imported entries are not replaced`);
    }
    // The program otherwise takes the deploying identity's subscription and tenant, which may not be
    // the vault's. Not where ESC environments are imported: they may set keyVault, which ours would replace.
    const esc = (input.escEnvironments ?? []).length > 0;
    if (!kv.subscriptionId && names && !esc) {
        set("subscriptionId", names.subscriptionId);
        summary.push(`Set in the fragment: keyVault.subscriptionId: ${names.subscriptionId}, the vault's, so role assignment scopes do not depend on who deploys`);
    }
    if (!kv.tenantId && !esc) {
        set("tenantId", vault.tenantId);
        // What the key does depends on the mode: access policies name the tenant, role assignments do not.
        const why = mode === "rbac" ? "so the vault audit checks the vault's tenant, not the deploying identity's (role assignments name no tenant)" : "so access policies name it whoever deploys";
        summary.push(`Set in the fragment: keyVault.tenantId: ${vault.tenantId}, the vault's, ${why}`);
    }
    const id = names ? vaultResourceId(names.subscriptionId, sent.resourceGroupName, sent.name) : vault.id;
    const subscriptionId = kv.subscriptionId ?? names?.subscriptionId.toLowerCase() ?? "";
    return {
        raw: changed ? raw : undefined,
        summary,
        id,
        subscriptionId,
        scope: names ? vaultResourceId(subscriptionId, sent.resourceGroupName, sent.name) : id,
        tenant: vault.tenantId.toLowerCase(),
        // An access policy's vault name comes back from Azure, not from the ID: it must match as sent.
        policyVaultProblem: names && names.name !== sent.name ? `the vault is named ${names.name} in Azure but ${sent.name} in the stack; azure-native would replace it` : undefined,
    };
}
