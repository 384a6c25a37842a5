/**
 * Adoption, pure: from the vault as Azure has it and the stack's config, the config fragment that
 * declares today's access and Maskinporten secrets (reasons left empty for a person to write), the
 * `pulumi import --file` document naming exactly what the program declares, and a summary.
 */
import type { VaultAccessPolicy } from "../../core/vault/audit";
import type { AuthorizationMode } from "../../core/config/parse";
import { secretName } from "../../core/vault/naming";
import { MANAGED_BY } from "../../core/resourceNames";
import { Adopting, Adoption, AdoptionInput, managedUrn, PolicyIndex, rawList, SecretIndex } from "./adoption";
import { planKeyVault } from "./keyVaultPlan";
import { adoptAccessPolicies, adoptRoleAssignments, importDeclaredGrants } from "./adoptGrants";
import { adoptHandMadeKeys, clientKeys, importAppSecrets, importClientSecrets } from "./adoptSecrets";
import { escWarning, fragmentOf, fragmentYaml } from "./fragment";

export type { Adoption, AdoptionInput, ImportEntry, ManagedResource, VaultSecretInfo } from "./adoption";

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
        notes: { adopted: [], matched: [], notAdopted: [], firstUpChanges: [], secrets: [] },
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

function policyIndex(policies: VaultAccessPolicy[]): PolicyIndex {
    const index: PolicyIndex = { plainByPrincipal: new Map(), firstByObjectId: new Map() };
    for (const o of policies) {
        if (!index.firstByObjectId.has(o.objectId)) index.firstByObjectId.set(o.objectId, o);
        const principal = o.objectId.toLowerCase();
        if (!o.applicationId) index.plainByPrincipal.set(principal, [...(index.plainByPrincipal.get(principal) ?? []), o]);
    }
    return index;
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

/** What was adopted, what was not and why, what the first up changes, and the secrets adopt leaves alone. */
function notesSummary(ctx: Adopting): string[] {
    const { adopted, matched, notAdopted, firstUpChanges, secrets } = ctx.notes;
    const listed = (header: string, lines: string[]) => [header, ...lines.map((l) => `  ${l}`)];
    const declaredSecrets = new Set([...ctx.clients.flatMap((raw) => clientKeys(raw).map((key) => secretName(String(raw.section), key).toLowerCase())), ...ctx.secrets.appSecretNames]);
    const leftAlone = ctx.input.secrets.filter((s) => !declaredSecrets.has(s.name.toLowerCase()));
    return [
        ...listed(`Access adopted into accessGrants with reason "" (the plan refuses them until a person writes why): ${adopted.length}`, adopted),
        ...(matched.length ? listed(`Access the stack already declares, found in Azure and imported as it is: ${matched.length}`, matched) : []),
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
