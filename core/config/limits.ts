/**
 * Limits and patterns that config validation, the components and the policy rules share.
 * Pure data, no imports: the policy pack and the config-only CLIs load it without the Pulumi SDK.
 */

/** Reasons (grants, suppressions) must say at least this much, in visible characters. */
export const MIN_REASON_LENGTH = 10;
/**
 * Bounds that keep every stack reviewable: the review of the largest allowed stack takes seconds,
 * its full text fits a job summary, and no single value fills a pull request comment.
 */
export const LIMITS = {
    /** Entries of accessGrants (grant a group, not each of its members). */
    accessGrants: 100,
    /** Entries of maskinportenClients. */
    maskinportenClients: 20,
    /** Entries of appSecrets. */
    appSecrets: 40,
    /** Entries of suppressions (here and in policy/config.json). */
    suppressions: 100,
    /** Apps listed by one client or secret. */
    appsPerEntry: 20,
    /** Different apps across the stack (one redeploy each). */
    apps: 40,
    /** Characters of a reason or description. */
    reason: 500,
    /** Characters of a name, ID or scope list. */
    text: 1000,
    /** Characters of a URL. */
    url: 2000,
    /** Characters of an app secret's value (Key Vault stores at most 25 KB). */
    secretValue: 25000,
    /** Bytes of a stack file. */
    stackFileBytes: 1024 * 1024,
} as const;
/** An Entra object, tenant or subscription ID. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A prod write grant must end within this many days unless policy/config.json says otherwise (maxWriteGrantDays). */
export const DEFAULT_MAX_WRITE_GRANT_DAYS = 90;
/** Maskinporten accepts only RS256 keys of this size. */
export const MASKINPORTEN_KEY_SIZE = 2048;
/** Maskinporten keeps at most this many keys on a client. */
export const MAX_KEYS_PER_CLIENT = 5;
// Altinn's org and app name rules live in altinnNames.js, shared with the plain-Node redeploy script.
export { APP_NAME_PATTERN, APP_NAME_RULE, ORG_PATTERN, ORG_RULE } from "../altinn/names";
export const DEFAULT_STUDIO_URL = "https://altinn.studio";
/**
 * A character that breaks a line or the terminal: C0 and C1 controls, DEL, the Unicode line and
 * paragraph separators, and a byte-order mark (YAML 1.1 folds some of these into line breaks).
 * Text that reaches output, the stack file or a review must have none.
 */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
/** Bidirectional marks, embeddings, overrides and isolates: they reorder what a terminal shows. */
export const BIDI_CHARACTER = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Largest whole number a config key accepts (bounded so that YAML cannot smuggle in 1e+23). */
export const MAX_CONFIG_INTEGER = 2147483647;

/** The lists of an access policy's permissions, in Azure's order. */
export const PERMISSION_KINDS = ["secrets", "keys", "certificates", "storage"] as const;

/**
 * The permission names Azure defines for each access policy list (azure-native keyvault enums
 * SecretPermissions, KeyPermissions, CertificatePermissions, StoragePermissions; a test keeps them equal).
 */
export const AZURE_PERMISSIONS = {
    secrets: ["all", "get", "list", "set", "delete", "backup", "restore", "recover", "purge"],
    keys: ["all", "encrypt", "decrypt", "wrapKey", "unwrapKey", "sign", "verify", "get", "list", "create", "update", "import", "delete", "backup", "restore", "recover", "purge", "release", "rotate", "getrotationpolicy", "setrotationpolicy"],
    certificates: ["all", "get", "list", "delete", "create", "import", "update", "managecontacts", "getissuers", "listissuers", "setissuers", "deleteissuers", "manageissuers", "recover", "purge", "backup", "restore"],
    storage: ["all", "get", "list", "delete", "set", "update", "regeneratekey", "recover", "purge", "backup", "restore", "setsas", "listsas", "getsas", "deletesas"],
} as const satisfies Record<(typeof PERMISSION_KINDS)[number], readonly string[]>;
