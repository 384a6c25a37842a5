/**
 * The built-in role GUIDs the rules trust, pinned to the IDs Azure publishes. The table is written
 * here, not imported: a change to core/vault/roles.ts (Secrets User's GUID swapped for
 * Administrator's, which would make the review show Administrator as "read") fails this test.
 */
import { describe, expect, it } from "vitest";
import { ACCESS_PRESETS, BUILTIN_ROLES, roleId, roleName } from "../../core/vault/roles";

/**
 * From Microsoft's built-in roles list (learn.microsoft.com/azure/role-based-access-control/built-in-roles,
 * and the Key Vault RBAC guide's table of Key Vault roles); identical in every tenant.
 */
const PUBLISHED: Record<string, string> = {
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
    "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "Key Vault Contributor": "f25e0fa2-a7c8-4377-a976-54943a77a395",
    "Key Vault Data Access Administrator": "8b54135c-b56d-4d72-a534-26097cfdc8d8",
    Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
};

describe("built-in roles", () => {
    it("are exactly the IDs Azure publishes, every one the code knows", () => {
        expect(BUILTIN_ROLES).toEqual(PUBLISHED);
    });

    it("name each ID after its role, and the presets use Secrets User (read) and Secrets Officer (write)", () => {
        for (const [name, id] of Object.entries(PUBLISHED)) {
            expect(roleName(id)).toBe(name);
            expect(roleId(name)).toBe(id);
        }
        expect(roleId(ACCESS_PRESETS.read.role)).toBe(PUBLISHED["Key Vault Secrets User"]);
        expect(roleId(ACCESS_PRESETS.write.role)).toBe(PUBLISHED["Key Vault Secrets Officer"]);
    });
});
