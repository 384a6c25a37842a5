/**
 * Finding levels live in one table (core/policy/ruleIds.ts); the pack, the config validation and
 * the review derive theirs from it, and rules state none.
 */
import { describe, expect, it } from "vitest";
import { canBeMandatory, levelOf, RULE_IDS } from "../../core/policy/ruleIds";
import { configErrors, rawConfig } from "../support/helpers";

const P = "11111111-2222-3333-4444-555555555555";

function suppressionErrors(keyVault: Record<string, unknown>): string[] {
    return configErrors(rawConfig({ org: "ttd", environment: "tt02", keyVault, suppressions: [{ rule: "unmanaged-access", principalId: P, reason: "Vendor scanner, reviewed yearly" }] }));
}

describe("the level table", () => {
    it("gives a finding its level by rule, environment and case", () => {
        expect(levelOf("grant-has-reason", "tt02")).toBe("mandatory");
        expect(levelOf("principal-allowlisted", "prod")).toBe("advisory");
        expect(levelOf("write-access-reviewed", "tt02", "writer")).toBe("advisory");
        expect(levelOf("write-access-reviewed", "prod", "writer")).toBe("mandatory");
        expect(levelOf("write-access-reviewed", "prod", "allowlisted")).toBe("advisory");
        // Any environment but prod is judged as tt02.
        expect(levelOf("write-access-reviewed", undefined, "writer")).toBe("advisory");
        expect(levelOf("maskinporten-key-expiry", "tt02", "expired")).toBe("mandatory");
        expect(levelOf("maskinporten-key-expiry", "tt02", "expiring")).toBe("advisory");
        expect(levelOf("unmanaged-access", "prod", "fail")).toBe("mandatory");
        expect(levelOf("key-change-staged", "prod")).toBe("mandatory");
        expect(levelOf("key-change-staged", "tt02")).toBe("advisory");
    });

    it("refuses a case the table does not have, naming the rule", () => {
        expect(() => levelOf("unmanaged-access", "tt02", "loud")).toThrow('unmanaged-access: finding case "loud" is not one of warn, fail');
        expect(() => levelOf("unmanaged-access", "tt02")).toThrow("unmanaged-access");
    });

    it("says which rules can block: any level in any case or environment is mandatory", () => {
        expect(RULE_IDS.filter((id) => !canBeMandatory(id))).toEqual(["grant-expiry", "maskinporten-client-id-format", "maskinporten-own-section", "principal-allowlisted", "secret-value-not-placeholder"]);
        expect(canBeMandatory("unmanaged-access", "prod", ["warn"])).toBe(false);
        expect(canBeMandatory("write-access-reviewed", "tt02")).toBe(false);
    });

    it("lets a stack file suppress unmanaged-access only where keyVault.unmanagedAccess keeps it advisory", () => {
        expect(suppressionErrors({})).toEqual([]);
        expect(suppressionErrors({ unmanagedAccess: "warn" })).toEqual([]);
        expect(suppressionErrors({ unmanagedAccess: "fail" })).toEqual([
            'suppressions[0].rule: "unmanaged-access" can be a mandatory finding in tt02; a stack file may suppress only advisory findings (a mandatory one is suppressed in policy/config.json, reviewed with the code)',
        ]);
    });
});
