/**
 * `planAdoption` run again on a stack that is deployed (`--state`): what the stack manages is its
 * own, even when Azure has drifted from it (a new secret version written by hand has no tags).
 * Pure: the planner is called directly, with the state as `pulumi stack export` lists it.
 */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../core/config/parse";
import { TYPES } from "../../core/resourceNames";
import { BUILTIN_ROLES, roleDefinitionResourceId, vaultResourceId } from "../../core/vault/roles";
import { AdoptionInput, ManagedResource, planAdoption, VaultSecretInfo } from "../../scripts/adopt/adopt";
import { stackConfigOf } from "../../scripts/offline/stack";

const PROJECT = "altinn-app-secrets";
const SUB = "0f0f0f0f-1111-4222-8333-444444444444";
const TENANT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const VAULT = vaultResourceId(SUB, "altinnapps-ttd-tt02-rg", "ttd-tt02-apps-kv");
const CLIENT_ID = "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b";
const TAGGED = { "managed-by": "altinn-app-secrets" };

function input(config: Record<string, unknown>, secrets: VaultSecretInfo[], managed?: ManagedResource[]): AdoptionInput {
    const doc = { config: Object.fromEntries(Object.entries({ org: "ttd", environment: "tt02", keyVault: { subscriptionId: SUB }, ...config }).map(([k, v]) => [`${PROJECT}:${k}`, v])) };
    const files = stackConfigOf(doc, PROJECT);
    return {
        stack: "tt02",
        project: PROJECT,
        config: parseStackConfig(files.config),
        rawConfig: files.config,
        vault: { id: VAULT, tenantId: TENANT, enableRbacAuthorization: false, accessPolicies: [], roleAssignments: [] },
        secrets,
        managed,
    };
}
/** The state's entry for a resource, as managedResources reads it from a stack export. */
const inState = (type: string, name: string): ManagedResource => ({ type, name, urn: `urn:pulumi:tt02::${PROJECT}::${type}::${name}` });
const clientsOf = (a: ReturnType<typeof planAdoption>) => a.fragment.config[`${PROJECT}:maskinportenClients`] as Record<string, unknown>[] | undefined;

describe("adopt --state leaves the secrets the stack manages as they are", () => {
    const legacy = (keyGeneration: number) => ({ section: "MaskinportenSettings", clientId: CLIENT_ID, scope: "s", keyGeneration, apps: [] });
    const clientSecrets = ["ClientId", "EncodedJwk"].map((key) => inState(TYPES.secret, `maskinporten-MaskinportenSettings-${key}`));

    it("a managed key someone rewrote by hand (its tags gone) does not switch the client to keyGeneration 0", () => {
        const a = planAdoption(input({ maskinportenClients: [legacy(1)] }, [{ name: "MaskinportenSettings--EncodedJwk" }, { name: "MaskinportenSettings--ClientId", tags: TAGGED }], clientSecrets));
        expect(clientsOf(a)).toBeUndefined();
        expect(a.importFile.resources).toEqual([]);
        expect(a.summary.join("\n")).not.toContain("keyGeneration set to 0");
        expect(a.summary).toContain("  MaskinportenSettings--EncodedJwk: has no managed-by tag, but the stack's state holds it (written by hand since?): keyGeneration left at 1; pulumi refresh shows the drift");
    });

    it("an adopted client (keyGeneration 0) is neither imported again nor said to belong to another stack", () => {
        const a = planAdoption(input({ maskinportenClients: [legacy(0)] }, [{ name: "MaskinportenSettings--EncodedJwk" }, { name: "MaskinportenSettings--ClientId", tags: TAGGED }], clientSecrets));
        expect(a.importFile.resources).toEqual([]);
        const text = a.summary.join("\n");
        expect(text).not.toContain("another stack, or a lost state");
        expect(text).not.toContain("does not declare");
    });

    it("secrets the stack declares are never listed as ones it does not declare", () => {
        const a = planAdoption(input({ appSecrets: [{ section: "Foo", key: "Bar", generate: { length: 32 } }] }, [{ name: "Foo--Bar", tags: TAGGED }, { name: "Other--Thing" }], [inState(TYPES.secret, "secret-Foo--Bar-secret")]));
        expect(a.summary).toContain("Secrets this stack does not declare, left alone: Other--Thing");
    });
});

describe("adopt --state does not bring back what the stack file removed", () => {
    const X = "11111111-2222-4333-8444-555555555555";
    const state = [inState(TYPES.keyVaultAccess, "vault"), inState(TYPES.accessGrant, `vault-${X}`), inState(TYPES.accessPolicy, `vault-${X}-policy`)];

    it("access still in the state (the next up removes it) is neither adopted nor imported over the state's resource", () => {
        const base = input({ accessGrants: [] }, [], state);
        const a = planAdoption({ ...base, vault: { ...base.vault, accessPolicies: [{ tenantId: TENANT, objectId: X, permissions: { secrets: ["get"] } }] } });
        expect(a.fragment.config[`${PROJECT}:accessGrants`]).toBeUndefined();
        expect(a.importFile.resources).toEqual([]);
        expect(a.summary).toContain(
            `  ${X} (access policy: secrets: get): its grant was removed from accessGrants but the stack's state still holds it (the next up removes it); run up first, then adopt again if it should stay`,
        );
    });

    it("the same for a role assignment", () => {
        const base = input({ keyVault: { subscriptionId: SUB, authorization: "rbac" }, accessGrants: [] }, [], [inState(TYPES.roleAssignment, `vault-${X}-role`)]);
        const name = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
        const assignment = { id: `${VAULT}/providers/Microsoft.Authorization/roleAssignments/${name}`, name, scope: VAULT, principalId: X, roleDefinitionId: roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets User"]) };
        const a = planAdoption({ ...base, vault: { ...base.vault, enableRbacAuthorization: true, roleAssignments: [assignment] } });
        expect(a.fragment.config[`${PROJECT}:accessGrants`]).toBeUndefined();
        expect(a.importFile.resources).toEqual([]);
        expect(a.summary.join("\n")).toContain(`${X} (role assignment at ${VAULT}: Key Vault Secrets User): its grant was removed from accessGrants but the stack's state still holds it`);
    });
    it("an adopted client removed from maskinportenClients, whose key the state still holds, is not adopted again", () => {
        const a = planAdoption(input({}, [{ name: "Gone--EncodedJwk" }], [inState(TYPES.secret, "maskinporten-Gone-EncodedJwk")]));
        expect(a.fragment.config[`${PROJECT}:maskinportenClients`]).toBeUndefined();
        expect(a.importFile.resources).toEqual([]);
        expect(a.summary).toContain(
            "  Gone--EncodedJwk: its client was removed from maskinportenClients but the stack's state still holds it (the next up removes it); run up first, then adopt again if it should stay",
        );
    });
});

describe("adopt --state reports every entry the audit reports", () => {
    /** An object ID with letters, so that its upper-case spelling differs. */
    const C = "abcdef12-3456-4789-8abc-def012345678";

    it("a second access policy entry added for a principal whose grant the stack manages", () => {
        const grant = { principalId: C, access: "read", reason: "Operations reads secrets" };
        const base = input({ accessGrants: [grant] }, [], [inState(TYPES.accessPolicy, `vault-${C}-policy`)]);
        const second = { tenantId: TENANT, objectId: C.toUpperCase(), permissions: { secrets: ["all"], keys: ["all"] } };
        const a = planAdoption({ ...base, vault: { ...base.vault, accessPolicies: [{ tenantId: TENANT, objectId: C, permissions: { secrets: ["get", "list"] } }, second] } });
        expect(a.importFile.resources).toEqual([]);
        expect(a.summary.join("\n")).toContain(`${C} (access policy: secrets: all; keys: all): the vault has 2 access policies for this principal`);
    });
});

describe("adopt --state where Azure spells the vault's name unlike the stack", () => {
    it("keeps the stack's spelling, and says a new entry is blocked by the spelling, not that it should be removed", () => {
        const HAND = "66666666-7777-4888-8999-000000000000";
        const base = input({}, [], [inState(TYPES.secret, "secret-Foo--Bar-secret")]);
        const a = planAdoption({
            ...base,
            vault: { ...base.vault, id: vaultResourceId(SUB, "altinnapps-ttd-tt02-rg", "TTD-tt02-apps-kv"), accessPolicies: [{ tenantId: TENANT, objectId: HAND, permissions: { secrets: ["get"] } }] },
        });
        expect(a.fragment.config[`${PROJECT}:keyVault`]).toEqual({ subscriptionId: SUB, tenantId: TENANT });
        expect(a.importFile.resources).toEqual([]);
        const text = a.summary.join("\n");
        expect(text).toContain("keyVault.name is ttd-tt02-apps-kv but Azure spells it TTD-tt02-apps-kv; kept, because the stack already manages entries under ttd-tt02-apps-kv");
        expect(text).toContain(`${HAND} (access policy: secrets: get): the vault is named TTD-tt02-apps-kv in Azure but ttd-tt02-apps-kv in the stack; azure-native would replace it; adopt it by hand once the spellings agree`);
        expect(text).not.toContain("remove it in Azure");
    });
});

describe("adopt on a vault whose mode is not the stack's", () => {
    it("switches keyVault.authorization and names each grant written for the other mode", () => {
        const OPS = "11111111-2222-4333-8444-555555555555";
        const base = input({ accessGrants: [{ principalId: OPS, permissions: { secrets: ["get"] }, reason: "Operations team reads secrets" }] }, []);
        const a = planAdoption({ ...base, vault: { ...base.vault, enableRbacAuthorization: true } });
        expect(a.fragment.config[`${PROJECT}:keyVault`]).toMatchObject({ authorization: "rbac" });
        expect(a.summary).toContain(`accessGrants[0].permissions: is for keyVault.authorization accessPolicy; give ${OPS} access: read|write or a role before the plan accepts the fragment`);
    });
});
