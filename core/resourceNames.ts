/**
 * The logical names and type tokens the program declares its resources with. The program, its
 * components and `npm run adopt` (which writes a `pulumi import` file naming the same resources)
 * all take them from here. Pure.
 */
import type { AuthorizationMode } from "./config/parse";

/** The `managed-by` tag on every secret this project writes. */
export const MANAGED_BY = "altinn-app-secrets";

export const TYPES = {
    keyVaultAccess: "altinn:keyvault:KeyVaultAccess",
    accessGrant: "altinn:keyvault:AccessGrant",
    maskinportenClient: "altinn:maskinporten:MaskinportenClient",
    appSecret: "altinn:keyvault:AppSecret",
    accessPolicy: "azure-native:keyvault:AccessPolicy",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    secret: "azure-native:keyvault:Secret",
    /** The dynamic resource holding a client's key set at Maskinporten. */
    maskinportenRegistration: "pulumi-nodejs:dynamic/maskinporten:Registration",
    /** The dynamic resource that gets a token with a key before it becomes the active key in the vault. */
    maskinportenKeyProof: "pulumi-nodejs:dynamic/maskinporten:KeyProof",
    randomPassword: "random:index/randomPassword:RandomPassword",
} as const;

/** The `KeyVaultAccess` component in index.ts. */
export const ACCESS_NAME = "vault";

/** One principal's `AccessGrant` inside `KeyVaultAccess` `accessName`. */
export function grantName(accessName: string, principalId: string): string {
    return `${accessName}-${principalId}`;
}

/** The Azure resource inside an `AccessGrant`: its access policy or its role assignment. */
export function grantResourceName(grant: string, mode: AuthorizationMode): string {
    return `${grant}-${mode === "rbac" ? "role" : "policy"}`;
}

/** The `MaskinportenClient` component of an appsettings section. */
export function clientName(section: string): string {
    return `maskinporten-${section}`;
}

/** The Key Vault secret of `key` inside a `MaskinportenClient`. */
export function clientSecretResourceName(client: string, key: string): string {
    return `${client}-${key}`;
}

/** The self-service registration (a dynamic resource) inside a `MaskinportenClient`. */
export function registrationName(client: string): string {
    return `${client}-registration`;
}

/** The `AppSecret` component of `<section>--<key>`. */
export function appSecretName(section: string, key: string): string {
    return `secret-${section}--${key}`;
}

/** The Key Vault secret inside an `AppSecret`. */
export function appSecretResourceName(appSecret: string): string {
    return `${appSecret}-secret`;
}

/** The generated value (a `RandomPassword`) inside an `AppSecret` with `generate`. */
export function generatedValueName(appSecret: string): string {
    return `${appSecret}-generated`;
}
