/**
 * The protected resources a change deletes or replaces. In prod every grant, secret and client is
 * declared with `protect` (index.ts), so `pulumi up` stops at each one the new config no longer
 * declares, and deploy.yml fails on main until someone runs `pulumi state unprotect` for it. The
 * URNs come from the config the way the components name their resources (core/resourceNames.ts);
 * a test holds them equal to what the program declares under mocks. Pure.
 */
import type { StackConfig } from "../../core/config/parse";
import { CLIENT_SECRET_KEYS } from "../../core/config/parse";
import { grantRoleId } from "../../core/vault/grants";
import {
    ACCESS_NAME,
    appSecretName,
    appSecretResourceName,
    clientName,
    clientSecretResourceName,
    generatedValueName,
    grantName,
    grantResourceName,
    registrationName,
    TYPES,
} from "../../core/resourceNames";

export interface ProtectedResource {
    urn: string;
    /** What it is, in words: `grant for <principal> (its role assignment)`. */
    what: string;
    /** What makes Azure replace it in place (a changed input that forces a new resource); same string, same resource. */
    identity: string;
}

export interface ProtectedChange extends ProtectedResource {
    change: "deleted" | "replaced";
}

const urnOf = (stack: string, project: string, types: string[], name: string) => `urn:pulumi:${stack}::${project}::${types.join("$")}::${name}`;

/** Every resource `config` declares with `protect` (none outside prod), with its URN. */
export function protectedResources(config: StackConfig, stack: string, project: string): ProtectedResource[] {
    if (config.environment !== "prod") return [];
    const out: ProtectedResource[] = [];
    const add = (types: string[], name: string, what: string, identity = "") => out.push({ urn: urnOf(stack, project, types, name), what, identity });
    const vault = `${config.keyVault.resourceGroupName}/${config.keyVault.name}`;
    const rbac = config.keyVault.authorization === "rbac";

    add([TYPES.keyVaultAccess], ACCESS_NAME, "the vault access component");
    for (const g of config.accessGrants) {
        // A grant that ends by itself is declared unprotected, so that the up after its date can remove it.
        if (g.expires !== undefined) continue;
        const grant = grantName(ACCESS_NAME, g.principalId);
        const types = [TYPES.keyVaultAccess, TYPES.accessGrant];
        add(types, grant, `grant for ${g.principalId}`);
        // A role assignment's name derives from scope, principal and role: another role is another assignment.
        // Azure cannot update a role assignment's principal: a new spelling of it is a replacement.
        const identity = rbac ? `${vault}|${g.roleAssignmentName ?? grantRoleId(g)}|${g.principalType ?? ""}|${g.principalIdInAzure ?? g.principalId}` : vault;
        add([...types, rbac ? TYPES.roleAssignment : TYPES.accessPolicy], grantResourceName(grant, config.keyVault.authorization), `grant for ${g.principalId} (its ${rbac ? "role assignment" : "access policy"})`, identity);
    }
    for (const c of config.maskinportenClients) {
        const client = clientName(c.section);
        add([TYPES.maskinportenClient], client, `Maskinporten client ${c.section}`);
        for (const key of CLIENT_SECRET_KEYS[c.format]) {
            add([TYPES.maskinportenClient, TYPES.secret], clientSecretResourceName(client, key), `Key Vault secret ${c.section}--${key}`, vault);
        }
        if (c.register) add([TYPES.maskinportenClient, TYPES.maskinportenRegistration], registrationName(client), `self-service registration of ${c.section}`);
    }
    for (const s of config.appSecrets) {
        const name = appSecretName(s.section, s.key);
        add([TYPES.appSecret], name, `app secret ${s.section}--${s.key}`);
        add([TYPES.appSecret, TYPES.secret], appSecretResourceName(name), `Key Vault secret ${s.section}--${s.key}`, vault);
        // A new length or generation replaces the generated value (that is how it is renewed).
        if (s.generate) add([TYPES.appSecret, TYPES.randomPassword], generatedValueName(name), `generated value of ${s.section}--${s.key}`, `${s.generate.length}|${s.generate.generation}`);
    }
    return out;
}

/**
 * The protected resources of `base` that `head` deletes (no longer declared) or replaces (declared
 * with an input that forces a new resource). Only a prod base has protected resources.
 */
export function protectedChanges(base: StackConfig, head: StackConfig, stack: string, project: string): ProtectedChange[] {
    const after = new Map(head.environment === "prod" ? protectedResources(head, stack, project).map((r) => [r.urn, r]) : []);
    const headAll = new Set(head.environment === "prod" ? [] : declaredUrns(head, stack, project));
    const out: ProtectedChange[] = [];
    for (const r of protectedResources(base, stack, project)) {
        const now = after.get(r.urn);
        if (now === undefined && !headAll.has(r.urn)) out.push({ ...r, change: "deleted" });
        else if (now !== undefined && now.identity !== r.identity) out.push({ ...r, change: "replaced" });
    }
    return out;
}

/** The URNs `config` declares with protect when it is treated as prod (for a base that was prod and a head that is not). */
function declaredUrns(config: StackConfig, stack: string, project: string): string[] {
    return protectedResources({ ...config, environment: "prod" }, stack, project).map((r) => r.urn);
}

/** The commands to run before `pulumi up`, one per resource (single-quoted: URNs hold `$`). */
export function unprotectCommands(changes: ProtectedChange[], stack: string): string[] {
    return changes.map((c) => `pulumi state unprotect -s ${stack} '${c.urn}'`);
}
