import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, RecordedResource, settle } from "../../scripts/offline/mocks";
import type { AccessGrantConfig } from "../../core/config/parse";
import { hasResource, resourceCount, resourcesOfType } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

const READER = "11111111-2222-3333-4444-555555555555";
const WRITER = "22222222-3333-4444-5555-666666666666";
const EXPLICIT = "66666666-7777-8888-9999-000000000000";
/** An object ID with letters, which Azure may hold in upper case. */
const LETTERS = "abcdef12-3456-4789-8abc-def012345678";
const SUB = "99999999-0000-0000-0000-000000000001";
const TENANT = "99999999-0000-0000-0000-000000000002";
const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/altinnapps-ttd-tt02-rg/providers/Microsoft.KeyVault/vaults/ttd-tt02-apps-kv`;

const grants: AccessGrantConfig[] = [
    { principalId: READER, access: "read", principalType: "Group", reason: "Operations team reads secrets" },
    { principalId: WRITER, access: "write", principalType: "ServicePrincipal", reason: "Deploy pipeline rotates keys" },
];

let resources: RecordedResource[];
let components: typeof import("../../components/keyvault/keyVaultAccess");

function declare(name: string, authorization: "accessPolicy" | "rbac", list: AccessGrantConfig[], protect: boolean): void {
    new components.KeyVaultAccess(name, {
        vaultName: "ttd-tt02-apps-kv",
        resourceGroupName: "altinnapps-ttd-tt02-rg",
        subscriptionId: SUB,
        tenantId: TENANT,
        authorization,
        grants: list,
    }, { protect });
}

function underComponent(name: string, type: string): RecordedResource[] {
    return resourcesOfType(resources, type).filter((r) => r.name.startsWith(`${name}-`));
}

beforeAll(async () => {
    resources = installMocks({ project: "altinn-app-secrets", stack: "test", config: {} });
    components = await import("../../components/keyvault/keyVaultAccess");
    declare("ap", "accessPolicy", [...grants, { principalId: EXPLICIT, permissions: { secrets: ["get"], keys: ["get"] }, reason: "Break-glass group, reviewed yearly" }], false);
    declare("rbac", "rbac", [...grants, { principalId: EXPLICIT, principalType: "Group", roleId: "21090545-7ca7-4776-b22c-e363652d74d2", reason: "Auditors read vault metadata" }], false);
    declare("prod", "rbac", grants, true);
    // Adopted grants: Azure's spelling of the object ID, and the assignment's own description (or none).
    declare("adopted", "rbac", [
        { principalId: LETTERS, principalIdInAzure: LETTERS.toUpperCase(), principalType: "User", access: "read", description: "Granted in the portal", reason: "Support engineer, adopted" },
        { principalId: READER, principalType: "Group", access: "read", description: "", reason: "Operations team reads secrets" },
    ], false);
    declare("adoptedAp", "accessPolicy", [{ principalId: LETTERS, principalIdInAzure: LETTERS.toUpperCase(), permissions: { secrets: ["Get", "List"] }, reason: "Support engineer, adopted" }], false);
    await settle();
});

describe("KeyVaultAccess in accessPolicy mode", () => {
    it("declares one access policy per grant and no role assignment", () => {
        expect(underComponent("ap", TYPES.accessPolicy)).toHaveLength(3);
        expect(underComponent("ap", TYPES.roleAssignment)).toHaveLength(0);
    });

    it("gives read get and list on secrets only", () => {
        expect(hasResource(resources, TYPES.accessPolicy, {
            vaultName: "ttd-tt02-apps-kv",
            resourceGroupName: "altinnapps-ttd-tt02-rg",
            policy: { tenantId: TENANT, objectId: READER, permissions: { secrets: ["get", "list"] } },
        })).toBe(true);
        const reader = underComponent("ap", TYPES.accessPolicy).find((r) => r.name.includes(READER))!;
        expect(Object.keys((reader.inputs.policy as { permissions: object }).permissions)).toEqual(["secrets"]);
    });

    it("gives write get, list, set and delete, never purge", () => {
        expect(hasResource(resources, TYPES.accessPolicy, {
            policy: { objectId: WRITER, permissions: { secrets: ["get", "list", "set", "delete"] } },
        })).toBe(true);
    });

    it("passes explicit permissions through as written", () => {
        expect(hasResource(resources, TYPES.accessPolicy, {
            policy: { objectId: EXPLICIT, permissions: { secrets: ["get"], keys: ["get"] } },
        })).toBe(true);
    });

    it("names each child after the component and the principal", () => {
        expect(underComponent("ap", TYPES.accessPolicy).map((r) => r.name).sort()).toEqual(
            [READER, WRITER, EXPLICIT].map((p) => `ap-${p}-policy`).sort(),
        );
    });

    it("carries the reason on the grant component the policy pack sees", () => {
        expect(hasResource(resources, TYPES.accessGrant, { principalId: READER, reason: "Operations team reads secrets", authorization: "accessPolicy" })).toBe(true);
    });
});

describe("KeyVaultAccess in rbac mode", () => {
    const assignments = () => underComponent("rbac", TYPES.roleAssignment);

    it("declares one role assignment per grant at the vault's scope", () => {
        expect(assignments()).toHaveLength(3);
        expect(assignments().every((r) => r.inputs.scope === VAULT_ID)).toBe(true);
        expect(underComponent("rbac", TYPES.accessPolicy)).toHaveLength(0);
    });

    it("maps read to Key Vault Secrets User and write to Key Vault Secrets Officer", () => {
        const roleOf = (p: string) => assignments().find((r) => r.inputs.principalId === p)!.inputs.roleDefinitionId;
        expect(roleOf(READER)).toBe(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`);
        expect(roleOf(WRITER)).toBe(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7`);
        expect(roleOf(EXPLICIT)).toBe(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/21090545-7ca7-4776-b22c-e363652d74d2`);
    });

    it("stores the reason as the assignment's description and sets principalType", () => {
        const writer = assignments().find((r) => r.inputs.principalId === WRITER)!;
        expect(writer.inputs).toMatchObject({ description: "Deploy pipeline rotates keys", principalType: "ServicePrincipal" });
        expect(assignments().find((r) => r.inputs.principalId === READER)!.inputs.principalType).toBe("Group");
    });

    it("sends Azure the object ID as written and an adopted assignment's own description; \"\" sends none", () => {
        const adopted = underComponent("adopted", TYPES.roleAssignment);
        expect(Object.fromEntries(adopted.map((r) => [r.inputs.principalId, r.inputs.description]))).toEqual({
            [LETTERS.toUpperCase()]: "Granted in the portal",
            [READER]: undefined,
        });
        const policy = underComponent("adoptedAp", TYPES.accessPolicy)[0];
        expect(policy.inputs.policy).toEqual({ tenantId: TENANT, objectId: LETTERS.toUpperCase(), permissions: { secrets: ["Get", "List"] } });
        // Names ignore case: the grant is the same resource however the ID is spelled.
        expect(policy.name).toBe(`adoptedAp-${LETTERS}-policy`);
    });

    it("names assignments deterministically from scope, principal and role", async () => {
        const { roleAssignmentName } = await import("../../core/vault/roles");
        for (const a of assignments()) {
            const role = String(a.inputs.roleDefinitionId).split("/").pop()!;
            expect(a.inputs.roleAssignmentName).toBe(roleAssignmentName(VAULT_ID, String(a.inputs.principalId), role));
        }
        // The same grant in two stacks of the same vault gets the same name; another role, another name.
        const prodReader = underComponent("prod", TYPES.roleAssignment).find((r) => r.inputs.principalId === READER)!;
        const rbacReader = assignments().find((r) => r.inputs.principalId === READER)!;
        expect(prodReader.inputs.roleAssignmentName).toBe(rbacReader.inputs.roleAssignmentName);
        const names = new Set(assignments().map((a) => a.inputs.roleAssignmentName));
        expect(names.size).toBe(3);
    });
});

describe("protection", () => {
    it("protects grants when asked (prod) and only then", () => {
        expect(underComponent("prod", TYPES.roleAssignment).every((r) => r.protect)).toBe(true);
        expect(underComponent("rbac", TYPES.roleAssignment).some((r) => r.protect)).toBe(false);
        expect(underComponent("ap", TYPES.accessPolicy).some((r) => r.protect)).toBe(false);
    });

    it("declares children with the grant component as parent", () => {
        const grantsUrns = new Set(resourcesOfType(resources, TYPES.accessGrant).map((g) => g.urn));
        const children = [...resourcesOfType(resources, TYPES.accessPolicy), ...resourcesOfType(resources, TYPES.roleAssignment)];
        expect(children.length).toBe(resourceCount(resources, TYPES.accessGrant));
        expect(children.every((c) => grantsUrns.has(c.parent!))).toBe(true);
    });
});

describe("AccessGrant input checks", () => {
    it("refuses a grant with two forms, naming both fields", async () => {
        const { grantProblem } = await import("../../components/keyvault/accessGrant");
        expect(grantProblem({ principalId: READER, access: "read", permissions: { secrets: ["get"] }, reason: "Operations team" }, "accessPolicy")).toBe(
            "exactly one of access, permissions and role must be specified",
        );
        expect(grantProblem({ principalId: READER, permissions: { secrets: ["get"] }, reason: "Operations team" }, "rbac")).toBe("[permissions] needs accessPolicy authorization");
        expect(grantProblem({ principalId: READER, access: "read", reason: "short" }, "rbac")).toBe("[reason] is shorter than 10 characters");
        expect(grantProblem({ principalId: READER, access: "read", reason: "Operations team" }, "rbac")).toBeUndefined();
    });
});
