/**
 * Run the rules over declared resources and apply suppressions. Pure; shared by the CrossGuard
 * pack and the offline plan.
 */
import type { Level, PolicyResource, ReviewContext, Rule } from "./rule";
import { ALL_RULES } from "./rules";

/** A finding silenced on purpose (stack config `suppressions`). */
export interface Suppression {
    rule: string;
    principalId?: string;
    secretName?: string;
    reason: string;
}

export interface Finding {
    /** The rule id. */
    policy: string;
    level: Level;
    /** URN or `type::name` of the resource. */
    resource: string;
    message: string;
    detail: string;
    principalId?: string;
    secretName?: string;
    /** Present when a suppression matched: the finding is still reported, with its reason. */
    suppressed?: { reason: string };
}

function matches(s: Suppression, rule: string, principalId?: string, secretName?: string): boolean {
    if (s.rule !== rule) return false;
    if (s.principalId !== undefined) return principalId !== undefined && s.principalId.toLowerCase() === principalId.toLowerCase();
    if (s.secretName !== undefined) return secretName !== undefined && s.secretName.toLowerCase() === secretName.toLowerCase();
    return false;
}

export function evaluateRules(resources: PolicyResource[], context: ReviewContext, suppressions: Suppression[] = [], rules: readonly Rule[] = ALL_RULES): Finding[] {
    const findings: Finding[] = [];
    for (const resource of resources) {
        for (const rule of rules) {
            const v = rule.check(resource, context);
            if (v.status !== "non-compliant") continue;
            for (const f of v.findings) {
                const who = f.principalId ? ` (principal ${f.principalId})` : f.secretName ? ` (secret ${f.secretName})` : "";
                const finding: Finding = {
                    policy: rule.id,
                    level: f.level ?? rule.level,
                    resource: resource.id,
                    message: `${rule.info} ${f.detail}${who}`,
                    detail: f.detail,
                };
                if (f.principalId) finding.principalId = f.principalId;
                if (f.secretName) finding.secretName = f.secretName;
                const suppression = suppressions.find((s) => matches(s, rule.id, f.principalId, f.secretName));
                if (suppression) finding.suppressed = { reason: suppression.reason };
                findings.push(finding);
            }
        }
    }
    return findings;
}

/** True when a finding should stop the deployment. */
export function blocks(f: Finding): boolean {
    return f.level === "mandatory" && !f.suppressed;
}
