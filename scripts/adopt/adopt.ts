/**
 * Adoption, pure: from the vault as Azure has it and the stack's config, the config fragment that
 * declares today's access and Maskinporten secrets (reasons left empty for a person to write), the
 * `pulumi import --file` document naming exactly what the program declares, and a summary.
 */
import { Document, isScalar, parse, visit } from "yaml";
import { describeAccess, findUnmanagedAccess, ownedAccessPolicies, withinVault, VaultAccessPolicy, VaultReality, VaultRoleAssignment, vaultMismatches } from "../../core/vault/audit";
import { AccessGrantConfig, AuthorizationMode, CLIENT_SECRET_KEYS, ClientFormat, Permissions, PRINCIPAL_TYPES, StackConfig } from "../../core/config/parse";
import { secretName, sectionProblem, SECTION_SEPARATOR } from "../../core/vault/naming";
import {
    ACCESS_NAME,
    appSecretName,
    appSecretResourceName,
    clientName,
    clientSecretResourceName,
    grantName,
    grantResourceName,
    MANAGED_BY,
    TYPES,
} from "../../core/resourceNames";
import { grantPermissions, grantRoleId } from "../../core/vault/grants";
import { JWK_KEY, jwkSecretName } from "../../core/maskinporten/settings";
import { AZURE_PERMISSIONS, CONTROL_CHARACTER } from "../../core/config/limits";
import { roleAssignmentName, roleDefinitionResourceId, roleId as toRoleId, roleName, vaultIdParts, vaultResourceId } from "../../core/vault/roles";
import { AdoptInputError } from "./vaultSource";
import type { VaultSecretInfo } from "./vaultSource";

export type { VaultSecretInfo } from "./vaultSource";

export interface AdoptionInput {
    stack: string;
    project: string;
    config: StackConfig;
    /** The stack file's config as Pulumi passes it (full key -> value, objects as JSON text). */
    rawConfig: Record<string, string>;
    vault: VaultReality;
    secrets: VaultSecretInfo[];
    /** Data actions of custom roles, by role definition ID, when they could be looked up. */
    dataActionsByRole?: Record<string, string[]>;
    /**
     * Paths (`maskinportenClients[0].clientId`) of `secure:` values in the stack file. The raw config
     * holds placeholders there: a key holding one is never rewritten (the value would be lost).
     */
    secretPaths?: string[];
    /** Pulumi ESC environments the stack file imports: keys they set are invisible here. */
    escEnvironments?: string[];
    /**
     * What the stack already manages (from `pulumi stack export`); undefined when not given, taken
     * to mean a stack with no resources yet.
     */
    managed?: ManagedResource[];
}

/** A resource in the stack's state: its type, name and URN. */
export interface ManagedResource {
    type: string;
    name: string;
    urn: string;
}

/** One entry of a `pulumi import --file` document. */
export interface ImportEntry {
    type: string;
    name: string;
    id?: string;
    parent?: string;
    component?: boolean;
}

export interface Adoption {
    /** `config:` fragment: the keys to replace in the stack file. */
    fragment: { config: Record<string, unknown> };
    /** The fragment as YAML, with a comment on every entry a person must complete. */
    fragmentYaml: string;
    /** `nameTable` maps the names of parents the stack already has to their URNs. */
    importFile: { nameTable?: Record<string, string>; resources: ImportEntry[] };
    summary: string[];
}

type RawEntry = Record<string, unknown>;

/** A client's format by its JWK key in lower case (Key Vault ignores case): `encodedjwk` -> legacy. */
const FORMAT_OF_JWK_KEY = Object.fromEntries(Object.entries(JWK_KEY).map(([format, key]) => [key.toLowerCase(), format])) as Record<string, ClientFormat>;

function rawList(raw: Record<string, string>, key: string): RawEntry[] {
    const text = raw[key];
    if (text === undefined) return [];
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as RawEntry[]).map((e) => ({ ...e })) : [];
}

const PERMISSION_KINDS = ["secrets", "keys", "certificates", "storage"] as const;
/** A scope compared as Azure applies it: any case, no trailing slash. */
const sameScope = (a: string, b: string) => a.toLowerCase().replace(/\/+$/, "") === b.toLowerCase().replace(/\/+$/, "");

/**
 * Whether two access policies' permissions are the same: `exact` as azure-native compares them
 * (spelling and order), or else as Azure applies them (any case, any order).
 */
function samePermissions(a: Permissions, b: Permissions, exact: boolean): boolean {
    const norm = (list: string[] | undefined) => (exact ? (list ?? []) : [...new Set((list ?? []).map((p) => p.toLowerCase()))].sort());
    return PERMISSION_KINDS.every((kind) => JSON.stringify(norm(a[kind])) === JSON.stringify(norm(b[kind])));
}

/** Plan the adoption. Pure: reads nothing, writes nothing. */
export function planAdoption(input: AdoptionInput): Adoption {
    const { config, vault } = input;
    const ns = (key: string) => `${input.project}:${key}`;
    const mode: AuthorizationMode = vault.enableRbacAuthorization ? "rbac" : "accessPolicy";
    const keyVault = planKeyVault(input, mode);
    const ctx: Adopting = {
        input,
        mode,
        keyVault,
        policies: policyIndex(vault.accessPolicies),
        secrets: secretIndex(input),
        grants: rawList(input.rawConfig, ns("accessGrants")),
        clients: rawList(input.rawConfig, ns("maskinportenClients")),
        declared: new Set(config.accessGrants.map((g) => g.principalId)),
        comments: new Map(),
        imports: [],
        components: new Map(),
        notes: { adopted: [], notAdopted: [], firstUpChanges: [], secrets: [] },
    };

    // accessGrants: the stack's own, then today's unmanaged access. Everything azure-native reads
    // back on import is written exactly as Azure has it, so importing changes nothing.
    importDeclaredGrants(ctx);
    if (mode === "accessPolicy") adoptAccessPolicies(ctx);
    else adoptRoleAssignments(ctx);
    // maskinportenClients and appSecrets: hand-made keys kept, existing secrets imported.
    adoptHandMadeKeys(ctx);
    importClientSecrets(ctx);
    importAppSecrets(ctx);

    const fragmentConfig = fragmentOf(ctx, ns);
    const importFile = importFileOf(ctx);
    return {
        fragment: { config: fragmentConfig },
        fragmentYaml: fragmentYaml(input, fragmentConfig, ctx.comments, ns),
        importFile: importFile.file,
        summary: [
            `Vault ${config.keyVault.name} (${mode}, tenant ${vault.tenantId}): ${vault.accessPolicies.length} access policies, ${vault.roleAssignments.length} role assignments at, above or below its scope, ${input.secrets.length} secrets (names and metadata only; no value was read)`,
            ...escWarning(input, Object.keys(fragmentConfig)),
            ...keyVault.summary,
            ...notesSummary(ctx),
            ...importFile.summary,
        ],
    };
}

/** What the steps of an adoption share: the facts they read, and what they add to. */
interface Adopting {
    readonly input: AdoptionInput;
    readonly mode: AuthorizationMode;
    readonly keyVault: KeyVaultPlan;
    readonly policies: PolicyIndex;
    readonly secrets: SecretIndex;
    /** accessGrants as the stack file has it, then with the adopted entries. */
    readonly grants: RawEntry[];
    /** maskinportenClients as the stack file has it, then with the adopted entries. */
    readonly clients: RawEntry[];
    /** Principals with a grant: the stack's, then the adopted ones (one grant per principal). */
    readonly declared: Set<string>;
    /** A comment for the fragment's entry `<key>:<index>`. */
    readonly comments: Map<string, string>;
    readonly imports: ImportEntry[];
    /** The parents of `imports`, by name. */
    readonly components: Map<string, ImportEntry>;
    readonly notes: { adopted: string[]; notAdopted: string[]; firstUpChanges: string[]; secrets: string[] };
}

/** The keyVault section: what the fragment sets, and how the program sends the vault once it is merged. */
interface KeyVaultPlan {
    /** keyVault as the fragment writes it; undefined when it stays as it is. */
    raw?: RawEntry;
    summary: string[];
    /** The vault's ID for imports, spelled as the program sends its names: azure-native takes them from the ID on import. */
    id: string;
    /** The subscription the program sends (lower case). */
    subscriptionId: string;
    /** The scope the program sends with role assignments: built from the names, not Azure's spelling of the whole ID. */
    scope: string;
    /** The tenant the program sends with access policies: the vault's (keyVault.tenantId and the deploying identity's are lower case). */
    tenant: string;
    /** Why no access policy can be imported, when the program names the vault unlike Azure; else undefined. */
    policyVaultProblem?: string;
}

/**
 * keyVault: the vault's real mode and tenant, and its names spelled as Azure has them: azure-native
 * compares the vault and resource group names (and a role assignment's scope) exactly.
 */
function planKeyVault(input: AdoptionInput, mode: AuthorizationMode): KeyVaultPlan {
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
        summary.push(`Set in the fragment: keyVault.tenantId: ${vault.tenantId}, the vault's, so access policies name it whoever deploys`);
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

/** The vault's access policies looked up by key, not by scanning the list per entry. */
interface PolicyIndex {
    /** Plain (not compound) entries by lower-case object ID. */
    plainByPrincipal: Map<string, VaultAccessPolicy[]>;
    /** The first entry of each object ID, spelled exactly: the one azure-native's import reads. */
    firstByObjectId: Map<string, VaultAccessPolicy>;
}

function policyIndex(policies: VaultAccessPolicy[]): PolicyIndex {
    const index: PolicyIndex = { plainByPrincipal: new Map(), firstByObjectId: new Map() };
    for (const o of policies) {
        if (!index.firstByObjectId.has(o.objectId)) index.firstByObjectId.set(o.objectId, o);
        const principal = o.objectId.toLowerCase();
        if (!o.applicationId) index.plainByPrincipal.set(principal, [...(index.plainByPrincipal.get(principal) ?? []), o]);
    }
    return index;
}

/** The vault's secrets by lower-case name (Key Vault ignores case), and the app secrets the stack declares. */
interface SecretIndex {
    /** Secrets without this project's managed-by tag. */
    handMade: VaultSecretInfo[];
    handMadeByName: Map<string, VaultSecretInfo>;
    byName: Map<string, VaultSecretInfo>;
    appSecretNames: Set<string>;
}

function secretIndex(input: AdoptionInput): SecretIndex {
    const handMade = input.secrets.filter((s) => s.tags?.["managed-by"] !== MANAGED_BY);
    return {
        handMade,
        handMadeByName: new Map(handMade.map((s) => [s.name.toLowerCase(), s])),
        byName: new Map(input.secrets.map((s) => [s.name.toLowerCase(), s])),
        appSecretNames: new Set(input.config.appSecrets.map((a) => secretName(a.section, a.key).toLowerCase())),
    };
}

/** The URN of a resource the stack's state holds, or undefined. */
function managedUrn(input: AdoptionInput, type: string, name: string): string | undefined {
    return input.managed?.find((r) => r.type === type && r.name === name)?.urn;
}

/** Whether the state holds the access policy or role assignment of `principalId`'s grant. */
function grantInState(ctx: Adopting, principalId: string): boolean {
    return managedUrn(ctx.input, grantResourceType(ctx.mode), grantResourceName(grantName(ACCESS_NAME, principalId), ctx.mode)) !== undefined;
}

function grantResourceType(mode: AuthorizationMode): string {
    return mode === "rbac" ? TYPES.roleAssignment : TYPES.accessPolicy;
}

/** Why access or a key whose declaration left the stack file, but not yet the state, is not adopted: that would undo the removal. */
function removedButInState(what: "grant" | "client", key: "accessGrants" | "maskinportenClients"): string {
    return `its ${what} was removed from ${key} but the stack's state still holds it (the next up removes it); run up first, then adopt again if it should stay`;
}

function addComponent(ctx: Adopting, entry: ImportEntry): void {
    if (!ctx.components.has(entry.name)) ctx.components.set(entry.name, { ...entry, component: true });
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
function importDeclaredGrants(ctx: Adopting): void {
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
    importGrant(ctx, g.principalId, existing.id);
}

/**
 * Access policies: each entry the audit reports (the same rule as findUnmanagedAccess), one by one,
 * so that a compound identity or a second entry for one principal is never folded into another.
 */
function adoptAccessPolicies(ctx: Adopting): void {
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
function adoptRoleAssignments(ctx: Adopting): void {
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

/** maskinportenClients: hand-made `<section>--EncodedJwk` / `--JwkBase64` keep their key (generation 0). */
function adoptHandMadeKeys(ctx: Adopting): void {
    const { config } = ctx.input;
    /** Sections adopted from a hand-made key (lower case -> the key's name): one client per section. */
    const adoptedSections = new Map<string, string>();
    for (const s of ctx.secrets.handMade) {
        const cut = s.name.lastIndexOf(SECTION_SEPARATOR);
        const format = cut > 0 ? FORMAT_OF_JWK_KEY[s.name.slice(cut + 2).toLowerCase()] : undefined;
        if (!format) continue;
        const section = s.name.slice(0, cut);
        if (sectionProblem(section)) continue;
        // Declared as an app secret: imported as that, not also claimed by a client.
        if (ctx.secrets.appSecretNames.has(s.name.toLowerCase())) continue;
        const i = config.maskinportenClients.findIndex((c) => c.section.toLowerCase() === section.toLowerCase());
        if (i < 0) adoptKeyAsClient(ctx, s, section, format, adoptedSections);
        else keepDeclaredClientsKey(ctx, s, i, format);
    }
}

/** A hand-made key of a section the stack does not declare: a new client at keyGeneration 0. */
function adoptKeyAsClient(ctx: Adopting, s: VaultSecretInfo, section: string, format: ClientFormat, adoptedSections: Map<string, string>): void {
    const spelled = jwkSecretName({ section, format });
    if (s.name !== spelled) {
        ctx.notes.secrets.push(`${s.name}: not adopted: the stack would name it ${spelled}, and azure-native would replace it; rename it in the vault (apps read either spelling) and run adopt again`);
        return;
    }
    if (managedUrn(ctx.input, TYPES.secret, clientSecretResourceName(clientName(section), JWK_KEY[format]))) {
        ctx.notes.secrets.push(`${s.name}: ${removedButInState("client", "maskinportenClients")}`);
        return;
    }
    const earlier = adoptedSections.get(section.toLowerCase());
    if (earlier) {
        ctx.notes.secrets.push(`${s.name}: not adopted: section ${earlier.slice(0, earlier.lastIndexOf(SECTION_SEPARATOR))} is already adopted from ${earlier} (one client per section); delete the key apps do not read, or declare this client by hand`);
        return;
    }
    adoptedSections.set(section.toLowerCase(), s.name);
    const entry: RawEntry = { section, clientId: "", format };
    if (format === "legacy") entry.scope = "";
    entry.keyGeneration = 0;
    entry.apps = [];
    ctx.clients.push(entry);
    ctx.comments.set(
        `maskinportenClients:${ctx.clients.length - 1}`,
        ` adopted: ${s.name} keeps the key running apps use (keyGeneration 0) until you stage, register and activate generation 1; fill in clientId${format === "legacy" ? ", scope" : ""} and the apps that read it`,
    );
    ctx.notes.secrets.push(`${section} (${format}): keeps its existing key (keyGeneration: 0); fill in clientId${format === "legacy" ? " and scope" : ""}`);
}

/** A hand-made key of a client the stack declares: kept with keyGeneration 0 when the client has not rotated yet. */
function keepDeclaredClientsKey(ctx: Adopting, s: VaultSecretInfo, i: number, format: ClientFormat): void {
    const c = ctx.input.config.maskinportenClients[i];
    if (c.format !== format) {
        ctx.notes.secrets.push(`${s.name}: not adopted: a ${format}-format key, but the stack declares ${c.section} as ${c.format}; left alone (the stack's client does not read it)`);
        return;
    }
    const key = JWK_KEY[format];
    // Spelled unlike the stack's name for it: not importable, reported with the secrets; keyGeneration stays.
    if (s.name !== secretName(c.section, key)) return;
    if (c.keyGeneration === 0) return;
    // The stack's own secret, its tags lost to a version written by hand: drift, not a key to adopt.
    if (managedUrn(ctx.input, TYPES.secret, clientSecretResourceName(clientName(c.section), key))) {
        ctx.notes.secrets.push(`${s.name}: has no managed-by tag, but the stack's state holds it (written by hand since?): keyGeneration left at ${c.keyGeneration}; pulumi refresh shows the drift`);
        return;
    }
    if (c.nextKeyGeneration === undefined && c.retiredKeyGenerations.length === 0) {
        ctx.clients[i].keyGeneration = 0;
        ctx.notes.secrets.push(`${c.section}: keyGeneration set to 0 so the first up keeps the key in ${s.name} instead of replacing it`);
    } else {
        ctx.notes.secrets.push(`${c.section}: ${s.name} was made by hand but the stack already rotates this client; the next up replaces its value`);
    }
}

/** The secret keys a client entry of the (merged) config declares, whatever its format is spelled as. */
function clientKeys(raw: RawEntry): readonly string[] {
    return CLIENT_SECRET_KEYS[(raw.format === "builtin" ? "builtin" : "legacy") as ClientFormat];
}

/**
 * Import the secret the program declares as `expected`, if the vault has it. Key Vault ignores
 * case in names but azure-native does not: a differently spelled one is not imported (it would
 * be replaced).
 */
function importSecret(ctx: Adopting, expected: string, parent: ImportEntry, name: string): "imported" | "misspelled" | "managed" | "inState" | "absent" {
    if (managedUrn(ctx.input, TYPES.secret, name)) return "inState";
    const existing = ctx.secrets.handMadeByName.get(expected.toLowerCase());
    if (!existing) return ctx.secrets.byName.has(expected.toLowerCase()) ? "managed" : "absent";
    if (existing.name !== expected) {
        ctx.notes.secrets.push(`${existing.name}: not imported: the stack names it ${expected}, and azure-native would replace it; the first up fails on it until the stack spells it as the vault does`);
        return "misspelled";
    }
    addComponent(ctx, parent);
    ctx.imports.push({ type: TYPES.secret, name, id: `${ctx.keyVault.id}/secrets/${existing.name}`, parent: parent.name });
    return "imported";
}

/** Import every client secret that exists, under the client the (merged) config declares. */
function importClientSecrets(ctx: Adopting): void {
    for (const raw of ctx.clients) {
        const section = String(raw.section);
        const parent = clientName(section);
        for (const key of clientKeys(raw)) {
            const expected = secretName(section, key);
            const found = importSecret(ctx, expected, { type: TYPES.maskinportenClient, name: parent }, clientSecretResourceName(parent, key));
            if (raw.keyGeneration !== 0 || found === "imported" || found === "misspelled" || found === "inState") continue;
            if (found === "managed") {
                ctx.notes.secrets.push(
                    `${ctx.secrets.byName.get(expected.toLowerCase())!.name}: exists with this project's managed-by tag (another stack, or a lost state, manages it): not imported; unless this stack's state holds it, the first up fails on it`,
                );
                continue;
            }
            ctx.notes.secrets.push(`${section}: ${expected} does not exist yet; pulumi up creates it${key === "ClientId" || key === "Authority" ? "" : " (with no value: write the key first)"}`);
        }
    }
}

/** App secrets the stack declares and that exist by hand: imported; `up` then writes the stack's value. */
function importAppSecrets(ctx: Adopting): void {
    for (const a of ctx.input.config.appSecrets) {
        const parent = appSecretName(a.section, a.key);
        const expected = secretName(a.section, a.key);
        if (importSecret(ctx, expected, { type: TYPES.appSecret, name: parent }, appSecretResourceName(parent)) === "imported") {
            ctx.notes.secrets.push(`${expected}: imported; the next up writes the stack's value as a new version`);
        }
    }
}

/**
 * The fragment: each key adopt changes. A list left as it is stays out (rewriting it could only
 * lose what adopt cannot read), and a key holding a `secure:` value is refused: it reaches adopt as
 * a placeholder, and copying that would replace the value in the stack file.
 */
function fragmentOf(ctx: Adopting, ns: (key: string) => string): Record<string, unknown> {
    const { input } = ctx;
    const fragment: Record<string, unknown> = {};
    if (ctx.keyVault.raw) fragment[ns("keyVault")] = ctx.keyVault.raw;
    for (const [key, list] of [["accessGrants", ctx.grants], ["maskinportenClients", ctx.clients]] as const) {
        if (JSON.stringify(list) !== JSON.stringify(rawList(input.rawConfig, ns(key)))) fragment[ns(key)] = list;
    }
    const rewritten = Object.keys(fragment).map(withoutNamespace);
    const lost = (input.secretPaths ?? []).flatMap((p) => {
        const key = rewritten.find((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`));
        return key
            ? [`Pulumi.${input.stack}.yaml: ${p} is a secure value; adopt rewrites ${key} and cannot carry it over (it never decrypts): make it plain text while adopting, or add the adopted entries to ${key} by hand`]
            : [];
    });
    if (lost.length) throw new AdoptInputError(lost);
    return fragment;
}

function withoutNamespace(key: string): string {
    return key.slice(key.indexOf(":") + 1);
}

/** Keys an imported ESC environment sets are invisible here, and the fragment's would replace them. */
function escWarning(input: AdoptionInput, fragmentKeys: string[]): string[] {
    if (!input.escEnvironments?.length || !fragmentKeys.length) return [];
    return [
        `Pulumi.${input.stack}.yaml imports Pulumi ESC environment(s) ${input.escEnvironments.join(", ")}, which adopt cannot read: if they set ${fragmentKeys.map(withoutNamespace).join(", ")}, merge their entries into the fragment by hand (the stack file's key replaces the environment's, and up would remove what only the environment declares)`,
    ];
}

/** What was adopted, what was not and why, what the first up changes, and the secrets adopt leaves alone. */
function notesSummary(ctx: Adopting): string[] {
    const { adopted, notAdopted, firstUpChanges, secrets } = ctx.notes;
    const listed = (header: string, lines: string[]) => [header, ...lines.map((l) => `  ${l}`)];
    const declaredSecrets = new Set([...ctx.clients.flatMap((raw) => clientKeys(raw).map((key) => secretName(String(raw.section), key).toLowerCase())), ...ctx.secrets.appSecretNames]);
    const leftAlone = ctx.input.secrets.filter((s) => !declaredSecrets.has(s.name.toLowerCase()));
    return [
        ...listed(`Access adopted into accessGrants with reason "" (the plan refuses them until a person writes why): ${adopted.length}`, adopted),
        ...(notAdopted.length ? listed(`Access not adopted (what stays unmanaged is reported by the unmanaged-access finding): ${notAdopted.length}`, notAdopted) : []),
        ...(firstUpChanges.length ? listed(`Access the stack declares differently from Azure (imported; the first up applies the stack's): ${firstUpChanges.length}`, firstUpChanges) : []),
        ...(secrets.length ? listed("Maskinporten and app secrets:", secrets) : []),
        ...(leftAlone.length ? [`Secrets this stack does not declare, left alone: ${leftAlone.map((s) => s.name).join(", ")}`] : []),
    ];
}

/** The import file: the parents the stack lacks, then the imports; parents it has are referred to by URN. */
function importFileOf(ctx: Adopting): { file: Adoption["importFile"]; summary: string[] } {
    const nameTable: Record<string, string> = {};
    const newComponents = [...ctx.components.values()].filter((c) => {
        const urn = managedUrn(ctx.input, c.type, c.name);
        if (urn) nameTable[c.name] = urn;
        return !urn;
    });
    const resources = [...newComponents, ...ctx.imports];
    const known = Object.keys(nameTable).length;
    const summary = [
        ctx.imports.length
            ? `Import file: ${ctx.imports.length} resources (${newComponents.length} components as their parents${known ? `, ${known} parents the stack has, by URN` : ""})`
            : "Import file: nothing to import",
    ];
    if (!ctx.input.managed) summary.push(`  written for a stack with no resources yet; if it has some, run again with --state (pulumi stack export -s ${ctx.input.stack} > state.json)`);
    return { file: known ? { nameTable, resources } : { resources }, summary };
}

/**
 * Whether a string written plain would reach the program as something else. Pulumi reads stack
 * files with Go's yaml.v2 (YAML 1.1: `yes`, `On`, `2001-12-14`, and any number Go's ParseInt takes
 * once underscores are dropped, such as `1_000` or `0o17`), the offline plan with YAML 1.2.
 */
function readsAsNonString(text: string): boolean {
    const asString = (version: "1.1" | "1.2") => {
        try {
            return typeof parse(text, { version }) === "string";
        } catch {
            return false;
        }
    };
    return text === "<<" || text === "=" || !asString("1.1") || !asString("1.2") || /^[-+]?(?:0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text.replace(/_/g, ""));
}

function fragmentYaml(input: AdoptionInput, config: Record<string, unknown>, comments: Map<string, string>, ns: (k: string) => string): string {
    const doc = new Document({ config });
    // Text Azure holds (descriptions, section names) stays text for every reader of the stack file.
    visit(doc, {
        Scalar(_key, node) {
            if (isScalar(node) && typeof node.value === "string" && node.value !== "" && readsAsNonString(node.value)) node.type = "QUOTE_DOUBLE";
        },
    });
    doc.commentBefore = [
        ` Written by npm run adopt -- --stack ${input.stack}: replace these keys in Pulumi.${input.stack}.yaml.`,
        " Lists hold the stack's own entries and the adopted ones. Write every empty reason (and clientId/scope)",
        " before committing: npm run plan refuses them until then.",
    ].join("\n");
    for (const [where, comment] of comments) {
        const [key, index] = where.split(":");
        const node = doc.getIn(["config", ns(key), Number(index)], true) as { commentBefore?: string } | undefined;
        if (node) node.commentBefore = comment;
    }
    return doc.toString({ lineWidth: 0 });
}
