/**
 * The logical names and type tokens the program declares its resources with. The program, its
 * components, the policy rules, the offline plan and `npm run adopt` (which writes a `pulumi
 * import` file naming the same resources) all take them from here. Pure.
 */
import type { AuthorizationMode } from "./config/parse";

/** The `managed-by` tag on every secret this project writes. */
export const MANAGED_BY = "altinn-app-secrets";

/**
 * Every resource type token the program declares, once: components, rules, the plan report, the
 * mocks and the tests name types through this table (a test holds it equal to what the program
 * declares, and finds no token spelled out anywhere else).
 */
export const TYPES = {
    // This project's components.
    keyVaultAccess: "altinn:keyvault:KeyVaultAccess",
    accessGrant: "altinn:keyvault:AccessGrant",
    appSecret: "altinn:keyvault:AppSecret",
    vaultAudit: "altinn:keyvault:VaultAudit",
    maskinportenClient: "altinn:maskinporten:MaskinportenClient",
    appRedeploy: "altinn:studio:AppRedeploy",
    reviewContext: "altinn:policy:ReviewContext",
    // The Maskinporten dynamic provider's resources (pulumi-nodejs:dynamic/<module>:<type>): a
    // client's key set at Maskinporten, and the token a key must get before it becomes active.
    maskinportenRegistration: "pulumi-nodejs:dynamic/maskinporten:Registration",
    maskinportenKeyProof: "pulumi-nodejs:dynamic/maskinporten:KeyProof",
    // Provider resources.
    accessPolicy: "azure-native:keyvault:AccessPolicy",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    secret: "azure-native:keyvault:Secret",
    privateKey: "tls:index/privateKey:PrivateKey",
    randomPassword: "random:index/randomPassword:RandomPassword",
    command: "command:local:Command",
} as const;

/** The provider functions the program calls (the mocks answer them). */
export const FUNCTIONS = {
    getClientConfig: "azure-native:authorization:getClientConfig",
    getClientToken: "azure-native:authorization:getClientToken",
    getVault: "azure-native:keyvault:getVault",
} as const;

/** The stack itself, as Pulumi's engine declares it (not by this program). */
export const STACK_TYPE = "pulumi:pulumi:Stack";

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
