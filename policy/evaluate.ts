/**
 * Run the rules over declared resources and apply suppressions. Pure; shared by the CrossGuard
 * pack and the offline plan.
 *
 * A stack file's suppressions silence advisory findings only; a mandatory finding can be
 * silenced only by a suppression in policy/config.json (reviewed with the code, CODEOWNERS).
 */
import type { Level, PackSuppression, PolicyResource, ReviewContext, Rule, Suppression } from "../core/policy/rule";
import { ALL_RULES } from "./rules";
import { levelOf } from "../core/policy/ruleIds";
import { defuseWorkflowCommands, unicodeEscape } from "../core/text";
import { BIDI_CHARACTER, CONTROL_CHARACTER } from "../core/config/limits";

export type { PackSuppression, Suppression } from "../core/policy/rule";

/** Where a suppression was written. */
export type SuppressionSource = "stack" | "policy/config.json";

export interface Finding {
    /** The rule id. */
    policy: string;
    level: Level;
    /** URN or `type::name` of the resource. */
    resource: string;
    /** What a person reads: what is wrong and how to fix it. */
    message: string;
    /** The cdk-nag style id (`Access::write`): for tests and tools, never in what a person reads. */
    detail: string;
    principalId?: string;
    secretName?: string;
    /** The stack-file setting concerned, for settings findings (`secretsprovider`, `azure-native:oidcRequestUrl`). */
    setting?: string;
    /** Present when a suppression matched: the finding is still reported, with its reason. */
    suppressed?: { reason: string; source?: SuppressionSource };
}

/** Finding id of a stack-file suppression that silences nothing. */
export const STALE_SUPPRESSION = "stale-suppression";
/** What fires it, for docs/reference.md. */
export const STALE_SUPPRESSION_FIRES_WHEN = "A stack-file suppression matches no finding, or only mandatory ones it cannot silence.";

export function suppressionMatches(s: PackSuppression, rule: string, principalId?: string, secretName?: string, setting?: string): boolean {
    if (s.rule !== rule) return false;
    if (s.setting !== undefined) return setting !== undefined && s.setting === setting;
    if (s.principalId !== undefined) return principalId !== undefined && s.principalId.toLowerCase() === principalId.toLowerCase();
    if (s.secretName !== undefined) return secretName !== undefined && s.secretName.toLowerCase() === secretName.toLowerCase();
    return false;
}

/** The suppression that silences `f`, if any: policy/config.json first, the stack file only for advisory findings. */
export function suppressionFor(f: Pick<Finding, "policy" | "level" | "principalId" | "secretName" | "setting">, stack: Suppression[], pack: PackSuppression[] = []): Finding["suppressed"] {
    const hit = (s: PackSuppression) => suppressionMatches(s, f.policy, f.principalId, f.secretName, f.setting);
    const fromPack = pack.find(hit);
    if (fromPack) return { reason: fromPack.reason, source: "policy/config.json" };
    const fromStack = f.level === "advisory" ? stack.find(hit) : undefined;
    return fromStack ? { reason: fromStack.reason, source: "stack" } : undefined;
}

/** Detail of the finding that stands in for a rule that threw. */
export const RULE_FAILED = "Rule::failed";

/**
 * A rule that threw on a resource: a mandatory finding (it matches no suppression), so the
 * resource is never taken as checked. One line; the error's text is left out, as it may quote a
 * value the rule was reading (a secret's, say).
 */
function ruleFailure(rule: Rule, resource: PolicyResource, error: unknown): Finding {
    const kind = error instanceof Error ? error.name.replace(/[^\w.-]/g, "").slice(0, 40) || "Error" : typeof error;
    return {
        policy: rule.id,
        level: "mandatory",
        resource: resource.id,
        detail: RULE_FAILED,
        message: `The rule ${rule.id} failed (${kind}) on ${resource.type} ${JSON.stringify(resource.name)}, so it was not checked: run the rule's tests, fix it, and review again.`,
    };
}

/** The findings of `rule` on `resource`, levels from the table and suppressions applied. */
function findingsOf(rule: Rule, resource: PolicyResource, context: ReviewContext, suppressions: Suppression[]): Finding[] {
    const v = rule.check(resource, context);
    if (v.status !== "non-compliant") return [];
    return v.findings.map((f) => {
        const finding: Finding = {
            policy: rule.id,
            level: levelOf(rule.id, f.environment ?? context.environment, f.case),
            resource: resource.id,
            message: findingMessage(rule.info, f.text, f.fix ?? rule.fix, f),
            detail: f.detail,
        };
        if (f.principalId) finding.principalId = f.principalId;
        if (f.secretName) finding.secretName = f.secretName;
        if (f.setting) finding.setting = f.setting;
        const suppressed = suppressionFor(finding, suppressions, context.packSuppressions);
        if (suppressed) finding.suppressed = suppressed;
        return finding;
    });
}

export function evaluateRules(resources: PolicyResource[], context: ReviewContext, suppressions: Suppression[] = [], rules: readonly Rule[] = ALL_RULES): Finding[] {
    const findings: Finding[] = [];
    for (const resource of resources) {
        for (const rule of rules) {
            try {
                findings.push(...findingsOf(rule, resource, context, suppressions));
            } catch (e) {
                findings.push(ruleFailure(rule, resource, e));
            }
        }
    }
    return findings;
}

/** Who or what a finding is about, as its message says it: ` (principal ...)`, ` (secret ...)` or ` (setting ...)`. */
export function subjectSuffix(f: Pick<Finding, "principalId" | "secretName" | "setting">): string {
    return f.principalId ? ` (principal ${f.principalId})` : f.secretName ? ` (secret ${f.secretName})` : f.setting ? ` (setting ${f.setting})` : "";
}

/** `<what is wrong> (principal ...) To fix: <how>.`: the one shape of every finding's message. */
export function findingMessage(info: string, text: string | undefined, fix: string, about: Pick<Finding, "principalId" | "secretName" | "setting">): string {
    const what = `${info}${text ? ` ${text}` : ""}`;
    // The subject once: a sentence that already names the setting needs no "(setting ...)".
    const named = about.setting !== undefined && !about.principalId && !about.secretName && what.includes(about.setting);
    return `${what}${named ? "" : subjectSuffix(about)} To fix: ${fix.replace(/\.$/, "")}.`;
}

/** Control, line-breaking and bidirectional characters: in a terminal or a CI log they move, hide or forge text. */
const UNPRINTABLE = new RegExp(`${CONTROL_CHARACTER.source}|${BIDI_CHARACTER.source}`, "g");

/**
 * A finding's message as the policy pack hands it to Pulumi, which prints it as it is: what came
 * from Azure (a scope, a principal) or a stack file can hold an escape sequence, a line break and
 * `::error`, or a bidirectional override. Those characters are shown escaped (`\u001b`), and a
 * workflow command is defused.
 */
export function reportable(message: string): string {
    return defuseWorkflowCommands(message.replace(UNPRINTABLE, unicodeEscape));
}

function target(s: Suppression): string {
    return s.principalId ? `principal ${s.principalId}` : `secret ${s.secretName}`;
}

/**
 * Advisory findings about the stack file's suppressions themselves: one that matches no finding
 * (a dead exception), and one that matches only mandatory findings, which it cannot silence.
 * `findings` must come from all the rules, so run it after `evaluateRules` with ALL_RULES;
 * `unseenRules` are rules that cannot fire where this runs (CrossGuard never sees ciphertexts).
 */
export function suppressionFindings(suppressions: Suppression[], findings: Finding[], resource = "suppressions", unseenRules: readonly string[] = []): Finding[] {
    const out: Finding[] = [];
    suppressions.forEach((s, i) => {
        if (unseenRules.includes(s.rule)) return;
        const matched = findings.filter((f) => suppressionMatches(s, f.policy, f.principalId, f.secretName));
        const where = `suppressions[${i}] (rule ${s.rule}, ${target(s)})`;
        const base = { policy: STALE_SUPPRESSION, level: "advisory" as const, resource: `${resource}[${i}]`, ...(s.principalId ? { principalId: s.principalId } : { secretName: s.secretName }) };
        if (matched.length === 0) {
            out.push({ ...base, detail: "Suppression::matches-nothing", message: `${where} matches no finding: remove it from the stack file.` });
        } else if (matched.every((f) => f.level === "mandatory")) {
            out.push({
                ...base,
                detail: "Suppression::mandatory",
                message: `${where} matches only mandatory findings, which a stack file cannot suppress: remove it, or put a reviewed exception in policy/config.json.`,
            });
        }
    });
    return out;
}

/** True when a finding should stop the deployment. */
export function blocks(f: Finding): boolean {
    return f.level === "mandatory" && !f.suppressed;
}
