/**
 * The typed stack configuration the components use: what parseStackConfig returns, derived from the
 * zod schema in schema.ts so the two cannot drift.
 */
import type { z } from "zod";
import type { AccessGrantSchema, AppSecretSchema, KeyVaultSchema, MaskinportenClientSchema, PermissionsSchema, RedeploySchema, StackConfigInput, SuppressionSchema } from "./schema";
import type { Suppression } from "../policy/rule";

export type Environment = StackConfigInput["environment"];
export type AuthorizationMode = z.output<typeof KeyVaultSchema>["authorization"];
export type PrincipalType = NonNullable<z.output<typeof AccessGrantSchema>["principalType"]>;
export type Permissions = z.output<typeof PermissionsSchema>;
export type PermissionKind = keyof Permissions;
export type ClientFormat = z.output<typeof MaskinportenClientSchema>["format"];

export type KeyVaultConfig = z.output<typeof KeyVaultSchema> & {
    name: string;
    resourceGroupName: string;
};

/** One access grant, with exactly one of access, permissions or role set. */
export type AccessGrantConfig = Omit<z.output<typeof AccessGrantSchema>, "role"> & {
    /** Role definition GUID (friendly names are resolved while parsing). */
    roleId?: string;
    /**
     * `principalId` exactly as the stack file spells it: what Azure is sent, so an adopted entry
     * whose object ID Azure stores in upper case is not replaced. `principalId` is lower-cased for
     * names and comparisons. Defaults to `principalId`.
     */
    principalIdInAzure?: string;
};

export type RedeployConfig = z.output<typeof RedeploySchema>;

/** One Maskinporten client: its settings section, key generations and the apps that read it. */
export type MaskinportenClientConfig = Omit<z.output<typeof MaskinportenClientSchema>, "keySize" | "register"> & {
    /** Registered with Maskinporten's self-service API (then clientId may be absent). */
    register?: boolean;
};

/** Another app setting stored as a Key Vault secret. `value` is secret: never print it. */
export type AppSecretConfig = z.output<typeof AppSecretSchema>;

/** A policy finding silenced on purpose: the policy's own type, which the schema must produce. */
export type SuppressionConfig = Suppression;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const suppressionTypesAgree: Same<z.output<typeof SuppressionSchema>, Suppression> = true;
void suppressionTypesAgree;

export interface MaskinportenConfig {
    selfService?: { adminClientId: string; apiUrl: string };
}

export interface StackConfig {
    org: string;
    environment: Environment;
    keyVault: KeyVaultConfig;
    accessGrants: AccessGrantConfig[];
    maskinportenClients: MaskinportenClientConfig[];
    appSecrets: AppSecretConfig[];
    suppressions: SuppressionConfig[];
    redeploy: RedeployConfig;
    maskinporten: MaskinportenConfig;
}

/** Raw configuration as Pulumi hands it over: full key -> string (objects as JSON text). */
export type RawConfig = Record<string, string>;

export interface ParseOptions {
    /** Full keys Pulumi marks secret; when given, a plain-text appSecrets value is refused. */
    secretKeys?: string[];
    /**
     * Paths of values the stack file holds in plain text. Pulumi marks a whole key secret when any
     * part of it is, so only a reader of the file itself can tell one plain entry from the rest.
     */
    plainTextPaths?: string[];
    /** Paths (`appSecrets[0].value`, `appSecrets`) of `secure:` values, from a reader of the stack file. */
    secretPaths?: string[];
    /** The stack's name: `tt02`/`prod` and `*-tt02`/`*-prod` must declare that environment. */
    stack?: string;
    /** Pulumi ESC environments the stack file imports (the offline plan cannot evaluate them). */
    escEnvironments?: string[];
}
