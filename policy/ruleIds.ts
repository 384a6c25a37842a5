/** The rule ids, for config validation of suppressions (kept equal to policy/rules by a test). */
export const RULE_IDS = [
    "access-policy-secrets-only",
    "grant-has-reason",
    "principal-allowlisted",
    "prod-resources-protected",
    "rbac-secret-roles-at-vault-scope",
    "secret-value-secret-and-typed",
    "write-access-reviewed",
] as const;
