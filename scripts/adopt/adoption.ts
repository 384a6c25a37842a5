/**
 * What adopt's steps share: its input and output, the facts they read (indexed once) and what they
 * add to, and the small lookups every step needs.
 */
import type { VaultAccessPolicy, VaultReality } from "../../core/vault/audit";
import type { AuthorizationMode, StackConfig } from "../../core/config/parse";
import { ACCESS_NAME, grantName, grantResourceName, TYPES } from "../../core/resourceNames";
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

export type RawEntry = Record<string, unknown>;

export function rawList(raw: Record<string, string>, key: string): RawEntry[] {
    const text = raw[key];
    if (text === undefined) return [];
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as RawEntry[]).map((e) => ({ ...e })) : [];
}

/** A scope compared as Azure applies it: any case, no trailing slash. */
export const sameScope = (a: string, b: string) => a.toLowerCase().replace(/\/+$/, "") === b.toLowerCase().replace(/\/+$/, "");

/** What the steps of an adoption share: the facts they read, and what they add to. */
export interface Adopting {
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
    /** Summary lines: access adopted, access the stack declares that was imported as it is (`matched`), not adopted, changed by the first up; secrets. */
    readonly notes: { adopted: string[]; matched: string[]; notAdopted: string[]; firstUpChanges: string[]; secrets: string[] };
}

/** The keyVault section: what the fragment sets, and how the program sends the vault once it is merged. */
export interface KeyVaultPlan {
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


/** The vault's access policies looked up by key, not by scanning the list per entry. */
export interface PolicyIndex {
    /** Plain (not compound) entries by lower-case object ID. */
    plainByPrincipal: Map<string, VaultAccessPolicy[]>;
    /** The first entry of each object ID, spelled exactly: the one azure-native's import reads. */
    firstByObjectId: Map<string, VaultAccessPolicy>;
}

/** The vault's secrets by lower-case name (Key Vault ignores case), and the app secrets the stack declares. */
export interface SecretIndex {
    /** Secrets without this project's managed-by tag. */
    handMade: VaultSecretInfo[];
    handMadeByName: Map<string, VaultSecretInfo>;
    byName: Map<string, VaultSecretInfo>;
    appSecretNames: Set<string>;
}

/** The URN of a resource the stack's state holds, or undefined. */
export function managedUrn(input: AdoptionInput, type: string, name: string): string | undefined {
    return input.managed?.find((r) => r.type === type && r.name === name)?.urn;
}

/** Whether the state holds the access policy or role assignment of `principalId`'s grant. */
export function grantInState(ctx: Adopting, principalId: string): boolean {
    return managedUrn(ctx.input, grantResourceType(ctx.mode), grantResourceName(grantName(ACCESS_NAME, principalId), ctx.mode)) !== undefined;
}

export function grantResourceType(mode: AuthorizationMode): string {
    return mode === "rbac" ? TYPES.roleAssignment : TYPES.accessPolicy;
}

/** Why access or a key whose declaration left the stack file, but not yet the state, is not adopted: that would undo the removal. */
export function removedButInState(what: "grant" | "client", key: "accessGrants" | "maskinportenClients"): string {
    return `its ${what} was removed from ${key} but the stack's state still holds it (the next up removes it); run up first, then adopt again if it should stay`;
}

export function addComponent(ctx: Adopting, entry: ImportEntry): void {
    if (!ctx.components.has(entry.name)) ctx.components.set(entry.name, { ...entry, component: true });
}
