/** The rule ids, for config validation of suppressions (kept equal to policy/rules by a test). */
export const RULE_IDS = [
    "access-policy-secrets-only",
    "grant-has-reason",
    "principal-allowlisted",
    "prod-resources-protected",
    "rbac-secret-roles-at-vault-scope",
    "secret-value-not-placeholder",
    "secret-value-secret-and-typed",
    "studio-host-allowed",
    "write-access-reviewed",
] as const;

/**
 * Findings only `npm run review -- --base` can make (they compare two configs), suppressible
 * in policy/config.json like a rule's.
 */
export const REVIEW_FINDING_IDS = ["key-change-staged"] as const;
