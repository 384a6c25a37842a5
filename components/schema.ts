/**
 * The stack configuration contract, one row per key: the single source for the parser's
 * "unknown key" check, the README's config reference and the typed keys in Pulumi.yaml.
 * Pulumi's project config schema can only type strings, integers, booleans and arrays of those,
 * so the structured keys are declared here and validated by `config.ts`.
 */

export interface ConfigKeyDoc {
    /** Key path under the project namespace; `[]` marks the items of a list. */
    path: string;
    /** What the value is, as a person would write it. */
    type: string;
    /** Whether the stack must set it. */
    required?: boolean;
    /** The default, as shown in the README. */
    default?: string;
    /** What it does. */
    description: string;
}

export const PROJECT = "altinn-app-secrets";

export const CONFIG_REFERENCE: readonly ConfigKeyDoc[] = [
    { path: "org", type: "string", required: true, description: "Service owner code in lower case, e.g. `ttd`." },
    { path: "environment", type: "`tt02` \\| `prod`", required: true, description: "Altinn environment this stack manages." },
    { path: "keyVault", type: "object", default: "derived from org and environment", description: "The org's existing Key Vault." },
    { path: "keyVault.name", type: "string", default: "`<org>-<environment>-apps-kv`", description: "Vault name." },
    { path: "keyVault.resourceGroupName", type: "string", default: "`altinnapps-<org>-<environment>-rg`", description: "Resource group of the vault." },
    { path: "keyVault.subscriptionId", type: "GUID", default: "the deploying identity's subscription", description: "Subscription of the vault (used for RBAC scopes)." },
    { path: "keyVault.tenantId", type: "GUID", default: "the deploying identity's tenant", description: "Entra tenant of the grant principals (access policies)." },
    { path: "keyVault.authorization", type: "`accessPolicy` \\| `rbac`", default: "`accessPolicy`", description: "How the vault authorizes data access: vault access policies or Azure RBAC." },
    { path: "accessGrants", type: "list", default: "`[]`", description: "Who may use the vault's secrets." },
    { path: "accessGrants[].principalId", type: "GUID", required: true, description: "Entra object ID of the user, group or service principal." },
    { path: "accessGrants[].principalType", type: "`User` \\| `Group` \\| `ServicePrincipal`", description: "Principal type. Required with rbac: the Azure SDK otherwise sends `User`, which Azure refuses for groups and service principals." },
    { path: "accessGrants[].access", type: "`read` \\| `write`", description: "Preset: read = secrets get, list (Key Vault Secrets User); write = + set, delete (Key Vault Secrets Officer). One of access, permissions, role." },
    { path: "accessGrants[].permissions", type: "object", description: "accessPolicy mode only: explicit permission lists (`secrets`, `keys`, `certificates`, `storage`), passed through as written." },
    { path: "accessGrants[].permissions.secrets", type: "list of strings", description: "Secret permissions, e.g. `[get, list]`." },
    { path: "accessGrants[].permissions.keys", type: "list of strings", description: "Key permissions (flagged by the policy pack)." },
    { path: "accessGrants[].permissions.certificates", type: "list of strings", description: "Certificate permissions (flagged by the policy pack)." },
    { path: "accessGrants[].permissions.storage", type: "list of strings", description: "Storage permissions (flagged by the policy pack)." },
    { path: "accessGrants[].role", type: "string", description: "rbac mode only: a built-in role name (`Key Vault Reader`) or role definition GUID." },
    { path: "accessGrants[].reason", type: "string (10+ chars)", required: true, description: "Why the principal needs access; shown to reviewers and stored with the grant." },
    { path: "maskinportenClients", type: "list", default: "`[]`", description: "Maskinporten clients whose credentials this stack generates and stores in the vault." },
    { path: "maskinportenClients[].section", type: "string", required: true, description: "appsettings section the app reads (`MaskinportenSettings`; nest with `--`); the secret name prefix." },
    { path: "maskinportenClients[].clientId", type: "string", required: true, description: "Client ID from Samarbeidsportalen." },
    { path: "maskinportenClients[].format", type: "`legacy` \\| `builtin`", default: "`legacy`", description: "legacy (Altinn.ApiClients.Maskinporten): secrets ClientId, EncodedJwk. builtin (app-lib v8+ IMaskinportenClient): Authority, ClientId, JwkBase64." },
    { path: "maskinportenClients[].scope", type: "string", description: "Scopes, space separated; required for legacy (goes into the app's non-secret settings)." },
    { path: "maskinportenClients[].exchangeToAltinnToken", type: "boolean", default: "`true`", description: "legacy only: the section's `ExhangeToAltinnToken` (sic) setting." },
    { path: "maskinportenClients[].keyGeneration", type: "integer >= 1", default: "`1`", description: "The active key pair; its private JWK is in the vault. Change it to activate a staged key." },
    { path: "maskinportenClients[].nextKeyGeneration", type: "integer >= 1", description: "A staged key pair: generated and published for registration, not yet in the vault." },
    { path: "maskinportenClients[].retiredKeyGenerations", type: "list of integers", default: "`[]`", description: "Earlier key pairs whose public halves stay published until removed here." },
    { path: "maskinportenClients[].keySize", type: "integer", default: "`2048`", description: "RSA key size; Maskinporten accepts only 2048." },
    { path: "maskinportenClients[].apps", type: "list of app names", default: "`[]`", description: "Apps that read this section: redeployed when its secrets change." },
    { path: "appSecrets", type: "list", default: "`[]`", description: "Other app settings stored as Key Vault secrets `<section>--<key>`." },
    { path: "appSecrets[].section", type: "string", required: true, description: "appsettings section (nest with `--`)." },
    { path: "appSecrets[].key", type: "string", required: true, description: "Key in the section." },
    { path: "appSecrets[].value", type: "secret string", required: true, description: "Set with `pulumi config set --secret --path 'appSecrets[<i>].value'`; never stored in plain text." },
    { path: "appSecrets[].apps", type: "list of app names", default: "`[]`", description: "Apps that read this secret: redeployed when it changes." },
    { path: "suppressions", type: "list", default: "`[]`", description: "Policy findings silenced on purpose; still reported, as suppressed, with the reason." },
    { path: "suppressions[].rule", type: "rule id", required: true, description: "The policy rule, e.g. `write-access-reviewed`." },
    { path: "suppressions[].principalId", type: "GUID", description: "The principal whose finding is silenced (grant rules). One of principalId, secretName." },
    { path: "suppressions[].secretName", type: "string", description: "The secret whose finding is silenced (secret rules). One of principalId, secretName." },
    { path: "suppressions[].reason", type: "string (10+ chars)", required: true, description: "Why this finding is acceptable." },
    { path: "redeploy", type: "object", default: "enabled", description: "Redeploy of apps whose secrets changed." },
    { path: "redeploy.enabled", type: "boolean", default: "`true`", description: "`false`: declare no redeploy; the plan lists the manual redeploys instead." },
    { path: "redeploy.studioUrl", type: "https URL", default: "`https://altinn.studio`", description: "Altinn Studio base URL for the Designer API." },
];

/** The keys allowed directly under `path` ("" for the top level). */
export function childKeys(path: string): string[] {
    const prefix = path === "" ? "" : `${path}.`;
    return CONFIG_REFERENCE.map((k) => k.path)
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("."))
        .map((p) => p.slice(prefix.length));
}
