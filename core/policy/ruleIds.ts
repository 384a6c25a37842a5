/**
 * The one table of finding levels, cdk-nag style: a rule reports what it found (and, where the
 * level depends on it, which case it found); this table says how much that matters, per
 * environment. The pack, config validation (which rules a stack file may suppress) and the
 * review all derive levels from here. Pure data: config validation reads it without loading the
 * rules (its ids are kept equal to policy/rules by a test).
 */

export type Level = "mandatory" | "advisory";

/** One level everywhere, or one per environment (any environment but prod is judged as tt02). */
export type EnvironmentLevel = Level | { readonly tt02: Level; readonly prod: Level };

/** A rule's level: the same for all its findings, or one per case its findings name. */
export type RuleLevel = EnvironmentLevel | { readonly cases: Readonly<Record<string, EnvironmentLevel>> };

export const RULE_LEVELS = {
    "access-policy-secrets-only": "mandatory",
    // A provider setting in the stack file (where credentials go) unless policy/config.json allows it.
    "config-key-allowed": "mandatory",
    // A grant that ended (delete its entry) or ends within 7 days (accessGrants[].expires).
    "grant-expiry": "advisory",
    "grant-has-reason": "mandatory",
    "maskinporten-client-id-format": "advisory",
    // A registered key that has expired; one that expires within 30 days.
    "maskinporten-key-expiry": { cases: { expired: "mandatory", expiring: "advisory" } },
    "maskinporten-own-section": "advisory",
    // The admin token or a signed grant would go to a host that is not Digdir's; only policy/config.json allowedMaskinportenHosts allows one.
    "maskinporten-host-allowed": "mandatory",
    "principal-allowlisted": "advisory",
    "prod-resources-protected": "mandatory",
    "rbac-secret-roles-at-vault-scope": "mandatory",
    "secret-value-not-placeholder": "advisory",
    "secret-value-secret-and-typed": "mandatory",
    "studio-host-allowed": "mandatory",
    // The stack's keyVault.unmanagedAccess (warn, the default, or fail). Findings of fail can be
    // silenced only in policy/config.json (a stack-file suppression silences advisory findings only).
    // Access of a grant that expired stays advisory: it must never block the up that removes it.
    "unmanaged-access": { cases: { warn: "advisory", fail: "mandatory", expiredGrant: "advisory" } },
    "vault-matches-config": "mandatory",
    // A writer not on the pack's writeAllowlist; one on it.
    "write-access-reviewed": { cases: { writer: { tt02: "advisory", prod: "mandatory" }, allowlisted: "advisory" } },
    // Fires in prod only: a write grant ends within policy/config.json maxWriteGrantDays unless its principal is long-lived.
    "write-grant-expires": { tt02: "advisory", prod: "mandatory" },
} as const satisfies Record<string, RuleLevel>;

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
} as const satisfies Record<string, { tt02: Level; prod: Level }>;

export type RuleId = keyof typeof RULE_LEVELS;
export type ReviewFindingId = keyof typeof REVIEW_FINDING_LEVELS;

export const RULE_IDS = Object.keys(RULE_LEVELS) as RuleId[];
export const REVIEW_FINDING_IDS = Object.keys(REVIEW_FINDING_LEVELS) as ReviewFindingId[];

type Entry<Id extends RuleId> = (typeof RULE_LEVELS)[Id];
/** The cases a rule's findings must name (never, for a rule with one level). */
export type CaseOf<Id extends RuleId> = Entry<Id> extends { cases: infer C } ? keyof C & string : never;

const LEVELS: Readonly<Record<string, RuleLevel>> = { ...RULE_LEVELS, ...REVIEW_FINDING_LEVELS };

function inEnvironment(level: EnvironmentLevel, environment: string | undefined): Level {
    return typeof level === "string" ? level : environment === "prod" ? level.prod : level.tt02;
}

function casesOf(entry: RuleLevel): Record<string, EnvironmentLevel> | undefined {
    return typeof entry === "object" && "cases" in entry ? entry.cases : undefined;
}

/** The level of a finding of `id` in `environment`, for the case it names (rules with cases only). */
export function levelOf(id: RuleId | ReviewFindingId, environment: string | undefined, findingCase?: string): Level {
    const entry = LEVELS[id];
    if (entry === undefined) throw new Error(`${id}: not in the level table (core/policy/ruleIds.ts)`);
    const cases = casesOf(entry);
    if (!cases) return inEnvironment(entry as EnvironmentLevel, environment);
    const level = findingCase === undefined ? undefined : cases[findingCase];
    if (level === undefined) throw new Error(`${id}: finding case ${JSON.stringify(findingCase)} is not one of ${Object.keys(cases).join(", ")} (core/policy/ruleIds.ts)`);
    return inEnvironment(level, environment);
}

/**
 * Whether findings of `id` can be mandatory in `environment` (and so need policy/config.json to
 * suppress); `cases` narrows a rule with cases to those the caller knows can occur. Without an
 * environment: in any.
 */
export function canBeMandatory(id: RuleId | ReviewFindingId, environment?: "tt02" | "prod", cases?: readonly string[]): boolean {
    const entry = LEVELS[id];
    const all = casesOf(entry);
    const levels = all ? Object.entries(all).filter(([c]) => !cases || cases.includes(c)).map(([, l]) => l) : [entry as EnvironmentLevel];
    const environments = environment ? [environment] : (["tt02", "prod"] as const);
    return levels.some((l) => environments.some((e) => inEnvironment(l, e) === "mandatory"));
}
