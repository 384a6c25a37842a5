/**
 * The policy rules section of docs/reference.md: every rule of policy/rules with its level per
 * environment (core/policy/ruleIds.ts RULE_LEVELS), what fires it (`info`), why it exists
 * (`explanation`), and the findings that are not rules (the review's and the suppressions').
 */
import { REVIEW_FINDING_IDS, REVIEW_FINDING_LEVELS, ReviewFindingId, RuleId } from "../../core/policy/ruleIds";
import { stackMaySuppress } from "../../core/config/rules";
import { STALE_SUPPRESSION } from "../../policy/evaluate";
import { ALL_RULES } from "../../policy/rules";

/** What a rule's `info` leaves out: when its level differs from RULE_LEVELS, and the exact trigger. */
const RULE_NOTES: Partial<Record<RuleId, string>> = {
    "access-policy-secrets-only": "`all` in `secrets` counts as purge.",
    "grant-expiry": "A grant whose `expires` has passed is no longer declared (delete its entry); one at most 7 days away is reported too.",
    "maskinporten-key-expiry": "Advisory within 30 days of a registered key's expiry (read by `pulumi preview --refresh`), mandatory once it has expired.",
    "maskinporten-own-section": "Use a section of its own, e.g. `MaskinportenClients--<Name>` ([when to use this](when-to-use.md)).",
    "principal-allowlisted": "Only when `principalAllowlist` in policy/config.json is set.",
    "prod-resources-protected": "A prod grant or secret is not `protect`ed; a grant with `expires` is declared unprotected on purpose and accepted.",
    "secret-value-not-placeholder":
        "Offline plan only: an app secret still holds a placeholder such as the example's `v1:example-ciphertext-replace-me`; the finding gives the `pulumi config set --secret --path ...` command. CrossGuard never sees ciphertexts, so the policy pack cannot check it.",
    "secret-value-secret-and-typed":
        "A Key Vault secret has no content type, or (offline plan only: CrossGuard hides whether a value is a Pulumi secret) its value is not a Pulumi secret.",
    "studio-host-allowed": "`redeploy.studioUrl` points at a host not in `allowedStudioHosts` (default `[\"altinn.studio\"]`): the redeploy would send the Studio API key there.",
    "unmanaged-access":
        "`pulumi preview` found a principal with access to the vault that `accessGrants` does not declare. Advisory unless `keyVault.unmanagedAccess: fail`; then only policy/config.json can silence it. Access an ended grant still holds stays advisory, so it never blocks the `up` that removes it.",
    "vault-matches-config": "The vault's real mode (access policies or RBAC) or tenant differs from `keyVault.authorization` / `keyVault.tenantId`.",
    "write-access-reviewed": "A grant can change or delete secrets. Mandatory in prod unless the principal is on `writeAllowlist` in policy/config.json.",
    "write-grant-expires":
        "Prod: a grant that can change secrets has no `expires`, or one more than `maxWriteGrantDays` (default 90) ahead, and its principal is not in `longLivedPrincipals`.",
};

/** What fires each finding that no rule of the pack makes (the offline plan's and review's own). */
const REVIEW_FINDING_NOTES: Record<ReviewFindingId, string> = {
    "esc-environment-allowed":
        "`npm run plan` and `npm run review`: the stack file imports a Pulumi ESC environment that `allowedEscEnvironments` in policy/config.json does not list; it can set any key, unseen offline.",
    "enforcement-not-lowered":
        "`npm run review -- --base <ref>`: `keyVault.unmanagedAccess` goes from `fail` to `warn`, or `environment` away from prod.",
    "key-change-staged":
        "`npm run review -- --base <ref>` only: a client's active key would change without having been staged at the base ref, e.g. its section was renamed, even only in case. Suppressible in policy/config.json like a rule's.",
    "secrets-provider-unchanged": "`npm run review -- --base <ref>`: `secretsprovider`, `encryptedkey` or `encryptionsalt` changes (who can decrypt the stack's secrets).",
};

/** Findings that no rule of the pack makes, with their levels (from the one table) and what fires them. */
const OTHER_FINDINGS: { id: string; tt02: string; prod: string; firesWhen: string }[] = [
    ...REVIEW_FINDING_IDS.map((id) => ({ id, ...REVIEW_FINDING_LEVELS[id], firesWhen: REVIEW_FINDING_NOTES[id] })),
    {
        id: STALE_SUPPRESSION,
        tt02: "advisory",
        prod: "advisory",
        firesWhen: "A stack-file suppression matches no finding, or only mandatory ones it cannot silence.",
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
            const note = RULE_NOTES[r.id as RuleId];
            return `| \`${r.id}\` | ${level("tt02")} | ${level("prod")} | ${cell(r.info)}${note ? ` ${cell(note)}` : ""} | ${cell(r.explanation)} |`;
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
