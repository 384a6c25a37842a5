/**
 * "Adopt, import, and preview shows no changes", checked without Pulumi's CLI or Azure.
 *
 * `pulumi import` asks the provider to read each resource, and keeps what it reads as the
 * resource's inputs; the next preview diffs those against what the program declares. Here the
 * read is modelled on azure-native 3.28 (its custom Read for access policies and role
 * assignments, the generic ARM read for secrets), fed with the vault as Azure spells it; the
 * program's inputs come from running it under mocks with the config `adopt` wrote (reasons
 * filled in). The comparison is the provider's: strings and list order exact, a missing value
 * equal to null, `ignoreChanges` honoured.
 *
 * The vault is spelled the way hand-made vaults are: permissions as the portal writes them
 * (`Get`), an object ID in upper case, a resource group in mixed case, descriptions, a
 * conditional assignment, one scoped with a differently spelled resource group, and a principal
 * from another tenant.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { BUILTIN_ROLES, roleDefinitionResourceId, vaultResourceId } from "../../core/vault/roles";
import type { ImportEntry } from "../../scripts/adopt/adopt";
import { runAdopt } from "../../scripts/adopt/adoptCli";
import { installMocks, MOCK_CLIENT_CONFIG, RecordedResource, settle, valueOf } from "../../scripts/offline/mocks";
import { stackConfigOf } from "../../scripts/offline/stack";
import { completedFragment, ROOT, writeStacks } from "../support/helpers";
import { STACK_TYPE, TYPES } from "../../core/resourceNames";

const SUB = MOCK_CLIENT_CONFIG.subscriptionId;
const TENANT = MOCK_CLIENT_CONFIG.tenantId;
/** The resource group as Azure spells it; the stack's default is `altinnapps-ttd-tt02-rg`. */
const RG = "AltinnApps-TTD-TT02-RG";
const VAULT_NAME = "ttd-tt02-apps-kv";
const VAULT = vaultResourceId(SUB, RG, VAULT_NAME);
const OPS = "11111111-2222-3333-4444-555555555555";
const UPPER = "ABCDEF12-3456-4789-8ABC-DEF012345678";
const FOREIGN = "22222222-3333-4444-5555-666666666666";
const COND = "33333333-4444-5555-6666-777777777777";
const LOWER_SCOPE = "44444444-5555-6666-7777-888888888888";
const ADMIN = "55555555-6666-7777-8888-999999999999";
const CLIENT_ID = "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b";
const SECRET_VALUE = "HAND-MADE-VALUE-never-read-7d1e";

type Props = Record<string, unknown>;

const policies = [
    // Declared by the stack as `access: read`; the portal spelled it.
    { tenantId: TENANT, objectId: OPS, permissions: { secrets: ["Get", "List"], keys: [], certificates: [] } },
    { tenantId: TENANT, objectId: UPPER, permissions: { secrets: ["Get", "List", "Set"], keys: [] } },
    { tenantId: "99999999-8888-7777-6666-555555555555", objectId: FOREIGN, permissions: { secrets: ["get"] } },
];
const officer = roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets Officer"]);
const user = roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets User"]);
const assignment = (name: string, scope: string, props: Props) => ({ id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, name, properties: { scope, ...props } });
const assignments = [
    assignment("0a0a0a0a-0000-4000-8000-000000000001", VAULT, { principalId: OPS, principalType: "Group", roleDefinitionId: user, description: "Ops, granted in the portal" }),
    assignment("0a0a0a0a-0000-4000-8000-000000000002", VAULT, { principalId: UPPER, principalType: "User", roleDefinitionId: officer, description: null }),
    assignment("0a0a0a0a-0000-4000-8000-000000000003", VAULT, {
        principalId: COND,
        principalType: "ServicePrincipal",
        roleDefinitionId: user,
        condition: "@Resource[Microsoft.KeyVault/vaults/secrets:name] StringEquals 'Only'",
        conditionVersion: "2.0",
    }),
    assignment("0a0a0a0a-0000-4000-8000-000000000004", vaultResourceId(SUB, RG.toLowerCase(), VAULT_NAME), { principalId: LOWER_SCOPE, principalType: "User", roleDefinitionId: user }),
    assignment("0a0a0a0a-0000-4000-8000-000000000005", `/subscriptions/${SUB}`, { principalId: ADMIN, principalType: "User", roleDefinitionId: roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Administrator"]) }),
];
const secrets = [
    { name: "MaskinportenSettings--ClientId", contentType: undefined },
    { name: "MaskinportenSettings--EncodedJwk", contentType: "application/json" },
    // Key Vault ignores case; azure-native would replace this one if the stack declared it.
    { name: "Other--encodedjwk", contentType: undefined },
];

/** The access policies Azure has now (a test may add hand-made ones). */
let vaultPolicies = policies;

function armVault(rbac: boolean) {
    return { id: VAULT, name: VAULT_NAME, properties: { tenantId: TENANT, enableRbacAuthorization: rbac, accessPolicies: rbac ? [] : vaultPolicies } };
}

/**
 * What azure-native 3.28 keeps as a resource's inputs after `pulumi import` of `entry`.
 * AccessPolicy: resource group from the ID, vault name from the vault Azure returns, the entry
 * whose objectId equals the ID's last segment exactly, empty permission lists left out.
 * RoleAssignment: the assignment's properties as ARM returns them, name from the ID.
 * Secret: names from the ID; ARM returns no value.
 */
function importedInputs(entry: ImportEntry, rbac: boolean): Props {
    const id = entry.id!;
    if (entry.type === TYPES.accessPolicy) {
        const m = /^\/subscriptions\/.+?\/resourceGroups\/(.+?)\/providers\/Microsoft\.KeyVault\/vaults\/(.+?)\/accessPolicy\/?(.*)$/i.exec(id)!;
        const p = (armVault(rbac).properties.accessPolicies as typeof policies).find((e) => e.objectId === m[3]);
        if (!p) throw new Error(`import of ${id} fails: no access policy for ${m[3]}`);
        const permissions = Object.fromEntries(Object.entries(p.permissions).filter(([, list]) => list.length > 0));
        return { resourceGroupName: m[1], vaultName: VAULT_NAME, policy: { tenantId: p.tenantId, objectId: p.objectId, permissions } };
    }
    if (entry.type === TYPES.roleAssignment) {
        const a = assignments.find((e) => e.id.toLowerCase() === id.toLowerCase());
        if (!a) throw new Error(`import of ${id} fails: no such role assignment`);
        return { ...a.properties, roleAssignmentName: id.slice(id.lastIndexOf("/") + 1) };
    }
    if (entry.type === TYPES.secret) {
        const m = /^\/subscriptions\/.+?\/resourceGroups\/(.+?)\/providers\/Microsoft\.KeyVault\/vaults\/(.+?)\/secrets\/(.+)$/i.exec(id)!;
        const s = secrets.find((e) => e.name.toLowerCase() === m[3].toLowerCase());
        if (!s) throw new Error(`import of ${id} fails: no such secret`);
        return { resourceGroupName: m[1], vaultName: m[2], secretName: m[3], properties: { contentType: s.contentType, attributes: { enabled: true } } };
    }
    throw new Error(`no read model for ${entry.type}`);
}

/** The property paths where `declared` differs from `imported`, as the provider's diff sees them. */
function differences(imported: unknown, declared: unknown, at = ""): string[] {
    const absent = (v: unknown) => v === undefined || v === null;
    if (absent(imported) && absent(declared)) return [];
    if (Array.isArray(imported) && Array.isArray(declared)) {
        const n = Math.max(imported.length, declared.length);
        return Array.from({ length: n }, (_, i) => differences(imported[i], declared[i], `${at}[${i}]`)).flat();
    }
    if (imported && declared && typeof imported === "object" && typeof declared === "object" && !Array.isArray(imported) && !Array.isArray(declared)) {
        const keys = [...new Set([...Object.keys(imported), ...Object.keys(declared)])];
        return keys.flatMap((k) => differences((imported as Props)[k], (declared as Props)[k], at ? `${at}.${k}` : k));
    }
    return imported === declared ? [] : [`${at}: ${JSON.stringify(imported)} => ${JSON.stringify(declared)}`];
}

/** Fill in what a person must: every reason, clientId and scope. */
function completed(fragment: { config: Props }): Props {
    return completedFragment(fragment, { reason: "Adopted from the portal, reviewed", clientId: CLIENT_ID, scope: "altinn:serviceowner/instances.read" });
}

let arm: Server;
beforeAll(async () => {
    // The role-assignment listing the program's audit reads in preview (RBAC vaults).
    arm = createServer((req, res) => {
        res.setHeader("content-type", "application/json");
        if (req.url?.includes("/providers/Microsoft.Authorization/roleAssignments")) return void res.end(JSON.stringify({ value: assignments }));
        res.writeHead(404).end("{}");
    });
    await new Promise<void>((r) => arm.listen(0, "127.0.0.1", () => r()));
    process.env.ALTINN_ARM_URL = `http://127.0.0.1:${(arm.address() as AddressInfo).port}`;
});
afterAll(() => {
    arm.close();
});

/** The stack config the last adoption ended with (reasons written). */
let lastConfig: Props = {};

/** `pulumi stack export` of a stack holding what the program declared (as after import and up). */
function exported(resources: RecordedResource[]) {
    return { version: 3, deployment: { manifest: {}, resources: resources.map((r) => ({ urn: r.urn, custom: r.custom, type: r.type, id: `${r.name}-id`, outputs: { value: { ciphertext: "v1:opaque" } } })) } };
}

interface Adopted {
    out: string;
    code: number;
    summary: string;
    fragment: { config: Props };
    imports: ImportEntry[];
    resources: RecordedResource[];
    program: Props;
}

/** Run adopt on saved `az` output (and the stack's state, if given), then the program under mocks with the completed fragment. */
async function adoptAndDeclare(stack: Props, rbac: boolean, state?: unknown): Promise<Adopted> {
    const dir = mkdtempSync(path.join(tmpdir(), "adopt-import-"));
    const write = (name: string, value: unknown) => {
        writeFileSync(path.join(dir, name), JSON.stringify(value));
        return path.join(dir, name);
    };
    const args = ["--stack", "tt02", "--vault-json", write("vault.json", armVault(rbac))];
    args.push("--secrets-json", write("secrets.json", secrets.map((s) => ({ id: `https://${VAULT_NAME}.vault.azure.net/secrets/${s.name}`, contentType: s.contentType ?? null, value: SECRET_VALUE }))));
    if (rbac) args.push("--role-assignments-json", write("ra.json", assignments));
    if (state) args.push("--state", write("state.json", state));
    const run = await runAdopt([...args, "--config-dir", writeStacks({ tt02: stack }), "--out", dir], { root: ROOT, env: {} });
    const fragment = parse(readFileSync(path.join(dir, "adopt-tt02.yaml"), "utf8")) as { config: Props };
    const imports = (JSON.parse(readFileSync(path.join(dir, "import-tt02.json"), "utf8")) as { resources: ImportEntry[] }).resources;
    const config = { ...stack, ...completed(fragment) };
    lastConfig = config;
    vi.resetModules();
    const files = stackConfigOf({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`altinn-app-secrets:${k}`, v])) }, "altinn-app-secrets");
    const resources = installMocks({
        project: "altinn-app-secrets",
        stack: "tt02",
        config: files.config,
        vault: { tenantId: TENANT, enableRbacAuthorization: rbac, accessPolicies: rbac ? [] : vaultPolicies },
        armToken: "fake-arm-token",
    });
    const program = (await import("../../index")) as Props;
    await settle();
    return { out: dir, code: run.code, summary: [...run.stdout, ...run.stderr].join("\n"), fragment, imports, resources, program };
}

/** Every imported resource's differences between what import reads and what the program declares. */
function previewChanges(a: Adopted, rbac: boolean): Record<string, string[]> {
    const changes: Record<string, string[]> = {};
    for (const entry of a.imports.filter((e) => !e.component)) {
        const declared = a.resources.find((r) => r.type === entry.type && r.name === entry.name);
        if (!declared) {
            changes[entry.name] = ["not declared by the program"];
            continue;
        }
        const ignored = new Set(declared.ignoreChanges ?? []);
        const keep = (props: Props) => Object.fromEntries(Object.entries(props).filter(([k]) => !ignored.has(k)));
        const diff = differences(keep(importedInputs(entry, rbac)), keep(declared.inputs));
        if (diff.length) changes[entry.name] = diff;
    }
    return changes;
}

const grantsOf = (a: Adopted) => a.fragment.config["altinn-app-secrets:accessGrants"] as Props[];

describe("adopt, import, preview: an access-policy vault", () => {
    const stack = { org: "ttd", environment: "tt02", keyVault: { subscriptionId: SUB }, accessGrants: [{ principalId: OPS, access: "read", reason: "Operations team reads secrets" }] };
    let adopted: Adopted;
    beforeAll(async () => {
        adopted = await adoptAndDeclare(stack, false);
    });

    it("imports the access policies and the client's secrets, and preview then shows no changes", () => {
        expect(adopted.code).toBe(0);
        expect(adopted.imports.filter((e) => !e.component).map((e) => e.id)).toEqual([
            `${VAULT}/accessPolicy/${OPS}`,
            `${VAULT}/accessPolicy/${UPPER}`,
            `${VAULT}/secrets/MaskinportenSettings--ClientId`,
            `${VAULT}/secrets/MaskinportenSettings--EncodedJwk`,
        ]);
        expect(previewChanges(adopted, false)).toEqual({});
    });

    it("writes what Azure holds as Azure spells it: the resource group, the object ID, the permissions", () => {
        expect(adopted.fragment.config["altinn-app-secrets:keyVault"]).toEqual({ subscriptionId: SUB, resourceGroupName: RG, tenantId: TENANT });
        expect(grantsOf(adopted)).toEqual([
            { principalId: OPS, permissions: { secrets: ["Get", "List"] }, reason: "Operations team reads secrets" },
            { principalId: UPPER, permissions: { secrets: ["Get", "List", "Set"] }, reason: "" },
        ]);
        expect(adopted.summary).toContain(`keyVault.resourceGroupName is altinnapps-ttd-tt02-rg but Azure spells it ${RG}`);
    });

    it("leaves what it cannot adopt as it is, and says why", () => {
        expect(adopted.summary).toContain(`${FOREIGN} (access policy: secrets: get): its principal is in tenant 99999999-8888-7777-6666-555555555555, not the stack's`);
        expect(adopted.summary).toContain("Other--encodedjwk: not adopted");
        expect(adopted.fragment.config["altinn-app-secrets:maskinportenClients"]).toEqual([
            { section: "MaskinportenSettings", clientId: "", format: "legacy", scope: "", keyGeneration: 0, apps: [] },
        ]);
    });

    it("after adoption, only the principal it could not adopt is unmanaged", async () => {
        expect(await valueOf(adopted.program.unmanagedAccess as never)).toEqual([{ principalId: FOREIGN, permissions: { secrets: ["get"] }, source: "accessPolicy" }]);
    });

    it("never reads or writes a secret value", () => {
        expect(JSON.stringify([adopted.summary, adopted.fragment, adopted.imports])).not.toContain(SECRET_VALUE);
    });

    it("the model notices a change: the stack's own spelling would show as an update", () => {
        const respelled = { ...adopted, resources: adopted.resources.map((r) => (r.type === TYPES.accessPolicy && (r.inputs.policy as Props).objectId === OPS ? { ...r, inputs: { ...r.inputs, policy: { ...(r.inputs.policy as Props), permissions: { secrets: ["get", "list"] } } } } : r)) };
        expect(Object.values(previewChanges(respelled, false))).toEqual([['policy.permissions.secrets[0]: "Get" => "get"', 'policy.permissions.secrets[1]: "List" => "list"']]);
    });
});

describe("adopt again, on a stack that already manages the vault (--state)", () => {
    const LATER = "cafe0000-1111-4222-8333-444455556666";
    let first: Adopted;
    let again: Adopted;
    let committed: Props;
    beforeAll(async () => {
        vaultPolicies = policies;
        first = await adoptAndDeclare({ org: "ttd", environment: "tt02", keyVault: { subscriptionId: SUB }, accessGrants: [{ principalId: OPS, access: "read", reason: "Operations team reads secrets" }] }, false);
        committed = lastConfig;
        // After import and up, someone grants LATER in the portal and widens OPS's policy there.
        vaultPolicies = [{ ...policies[0], permissions: { secrets: ["Get", "List", "Delete"], keys: [], certificates: [] } }, ...policies.slice(1), { tenantId: TENANT, objectId: LATER, permissions: { secrets: ["get"] } }];
        again = await adoptAndDeclare(committed, false, exported(first.resources));
    });
    afterAll(() => {
        vaultPolicies = policies;
    });

    it("imports only the new access, under the parent the stack has (by URN), and preview then shows no change to it", () => {
        expect(again.code).toBe(0);
        const vault = first.resources.find((r) => r.type === TYPES.keyVaultAccess)!;
        expect(again.imports).toEqual([
            { type: TYPES.accessGrant, name: `vault-${LATER}`, parent: "vault", component: true },
            { type: TYPES.accessPolicy, name: `vault-${LATER}-policy`, id: `${VAULT}/accessPolicy/${LATER}`, parent: `vault-${LATER}` },
        ]);
        const file = JSON.parse(readFileSync(path.join(again.out, "import-tt02.json"), "utf8")) as { nameTable: Record<string, string> };
        expect(file.nameTable).toEqual({ vault: vault.urn });
        expect(vault.urn).toBe(`urn:pulumi:tt02::altinn-app-secrets::${TYPES.keyVaultAccess}::vault`);
        expect(previewChanges(again, false)).toEqual({});
        expect(first.summary).toContain("written for a stack with no resources yet; if it has some, run again with --state (pulumi stack export -s tt02 > state.json)");
        expect(again.summary).not.toContain("run again with --state");
    });

    it("does not rewrite a grant the stack manages after it drifted in Azure: up sets it back", () => {
        const grants = grantsOf(again);
        expect(grants.slice(0, 2)).toEqual(committed.accessGrants);
        expect(grants[2]).toEqual({ principalId: LATER, permissions: { secrets: ["get"] }, reason: "" });
    });

    it("keeps the stack's spelling of the resource group once it manages entries under it, and imports under that spelling", async () => {
        const stack = { org: "ttd", environment: "tt02", keyVault: { subscriptionId: SUB }, accessGrants: [] };
        const managedSecret = first.resources.find((r) => r.type === TYPES.secret)!;
        const later = await adoptAndDeclare(stack, false, exported([managedSecret]));
        expect(later.code).toBe(0);
        expect(later.fragment.config["altinn-app-secrets:keyVault"]).toEqual({ subscriptionId: SUB, tenantId: TENANT });
        expect(later.summary).toContain(`keyVault.resourceGroupName is altinnapps-ttd-tt02-rg but Azure spells it ${RG}; kept, because the stack already manages entries under altinnapps-ttd-tt02-rg`);
        const policyIds = later.imports.filter((e) => e.type === TYPES.accessPolicy).map((e) => e.id);
        expect(policyIds).toContain(`${vaultResourceId(SUB, "altinnapps-ttd-tt02-rg", VAULT_NAME)}/accessPolicy/${LATER}`);
        expect(previewChanges(later, false)).toEqual({});
    });

    it("refuses the state of another stack, or a file that is not a stack export, in one line", async () => {
        const run = async (state: unknown) => {
            const dir = mkdtempSync(path.join(tmpdir(), "adopt-state-"));
            writeFileSync(path.join(dir, "s.json"), JSON.stringify(state));
            writeFileSync(path.join(dir, "v.json"), JSON.stringify(armVault(false)));
            writeFileSync(path.join(dir, "secrets.json"), "[]");
            return runAdopt(["--stack", "tt02", "--vault-json", path.join(dir, "v.json"), "--secrets-json", path.join(dir, "secrets.json"), "--state", path.join(dir, "s.json"), "--config-dir", writeStacks({ tt02: lastConfig }), "--out", dir], { root: ROOT, env: {} });
        };
        expect((await run({ deployment: { resources: [{ urn: `urn:pulumi:prod::altinn-app-secrets::${STACK_TYPE}::x`, type: STACK_TYPE }] } })).stderr).toEqual([
            "--state: is the state of stack prod of project altinn-app-secrets, not tt02 of altinn-app-secrets",
        ]);
        expect((await run({ version: 3 })).stderr).toEqual(["--state: not a stack export (expected the output of pulumi stack export -s tt02)"]);
        expect((await run({ deployment: { resources: [{ urn: 7 }] } })).stderr).toEqual(["--state: a resource without a valid urn and type (expected the output of pulumi stack export -s tt02)"]);
    });
});

describe("adopt, on a stack that names no subscription or tenant", () => {
    it("writes the vault's subscription and tenant, so scopes and access policies do not depend on who deploys", async () => {
        const a = await adoptAndDeclare({ org: "ttd", environment: "tt02", accessGrants: [] }, false);
        expect(a.code).toBe(0);
        expect(a.fragment.config["altinn-app-secrets:keyVault"]).toEqual({ resourceGroupName: RG, subscriptionId: SUB, tenantId: TENANT });
        expect(previewChanges(a, false)).toEqual({});
    });
});

describe("adopt, import, preview: an RBAC vault", () => {
    const stack = {
        org: "ttd",
        environment: "tt02",
        keyVault: { subscriptionId: SUB, authorization: "rbac" },
        accessGrants: [{ principalId: OPS, principalType: "Group", access: "read", reason: "Operations team reads secrets" }],
    };
    let adopted: Adopted;
    beforeAll(async () => {
        adopted = await adoptAndDeclare(stack, true);
    });

    it("imports the assignments it can with their names and descriptions, and preview then shows no changes", () => {
        expect(adopted.code).toBe(0);
        expect(adopted.imports.filter((e) => e.type === TYPES.roleAssignment).map((e) => e.id)).toEqual([assignments[0].id, assignments[1].id]);
        expect(grantsOf(adopted)).toEqual([
            { ...stack.accessGrants[0], roleAssignmentName: assignments[0].name, description: "Ops, granted in the portal" },
            { principalId: UPPER, principalType: "User", role: "Key Vault Secrets Officer", roleAssignmentName: assignments[1].name, description: "", reason: "" },
        ]);
        expect(previewChanges(adopted, true)).toEqual({});
    });

    it("does not adopt a conditional assignment, or one whose scope is spelled unlike the vault's ID, and says why", () => {
        expect(adopted.summary).toContain(`${COND} (role assignment at ${VAULT}: Key Vault Secrets User): it has a condition`);
        expect(adopted.summary).toContain(`${LOWER_SCOPE} (role assignment at ${vaultResourceId(SUB, RG.toLowerCase(), VAULT_NAME)}: Key Vault Secrets User): its scope is spelled`);
        expect(adopted.summary).toContain(`${ADMIN} (role assignment at /subscriptions/${SUB}: Key Vault Administrator): assigned above the vault`);
    });

    it("after adoption, preview reports exactly the assignments it left as unmanaged", async () => {
        const unmanaged = (await valueOf(adopted.program.unmanagedAccess as never)) as { principalId: string }[];
        expect(unmanaged.map((u) => u.principalId).sort()).toEqual([COND, LOWER_SCOPE, ADMIN].sort());
    });

    it("once the person deletes the kept description, the reason is stored instead: an in-place update, seen as one", () => {
        const withReason = { ...adopted, resources: adopted.resources.map((r) => (r.inputs.principalId === OPS ? { ...r, inputs: { ...r.inputs, description: "Operations team reads secrets" } } : r)) };
        expect(Object.values(previewChanges(withReason, true))).toEqual([['description: "Ops, granted in the portal" => "Operations team reads secrets"']]);
    });
});
