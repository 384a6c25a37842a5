/**
 * Changes to settings that decide how strict the review is, or who can decrypt the stack's secrets:
 * rows of their own in the review, and the findings only a comparison can make (a lowered
 * enforcement, a new secrets provider). Pure.
 */
import type { Environment, StackConfig } from "../../core/config/parse";
import { REVIEW_FINDING_LEVELS, ReviewFindingId } from "../../core/policy/ruleIds";
import type { PackSuppression } from "../../core/policy/rule";
import { findingMessage, Finding, suppressionFor } from "../../policy/evaluate";
import type { OtherChange } from "./stackDiff";

export const SECRETS_PROVIDER_UNCHANGED = "secrets-provider-unchanged";
export const ENFORCEMENT_NOT_LOWERED = "enforcement-not-lowered";
/** What fires it, for docs/reference.md. */
export const ENFORCEMENT_FIRES_WHEN = "`npm run review -- --base <ref>`: `keyVault.unmanagedAccess` goes from `fail` to `warn`, or `environment` away from prod.";

/** The stack file's top-level keys that decide who can decrypt its secrets. */
export const ENCRYPTION_KEYS = ["secretsprovider", "encryptedkey", "encryptionsalt"] as const;

/** What fires it, for docs/reference.md. */
export const SECRETS_PROVIDER_FIRES_WHEN = `\`npm run review -- --base <ref>\`: ${ENCRYPTION_KEYS.slice(0, -1)
    .map((k) => `\`${k}\``)
    .join(", ")} or \`${ENCRYPTION_KEYS.at(-1)}\` changes (who can decrypt the stack's secrets).`;

function settingFinding(id: ReviewFindingId, environment: Environment, setting: string, info: string, text: string, fix: string, pack: PackSuppression[]): Finding {
    const finding: Finding = {
        policy: id,
        level: REVIEW_FINDING_LEVELS[id][environment],
        resource: "stack file",
        detail: `Setting::${setting}`,
        setting,
        message: findingMessage(info, text, fix, { setting }),
    };
    const suppressed = suppressionFor(finding, [], pack);
    if (suppressed) finding.suppressed = suppressed;
    return finding;
}

/** A changed secretsprovider, encryptedkey or encryptionsalt: mandatory everywhere. Nothing for a new stack file. */
export function encryptionFindings(base: Record<string, unknown>, head: Record<string, unknown>, environment: Environment, pack: PackSuppression[] = []): Finding[] {
    if (Object.keys(base).length === 0) return [];
    return ENCRYPTION_KEYS.filter((k) => JSON.stringify(base[k] ?? null) !== JSON.stringify(head[k] ?? null)).map((k) =>
        settingFinding(
            SECRETS_PROVIDER_UNCHANGED,
            environment,
            k,
            `The stack file's ${k} changes: it decides who can decrypt the stack's secrets, and where the deploy sends them to be decrypted.`,
            "",
            `keep ${k} as it is on the base branch; a planned change of secrets provider (pulumi stack change-secrets-provider) is accepted in policy/config.json: a suppression with rule ${SECRETS_PROVIDER_UNCHANGED}, setting ${k} and a reason saying who approved the new provider`,
            pack,
        ),
    );
}

const LEVEL_OF = { warn: "advisory", fail: "mandatory" } as const;

/** Rows for settings that lower a finding's level, and the findings for lowered enforcement (self-service has rows of its own: selfServiceDiff.ts). */
export function settingChanges(base: StackConfig, head: StackConfig, pack: PackSuppression[] = []): { rows: OtherChange[]; findings: Finding[] } {
    const rows: OtherChange[] = [];
    const findings: Finding[] = [];
    const was = base.keyVault.unmanagedAccess;
    const now = head.keyVault.unmanagedAccess;
    if (was !== now) {
        const lowered = was === "fail";
        rows.push({ kind: lowered ? "lowered" : "raised", subject: "keyVault.unmanagedAccess (unmanaged-access findings)", before: `${was} (${LEVEL_OF[was]})`, after: `${now} (${LEVEL_OF[now]})` });
        if (lowered) {
            findings.push(
                settingFinding(
                    ENFORCEMENT_NOT_LOWERED,
                    base.environment,
                    "keyVault.unmanagedAccess",
                    "keyVault.unmanagedAccess changes from fail to warn: access that bypassed review stops being a mandatory finding.",
                    "",
                    `keep keyVault.unmanagedAccess: fail; to accept one principal's access, suppress unmanaged-access for it in policy/config.json with a reason, or accept this change there (rule ${ENFORCEMENT_NOT_LOWERED}, setting keyVault.unmanagedAccess, and a reason)`,
                    pack,
                ),
            );
        }
    }
    if (base.environment !== head.environment) {
        rows.push({ kind: base.environment === "prod" ? "lowered" : "changed", subject: "environment (which findings are mandatory)", before: base.environment, after: head.environment });
        if (base.environment === "prod") {
            findings.push(
                settingFinding(
                    ENFORCEMENT_NOT_LOWERED,
                    "prod",
                    "environment",
                    "The stack's environment changes from prod: write access, unstaged key changes and ESC imports stop being mandatory findings, and nothing new is protected.",
                    "",
                    `keep environment: prod (a stack named prod or *-prod must); a deliberate move is accepted in policy/config.json (rule ${ENFORCEMENT_NOT_LOWERED}, setting environment, and a reason)`,
                    pack,
                ),
            );
        }
    }
    return { rows, findings };
}
