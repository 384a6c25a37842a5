/**
 * Findings about the stack file itself, which only a reader of the file can make (the program and
 * the policy pack see the config Pulumi hands them, not where it came from): Pulumi ESC imports.
 */
import type { Environment } from "../../core/config/parse";
import type { PackConfig } from "../../policy/packConfig";
import { findingMessage, Finding, suppressionFor } from "../../policy/evaluate";
import { REVIEW_FINDING_LEVELS } from "../../core/policy/ruleIds";

export const ESC_ENVIRONMENT_ALLOWED = "esc-environment-allowed";
/** What fires it, for docs/reference.md. */
export const ESC_ENVIRONMENT_FIRES_WHEN =
    "`npm run plan` and `npm run review`: the stack file imports a Pulumi ESC environment that `allowedEscEnvironments` in policy/config.json does not list; it can set any key, unseen offline.";

/**
 * Each ESC environment the stack file imports that policy/config.json does not allow: mandatory in
 * prod, advisory in tt02. An ESC environment can set any config key, provider settings included,
 * and neither the offline plan nor this review can see what it sets.
 */
export function escFindings(escEnvironments: string[] | undefined, environment: Environment, stack: string, pack: Pick<PackConfig, "allowedEscEnvironments" | "packSuppressions">): Finding[] {
    const allowed = new Set(pack.allowedEscEnvironments.map((a) => a.name));
    return (escEnvironments ?? [])
        .filter((name) => !allowed.has(name))
        .map((name) => {
            const finding: Finding = {
                policy: ESC_ENVIRONMENT_ALLOWED,
                level: REVIEW_FINDING_LEVELS[ESC_ENVIRONMENT_ALLOWED][environment],
                resource: `Pulumi.${stack}.yaml`,
                detail: "Esc::not-allowed",
                setting: "environment",
                message: findingMessage(
                    `The stack file imports the Pulumi ESC environment ${name}, which policy/config.json does not allow.`,
                    "An ESC environment can set any config key, provider settings that decide where credentials go included, and neither the offline plan nor the review can see what it sets.",
                    `set the keys in the stack file instead, or add ${name} to allowedEscEnvironments in policy/config.json with a reason saying who controls it and what it sets (a change the code owners review)`,
                    { setting: "environment" },
                ),
            };
            const suppressed = suppressionFor(finding, [], pack.packSuppressions);
            if (suppressed) finding.suppressed = suppressed;
            return finding;
        });
}
