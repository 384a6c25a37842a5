/** Typo suggestions ("did you mean"): close enough to be a slip of the finger, never a different word. */
import { describe, expect, it } from "vitest";
import { closest } from "../../core/config/closest";
import { ConfigError, parseStackConfig } from "../../core/config/parse";
import { rawConfig } from "../support/helpers";

describe("closest", () => {
    it("suggests for a slip: a letter missing, added, changed, or two swapped", () => {
        expect(closest("stak", ["stack", "json"])).toBe("stack");
        expect(closest("jsno", ["json", "stack"])).toBe("json");
        expect(closest("tt2", ["prod", "tt02"])).toBe("tt02");
        expect(closest("confg", ["config", "environment"])).toBe("config");
        expect(closest("altinn-app-secret", ["altinn-app-secrets", "azure-native"])).toBe("altinn-app-secrets");
        expect(closest("Key Vault Secret User", ["Key Vault Secrets User", "Key Vault Reader"])).toBe("Key Vault Secrets User");
        expect(closest("RBAC", ["rbac", "accessPolicy"])).toBe("rbac");
    });

    it("does not suggest another short word that merely shares letters", () => {
        // aws:region once got "did you mean tls:region?"
        expect(closest("aws", ["tls", "random", "azure-native", "command", "pulumi"])).toBeUndefined();
        expect(closest("dev", ["tt02", "prod"])).toBeUndefined();
    });
});

describe("did you mean, in the config check", () => {
    const errors = (config: Record<string, unknown>, secretKeys?: string[]) => {
        try {
            parseStackConfig(rawConfig({ org: "ttd", environment: "tt02", ...config }), { secretKeys });
            return [];
        } catch (e) {
            return (e as ConfigError).errors;
        }
    };
    const grant = { principalId: "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", reason: "Operations read the app secrets" };

    it("suggests an enum value, a built-in role and a rule id", () => {
        expect(errors({ keyVault: { authorization: "RBAC" } })).toContain('keyVault.authorization: "RBAC" is not one of accessPolicy, rbac; did you mean rbac?');
        expect(errors({ keyVault: { authorization: "rbac" }, accessGrants: [{ ...grant, role: "Key Vault Secret User" }] })).toContain(
            'accessGrants[0].role: "Key Vault Secret User" is neither a known built-in role name nor a role definition GUID; did you mean Key Vault Secrets User?',
        );
        expect(errors({ suppressions: [{ rule: "grant-expiri", principalId: grant.principalId, reason: "Reviewed, ends next week" }] })).toContain(
            'suppressions[0].rule: "grant-expiri" is not a rule id; did you mean grant-expiry?',
        );
        // Nothing close: the whole list, as before.
        expect(errors({ suppressions: [{ rule: "nonsense", principalId: grant.principalId, reason: "Reviewed, ends next week" }] })[0]).toMatch(/is not a rule id \(one of access-policy-secrets-only, /);
    });

    it("suggests nothing for a value stored as a secret: how close it is would say something of it", () => {
        const lines = errors({ keyVault: { authorization: "RBAC" } }, ["altinn-app-secrets:keyVault"]);
        expect(lines).toContain("keyVault.authorization: the secret value is not one of accessPolicy, rbac");
        expect(lines.join("\n")).not.toMatch(/did you mean|RBAC/);
    });

    it("compares no word with one of a very different length: a 200 kB key is no typo, and costs nothing", () => {
        expect(closest("k".repeat(200_000), ["keyVault", "accessGrants"])).toBeUndefined();
        expect(closest("acessGrants", ["keyVault", "accessGrants"])).toBe("accessGrants");
    });
});
