/**
 * The policy rules section of docs/reference.md: every rule of policy/rules with its level per
 * environment (core/policy/ruleIds.ts RULE_LEVELS), what fires it (`info` and `firesWhen`), why it
 * exists (`explanation`), and the findings that are not rules (the review's and the suppressions').
 * No text of its own: every sentence comes from the module that makes the finding.
 */
import { REVIEW_FINDING_IDS, REVIEW_FINDING_LEVELS, ReviewFindingId } from "../../core/policy/ruleIds";
import { stackMaySuppress } from "../../core/config/rules";
import { STALE_SUPPRESSION, STALE_SUPPRESSION_FIRES_WHEN } from "../../policy/evaluate";
import { ALL_RULES } from "../../policy/rules";
import { ESC_ENVIRONMENT_ALLOWED, ESC_ENVIRONMENT_FIRES_WHEN } from "../offline/stackFindings";
import { ENFORCEMENT_FIRES_WHEN, ENFORCEMENT_NOT_LOWERED, SECRETS_PROVIDER_FIRES_WHEN, SECRETS_PROVIDER_UNCHANGED } from "../review/settingChanges";
import { KEY_CHANGE_FIRES_WHEN, KEY_CHANGE_STAGED } from "../review/stackDiff";

/** What fires each finding that no rule of the pack makes: the text lives beside the code that makes it. */
const REVIEW_FINDING_NOTES: Record<ReviewFindingId, string> = {
    [ESC_ENVIRONMENT_ALLOWED]: ESC_ENVIRONMENT_FIRES_WHEN,
    [ENFORCEMENT_NOT_LOWERED]: ENFORCEMENT_FIRES_WHEN,
    [KEY_CHANGE_STAGED]: KEY_CHANGE_FIRES_WHEN,
    [SECRETS_PROVIDER_UNCHANGED]: SECRETS_PROVIDER_FIRES_WHEN,
};

/** Findings that no rule of the pack makes, with their levels (from the one table) and what fires them. */
const OTHER_FINDINGS: { id: string; tt02: string; prod: string; firesWhen: string }[] = [
    ...REVIEW_FINDING_IDS.map((id) => ({ id, ...REVIEW_FINDING_LEVELS[id], firesWhen: REVIEW_FINDING_NOTES[id] })),
    {
        id: STALE_SUPPRESSION,
        tt02: "advisory",
        prod: "advisory",
        firesWhen: STALE_SUPPRESSION_FIRES_WHEN,
    },
];

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** Every rule id and other finding id the reference documents. */
export function documentedFindingIds(): string[] {
    return [...ALL_RULES.map((r) => r.id), ...OTHER_FINDINGS.map((f) => f.id)];
}

export function renderRules(): string {
    const rows = [...ALL_RULES]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((r) => {
            // The level with the config's defaults (keyVault.unmanagedAccess: warn); the notes say what changes it.
            const level = (env: "tt02" | "prod") => (stackMaySuppress(r.id, env) ? "advisory" : "mandatory");
            return `| \`${r.id}\` | ${level("tt02")} | ${level("prod")} | ${cell(r.info)}${r.firesWhen ? ` ${cell(r.firesWhen)}` : ""} | ${cell(r.explanation)} |`;
        });
    const others = OTHER_FINDINGS.map((f) => `| \`${f.id}\` | ${f.tt02} | ${f.prod} | ${cell(f.firesWhen)} |`);
    return [
        "## Policy rules",
        "",
        "One rule per file in `policy/rules/`; the levels come from `core/policy/ruleIds.ts`. The policy pack (`pulumi preview --policy-pack policy`), `npm run plan` and `npm run review` evaluate the same rules. A level is the highest a rule's findings reach in that environment: a mandatory finding fails the preview and makes plan and review exit 1. A stack file may suppress only rules that are advisory in its environment; mandatory findings are suppressed in `policy/config.json` (see [the access review guide](access-review.md)).",
        "",
        "| rule | tt02 | prod | fires when | why it exists |",
        "| --- | --- | --- | --- | --- |",
        ...rows,
        "",
        "Findings that are not rules of the pack:",
        "",
        "| finding | tt02 | prod | fires when |",
        "| --- | --- | --- | --- |",
        ...others,
    ].join("\n");
}
