/**
 * The one list of policy rule ids, with the level each rule's findings can reach per environment.
 * Pure data: config validation reads it without loading the rules (kept equal to policy/rules by a test).
 * A stack file may suppress a rule only where all its findings are advisory.
 */
/** The level a finding reaches in each Altinn environment. */
type LevelTable = Record<string, Record<"tt02" | "prod", "mandatory" | "advisory">>;

export const RULE_LEVELS = {
    "access-policy-secrets-only": { tt02: "mandatory", prod: "mandatory" },
    // A provider setting in the stack file (where credentials go) unless policy/config.json allows it.
    "config-key-allowed": { tt02: "mandatory", prod: "mandatory" },
    // A grant that ended (delete its entry) or ends within 7 days (accessGrants[].expires).
    "grant-expiry": { tt02: "advisory", prod: "advisory" },
    "grant-has-reason": { tt02: "mandatory", prod: "mandatory" },
    "maskinporten-client-id-format": { tt02: "advisory", prod: "advisory" },
    // Mandatory once a registered key has expired; its findings within 30 days of expiry are advisory.
    "maskinporten-key-expiry": { tt02: "mandatory", prod: "mandatory" },
    "maskinporten-own-section": { tt02: "advisory", prod: "advisory" },
    // The admin token or a signed grant would go to a host that is not Digdir's; only policy/config.json allowedMaskinportenHosts allows one.
    "maskinporten-host-allowed": { tt02: "mandatory", prod: "mandatory" },
    "principal-allowlisted": { tt02: "advisory", prod: "advisory" },
    "prod-resources-protected": { tt02: "mandatory", prod: "mandatory" },
    "rbac-secret-roles-at-vault-scope": { tt02: "mandatory", prod: "mandatory" },
    "secret-value-not-placeholder": { tt02: "advisory", prod: "advisory" },
    "secret-value-secret-and-typed": { tt02: "mandatory", prod: "mandatory" },
    "studio-host-allowed": { tt02: "mandatory", prod: "mandatory" },
    // Advisory unless keyVault.unmanagedAccess is fail; then only policy/config.json can silence it
    // (a stack-file suppression silences advisory findings only).
    "unmanaged-access": { tt02: "advisory", prod: "advisory" },
    "vault-matches-config": { tt02: "mandatory", prod: "mandatory" },
    // Advisory in tt02; mandatory in prod unless the writer is on the pack's writeAllowlist.
    "write-access-reviewed": { tt02: "advisory", prod: "mandatory" },
    // Prod only: a write grant ends within policy/config.json maxWriteGrantDays unless its principal is long-lived.
    "write-grant-expires": { tt02: "advisory", prod: "mandatory" },
} as const satisfies LevelTable;

export type RuleId = keyof typeof RULE_LEVELS;

export const RULE_IDS = Object.keys(RULE_LEVELS) as RuleId[];

/** Whether findings of `rule` can be mandatory in `environment` (and so need policy/config.json to suppress). */
export function canBeMandatory(rule: RuleId, environment: "tt02" | "prod"): boolean {
    return RULE_LEVELS[rule][environment] === "mandatory";
}

/**
 * Findings only the offline tools make, with their levels: they read the stack file itself
 * (`npm run plan`, `npm run review`) or compare it with the base ref (`review --base`). Suppressible
 * in policy/config.json like a rule's (a settings finding by `setting`).
 */
export const REVIEW_FINDING_LEVELS = {
    // An ESC environment can set any config key, unseen by the offline tools.
    "esc-environment-allowed": { tt02: "advisory", prod: "mandatory" },
    // Lowering a finding's level (keyVault.unmanagedAccess: fail -> warn), or moving a stack out of prod.
    "enforcement-not-lowered": { tt02: "advisory", prod: "mandatory" },
    // The active key pair changes without having been staged (review --base).
    "key-change-staged": { tt02: "advisory", prod: "mandatory" },
    // secretsprovider, encryptedkey or encryptionsalt changed: who can decrypt the stack's secrets (review --base).
    "secrets-provider-unchanged": { tt02: "mandatory", prod: "mandatory" },
} as const satisfies LevelTable;

export type ReviewFindingId = keyof typeof REVIEW_FINDING_LEVELS;

export const REVIEW_FINDING_IDS = Object.keys(REVIEW_FINDING_LEVELS) as ReviewFindingId[];
