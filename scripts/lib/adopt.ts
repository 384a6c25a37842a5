/**
 * Adoption, pure: from the vault as Azure has it and the stack's config, the config fragment that
 * declares today's access and Maskinporten secrets (reasons left empty for a person to write), the
 * `pulumi import --file` document naming exactly what the program declares, and a summary.
 */
import { Document } from "yaml";
import { describeAccess, findUnmanagedAccess, VaultReality, vaultMismatches } from "../../components/audit";
import { CLIENT_SECRET_KEYS, ClientFormat, StackConfig } from "../../components/config";
import { sectionProblem, SECTION_SEPARATOR } from "../../components/naming";
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
import { grantRoleId } from "../../components/grants";
import { roleAssignmentName, roleId as toRoleId, roleName } from "../../components/roles";

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
    importFile: { resources: ImportEntry[] };
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

    // keyVault: the vault's real mode and tenant.
    const keyVaultRaw = input.rawConfig[ns("keyVault")] ? (JSON.parse(input.rawConfig[ns("keyVault")]) as RawEntry) : {};
    const mismatches = vaultMismatches(vault, config.keyVault.authorization, config.keyVault.tenantId ?? vault.tenantId, config.keyVault.tenantId !== undefined);
    let keyVaultChanged = false;
    if (config.keyVault.authorization !== mode) {
        keyVaultRaw.authorization = mode;
        keyVaultChanged = true;
    }
    if (config.keyVault.tenantId && config.keyVault.tenantId !== vault.tenantId.toLowerCase()) {
        keyVaultRaw.tenantId = vault.tenantId;
        keyVaultChanged = true;
    }
    for (const m of mismatches) summary.push(`Fixed in the fragment: ${m}`);

    // accessGrants: the stack's own, then today's unmanaged access.
    const grantsRaw = rawList(input.rawConfig, ns("accessGrants"));
    const declared = new Set(config.accessGrants.map((g) => g.principalId));
    const importGrant = (principalId: string, id: string) => {
        component({ type: TYPES.keyVaultAccess, name: ACCESS_NAME });
        const grant = grantName(ACCESS_NAME, principalId);
        component({ type: TYPES.accessGrant, name: grant, parent: ACCESS_NAME });
        imports.push({ type: mode === "rbac" ? TYPES.roleAssignment : TYPES.accessPolicy, name: grantResourceName(grant, mode), id, parent: grant });
    };
    // Access the stack already declares and that exists: imported, so the first `up` adopts it.
    config.accessGrants.forEach((g, i) => {
        if (mode === "accessPolicy") {
            const existing = vault.accessPolicies.find((p) => !p.applicationId && p.objectId.toLowerCase() === g.principalId);
            if (existing) importGrant(g.principalId, `${vault.id}/accessPolicy/${existing.objectId}`);
            return;
        }
        const role = grantRoleId(g);
        const existing = vault.roleAssignments.find(
            (a) => a.scope.toLowerCase() === vault.id.toLowerCase() && a.principalId.toLowerCase() === g.principalId && toRoleId(a.roleDefinitionId) === role,
        );
        if (!existing) return;
        // A hand-made assignment has a random name: the grant must use it, or the import would be replaced.
        if ((g.roleAssignmentName ?? roleAssignmentName(vault.id, g.principalId, role)) !== existing.name.toLowerCase()) grantsRaw[i].roleAssignmentName = existing.name;
        importGrant(g.principalId, existing.id);
    });

    const adopted: string[] = [];
    for (const u of findUnmanagedAccess(vault, config.accessGrants, input.dataActionsByRole ?? {})) {
        const what = `${u.principalId} (${u.source === "accessPolicy" ? "access policy" : `role assignment at ${u.source}`}: ${describeAccess(u)})`;
        if (u.source === "accessPolicy") {
            const policy = vault.accessPolicies.find((p) => p.objectId.toLowerCase() === u.principalId && !p.applicationId);
            if (!policy) {
                notAdopted.push(`${what}: a compound identity (application ${vault.accessPolicies.find((p) => p.objectId.toLowerCase() === u.principalId)?.applicationId}); remove it in Azure or suppress unmanaged-access for it`);
                continue;
            }
            if (declared.has(u.principalId)) continue;
            if (!Object.values(u.permissions ?? {}).some((l) => l && l.length > 0)) {
                notAdopted.push(`${what}: grants nothing; remove it in Azure`);
                continue;
            }
            grantsRaw.push({ principalId: u.principalId, permissions: u.permissions, reason: "" });
            comments.set(`accessGrants:${grantsRaw.length - 1}`, ` adopted: access policy of ${u.principalId} as it is today; write why it needs access (10+ characters), or delete it here and in Azure`);
            importGrant(u.principalId, `${vault.id}/accessPolicy/${policy.objectId}`);
            declared.add(u.principalId);
            adopted.push(what);
            continue;
        }
        const assignment = vault.roleAssignments.find((a) => a.id === u.roleAssignmentId)!;
        if (u.source.toLowerCase() !== vault.id.toLowerCase()) {
            notAdopted.push(`${what}: assigned above the vault, where this stack declares nothing; remove it there, or suppress unmanaged-access for this principal with a reason`);
            continue;
        }
        if (declared.has(u.principalId)) {
            notAdopted.push(`${what}: accessGrants already has a grant for this principal (one per principal); remove one of the two in Azure, or change the grant's role`);
            continue;
        }
        const role = toRoleId(assignment.roleDefinitionId) ?? assignment.roleDefinitionId;
        const entry: RawEntry = { principalId: u.principalId };
        if (assignment.principalType) entry.principalType = assignment.principalType;
        entry.role = roleName(role);
        entry.roleAssignmentName = assignment.name;
        entry.reason = "";
        grantsRaw.push(entry);
        comments.set(`accessGrants:${grantsRaw.length - 1}`, ` adopted: role assignment ${assignment.name} of ${u.principalId} as it is today; write why it needs access (10+ characters), or delete it here and in Azure`);
        importGrant(u.principalId, assignment.id);
        declared.add(u.principalId);
        adopted.push(what);
    }

    // maskinportenClients: hand-made `<section>--EncodedJwk` / `--JwkBase64` keep their key (generation 0).
    const handMade = input.secrets.filter((s) => s.tags?.["managed-by"] !== MANAGED_BY);
    const byName = new Map(handMade.map((s) => [s.name.toLowerCase(), s]));
    const clientsRaw = rawList(input.rawConfig, ns("maskinportenClients"));
    const clientNotes: string[] = [];
    for (const s of handMade) {
        const cut = s.name.lastIndexOf(SECTION_SEPARATOR);
        const format = cut > 0 ? JWK_KEYS[s.name.slice(cut + 2).toLowerCase()] : undefined;
        if (!format) continue;
        const section = s.name.slice(0, cut);
        if (sectionProblem(section)) continue;
        const i = config.maskinportenClients.findIndex((c) => c.section.toLowerCase() === section.toLowerCase());
        if (i < 0) {
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
        if (c.keyGeneration === 0) continue;
        if (c.nextKeyGeneration === undefined && c.retiredKeyGenerations.length === 0) {
            clientsRaw[i].keyGeneration = 0;
            clientNotes.push(`${c.section}: keyGeneration set to 0 so the first up keeps the key in ${s.name} instead of replacing it`);
        } else {
            clientNotes.push(`${c.section}: ${s.name} was made by hand but the stack already rotates this client; the next up replaces its value`);
        }
    }
    // Import every client secret that exists, under the client the (merged) config declares.
    for (const raw of clientsRaw) {
        const section = String(raw.section);
        const format = (raw.format === "builtin" ? "builtin" : "legacy") as ClientFormat;
        for (const key of CLIENT_SECRET_KEYS[format]) {
            const existing = byName.get(`${section}${SECTION_SEPARATOR}${key}`.toLowerCase());
            if (!existing) {
                if (raw.keyGeneration === 0) clientNotes.push(`${section}: ${section}${SECTION_SEPARATOR}${key} does not exist yet; pulumi up creates it${key === "ClientId" || key === "Authority" ? "" : " (with no value: write the key first)"}`);
                continue;
            }
            const parent = clientName(section);
            component({ type: TYPES.maskinportenClient, name: parent });
            imports.push({ type: TYPES.secret, name: clientSecretResourceName(parent, key), id: `${vault.id}/secrets/${existing.name}`, parent });
        }
    }
    // App secrets the stack declares and that exist by hand: imported; `up` then writes the stack's value.
    for (const a of config.appSecrets) {
        const existing = byName.get(`${a.section}${SECTION_SEPARATOR}${a.key}`.toLowerCase());
        if (!existing) continue;
        const parent = appSecretName(a.section, a.key);
        component({ type: TYPES.appSecret, name: parent });
        imports.push({ type: TYPES.secret, name: appSecretResourceName(parent), id: `${vault.id}/secrets/${existing.name}`, parent });
        clientNotes.push(`${existing.name}: imported; the next up writes the stack's value as a new version`);
    }
    const importedSecrets = new Set(imports.filter((e) => e.type === TYPES.secret).map((e) => e.id!.slice(e.id!.lastIndexOf("/") + 1).toLowerCase()));
    const leftAlone = input.secrets.filter((s) => !importedSecrets.has(s.name.toLowerCase()));

    const fragmentConfig: Record<string, unknown> = {};
    if (keyVaultChanged) fragmentConfig[ns("keyVault")] = keyVaultRaw;
    if (grantsRaw.length) fragmentConfig[ns("accessGrants")] = grantsRaw;
    if (clientsRaw.length) fragmentConfig[ns("maskinportenClients")] = clientsRaw;

    summary.push(`Access adopted into accessGrants with reason "" (the plan refuses them until a person writes why): ${adopted.length}`);
    for (const a of adopted) summary.push(`  ${a}`);
    if (notAdopted.length) {
        summary.push(`Access not adopted (stays unmanaged: reported by the unmanaged-access finding): ${notAdopted.length}`);
        for (const n of notAdopted) summary.push(`  ${n}`);
    }
    if (clientNotes.length) {
        summary.push("Maskinporten and app secrets:");
        for (const n of clientNotes) summary.push(`  ${n}`);
    }
    if (leftAlone.length) summary.push(`Secrets this stack does not declare, left alone: ${leftAlone.map((s) => s.name).join(", ")}`);
    const resources = [...components.values(), ...imports];
    summary.push(`Import file: ${imports.length} resources (${resources.length - imports.length} components as their parents)`);

    return { fragment: { config: fragmentConfig }, fragmentYaml: fragmentYaml(input, fragmentConfig, comments, ns), importFile: { resources }, summary };
}

function fragmentYaml(input: AdoptionInput, config: Record<string, unknown>, comments: Map<string, string>, ns: (k: string) => string): string {
    const doc = new Document({ config });
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
