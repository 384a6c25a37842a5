/**
 * CrossGuard policy pack: `pulumi preview --policy-pack policy`. It only wires the rules in
 * policy/rules (pure, one per file) to CrossGuard; the offline plan runs the same rules.
 *
 * Each rule whose findings can be mandatory (the level table, core/policy/ruleIds.ts, says which)
 * is a mandatory stack policy reporting its unsuppressed mandatory findings; `altinn-review-notes` (advisory) reports advisory findings and suppressed ones with
 * their reasons, so a suppression never hides a finding from the review.
 */
import { PolicyPack, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { blocks, evaluateRules, Finding, reportable, Suppression, suppressionFindings } from "./evaluate";
import { readPackConfig } from "./packConfig";
import type { PolicyResource, ReviewContext, Rule } from "../core/policy/rule";
import { ALL_RULES } from "./rules";
import { canBeMandatory } from "../core/policy/ruleIds";
import { TYPES } from "../core/resourceNames";

/** Rules that need what only the offline plan sees (ciphertexts): their suppressions are never stale here. */
const OFFLINE_ONLY_RULES = ["secret-value-not-placeholder"];

function suppressionsOf(args: StackValidationArgs): Suppression[] {
    const review = args.resources.find((r) => r.type === TYPES.reviewContext)?.props ?? {};
    return Array.isArray(review.suppressions) ? (review.suppressions as Suppression[]) : [];
}

function findingsOf(args: StackValidationArgs, rules: readonly Rule[]): Finding[] {
    const resources: PolicyResource[] = args.resources.map((r) => ({
        type: r.type,
        name: r.name,
        id: r.urn,
        props: r.props,
        protect: r.opts.protect,
        ...(r.parent ? { parent: { type: r.parent.type, props: r.parent.props } } : {}),
    }));
    const review = args.resources.find((r) => r.type === TYPES.reviewContext)?.props ?? {};
    const context: ReviewContext = { environment: typeof review.environment === "string" ? review.environment : undefined, ...readPackConfig() };
    return evaluateRules(resources, context, suppressionsOf(args), rules);
}

const blocking: StackValidationPolicy[] = ALL_RULES.filter((rule) => canBeMandatory(rule.id)).map((rule) => ({
    name: rule.id,
    description: rule.explanation,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const f of findingsOf(args, [rule]).filter(blocks)) reportViolation(reportable(f.message), f.resource);
    },
}));

const notes: StackValidationPolicy = {
    name: "altinn-review-notes",
    description: "Advisory findings, suppressed findings with the reason they were accepted, and stack-file suppressions that silence nothing.",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        const all = findingsOf(args, ALL_RULES);
        const stale = suppressionFindings(suppressionsOf(args), all, "suppressions", OFFLINE_ONLY_RULES);
        for (const f of [...all, ...stale].filter((f) => !blocks(f))) {
            const tag = f.suppressed ? `${f.policy}, suppressed: ${f.suppressed.reason}` : f.policy;
            reportViolation(reportable(`[${tag}] ${f.message}`), f.resource);
        }
    },
};

new PolicyPack("altinn-app-secrets", { description: "Access review for altinn-app-secrets: who may use the org's Key Vault, and how.", policies: [...blocking, notes] });
