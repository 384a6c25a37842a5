/**
 * Adopt's accessGrants: the stack's own grants imported where they exist, and today's unmanaged
 * access policies or role assignments adopted as new grants when they can be imported unchanged.
 */
import { describeAccess, findUnmanagedAccess, ownedAccessPolicies, withinVault, VaultAccessPolicy, VaultRoleAssignment } from "../../core/vault/audit";
import { AccessGrantConfig, Permissions, PRINCIPAL_TYPES } from "../../core/config/parse";
import { ACCESS_NAME, grantName, grantResourceName, TYPES } from "../../core/resourceNames";
import { grantPermissions, grantRoleId } from "../../core/vault/grants";
import { AZURE_PERMISSIONS, CONTROL_CHARACTER, PERMISSION_KINDS } from "../../core/config/limits";
import { roleAssignmentName, roleDefinitionResourceId, roleId as toRoleId, roleName } from "../../core/vault/roles";
import { unshowableProblem } from "../../core/vault/vaultAnswer";
import { addComponent, Adopting, grantInState, grantResourceType, RawEntry, removedButInState, sameScope } from "./adoption";

/**
 * Whether two access policies' permissions are the same: `exact` as azure-native compares them
 * (spelling and order), or else as Azure applies them (any case, any order).
 */
function samePermissions(a: Permissions, b: Permissions, exact: boolean): boolean {
    const norm = (list: string[] | undefined) => (exact ? (list ?? []) : [...new Set((list ?? []).map((p) => p.toLowerCase()))].sort());
    return PERMISSION_KINDS.every((kind) => JSON.stringify(norm(a[kind])) === JSON.stringify(norm(b[kind])));
}

/** Import `id` as the access policy or role assignment of `principalId`'s grant, under its parents. */
function importGrant(ctx: Adopting, principalId: string, id: string): void {
    addComponent(ctx, { type: TYPES.keyVaultAccess, name: ACCESS_NAME });
    const grant = grantName(ACCESS_NAME, principalId);
    addComponent(ctx, { type: TYPES.accessGrant, name: grant, parent: ACCESS_NAME });
    ctx.imports.push({ type: grantResourceType(ctx.mode), name: grantResourceName(grant, ctx.mode), id, parent: grant });
}

/** Access adopted as a new grant: its accessGrants entry, the comment asking for its reason, its import ID and summary line. */
interface AdoptedGrant {
    principalId: string;
    entry: RawEntry;
    comment: string;
    id: string;
    what: string;
}

function adoptGrant(ctx: Adopting, grant: AdoptedGrant): void {
    ctx.grants.push(grant.entry);
    ctx.comments.set(`accessGrants:${ctx.grants.length - 1}`, grant.comment);
    importGrant(ctx, grant.principalId, grant.id);
    ctx.declared.add(grant.principalId);
    ctx.notes.adopted.push(grant.what);
}

/**
 * Why importing this access policy entry would change or hide access, or undefined. azure-native's
 * import reads the first entry whose object ID equals the ID's last segment exactly, and the stack
 * sends its own tenant ID.
 */
function policyProblem(ctx: Adopting, p: VaultAccessPolicy): string | undefined {
    if (ctx.keyVault.policyVaultProblem) return ctx.keyVault.policyVaultProblem;
    const same = ctx.policies.plainByPrincipal.get(p.objectId.toLowerCase()) ?? [];
    if (same.length > 1) return `the vault has ${same.length} access policies for this principal (${same.map((o) => `${o.objectId} in tenant ${o.tenantId}`).join(", ")}); a grant owns one: remove the others in Azure`;
    if (ctx.policies.firstByObjectId.get(p.objectId) !== p) {
        return "the vault lists a compound identity for the same object ID first, which azure-native's import would read instead (and preview then rewrite)";
    }
    const unknown = PERMISSION_KINDS.flatMap((kind) => (p.permissions[kind] ?? []).filter((n) => !(AZURE_PERMISSIONS[kind] as readonly string[]).some((k) => k.toLowerCase() === n.toLowerCase())).map((n) => `${kind}: ${n}`));
    if (unknown.length) return `it has permissions accessGrants cannot declare (${unknown.join(", ")})`;
    const tenant = ctx.keyVault.tenant;
    if (p.tenantId.toLowerCase() !== tenant) return `its principal is in tenant ${p.tenantId}, not the stack's`;
    if (p.tenantId !== tenant) return `its tenant ID is spelled ${p.tenantId}; the stack sends ${tenant}, so preview would show the entry rewritten`;
    return undefined;
}

/** Why importing this assignment would replace it (azure-native compares these exactly) or change it, or undefined. */
function unimportable(ctx: Adopting, a: VaultRoleAssignment, role: string): string | undefined {
    const { scope, subscriptionId } = ctx.keyVault;
    if (a.condition) return "it has a condition, which accessGrants cannot declare (importing would drop it)";
    if (a.delegatedManagedIdentityResourceId) return "it is delegated to a managed identity of another tenant (delegatedManagedIdentityResourceId), which accessGrants cannot declare";
    if (a.scope !== scope) return `its scope is spelled ${a.scope}, not as the stack sends it, ${scope}; azure-native would replace it`;
    // pulumi import takes the scope from the ID, not from the assignment's properties.
    if (!a.id.startsWith(`${a.scope}/providers/`)) return `its ID ${a.id} does not start with its scope; azure-native would import another scope and replace it`;
    if (a.roleDefinitionId !== roleDefinitionResourceId(subscriptionId, role)) return `its role definition ID ${a.roleDefinitionId} is not the one the stack would send; azure-native would replace it`;
    if (a.principalType && !(PRINCIPAL_TYPES as readonly string[]).includes(a.principalType)) {
        return `its principal type ${a.principalType} is not one accessGrants can declare (${PRINCIPAL_TYPES.join(", ")})`;
    }
    if (a.description && CONTROL_CHARACTER.test(a.description)) {
        return "its description has a line break or another control character, which the stack file cannot hold; make it one line in Azure and run adopt again";
    }
    if (a.description && unshowableProblem(a.description)) {
        return "its description has a bidirectional control character, which reorders what a reviewer sees (the plan refuses it); remove it in Azure and run adopt again";
    }
    return undefined;
}

/** The keys an RBAC grant `g` (none: a new one) needs so the program sends what the assignment has. */
function assignmentFields(ctx: Adopting, a: VaultRoleAssignment, g?: AccessGrantConfig): RawEntry {
    const fields: RawEntry = {};
    if (g?.principalIdInAzure !== a.principalId) fields.principalId = a.principalId;
    if (a.principalType && g?.principalType !== a.principalType) fields.principalType = a.principalType;
    const role = toRoleId(a.roleDefinitionId)!;
    if (!g || (g.roleAssignmentName ?? roleAssignmentName(ctx.keyVault.id, g.principalId, role)) !== a.name) fields.roleAssignmentName = a.name;
    const description = g ? (g.description === undefined ? g.reason : g.description) : undefined;
    if (description !== (a.description ?? "")) fields.description = a.description ?? "";
    return fields;
}

/**
 * Access the stack already declares and that exists: imported, so the first `up` adopts it. The
 * stack's own resources (in the state) are not imported again, nor rewritten after drift in Azure.
 */
export function importDeclaredGrants(ctx: Adopting): void {
    ctx.input.config.accessGrants.forEach((g, i) => {
        if (grantInState(ctx, g.principalId)) return;
        if (ctx.mode === "accessPolicy") importDeclaredPolicy(ctx, g, i);
        else importDeclaredAssignment(ctx, g, i);
    });
}

function importDeclaredPolicy(ctx: Adopting, g: AccessGrantConfig, i: number): void {
    const existing = ctx.input.vault.accessPolicies.find((p) => !p.applicationId && p.objectId.toLowerCase() === g.principalId);
    if (!existing) return;
    const problem = policyProblem(ctx, existing);
    if (problem) {
        ctx.notes.notAdopted.push(`${g.principalId} (access policy): not imported: ${problem}; resolve it in Azure before the first up, which otherwise fails on it`);
        return;
    }
    const entry = ctx.grants[i];
    if (existing.objectId !== (g.principalIdInAzure ?? g.principalId)) entry.principalId = existing.objectId;
    const ours = grantPermissions(g);
    const theirs = existing.permissions;
    if (!samePermissions(ours, theirs, true)) {
        if (samePermissions(ours, theirs, false)) {
            // The same access spelled or ordered differently: write Azure's, so nothing is rewritten.
            delete entry.access;
            entry.permissions = theirs;
            ctx.comments.set(`accessGrants:${i}`, " permissions spelled as Azure has them (the same access the stack declared), so importing changes nothing");
        } else {
            ctx.notes.firstUpChanges.push(`${g.principalId}: Azure has ${describeAccess({ permissions: theirs })}; the first up sets what the stack declares, ${describeAccess({ permissions: ours })}`);
        }
    }
    if (samePermissions(ours, theirs, false)) ctx.notes.matched.push(`${g.principalId} (access policy: ${describeAccess({ permissions: theirs })})`);
    importGrant(ctx, g.principalId, `${ctx.keyVault.id}/accessPolicy/${existing.objectId}`);
}

function importDeclaredAssignment(ctx: Adopting, g: AccessGrantConfig, i: number): void {
    const role = grantRoleId(g);
    const existing = ctx.input.vault.roleAssignments.find((a) => sameScope(a.scope, ctx.keyVault.id) && a.principalId.toLowerCase() === g.principalId && toRoleId(a.roleDefinitionId) === role);
    if (!existing) return;
    const problem = unimportable(ctx, existing, role);
    if (problem) {
        ctx.notes.notAdopted.push(`${g.principalId} (role assignment ${existing.name}): not imported: ${problem}; the first up fails on it until it is removed in Azure`);
        return;
    }
    const fields = assignmentFields(ctx, existing, g);
    Object.assign(ctx.grants[i], fields);
    if (fields.description !== undefined) ctx.comments.set(`accessGrants:${i}`, " description: the assignment's own, kept so importing changes nothing; delete the key to store the reason instead");
    ctx.notes.matched.push(`${g.principalId} (role assignment ${existing.name}: ${roleName(role)})`);
    importGrant(ctx, g.principalId, existing.id);
}

/**
 * Access policies: each entry the audit reports (the same rule as findUnmanagedAccess), one by one,
 * so that a compound identity or a second entry for one principal is never folded into another.
 */
export function adoptAccessPolicies(ctx: Adopting): void {
    const { config, vault } = ctx.input;
    const declaredByStack = new Set(ctx.declared);
    const owned = ownedAccessPolicies(vault.accessPolicies, config.accessGrants);
    for (const policy of vault.accessPolicies) {
        if (owned.has(policy)) continue;
        const principalId = policy.objectId.toLowerCase();
        const what = `${principalId} (access policy: ${describeAccess({ permissions: policy.permissions })})`;
        const problem = unadoptablePolicy(ctx, policy, declaredByStack.has(principalId));
        if (problem) {
            ctx.notes.notAdopted.push(`${what}: ${problem}`);
            continue;
        }
        adoptGrant(ctx, {
            principalId,
            entry: { principalId: policy.objectId, permissions: policy.permissions, reason: "" },
            comment: ` adopted: access policy of ${principalId} as it is today; write why it needs access (10+ characters), or delete it here and in Azure`,
            id: `${ctx.keyVault.id}/accessPolicy/${policy.objectId}`,
            what,
        });
    }
}

/** Why an access policy entry no grant owns is not adopted, or undefined. */
function unadoptablePolicy(ctx: Adopting, policy: VaultAccessPolicy, declared: boolean): string | undefined {
    if (policy.applicationId) return `a compound identity (application ${policy.applicationId}); remove it in Azure or suppress unmanaged-access for it`;
    if (!Object.values(policy.permissions).some((l) => l && l.length > 0)) return "grants nothing; remove it in Azure";
    if (!declared && grantInState(ctx, policy.objectId.toLowerCase())) return removedButInState("grant", "accessGrants");
    // The stack's spelling of the vault, not the entry, is what blocks it: nothing to remove in Azure.
    if (ctx.keyVault.policyVaultProblem) return `${ctx.keyVault.policyVaultProblem}; adopt it by hand once the spellings agree, or suppress unmanaged-access for it`;
    // A declared principal's second entry: policyProblem names both.
    const problem = policyProblem(ctx, policy);
    return problem ? `${problem}; remove it in Azure or suppress unmanaged-access for it` : undefined;
}

/** Role assignments: each the audit reports that sits at the vault's scope and can be imported as it is. */
export function adoptRoleAssignments(ctx: Adopting): void {
    const { config, vault, dataActionsByRole } = ctx.input;
    const assignmentsById = new Map(vault.roleAssignments.map((a) => [a.id, a]));
    for (const u of findUnmanagedAccess(vault, config.accessGrants, dataActionsByRole ?? {})) {
        const what = `${u.principalId} (role assignment at ${u.source}: ${describeAccess(u)})`;
        const assignment = assignmentsById.get(u.roleAssignmentId!)!;
        // A hand-made twin of a declared grant was imported for it above (under its own name).
        if (ctx.imports.some((e) => e.id === assignment.id)) continue;
        const role = toRoleId(assignment.roleDefinitionId) ?? assignment.roleDefinitionId;
        const problem = unadoptableAssignment(ctx, assignment, u.principalId, role);
        if (problem) {
            ctx.notes.notAdopted.push(`${what}: ${problem}`);
            continue;
        }
        const { principalId, principalType, ...fields } = assignmentFields(ctx, assignment);
        adoptGrant(ctx, {
            principalId: u.principalId,
            entry: { principalId, ...(principalType ? { principalType } : {}), role: roleName(role), ...fields, reason: "" },
            comment: ` adopted: role assignment ${assignment.name} of ${u.principalId} as it is today (its description kept); write why it needs access (10+ characters), or delete it here and in Azure`,
            id: assignment.id,
            what,
        });
    }
}

/** Why an unmanaged role assignment is not adopted, or undefined. */
function unadoptableAssignment(ctx: Adopting, a: VaultRoleAssignment, principalId: string, role: string): string | undefined {
    if (withinVault(a.scope, ctx.keyVault.id)) return "assigned to a part of the vault, which a grant cannot declare (grants are at the vault's scope); remove it, or suppress unmanaged-access for this principal with a reason";
    if (!sameScope(a.scope, ctx.keyVault.id)) return "assigned above the vault, where this stack declares nothing; remove it there, or suppress unmanaged-access for this principal with a reason";
    if (ctx.declared.has(principalId)) return "accessGrants already has a grant for this principal (one per principal); remove one of the two in Azure, or change the grant's role";
    if (grantInState(ctx, principalId)) return removedButInState("grant", "accessGrants");
    return unimportable(ctx, a, role);
}
