import { describe, expect, it } from "vitest";
import { defaultResourceGroupName, defaultVaultName, secretName, sectionProblem, vaultNameProblem } from "../../core/vault/naming";
import { roleAssignmentName, roleId, roleName } from "../../core/vault/roles";

describe("secretName", () => {
    it("joins section and key with -- so .NET reads Section:Key", () => {
        expect(secretName("MaskinportenSettings", "ClientId")).toBe("MaskinportenSettings--ClientId");
        expect(secretName("Integrations--AppB", "EncodedJwk")).toBe("Integrations--AppB--EncodedJwk");
    });

    it.each([
        ["Maskin_porten", "may only contain letters, digits and hyphens"],
        ["-Leading", "leading, trailing or tripled hyphen"],
        ["Trailing-", "leading, trailing or tripled hyphen"],
        ["A---B", "leading, trailing or tripled hyphen"],
        ["", "is empty"],
    ])("refuses section %j", (section, problem) => {
        expect(sectionProblem(section)).toContain(problem);
        expect(() => secretName(section, "ClientId")).toThrow(problem);
    });

    it("refuses names longer than 127 characters, naming the section", () => {
        const section = "S".repeat(120);
        expect(() => secretName(section, "ClientId")).toThrow(`"${section}" / "ClientId": secret name is 130 characters; Key Vault secret names are at most 127`);
    });

    it("refuses a key with --, which would nest a section", () => {
        expect(() => secretName("Section", "Client--Id")).toThrow("key may only contain letters, digits and single inner hyphens");
    });
});

describe("vault defaults", () => {
    it("follow Altinn's <org>-<env>-apps-kv in altinnapps-<org>-<env>-rg", () => {
        expect(defaultVaultName("ttd", "tt02")).toBe("ttd-tt02-apps-kv");
        expect(defaultResourceGroupName("ttd", "prod")).toBe("altinnapps-ttd-prod-rg");
        expect(vaultNameProblem("ttd-tt02-apps-kv")).toBeUndefined();
        expect(vaultNameProblem("1vault")).toContain("must start with a letter");
        expect(vaultNameProblem("a--b")).toContain("single hyphens");
    });
});

describe("roles", () => {
    it("resolves friendly names, GUIDs and role definition paths", () => {
        expect(roleId("Key Vault Secrets User")).toBe("4633458b-17de-408a-b874-0445c86b69e6");
        expect(roleId("B86A8FE4-44CE-4948-AEE5-ECCB2C155CD7")).toBe("b86a8fe4-44ce-4948-aee5-eccb2c155cd7");
        expect(roleId("/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/21090545-7ca7-4776-b22c-e363652d74d2")).toBe("21090545-7ca7-4776-b22c-e363652d74d2");
        expect(roleId("Vault Boss")).toBeUndefined();
        expect(roleName("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")).toBe("Owner");
    });

    it("derives role assignment names as stable version-5 UUIDs of scope, principal and role", () => {
        const a = roleAssignmentName("/subscriptions/s/rg/v", "11111111-2222-3333-4444-555555555555", "4633458b-17de-408a-b874-0445c86b69e6");
        expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(roleAssignmentName("/subscriptions/S/RG/V", "11111111-2222-3333-4444-555555555555", "4633458b-17de-408a-b874-0445c86b69e6")).toBe(a);
        expect(roleAssignmentName("/subscriptions/s/rg/v", "11111111-2222-3333-4444-555555555555", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7")).not.toBe(a);
        expect(roleAssignmentName("/subscriptions/s/rg/other", "11111111-2222-3333-4444-555555555555", "4633458b-17de-408a-b874-0445c86b69e6")).not.toBe(a);
    });
});
