/**
 * Adoption, pure: from the vault as Azure has it and the stack's config, the config fragment that
 * declares today's access and Maskinporten secrets (reasons left empty for a person to write), the
 * `pulumi import --file` document naming exactly what the program declares, and a summary.
 */
import { Document, isScalar, parse, visit } from "yaml";
import { describeAccess, findUnmanagedAccess, ownedAccessPolicies, VaultAccessPolicy, VaultReality, VaultRoleAssignment, vaultMismatches } from "../../components/audit";
import { AccessGrantConfig, CLIENT_SECRET_KEYS, ClientFormat, Permissions, PRINCIPAL_TYPES, StackConfig } from "../../components/config";
import { secretName, sectionProblem, SECTION_SEPARATOR } from "../../components/naming";
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
} from "../../components/resourceNames";
import { grantPermissions, grantRoleId } from "../../components/grants";
import { AZURE_PERMISSIONS } from "../../components/limits";
import { roleAssignmentName, roleDefinitionResourceId, roleId as toRoleId, roleName, vaultIdParts, vaultResourceId } from "../../components/roles";
import { AdoptInputError } from "./vaultSource";

/** A secret's metadata; `adopt` never reads a value. */
export interface VaultSecretInfo {
    name: string;
    contentType?: string;
    tags?: Record<string, string>;
}

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

const JWK_KEYS: Record<string, ClientFormat> = { encodedjwk: "legacy", jwkbase64: "builtin" };

function rawList(raw: Record<string, string>, key: string): RawEntry[] {
    const text = raw[key];
    if (text === undefined) return [];
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as RawEntry[]).map((e) => ({ ...e })) : [];
}

const PERMISSION_KINDS = ["secrets", "keys", "certificates", "storage"] as const;
/** What the stack file cannot hold as written: control characters and the line breaks YAML 1.1 adds (NEL, LS, PS). */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

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
    const mode = vault.enableRbacAuthorization ? "rbac" : "accessPolicy";
    const summary: string[] = [];
    const notAdopted: string[] = [];
    const comments = new Map<string, string>();
    const imports: ImportEntry[] = [];
    const components = new Map<string, ImportEntry>();
    const component = (entry: ImportEntry) => {
        if (!components.has(entry.name)) components.set(entry.name, { ...entry, component: true });
    };

    summary.push(
        `Vault ${config.keyVault.name} (${mode}, tenant ${vault.tenantId}): ${vault.accessPolicies.length} access policies, ${vault.roleAssignments.length} role assignments at its scope and above, ${input.secrets.length} secrets (names and metadata only; no value was read)`,
    );

    // keyVault: the vault's real mode and tenant, and its names spelled as Azure has them: azure-native
    // compares the vault and resource group names (and a role assignment's scope) exactly.
    const keyVaultRaw = input.rawConfig[ns("keyVault")] ? (JSON.parse(input.rawConfig[ns("keyVault")]) as RawEntry) : {};
    const mismatches = vaultMismatches(vault, config.keyVault.authorization, config.keyVault.tenantId ?? vault.tenantId, config.keyVault.tenantId !== undefined);
    let keyVaultChanged = false;
    const setKeyVault = (key: string, value: string) => {
        keyVaultRaw[key] = value;
        keyVaultChanged = true;
    };
    if (config.keyVault.authorization !== mode) setKeyVault("authorization", mode);
    if (config.keyVault.tenantId && config.keyVault.tenantId !== vault.tenantId.toLowerCase()) setKeyVault("tenantId", vault.tenantId);
    for (const m of mismatches) summary.push(`Fixed in the fragment: ${m}`);
    const names = vaultIdParts(vault.id);
    // A stack that already manages entries of the vault keeps its spelling: changing it would replace them.
    const deployed = (input.managed ?? []).some((r) => r.type === TYPES.accessPolicy || r.type === TYPES.roleAssignment || r.type === TYPES.secret);
    const sent = { resourceGroupName: config.keyVault.resourceGroupName, name: config.keyVault.name };
    for (const key of ["resourceGroupName", "name"] as const) {
        const ours = sent[key];
        const theirs = names?.[key];
        if (!theirs || theirs === ours) continue;
        if (deployed) {
            summary.push(`keyVault.${key} is ${ours} but Azure spells it ${theirs}; kept, because the stack already manages entries under ${ours} (changing it would replace them)`);
            continue;
        }
        setKeyVault(key, theirs);
        sent[key] = theirs;
        summary.push(`Fixed in the fragment: keyVault.${key} is ${ours} but Azure spells it ${theirs}; set to Azure's spelling so imported entries are not replaced`);
    }
    // The program otherwise takes the deploying identity's subscription, which may not be the vault's.
    if (!config.keyVault.subscriptionId && names) {
        setKeyVault("subscriptionId", names.subscriptionId);
        summary.push(`Set in the fragment: keyVault.subscriptionId: ${names.subscriptionId}, the vault's, so role assignment scopes do not depend on who deploys`);
    }
    // Import IDs spelled as the program sends the names: azure-native takes them from the ID on import.
    const vaultId = names ? vaultResourceId(names.subscriptionId, sent.resourceGroupName, sent.name) : vault.id;
    // An access policy's vault name comes back from Azure, not from the ID: it must match as sent.
    const policyVaultProblem = names && names.name !== sent.name ? `the vault is named ${names.name} in Azure but ${sent.name} in the stack; azure-native would replace it` : undefined;

    // accessGrants: the stack's own, then today's unmanaged access. Everything azure-native reads
    // back on import is written exactly as Azure has it, so importing changes nothing.
    const grantsRaw = rawList(input.rawConfig, ns("accessGrants"));
    const declared = new Set(config.accessGrants.map((g) => g.principalId));
    const firstUpChanges: string[] = [];
    const importGrant = (principalId: string, id: string) => {
        component({ type: TYPES.keyVaultAccess, name: ACCESS_NAME });
        const grant = grantName(ACCESS_NAME, principalId);
        component({ type: TYPES.accessGrant, name: grant, parent: ACCESS_NAME });
        imports.push({ type: mode === "rbac" ? TYPES.roleAssignment : TYPES.accessPolicy, name: grantResourceName(grant, mode), id, parent: grant });
    };
    const subscriptionId = config.keyVault.subscriptionId ?? names?.subscriptionId.toLowerCase() ?? "";
    // The scope the program sends: built from the (fragment's) names, not Azure's spelling of the whole ID.
    const sentScope = names ? vaultResourceId(subscriptionId, sent.resourceGroupName, sent.name) : vaultId;
    /** Why importing this assignment would replace it (azure-native compares these exactly) or change it, or undefined. */
    const unimportable = (a: VaultRoleAssignment, role: string): string | undefined => {
        if (a.condition) return "it has a condition, which accessGrants cannot declare (importing would drop it)";
        if (a.delegatedManagedIdentityResourceId) return "it is delegated to a managed identity of another tenant (delegatedManagedIdentityResourceId), which accessGrants cannot declare";
        if (a.scope !== sentScope) return `its scope is spelled ${a.scope}, not as the stack sends it, ${sentScope}; azure-native would replace it`;
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
    };
    /** The keys an RBAC grant needs so the program sends what the assignment has. */
    const assignmentFields = (a: VaultRoleAssignment, g?: AccessGrantConfig): RawEntry => {
        const fields: RawEntry = {};
        if (g?.principalIdInAzure !== a.principalId) fields.principalId = a.principalId;
        if (a.principalType && g?.principalType !== a.principalType) fields.principalType = a.principalType;
        const role = toRoleId(a.roleDefinitionId)!;
        if (!g || (g.roleAssignmentName ?? roleAssignmentName(vaultId, g.principalId, role)) !== a.name) fields.roleAssignmentName = a.name;
        const sent = g ? (g.description === undefined ? g.reason : g.description) : undefined;
        if (sent !== (a.description ?? "")) fields.description = a.description ?? "";
        return fields;
    };

    // The tenant the stack sends with every access policy once the fragment is merged: the vault's
    // (keyVault.tenantId is lower-cased when read, and the deploying identity's is lower case).
    const sentTenant = vault.tenantId.toLowerCase();
    const plainByPrincipal = new Map<string, VaultAccessPolicy[]>();
    const firstByObjectId = new Map<string, VaultAccessPolicy>();
    for (const o of vault.accessPolicies) {
        if (!firstByObjectId.has(o.objectId)) firstByObjectId.set(o.objectId, o);
        if (!o.applicationId) plainByPrincipal.set(o.objectId.toLowerCase(), [...(plainByPrincipal.get(o.objectId.toLowerCase()) ?? []), o]);
    }
    /**
     * Why importing this access policy entry would change or hide access, or undefined. azure-native's
     * import reads the first entry whose object ID equals the ID's last segment exactly, and the stack
     * sends its own tenant ID.
     */
    const policyProblem = (p: VaultAccessPolicy): string | undefined => {
        if (policyVaultProblem) return policyVaultProblem;
        const same = plainByPrincipal.get(p.objectId.toLowerCase()) ?? [];
        if (same.length > 1) return `the vault has ${same.length} access policies for this principal (${same.map((o) => `${o.objectId} in tenant ${o.tenantId}`).join(", ")}); a grant owns one: remove the others in Azure`;
        if (firstByObjectId.get(p.objectId) !== p) {
            return "the vault lists a compound identity for the same object ID first, which azure-native's import would read instead (and preview then rewrite)";
        }
        const unknown = PERMISSION_KINDS.flatMap((kind) => (p.permissions[kind] ?? []).filter((n) => !(AZURE_PERMISSIONS[kind] as readonly string[]).some((k) => k.toLowerCase() === n.toLowerCase())).map((n) => `${kind}: ${n}`));
        if (unknown.length) return `it has permissions accessGrants cannot declare (${unknown.join(", ")})`;
        if (p.tenantId.toLowerCase() !== sentTenant) return `its principal is in tenant ${p.tenantId}, not the stack's`;
        if (p.tenantId !== sentTenant) return `its tenant ID is spelled ${p.tenantId}; the stack sends ${sentTenant}, so preview would show the entry rewritten`;
        return undefined;
    };

    // Access the stack already declares and that exists: imported, so the first `up` adopts it.
    // The stack's own resources are not imported again, nor rewritten after drift in Azure.
    const managedUrn = (type: string, name: string) => input.managed?.find((r) => r.type === type && r.name === name)?.urn;
    const grantInState = (principalId: string) => managedUrn(mode === "rbac" ? TYPES.roleAssignment : TYPES.accessPolicy, grantResourceName(grantName(ACCESS_NAME, principalId), mode)) !== undefined;
    /** A principal whose grant left the stack file but not yet the state: adopting it would undo the removal. */
    const removedGrant = " its grant was removed from accessGrants but the stack's state still holds it (the next up removes it); run up first, then adopt again if it should stay";
    config.accessGrants.forEach((g, i) => {
        if (grantInState(g.principalId)) return;
        if (mode === "accessPolicy") {
            const existing = vault.accessPolicies.find((p) => !p.applicationId && p.objectId.toLowerCase() === g.principalId);
            if (!existing) return;
            const problem = policyProblem(existing);
            if (problem) {
                notAdopted.push(`${g.principalId} (access policy): not imported: ${problem}; resolve it in Azure before the first up, which otherwise fails on it`);
                return;
            }
            if (existing.objectId !== (g.principalIdInAzure ?? g.principalId)) grantsRaw[i].principalId = existing.objectId;
            const ours = grantPermissions(g);
            const theirs = existing.permissions;
            if (!samePermissions(ours, theirs, true)) {
                if (samePermissions(ours, theirs, false)) {
                    // The same access spelled or ordered differently: write Azure's, so nothing is rewritten.
                    delete grantsRaw[i].access;
                    grantsRaw[i].permissions = theirs;
                    comments.set(`accessGrants:${i}`, " permissions spelled as Azure has them (the same access the stack declared), so importing changes nothing");
                } else {
                    firstUpChanges.push(`${g.principalId}: Azure has ${describeAccess({ permissions: theirs })}; the first up sets what the stack declares, ${describeAccess({ permissions: ours })}`);
                }
            }
            importGrant(g.principalId, `${vaultId}/accessPolicy/${existing.objectId}`);
            return;
        }
        const role = grantRoleId(g);
        const existing = vault.roleAssignments.find((a) => sameScope(a.scope, vaultId) && a.principalId.toLowerCase() === g.principalId && toRoleId(a.roleDefinitionId) === role);
        if (!existing) return;
        const problem = unimportable(existing, role);
        if (problem) {
            notAdopted.push(`${g.principalId} (role assignment ${existing.name}): not imported: ${problem}; the first up fails on it until it is removed in Azure`);
            return;
        }
        const fields = assignmentFields(existing, g);
        Object.assign(grantsRaw[i], fields);
        if (fields.description !== undefined) comments.set(`accessGrants:${i}`, " description: the assignment's own, kept so importing changes nothing; delete the key to store the reason instead");
        importGrant(g.principalId, existing.id);
    });

    const adopted: string[] = [];
    // Access policies: each entry the audit reports (the same rule as findUnmanagedAccess), one by one,
    // so that a compound identity or a second entry for one principal is never folded into another.
    const declaredAtStart = new Set(declared);
    const owned = ownedAccessPolicies(vault.accessPolicies, config.accessGrants);
    for (const policy of mode === "accessPolicy" ? vault.accessPolicies : []) {
        const principalId = policy.objectId.toLowerCase();
        if (owned.has(policy)) continue;
        const what = `${principalId} (access policy: ${describeAccess({ permissions: policy.permissions })})`;
        if (policy.applicationId) {
            notAdopted.push(`${what}: a compound identity (application ${policy.applicationId}); remove it in Azure or suppress unmanaged-access for it`);
            continue;
        }
        if (!Object.values(policy.permissions).some((l) => l && l.length > 0)) {
            notAdopted.push(`${what}: grants nothing; remove it in Azure`);
            continue;
        }
        if (!declaredAtStart.has(principalId) && grantInState(principalId)) {
            notAdopted.push(`${what}:${removedGrant}`);
            continue;
        }
        // A declared principal's second entry: policyProblem names both.
        const problem = policyProblem(policy);
        if (problem) {
            notAdopted.push(`${what}: ${problem}; remove it in Azure or suppress unmanaged-access for it`);
            continue;
        }
        grantsRaw.push({ principalId: policy.objectId, permissions: policy.permissions, reason: "" });
        comments.set(`accessGrants:${grantsRaw.length - 1}`, ` adopted: access policy of ${principalId} as it is today; write why it needs access (10+ characters), or delete it here and in Azure`);
        importGrant(principalId, `${vaultId}/accessPolicy/${policy.objectId}`);
        declared.add(principalId);
        adopted.push(what);
    }
    const assignmentsById = new Map(vault.roleAssignments.map((a) => [a.id, a]));
    for (const u of mode === "rbac" ? findUnmanagedAccess(vault, config.accessGrants, input.dataActionsByRole ?? {}) : []) {
        const what = `${u.principalId} (role assignment at ${u.source}: ${describeAccess(u)})`;
        const assignment = assignmentsById.get(u.roleAssignmentId!)!;
        // A hand-made twin of a declared grant was imported for it above (under its own name).
        if (imports.some((e) => e.id === assignment.id)) continue;
        if (!sameScope(u.source, vaultId)) {
            notAdopted.push(`${what}: assigned above the vault, where this stack declares nothing; remove it there, or suppress unmanaged-access for this principal with a reason`);
            continue;
        }
        if (declared.has(u.principalId)) {
            notAdopted.push(`${what}: accessGrants already has a grant for this principal (one per principal); remove one of the two in Azure, or change the grant's role`);
            continue;
        }
        if (grantInState(u.principalId)) {
            notAdopted.push(`${what}:${removedGrant}`);
            continue;
        }
        const role = toRoleId(assignment.roleDefinitionId) ?? assignment.roleDefinitionId;
        const problem = unimportable(assignment, role);
        if (problem) {
            notAdopted.push(`${what}: ${problem}`);
            continue;
        }
        const { principalId, principalType, ...fields } = assignmentFields(assignment);
        grantsRaw.push({ principalId, ...(principalType ? { principalType } : {}), role: roleName(role), ...fields, reason: "" });
        comments.set(
            `accessGrants:${grantsRaw.length - 1}`,
            ` adopted: role assignment ${assignment.name} of ${u.principalId} as it is today (its description kept); write why it needs access (10+ characters), or delete it here and in Azure`,
        );
        importGrant(u.principalId, assignment.id);
        declared.add(u.principalId);
        adopted.push(what);
    }

    // maskinportenClients: hand-made `<section>--EncodedJwk` / `--JwkBase64` keep their key (generation 0).
    const handMade = input.secrets.filter((s) => s.tags?.["managed-by"] !== MANAGED_BY);
    const byName = new Map(handMade.map((s) => [s.name.toLowerCase(), s]));
    const everyByName = new Map(input.secrets.map((s) => [s.name.toLowerCase(), s]));
    const appSecretNames = new Set(config.appSecrets.map((a) => secretName(a.section, a.key).toLowerCase()));
    const clientsRaw = rawList(input.rawConfig, ns("maskinportenClients"));
    const clientNotes: string[] = [];
    /** Sections adopted from a hand-made key (lower case -> the key's name): one client per section. */
    const adoptedSections = new Map<string, string>();
    for (const s of handMade) {
        const cut = s.name.lastIndexOf(SECTION_SEPARATOR);
        const format = cut > 0 ? JWK_KEYS[s.name.slice(cut + 2).toLowerCase()] : undefined;
        if (!format) continue;
        const section = s.name.slice(0, cut);
        if (sectionProblem(section)) continue;
        // Declared as an app secret: imported as that below, not also claimed by a client.
        if (appSecretNames.has(s.name.toLowerCase())) continue;
        const i = config.maskinportenClients.findIndex((c) => c.section.toLowerCase() === section.toLowerCase());
        const key = format === "legacy" ? "EncodedJwk" : "JwkBase64";
        const spelled = secretName(section, key);
        if (i < 0 && s.name !== spelled) {
            clientNotes.push(`${s.name}: not adopted: the stack would name it ${spelled}, and azure-native would replace it; rename it in the vault (apps read either spelling) and run adopt again`);
            continue;
        }
        if (i < 0) {
            const earlier = adoptedSections.get(section.toLowerCase());
            if (earlier) {
                clientNotes.push(`${s.name}: not adopted: section ${earlier.slice(0, earlier.lastIndexOf(SECTION_SEPARATOR))} is already adopted from ${earlier} (one client per section); delete the key apps do not read, or declare this client by hand`);
                continue;
            }
            adoptedSections.set(section.toLowerCase(), s.name);
            const entry: RawEntry = { section, clientId: "", format };
            if (format === "legacy") entry.scope = "";
            entry.keyGeneration = 0;
            entry.apps = [];
            clientsRaw.push(entry);
            comments.set(
                `maskinportenClients:${clientsRaw.length - 1}`,
                ` adopted: ${s.name} keeps the key running apps use (keyGeneration 0) until you stage, register and activate generation 1; fill in clientId${format === "legacy" ? ", scope" : ""} and the apps that read it`,
            );
            clientNotes.push(`${section} (${format}): keeps its existing key (keyGeneration: 0); fill in clientId${format === "legacy" ? " and scope" : ""}`);
            continue;
        }
        const c = config.maskinportenClients[i];
        if (c.format !== format) {
            clientNotes.push(`${s.name}: not adopted: a ${format}-format key, but the stack declares ${c.section} as ${c.format}; left alone (the stack's client does not read it)`);
            continue;
        }
        // Spelled unlike the stack's name for it: not importable, reported below; keyGeneration stays.
        if (s.name !== secretName(c.section, key)) continue;
        if (c.keyGeneration === 0) continue;
        // The stack's own secret, its tags lost to a version written by hand: drift, not a key to adopt.
        if (managedUrn(TYPES.secret, clientSecretResourceName(clientName(c.section), key))) {
            clientNotes.push(`${s.name}: has no managed-by tag, but the stack's state holds it (written by hand since?): keyGeneration left at ${c.keyGeneration}; pulumi refresh shows the drift`);
            continue;
        }
        if (c.nextKeyGeneration === undefined && c.retiredKeyGenerations.length === 0) {
            clientsRaw[i].keyGeneration = 0;
            clientNotes.push(`${c.section}: keyGeneration set to 0 so the first up keeps the key in ${s.name} instead of replacing it`);
        } else {
            clientNotes.push(`${c.section}: ${s.name} was made by hand but the stack already rotates this client; the next up replaces its value`);
        }
    }
    /**
     * Import the secret the program declares as `expected`, if the vault has it. Key Vault ignores
     * case in names but azure-native does not: a differently spelled one is not imported (it would
     * be replaced).
     */
    const importSecret = (expected: string, parent: ImportEntry, name: string): "imported" | "misspelled" | "managed" | "inState" | "absent" => {
        if (managedUrn(TYPES.secret, name)) return "inState";
        const existing = byName.get(expected.toLowerCase());
        if (!existing) return everyByName.has(expected.toLowerCase()) ? "managed" : "absent";
        if (existing.name !== expected) {
            clientNotes.push(`${existing.name}: not imported: the stack names it ${expected}, and azure-native would replace it; the first up fails on it until the stack spells it as the vault does`);
            return "misspelled";
        }
        component(parent);
        imports.push({ type: TYPES.secret, name, id: `${vaultId}/secrets/${existing.name}`, parent: parent.name });
        return "imported";
    };
    // Import every client secret that exists, under the client the (merged) config declares.
    for (const raw of clientsRaw) {
        const section = String(raw.section);
        const format = (raw.format === "builtin" ? "builtin" : "legacy") as ClientFormat;
        const parent = clientName(section);
        for (const key of CLIENT_SECRET_KEYS[format]) {
            const expected = secretName(section, key);
            const found = importSecret(expected, { type: TYPES.maskinportenClient, name: parent }, clientSecretResourceName(parent, key));
            if (raw.keyGeneration !== 0 || found === "imported" || found === "misspelled" || found === "inState") continue;
            if (found === "managed") {
                clientNotes.push(
                    `${everyByName.get(expected.toLowerCase())!.name}: exists with this project's managed-by tag (another stack, or a lost state, manages it): not imported; unless this stack's state holds it, the first up fails on it`,
                );
                continue;
            }
            clientNotes.push(`${section}: ${expected} does not exist yet; pulumi up creates it${key === "ClientId" || key === "Authority" ? "" : " (with no value: write the key first)"}`);
        }
    }
    // App secrets the stack declares and that exist by hand: imported; `up` then writes the stack's value.
    for (const a of config.appSecrets) {
        const parent = appSecretName(a.section, a.key);
        const expected = secretName(a.section, a.key);
        if (importSecret(expected, { type: TYPES.appSecret, name: parent }, appSecretResourceName(parent)) === "imported") {
            clientNotes.push(`${expected}: imported; the next up writes the stack's value as a new version`);
        }
    }
    const declaredSecrets = new Set([
        ...clientsRaw.flatMap((raw) => CLIENT_SECRET_KEYS[raw.format === "builtin" ? "builtin" : "legacy"].map((key) => secretName(String(raw.section), key).toLowerCase())),
        ...appSecretNames,
    ]);
    const leftAlone = input.secrets.filter((s) => !declaredSecrets.has(s.name.toLowerCase()));

    const fragmentConfig: Record<string, unknown> = {};
    if (keyVaultChanged) fragmentConfig[ns("keyVault")] = keyVaultRaw;
    // A list adopt leaves as it is stays out: rewriting it could only lose what adopt cannot read.
    const changed = (key: string, list: RawEntry[]) => JSON.stringify(list) !== JSON.stringify(rawList(input.rawConfig, ns(key)));
    if (changed("accessGrants", grantsRaw)) fragmentConfig[ns("accessGrants")] = grantsRaw;
    if (changed("maskinportenClients", clientsRaw)) fragmentConfig[ns("maskinportenClients")] = clientsRaw;
    // A secure value reaches adopt as a placeholder: copying it would replace the value in the stack file.
    const rewritten = Object.keys(fragmentConfig).map((k) => k.slice(k.indexOf(":") + 1));
    const lost = (input.secretPaths ?? []).flatMap((p) => {
        const key = rewritten.find((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`));
        return key
            ? [`Pulumi.${input.stack}.yaml: ${p} is a secure value; adopt rewrites ${key} and cannot carry it over (it never decrypts): make it plain text while adopting, or add the adopted entries to ${key} by hand`]
            : [];
    });
    if (lost.length) throw new AdoptInputError(lost);
    if (input.escEnvironments?.length && Object.keys(fragmentConfig).length) {
        summary.splice(
            1,
            0,
            `Pulumi.${input.stack}.yaml imports Pulumi ESC environment(s) ${input.escEnvironments.join(", ")}, which adopt cannot read: if they set ${rewritten.join(", ")}, merge their entries into the fragment by hand (the stack file's key replaces the environment's, and up would remove what only the environment declares)`,
        );
    }

    summary.push(`Access adopted into accessGrants with reason "" (the plan refuses them until a person writes why): ${adopted.length}`);
    for (const a of adopted) summary.push(`  ${a}`);
    if (notAdopted.length) {
        summary.push(`Access not adopted (what stays unmanaged is reported by the unmanaged-access finding): ${notAdopted.length}`);
        for (const n of notAdopted) summary.push(`  ${n}`);
    }
    if (firstUpChanges.length) {
        summary.push(`Access the stack declares differently from Azure (imported; the first up applies the stack's): ${firstUpChanges.length}`);
        for (const n of firstUpChanges) summary.push(`  ${n}`);
    }
    if (clientNotes.length) {
        summary.push("Maskinporten and app secrets:");
        for (const n of clientNotes) summary.push(`  ${n}`);
    }
    if (leftAlone.length) summary.push(`Secrets this stack does not declare, left alone: ${leftAlone.map((s) => s.name).join(", ")}`);
    // Parents the stack already has are referred to by URN; the engine creates only the missing ones.
    const nameTable: Record<string, string> = {};
    const newComponents = [...components.values()].filter((c) => {
        const urn = managedUrn(c.type, c.name);
        if (urn) nameTable[c.name] = urn;
        return !urn;
    });
    const resources = [...newComponents, ...imports];
    summary.push(
        imports.length
            ? `Import file: ${imports.length} resources (${newComponents.length} components as their parents${Object.keys(nameTable).length ? `, ${Object.keys(nameTable).length} parents the stack has, by URN` : ""})`
            : "Import file: nothing to import",
    );
    if (!input.managed) summary.push(`  written for a stack with no resources yet; if it has some, run again with --state (pulumi stack export -s ${input.stack} > state.json)`);

    return {
        fragment: { config: fragmentConfig },
        fragmentYaml: fragmentYaml(input, fragmentConfig, comments, ns),
        importFile: Object.keys(nameTable).length ? { nameTable, resources } : { resources },
        summary,
    };
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
