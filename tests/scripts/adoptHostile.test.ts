/**
 * `npm run adopt` fed what a careless or hostile vault, stack file or command line holds: it must
 * never write a fragment or import file after which `pulumi import` + `pulumi preview` would change
 * existing access (or replace it), never hide access, never lose a stored value, and answer bad
 * input with one line naming the flag. Saved `az` output only (no TLS server, no program run):
 * what azure-native's import reads is taken from its source (custom AccessPolicy read: the first
 * entry whose objectId equals the ID's last segment exactly; RoleAssignment: scope from the ID).
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { BUILTIN_ROLES, roleDefinitionResourceId, vaultResourceId } from "../../core/vault/roles";
import type { ImportEntry } from "../../scripts/adopt/adopt";
import { runAdopt } from "../../scripts/adopt/adoptCli";
import { ROOT } from "../support/helpers";

const SUB = "0f0f0f0f-1111-4222-8333-444444444444";
const TENANT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const OTHER_TENANT = "99999999-8888-4777-8666-555555555555";
const RG = "altinnapps-ttd-tt02-rg";
const VAULT_NAME = "ttd-tt02-apps-kv";
const VAULT = vaultResourceId(SUB, RG, VAULT_NAME);
const A = "11111111-2222-4333-8444-555555555555";
const B = "66666666-7777-4888-8999-000000000000";
const APP = "77777777-8888-4999-8aaa-bbbbbbbbbbbb";
/** An object ID with letters, so that its upper-case spelling differs. */
const C = "abcdef12-3456-4789-8abc-def012345678";
const CLIENT_ID = "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b";
const USER_ROLE = roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets User"]);

type Obj = Record<string, unknown>;

const vaultJson = (accessPolicies: unknown[], opts: { rbac?: boolean; id?: string; tenantId?: string } = {}) => ({
    id: opts.id ?? VAULT,
    name: VAULT_NAME,
    properties: { tenantId: opts.tenantId ?? TENANT, enableRbacAuthorization: opts.rbac ?? false, accessPolicies },
});
const secret = (name: string, tags?: Record<string, string>) => ({ id: `https://${VAULT_NAME}.vault.azure.net/secrets/${name}`, contentType: null, ...(tags ? { tags } : {}) });
const assignment = (name: string, scope: string, props: Obj) => ({ id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, name, scope, ...props });
const stackDoc = (config: Obj) => ({
    config: Object.fromEntries(Object.entries({ org: "ttd", environment: "tt02", keyVault: { subscriptionId: SUB, tenantId: TENANT }, ...config }).map(([k, v]) => [`altinn-app-secrets:${k}`, v])),
});
const RBAC = { keyVault: { subscriptionId: SUB, tenantId: TENANT, authorization: "rbac" } };

interface Run {
    code: number;
    stdout: string;
    stderr: string[];
    out: string;
    text?: string;
    fragment?: { config: Obj };
    imports?: ImportEntry[];
}

async function adopt(stack: unknown, vault: unknown, secrets: unknown = [], roleAssignments?: unknown, extra: string[] = []): Promise<Run> {
    const dir = mkdtempSync(path.join(tmpdir(), "adopt-hostile-"));
    const write = (name: string, value: unknown) => {
        writeFileSync(path.join(dir, name), typeof value === "string" ? value : JSON.stringify(value));
        return path.join(dir, name);
    };
    write("Pulumi.tt02.yaml", typeof stack === "string" ? stack : stringify(stack));
    const out = path.join(dir, "out");
    const args = ["--stack", "tt02", "--vault-json", write("vault.json", vault), "--secrets-json", write("secrets.json", secrets), "--config-dir", dir, "--out", out, ...extra];
    if (roleAssignments !== undefined) args.push("--role-assignments-json", write("ra.json", roleAssignments));
    const r = await runAdopt(args, { root: ROOT, env: {} });
    const yamlFile = path.join(out, "adopt-tt02.yaml");
    const importFile = path.join(out, "import-tt02.json");
    return {
        code: r.code,
        stdout: r.stdout.join("\n"),
        stderr: r.stderr,
        out,
        text: existsSync(yamlFile) ? readFileSync(yamlFile, "utf8") : undefined,
        fragment: existsSync(yamlFile) ? (parse(readFileSync(yamlFile, "utf8")) as { config: Obj }) : undefined,
        imports: existsSync(importFile) ? (JSON.parse(readFileSync(importFile, "utf8")) as { resources: ImportEntry[] }).resources.filter((e) => !e.component) : undefined,
    };
}

const grantsOf = (r: Run) => (r.fragment?.config["altinn-app-secrets:accessGrants"] ?? []) as Obj[];
const clientsOf = (r: Run) => (r.fragment?.config["altinn-app-secrets:maskinportenClients"] ?? []) as Obj[];
const importIds = (r: Run) => (r.imports ?? []).map((e) => e.id);

describe("adopt never loses a stored value", () => {
    it("refuses a key that holds a secure value, instead of writing its offline placeholder", async () => {
        const stack = stackDoc({ maskinportenClients: [{ section: "Other", clientId: { secure: "v1:ZW5jcnlwdGVkIGNsaWVudCBpZA==" }, scope: "s", apps: [] }] });
        // A secure: value belongs only in appSecrets[].value: the stack file is refused before adopt rewrites anything.
        for (const secrets of [[secret("Foo--EncodedJwk")], []]) {
            const r = await adopt(stack, vaultJson([{ tenantId: TENANT, objectId: A, permissions: { secrets: ["get"] } }]), secrets);
            expect(r.code).toBe(2);
            expect(r.stderr).toEqual([expect.stringMatching(/^maskinportenClients\[0\]\.clientId: is a secure: value, and only appSecrets\[\]\.value may be one/)]);
            expect(r.fragment).toBeUndefined();
        }
    });

    it("warns that keys an imported ESC environment sets are not seen, and would be replaced by the fragment's", async () => {
        const r = await adopt({ environment: ["ttd/tt02"], ...stackDoc({}) }, vaultJson([{ tenantId: TENANT, objectId: A, permissions: { secrets: ["get"] } }]));
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("Pulumi.tt02.yaml imports Pulumi ESC environment(s) ttd/tt02, which adopt cannot read: if they set accessGrants, merge their entries into the fragment by hand");
        // keyVault may come from the environment: adopt does not write one just to name the subscription or tenant.
        const noKeyVault = await adopt({ environment: ["ttd/tt02"], config: { "altinn-app-secrets:org": "ttd", "altinn-app-secrets:environment": "tt02" } }, vaultJson([]));
        expect(noKeyVault.code).toBe(0);
        expect(noKeyVault.fragment?.config["altinn-app-secrets:keyVault"]).toBeUndefined();
        const escOnly = await adopt({ environment: ["ttd/tt02"], config: {} }, vaultJson([]));
        expect(escOnly.code).toBe(2);
        expect(escOnly.stderr).toEqual([expect.stringContaining("imports Pulumi ESC environment(s) ttd/tt02")]);
    });

    it("reads the stack file as the plan does: a stack named tt02 that declares prod is refused for what it is", async () => {
        const r = await adopt(stackDoc({ environment: "prod" }), vaultJson([]));
        expect(r.stderr).toEqual(['environment: stack "tt02" must declare environment tt02, not prod (a stack named after an environment manages that environment)']);
    });

    it("--out that is a file: one line naming --out, nothing written", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "adopt-hostile-out-"));
        const file = path.join(dir, "notes.txt");
        writeFileSync(file, "precious");
        const r = await adopt(stackDoc({}), vaultJson([]), [], undefined, ["--out", file]);
        expect(r.code).toBe(2);
        expect(r.stderr).toEqual([`--out: ${file} is not a folder`]);
        expect(readFileSync(file, "utf8")).toBe("precious");
    });

    it("does not write through a symlink planted where an output file goes, even with --force", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "adopt-hostile-link-"));
        const victim = path.join(dir, "Pulumi.tt02.yaml");
        writeFileSync(victim, "config: {}\n");
        const out = path.join(dir, "out");
        mkdirSync(out);
        symlinkSync(victim, path.join(out, "adopt-tt02.yaml"));
        symlinkSync(path.join(dir, "dangling.json"), path.join(out, "import-tt02.json"));
        const refused = await adopt(stackDoc({}), vaultJson([]), [], undefined, ["--out", out]);
        expect(refused.code).toBe(2);
        expect(existsSync(path.join(dir, "dangling.json"))).toBe(false);
        const forced = await adopt(stackDoc({}), vaultJson([]), [], undefined, ["--out", out, "--force"]);
        expect(forced.code).toBe(0);
        expect(readFileSync(victim, "utf8")).toBe("config: {}\n");
        expect(existsSync(path.join(dir, "dangling.json"))).toBe(false);
        expect(lstatSync(path.join(out, "adopt-tt02.yaml")).isSymbolicLink()).toBe(false);
    });

    it("an output path that is a folder: one line naming --out, and the other file is not half-written", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "adopt-hostile-dir-"));
        mkdirSync(path.join(dir, "import-tt02.json"));
        const r = await adopt(stackDoc({}), vaultJson([]), [], undefined, ["--out", dir, "--force"]);
        expect(r.code).toBe(2);
        expect(r.stderr).toEqual([`--out: ${path.join(dir, "import-tt02.json")} is a folder`]);
        expect(existsSync(path.join(dir, "adopt-tt02.yaml"))).toBe(false);
    });
});

describe("adopt on saved az output that is malformed: one line naming the flag, never a crash", () => {
    it("an access policy that is null, lacks its object ID or has a non-GUID one", async () => {
        const r = await adopt(stackDoc({}), vaultJson([null, { tenantId: TENANT, permissions: { secrets: ["get"] } }, { tenantId: TENANT, objectId: "\u001b[2Jx", permissions: {} }]));
        expect(r.code).toBe(2);
        expect(r.stderr).toEqual([
            "--vault-json: properties.accessPolicies[0] must be an object",
            "--vault-json: properties.accessPolicies[1].objectId is not a GUID",
            '--vault-json: properties.accessPolicies[2].objectId "\\u001b[2Jx" is not a GUID',
        ]);
    });

    it("a permission name that is not letters (ESC, a bidirectional override, a line break): refused, shown escaped", async () => {
        const secrets = ["list\u001b[31mRED\u001b[0m", "set\u202eevil", "x\n::warning title=pwned::injected\r\n", "get", 7];
        const r = await adopt(stackDoc({}), vaultJson([{ tenantId: TENANT, objectId: A, permissions: { secrets, keys: ["getrotationpolicy", "Wrap\u2066"] } }]));
        expect(r.code).toBe(2);
        expect(r.stderr).toEqual([
            '--vault-json: properties.accessPolicies[0].permissions.secrets[0] "list\\u001b[31mRED\\u001b[0m" is not a Key Vault permission name (letters only, such as get, list, set)',
            '--vault-json: properties.accessPolicies[0].permissions.secrets[1] "set\\u202eevil" is not a Key Vault permission name (letters only, such as get, list, set)',
            '--vault-json: properties.accessPolicies[0].permissions.secrets[2] "x\\n::warning title=pwned::injected\\r\\n" is not a Key Vault permission name (letters only, such as get, list, set)',
            "--vault-json: properties.accessPolicies[0].permissions.secrets[4] must be a permission name (a string)",
            '--vault-json: properties.accessPolicies[0].permissions.keys[1] "Wrap\\u2066" is not a Key Vault permission name (letters only, such as get, list, set)',
        ]);
        expect(r.stdout).toBe("");
        expect(r.stderr.join("\n")).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        expect(r.text).toBeUndefined();
        // A name Azure may add later is letters only: adopted as unmanaged access, not refused.
        const later = await adopt(stackDoc({}), vaultJson([{ tenantId: TENANT, objectId: A, permissions: { secrets: ["get", "getrotationpolicy"] } }]));
        expect(later.code).toBe(0);
        expect(later.stdout).toContain(`${A} (access policy: secrets: get,getrotationpolicy): it has permissions accessGrants cannot declare (secrets: getrotationpolicy)`);
    });

    it("an access mode that is not true or false: refused, not read as access policies or RBAC; absent or null is access policies, as in Azure", async () => {
        for (const [mode, shown] of [["true", 'the string "true"'], ["false", 'the string "false"'], [1, "the number 1"], [{}, "an object"]] as const) {
            const vault = { ...vaultJson([]), properties: { ...vaultJson([]).properties, enableRbacAuthorization: mode } };
            const r = await adopt(stackDoc({}), vault);
            expect(r.code, String(mode)).toBe(2);
            expect(r.stderr).toEqual([`--vault-json: properties.enableRbacAuthorization is ${shown}, not true or false: whether the vault uses access policies or RBAC cannot be read`]);
            expect(r.text).toBeUndefined();
        }
        for (const mode of [null, undefined]) {
            const vault = { ...vaultJson([{ tenantId: TENANT, objectId: A, permissions: { secrets: ["get"] } }]) };
            vault.properties = { ...vault.properties, enableRbacAuthorization: mode as never };
            const r = await adopt(stackDoc({}), vault);
            expect(r.code, String(mode)).toBe(0);
            expect(r.stdout).toContain("Vault ttd-tt02-apps-kv (accessPolicy,");
            expect(grantsOf(r).map((g) => g.principalId)).toEqual([A]);
        }
    });

    it("a role assignment field or secret name with a bidirectional override is refused and shown escaped, never raw", async () => {
        const r = await adopt(stackDoc(RBAC), vaultJson([], { rbac: true }), [], [
            { ...assignment("0a0a0a0a-0000-4000-8000-000000000001", VAULT, { principalId: A, principalType: "User\u202e", roleDefinitionId: USER_ROLE }), name: "0a0a0a0a\u2067-0000" },
        ]);
        expect(r.code).toBe(2);
        expect(r.stderr).toEqual([
            '--role-assignments-json: entry 0: name "0a0a0a0a\\u2067-0000" contains a bidirectional control character',
            '--role-assignments-json: entry 0: principalType "User\\u202e" contains a bidirectional control character',
        ]);
        const names = await adopt(stackDoc({}), vaultJson([]), [{ name: "X--EncodedJwk\u202e" }]);
        expect(names.stderr).toEqual(['--secrets-json: entry 0: "X--EncodedJwk\\u202e" is not a Key Vault secret name (may only contain 0-9a-zA-Z-)']);
        const description = await adopt(stackDoc(RBAC), vaultJson([], { rbac: true }), [], [assignment("0a0a0a0a-0000-4000-8000-000000000001", VAULT, { principalId: A, principalType: "User", roleDefinitionId: USER_ROLE, description: "Granted \u202eby the portal" })]);
        expect(grantsOf(description)).toEqual([]);
        expect(description.stdout).toContain(`${A} (role assignment at ${VAULT}: Key Vault Secrets User): its description has a bidirectional control character`);
        expect(description.stdout).not.toContain("\u202e");
    });

    it("a role assignment whose principal is not a GUID, or whose scope holds a control character", async () => {
        const r = await adopt(stackDoc(RBAC), vaultJson([], { rbac: true }), [], [
            assignment("0a0a0a0a-0000-4000-8000-000000000001", VAULT, { principalId: "\u001b[31mevil", principalType: "User", roleDefinitionId: USER_ROLE }),
            { ...assignment("0a0a0a0a-0000-4000-8000-000000000002", VAULT, { principalId: A, principalType: "User", roleDefinitionId: USER_ROLE }), scope: `${VAULT}\n` },
        ]);
        expect(r.code).toBe(2);
        expect(r.stderr).toEqual([
            '--role-assignments-json: entry 0: principalId "\\u001b[31mevil" is not a GUID',
            `--role-assignments-json: entry 1: scope ${JSON.stringify(`${VAULT}\n`)} contains a control character`,
        ]);
    });

    it("role assignments without an id: refused, not kept once as one (which would hide the second one's access)", async () => {
        const idless = (principalId: string) => {
            const { id: _id, ...rest } = assignment("0a0a0a0a-0000-4000-8000-000000000001", VAULT, { principalId, principalType: "User", roleDefinitionId: USER_ROLE });
            return rest;
        };
        const r = await adopt(stackDoc(RBAC), vaultJson([], { rbac: true }), [], [idless(A), idless("66666666-7777-8888-9999-000000000000")]);
        expect(r.code).toBe(2);
        expect(r.stderr).toEqual(["--role-assignments-json: entry 0 lacks id, principalId, roleDefinitionId or scope"]);
    });

    it("a saved vault of another resource group or subscription than the stack's, even of the same name", async () => {
        const elsewhere = await adopt(stackDoc({}), vaultJson([], { id: vaultResourceId(SUB, "other-rg", VAULT_NAME) }));
        expect(elsewhere.code).toBe(2);
        expect(elsewhere.stderr).toEqual([`--vault-json: describes a vault in resource group other-rg, but keyVault.resourceGroupName is ${RG}`]);
        const other = "12121212-3434-4565-8787-909090909090";
        const r = await adopt(stackDoc({}), vaultJson([], { id: vaultResourceId(other, RG, VAULT_NAME) }));
        expect(r.stderr).toEqual([`--vault-json: describes a vault in subscription ${other}, but keyVault.subscriptionId is ${SUB}`]);
        // Spelled in another case, it is the same vault: adopt writes Azure's spelling.
        expect((await adopt(stackDoc({}), vaultJson([], { id: vaultResourceId(SUB.toUpperCase(), RG.toUpperCase(), VAULT_NAME) }))).code).toBe(0);
    });

    it("a vault whose ID or tenant is not what az keyvault show prints", async () => {
        const r = await adopt(stackDoc({}), vaultJson([], { id: `${VAULT}\u001b[2J`, tenantId: "tenant\u001b[2J" }));
        expect(r.code).toBe(2);
        expect(r.stderr).toEqual([
            "--vault-json: id is not a Key Vault resource ID (expected the output of az keyvault show)",
            '--vault-json: properties.tenantId "tenant\\u001b[2J" is not a GUID',
        ]);
    });

    it("a secret name Key Vault would not allow (too long, control characters)", async () => {
        const r = await adopt(stackDoc({}), vaultJson([]), [secret(`${"A".repeat(125)}--JwkBase64`), { name: "X--EncodedJwk\u001b[2J" }]);
        expect(r.code).toBe(2);
        expect(r.stderr).toEqual([
            `--secrets-json: entry 0: ${"A".repeat(125)}--JwkBase64 is not a Key Vault secret name (is 136 characters; Key Vault secret names are at most 127)`,
            '--secrets-json: entry 1: "X--EncodedJwk\\u001b[2J" is not a Key Vault secret name (may only contain 0-9a-zA-Z-)',
        ]);
    });
});

describe("adopt never hides access, and imports only what preview then leaves alone (access policies)", () => {
    it("a compound identity next to the same principal's own entry is reported, and the principal is not imported when the compound entry comes first", async () => {
        const policies = [
            { tenantId: TENANT, objectId: A, applicationId: APP, permissions: { secrets: ["get", "list", "set", "delete", "purge"] } },
            { tenantId: TENANT, objectId: A, permissions: { secrets: ["get"] } },
        ];
        const r = await adopt(stackDoc({}), vaultJson(policies));
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`${A} (access policy: secrets: get,list,set,delete,purge): a compound identity (application ${APP})`);
        // azure-native's import reads the first entry with that object ID: the compound one.
        expect(importIds(r)).toEqual([]);
        expect(grantsOf(r)).toEqual([]);
        expect(r.stdout).toContain(`${A} (access policy: secrets: get): the vault lists a compound identity for the same object ID first`);
    });

    it("with the principal's own entry first, it is adopted with its own permissions, and the compound identity is still reported", async () => {
        const policies = [
            { tenantId: TENANT, objectId: A, permissions: { secrets: ["get"] } },
            { tenantId: TENANT, objectId: A, applicationId: APP, permissions: { secrets: ["get", "list", "set", "delete", "purge"] } },
        ];
        const r = await adopt(stackDoc({}), vaultJson(policies));
        expect(grantsOf(r)).toEqual([{ principalId: A, permissions: { secrets: ["get"] }, reason: "" }]);
        expect(importIds(r)).toEqual([`${VAULT}/accessPolicy/${A}`]);
        expect(r.stdout).toContain(`  ${A} (access policy: secrets: get)\n`);
        expect(r.stdout).toContain(`${A} (access policy: secrets: get,list,set,delete,purge): a compound identity (application ${APP})`);
    });

    it("two entries for one principal (object ID spelled in two cases) are neither adopted nor hidden", async () => {
        const policies = [
            { tenantId: TENANT, objectId: C, permissions: { secrets: ["get"] } },
            { tenantId: TENANT, objectId: C.toUpperCase(), permissions: { secrets: ["all"], keys: ["all"] } },
        ];
        const undeclared = await adopt(stackDoc({}), vaultJson(policies));
        expect(grantsOf(undeclared)).toEqual([]);
        expect(importIds(undeclared)).toEqual([]);
        expect(undeclared.stdout).toContain(`${C} (access policy: secrets: all; keys: all): the vault has 2 access policies for this principal`);
        const declared = await adopt(stackDoc({ accessGrants: [{ principalId: C, access: "read", reason: "Operations reads secrets" }] }), vaultJson(policies));
        expect(importIds(declared)).toEqual([]);
        expect(declared.stdout).toContain(`${C} (access policy): not imported: the vault has 2 access policies for this principal`);
    });

    it("does not adopt an entry with a permission name accessGrants cannot declare (the plan would refuse it, and dropping it narrows access)", async () => {
        const r = await adopt(stackDoc({}), vaultJson([{ tenantId: TENANT, objectId: A, permissions: { secrets: ["Get", "teleport"] } }]));
        expect(grantsOf(r)).toEqual([]);
        expect(r.stdout).toContain(`${A} (access policy: secrets: Get,teleport): it has permissions accessGrants cannot declare (secrets: teleport)`);
    });

    it("checks an adopted entry's tenant against the vault's tenant the fragment sets, not the stack's old one", async () => {
        const stack = stackDoc({ keyVault: { subscriptionId: SUB, tenantId: OTHER_TENANT } });
        const r = await adopt(stack, vaultJson([{ tenantId: TENANT, objectId: A, permissions: { secrets: ["get"] } }, { tenantId: OTHER_TENANT, objectId: B, permissions: { secrets: ["get"] } }]));
        expect((r.fragment?.config["altinn-app-secrets:keyVault"] as Obj).tenantId).toBe(TENANT);
        // B's entry is for a principal of another tenant: the stack (now in the vault's tenant) would re-point it.
        expect(grantsOf(r).map((g) => g.principalId)).toEqual([A]);
        expect(importIds(r)).toEqual([`${VAULT}/accessPolicy/${A}`]);
        expect(r.stdout).toContain(`${B} (access policy: secrets: get): its principal is in tenant ${OTHER_TENANT}, not the stack's`);
    });

    it("does not import a declared principal's entry from another tenant (the first up would re-point it), and says so", async () => {
        const r = await adopt(stackDoc({ accessGrants: [{ principalId: A, access: "read", reason: "Operations reads secrets" }] }), vaultJson([{ tenantId: OTHER_TENANT, objectId: A, permissions: { secrets: ["get", "list"] } }]));
        expect(importIds(r)).toEqual([]);
        expect(r.stdout).toContain(`${A} (access policy): not imported: its principal is in tenant ${OTHER_TENANT}, not the stack's`);
    });

    it("does not import an entry whose tenant ID Azure spells in upper case (the stack sends it in lower case: preview would show an update)", async () => {
        const r = await adopt(stackDoc({}), vaultJson([{ tenantId: TENANT.toUpperCase(), objectId: A, permissions: { secrets: ["get"] } }]));
        expect(importIds(r)).toEqual([]);
        expect(r.stdout).toContain(`${A} (access policy: secrets: get): its tenant ID is spelled ${TENANT.toUpperCase()}`);
    });
});

describe("adopt imports only role assignments the program sends exactly so", () => {
    it("compares the scope with the vault ID the program builds, not with Azure's spelling of it", async () => {
        const id = VAULT.replace("resourceGroups", "resourcegroups").replace("Microsoft.KeyVault", "microsoft.keyvault");
        const r = await adopt(stackDoc(RBAC), vaultJson([], { rbac: true, id }), [], [assignment("0a0a0a0a-0000-4000-8000-000000000001", id, { principalId: A, principalType: "User", roleDefinitionId: USER_ROLE })]);
        expect(r.code).toBe(0);
        expect(importIds(r)).toEqual([]);
        expect(r.stdout).toContain(`its scope is spelled ${id}, not as the stack sends it, ${VAULT}`);
    });

    it("says why a declared grant's assignment at the vault (scope with a trailing slash) is not imported, instead of nothing", async () => {
        const stack = stackDoc({ ...RBAC, accessGrants: [{ principalId: A, principalType: "User", access: "read", reason: "Operations reads secrets" }] });
        const r = await adopt(stack, vaultJson([], { rbac: true }), [], [assignment("0a0a0a0a-0000-4000-8000-000000000001", `${VAULT}/`, { principalId: A, principalType: "User", roleDefinitionId: USER_ROLE })]);
        expect(importIds(r)).toEqual([]);
        expect(r.stdout).toContain(`${A} (role assignment 0a0a0a0a-0000-4000-8000-000000000001): not imported: its scope is spelled ${VAULT}/`);
    });

    it("does not adopt an assignment the stack file cannot hold as it is (principal type, multi-line description) or that is delegated", async () => {
        const ra = [
            assignment("0a0a0a0a-0000-4000-8000-000000000001", VAULT, { principalId: A, principalType: "ForeignGroup", roleDefinitionId: USER_ROLE }),
            assignment("0a0a0a0a-0000-4000-8000-000000000002", VAULT, { principalId: B, principalType: "User", roleDefinitionId: USER_ROLE, description: "Granted by\nthe portal" }),
            assignment("0a0a0a0a-0000-4000-8000-000000000003", VAULT, {
                principalId: APP,
                principalType: "ServicePrincipal",
                roleDefinitionId: USER_ROLE,
                delegatedManagedIdentityResourceId: `/subscriptions/${SUB}/resourceGroups/x/providers/Microsoft.ManagedIdentity/userAssignedIdentities/y`,
            }),
        ];
        const r = await adopt(stackDoc(RBAC), vaultJson([], { rbac: true }), [], ra);
        expect(r.code).toBe(0);
        expect(grantsOf(r)).toEqual([]);
        expect(importIds(r)).toEqual([]);
        expect(r.stdout).toContain(`${A} (role assignment at ${VAULT}: Key Vault Secrets User): its principal type ForeignGroup is not one accessGrants can declare`);
        expect(r.stdout).toContain(`${B} (role assignment at ${VAULT}: Key Vault Secrets User): its description has a line break or another control character`);
        expect(r.stdout).toContain(`${APP} (role assignment at ${VAULT}: Key Vault Secrets User): it is delegated to a managed identity of another tenant`);
    });
});

describe("the fragment reads the same in Pulumi (Go yaml.v2, YAML 1.1) as in the offline plan (YAML 1.2)", () => {
    it("quotes text that YAML 1.1 or Go would read as a boolean, number or date", async () => {
        const texts = ["yes", "On", "n", "1_000", "0o17", "0b101", "2001-12-14", "<<", "plain words"];
        const ra = texts.map((description, i) =>
            assignment(`0a0a0a0a-0000-4000-8000-00000000000${i}`, VAULT, { principalId: `11111111-2222-4333-8444-00000000000${i}`, principalType: "User", roleDefinitionId: USER_ROLE, description }),
        );
        const r = await adopt(stackDoc(RBAC), vaultJson([], { rbac: true }), [secret("On--EncodedJwk")], ra);
        expect(r.code).toBe(0);
        const asPulumiReadsIt = parse(r.text!, { version: "1.1" }) as { config: Obj };
        expect((asPulumiReadsIt.config["altinn-app-secrets:accessGrants"] as Obj[]).map((g) => g.description)).toEqual(texts);
        expect((asPulumiReadsIt.config["altinn-app-secrets:maskinportenClients"] as Obj[])[0].section).toBe("On");
        for (const t of ["yes", "On", "1_000", "0o17", "<<"]) expect(r.text).toContain(`description: "${t}"`);
        expect(r.text).toContain("description: plain words");
    });

    it("does not adopt a description holding a line break YAML 1.1 folds (LS, PS, NEL)", async () => {
        const r = await adopt(stackDoc(RBAC), vaultJson([], { rbac: true }), [], [assignment("0a0a0a0a-0000-4000-8000-000000000001", VAULT, { principalId: A, principalType: "User", roleDefinitionId: USER_ROLE, description: "Granted\u2028by the portal" })]);
        expect(grantsOf(r)).toEqual([]);
        expect(r.stdout).toContain(`${A} (role assignment at ${VAULT}: Key Vault Secrets User): its description has a line break or another control character`);
    });
});

describe("adopt of hand-made Maskinporten secrets keeps what runs, and nothing else", () => {
    const legacy = (extra: Obj = {}) => ({ section: "MaskinportenSettings", clientId: CLIENT_ID, scope: "s", apps: [], ...extra });

    it("a key in the other format does not switch a declared client to keyGeneration 0 (it would write an empty key)", async () => {
        const r = await adopt(stackDoc({ maskinportenClients: [legacy()] }), vaultJson([]), [secret("MaskinportenSettings--JwkBase64"), secret("MaskinportenSettings--ClientId")]);
        expect(r.code).toBe(0);
        expect(r.fragment!.config["altinn-app-secrets:maskinportenClients"]).toBeUndefined();
        expect(r.stdout).toContain("MaskinportenSettings--JwkBase64: not adopted: a builtin-format key, but the stack declares MaskinportenSettings as legacy");
    });

    it("a key spelled in another case than the declared section: keyGeneration left alone (the secret cannot be imported)", async () => {
        const r = await adopt(stackDoc({ maskinportenClients: [legacy()] }), vaultJson([]), [secret("maskinportenSettings--EncodedJwk")]);
        expect(r.fragment!.config["altinn-app-secrets:maskinportenClients"]).toBeUndefined();
        expect(r.stdout).toContain("maskinportenSettings--EncodedJwk: not imported: the stack names it MaskinportenSettings--EncodedJwk");
        expect(r.stdout).not.toContain("keyGeneration set to 0");
    });

    it("one client per section: a second hand-made key for the same section is reported, not written as a duplicate client", async () => {
        const r = await adopt(stackDoc({}), vaultJson([]), [secret("X--EncodedJwk"), secret("x--JwkBase64")]);
        expect(clientsOf(r).map((c) => c.section)).toEqual(["X"]);
        expect(importIds(r)).toEqual([`${VAULT}/secrets/X--EncodedJwk`]);
        expect(r.stdout).toContain("x--JwkBase64: not adopted: section X is already adopted from X--EncodedJwk");
    });

    it("a secret the stack declares as an app secret is not also adopted as a Maskinporten client", async () => {
        const r = await adopt(stackDoc({ appSecrets: [{ section: "Foo", key: "EncodedJwk", generate: { length: 32 } }] }), vaultJson([]), [secret("Foo--EncodedJwk")]);
        expect(clientsOf(r)).toEqual([]);
        expect(importIds(r)).toEqual([`${VAULT}/secrets/Foo--EncodedJwk`]);
    });

    it("a declared secret that exists but carries this project's managed-by tag is reported as existing, not as absent", async () => {
        const r = await adopt(stackDoc({ maskinportenClients: [legacy({ keyGeneration: 0 })] }), vaultJson([]), [secret("MaskinportenSettings--EncodedJwk", { "managed-by": "altinn-app-secrets" })]);
        expect(importIds(r)).toEqual([]);
        expect(r.stdout).not.toContain("MaskinportenSettings--EncodedJwk does not exist yet");
        expect(r.stdout).toContain("MaskinportenSettings--EncodedJwk: exists with this project's managed-by tag (another stack, or a lost state, manages it): not imported");
    });
});

describe("the audit does not hide a second access policy entry behind a declared grant", () => {
    it("reports every entry of a declared principal but the one its grant owns", async () => {
        const { findUnmanagedAccess } = await import("../../core/vault/audit");
        const { parseStackConfig } = await import("../../core/config/parse");
        const { stackConfigOf } = await import("../../scripts/offline/stack");
        const grants = (principalId: string) =>
            parseStackConfig(stackConfigOf(stackDoc({ accessGrants: [{ principalId, permissions: { secrets: ["get"] }, reason: "Operations reads secrets" }] }), "altinn-app-secrets").config).accessGrants;
        const vault = {
            id: VAULT,
            tenantId: TENANT,
            enableRbacAuthorization: false,
            roleAssignments: [],
            accessPolicies: [
                { tenantId: TENANT, objectId: C, permissions: { secrets: ["get"] } },
                { tenantId: TENANT, objectId: C.toUpperCase(), permissions: { secrets: ["all"], keys: ["all"] } },
            ],
        };
        expect(findUnmanagedAccess(vault, grants(C))).toEqual([{ principalId: C, permissions: { secrets: ["all"], keys: ["all"] }, source: "accessPolicy" }]);
        // The grant spelled as the second entry owns that one (azure-native manages the exact spelling).
        expect(findUnmanagedAccess(vault, grants(C.toUpperCase()))).toEqual([{ principalId: C, permissions: { secrets: ["get"] }, source: "accessPolicy" }]);
        // One entry, spelled unlike the grant: still the grant's (before adoption rewrites the spelling).
        expect(findUnmanagedAccess({ ...vault, accessPolicies: [vault.accessPolicies[1]] }, grants(C))).toEqual([]);
    });
});
