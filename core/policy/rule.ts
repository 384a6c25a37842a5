/**
 * The shape of a policy rule, cdk-nag style: a pure function from one resource (and the
 * review context) to a verdict. Rules know nothing of CrossGuard or mocks; the pack and the
 * offline plan each turn what they see into `PolicyResource`s and run the same rules. Rules
 * state no level: the level table (ruleIds.ts) gives each finding its level.
 */
import type { CaseOf, RuleId } from "./ruleIds";

export type { Level } from "./ruleIds";

/** One declared resource as a rule sees it. */
export interface PolicyResource {
    type: string;
    name: string;
    /** URN (CrossGuard) or `type::name` (offline plan): how findings point at the resource. */
    id: string;
    props: Record<string, unknown>;
    protect: boolean;
    /**
     * Whether the Key Vault secret's value is a Pulumi secret. The offline plan knows; CrossGuard
     * unwraps secrets before policies see them, so there it is undefined.
     */
    valueIsSecret?: boolean;
    /**
     * The stack-file path (`appSecrets[0].value`) whose `secure:` value is still a placeholder
     * such as the example's. Only the offline plan sees ciphertexts; undefined elsewhere.
     */
    placeholderPath?: string;
    /** The component the resource belongs to (its type and inputs), when it has one. */
    parent?: Pick<PolicyResource, "type" | "props">;
}

/** What the rules know about the stack and the pack's configuration. */
export interface ReviewContext {
    /** Altinn environment of the stack (tt02, prod), when known. */
    environment?: string;
    /** Principals allowed to hold access at all; undefined: no allowlist configured. */
    principalAllowlist?: string[];
    /** Principals allowed write access in prod. */
    writeAllowlist?: string[];
    /** A prod write grant must end within this many days (policy/config.json). Defaults to 90. */
    maxWriteGrantDays?: number;
    /** Identities whose prod write grants may last (a deploy pipeline), each with the reviewed reason. */
    longLivedPrincipals?: { principalId: string; reason: string }[];
    /** Hosts `redeploy.studioUrl` may point at (policy/config.json). Defaults to altinn.studio. */
    studioHosts?: string[];
    /** Hosts besides Digdir's that Maskinporten credentials may go to, with a reason (policy/config.json). */
    maskinportenHosts?: { host: string; reason: string }[];
    /** Suppressions from policy/config.json: the only ones that can silence a mandatory finding. */
    packSuppressions?: PackSuppression[];
    /** Config keys outside the project's namespace that policy/config.json allows, each with its reason. */
    allowedConfigKeys?: Allowance[];
    /** Pulumi ESC environments a prod stack file may import (policy/config.json), each with its reason. */
    allowedEscEnvironments?: Allowance[];
    /** The stack name, when known (the offline plan), for commands in hints. */
    stack?: string;
    /** The time rules judge expiry by (ms since the epoch). Defaults to now. */
    now?: number;
}

/** A finding silenced on purpose, by rule and principal or secret, with a reason. */
export interface Suppression {
    rule: string;
    principalId?: string;
    secretName?: string;
    reason: string;
}

/** A suppression in policy/config.json: it may also name a stack-file setting (`secretsprovider`, `keyVault.unmanagedAccess`). */
export interface PackSuppression extends Suppression {
    setting?: string;
}

/** Something policy/config.json allows by name (a config key, an ESC environment), with the reason. */
export interface Allowance {
    name: string;
    reason: string;
}

/** One problem a rule found on a resource. */
export interface RuleFinding {
    /** cdk-nag style id, e.g. `Permission::purge`: for tests and tools, never shown to a person. */
    detail: string;
    /** What is wrong here, in words (one or more sentences after the rule's info). */
    text?: string;
    /** The stack-file setting concerned (`azure-native:oidcRequestUrl`), for settings rules (suppressions match on it). */
    setting?: string;
    /** The principal concerned, for grant rules (suppressions match on it). */
    principalId?: string;
    /** The secret concerned, for secret rules (suppressions match on it). */
    secretName?: string;
    /** Which of the rule's cases in the level table (ruleIds.ts) this is: rules with cases only. */
    case?: string;
    /** The environment the resource says it is in, when it says so; else the review context's. */
    environment?: string;
    /** How to fix this finding, when it says more than the rule's `fix` (the key to change, the command to run). */
    fix?: string;
}

/** A finding of rule `Id`: it names one of the rule's cases when the level table has cases for it. */
export type FindingOf<Id extends RuleId> = Id extends RuleId ? ([CaseOf<Id>] extends [never] ? RuleFinding & { case?: undefined } : RuleFinding & { case: CaseOf<Id> }) : never;

export type Verdict<F extends RuleFinding = RuleFinding> =
    | { status: "not-applicable" }
    | { status: "compliant" }
    | { status: "non-compliant"; findings: F[] };

export interface Rule<Id extends RuleId = RuleId> {
    /** Stable id, equal to the rule's file name (one of core/policy/ruleIds.ts). */
    id: Id;
    /** Why it fired, in one sentence (the finding's message starts with it). */
    info: string;
    /** Why the rule exists. */
    explanation: string;
    /**
     * What `info` leaves out, for the rule table in docs/reference.md: the exact trigger, its
     * thresholds (from the constants the check uses) and what changes the level from RULE_LEVELS.
     */
    firesWhen?: string;
    /** How to fix a finding: the stack-file key to change, or the policy/config.json entry (and why it needs a reason). */
    fix: string;
    check(resource: PolicyResource, context: ReviewContext): Verdict<FindingOf<Id>>;
}

export const NOT_APPLICABLE: Verdict<never> = { status: "not-applicable" };
export const COMPLIANT: Verdict<never> = { status: "compliant" };

/** Non-compliant with the given findings, or compliant when there are none. */
export function verdict<F extends RuleFinding>(findings: F[]): Verdict<F> {
    return findings.length ? { status: "non-compliant", findings } : COMPLIANT;
}
