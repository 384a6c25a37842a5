import { describe, expect, it } from "vitest";
import type { PolicyResource, Rule } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";
import { blocks, evaluateRules, RULE_FAILED } from "../../policy/evaluate";
import { ALL_RULES } from "../../policy/rules";

const P = "11111111-2222-3333-4444-555555555555";
const grant: PolicyResource = { type: TYPES.accessGrant, name: `vault-${P}`, id: `${TYPES.accessGrant}::vault-${P}`, props: { principalId: P, reason: "x" }, protect: false };

/** A real rule whose check throws, quoting a value it read. */
const throwing: Rule = {
    ...ALL_RULES.find((r) => r.id === "principal-allowlisted")!,
    check() {
        throw new TypeError('Cannot read "hunter2-secret-value"\n    at check (rule.ts:1:1)');
    },
};

describe("a rule that throws", () => {
    const findings = evaluateRules([grant], { environment: "tt02" }, [{ rule: "principal-allowlisted", principalId: P, reason: "Suppressed for the test" }], [throwing, ...ALL_RULES]);
    const failed = findings.filter((f) => f.detail === RULE_FAILED);

    it("becomes one mandatory finding naming the rule and the resource, not a crashed evaluation", () => {
        expect(failed).toEqual([
            {
                policy: "principal-allowlisted",
                level: "mandatory",
                resource: grant.id,
                detail: RULE_FAILED,
                message: `The rule principal-allowlisted failed (TypeError) on ${TYPES.accessGrant} "vault-${P}", so it was not checked: run the rule's tests, fix it, and review again.`,
            },
        ]);
        // No suppression silences it, and it blocks.
        expect(failed.every(blocks)).toBe(true);
    });

    it("prints one line, without the error's text or stack", () => {
        const text = JSON.stringify(failed);
        expect(failed[0].message).not.toContain("\n");
        expect(text).not.toContain("hunter2");
        expect(text).not.toContain("rule.ts:1:1");
    });

    it("leaves the other rules checking the same resource", () => {
        expect(findings.filter((f) => f.policy === "grant-has-reason")).toEqual([expect.objectContaining({ level: "mandatory", principalId: P })]);
    });
});
