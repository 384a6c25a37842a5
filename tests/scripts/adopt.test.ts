/**
 * `npm run adopt` against a fake Azure Resource Manager on 127.0.0.1 (TLS with a throwaway
 * certificate, trusted only by the SDK clients of this test), and from saved `az` output. The
 * generated fragment, with reasons written, passes the plan; the import file names exactly the
 * resources the program declares under mocks.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError, parseStackConfig } from "../../core/config/parse";
import { BUILTIN_ROLES, roleDefinitionResourceId, vaultResourceId } from "../../core/vault/roles";
import { runAdopt } from "../../scripts/adopt/adoptCli";
import type { ImportEntry } from "../../scripts/adopt/adopt";
import type { AzureAccess } from "../../scripts/adopt/vaultSource";
import { installMocks, MOCK_CLIENT_CONFIG, RecordedResource, settle, valueOf } from "../../scripts/offline/mocks";
import { stackConfigOf } from "../../scripts/offline/stack";
import { completedFragment, ROOT, runPlan, runScript, writeStacks } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

const SUB = MOCK_CLIENT_CONFIG.subscriptionId;
const TENANT = MOCK_CLIENT_CONFIG.tenantId;
const RG = "altinnapps-ttd-tt02-rg";
const VAULT_NAME = "ttd-tt02-apps-kv";
const VAULT = vaultResourceId(SUB, RG, VAULT_NAME);
const OPS = "11111111-2222-3333-4444-555555555555";
const HAND = "66666666-7777-8888-9999-000000000000";
const APP = "77777777-8888-9999-aaaa-bbbbbbbbbbbb";
const ADMIN = "88888888-9999-aaaa-bbbb-cccccccccccc";
const TOKEN = "fake-adopt-token-0a1b2c3d";
/** What a careless service might send along; adopt must never print or write it. */
const SECRET_VALUE = "HAND-MADE-SECRET-VALUE-ZXhhbXBsZQ";
const CLIENT_ID = "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b";

const accessPolicies = [
    { tenantId: TENANT, objectId: OPS, permissions: { secrets: ["get", "list"] } },
    { tenantId: TENANT, objectId: HAND.toUpperCase(), permissions: { secrets: ["Get", "List"], keys: [], certificates: [] } },
    { tenantId: TENANT, objectId: APP, applicationId: "99999999-0000-0000-0000-000000000000", permissions: { secrets: ["get"] } },
];
const secretNames = [
    "MaskinportenSettings--ClientId",
    "MaskinportenSettings--EncodedJwk",
    "Integrations--AppB--ClientId",
    "Integrations--AppB--JwkBase64",
    "Unrelated--Thing",
];
const armSecret = (name: string, tags?: Record<string, string>) => ({
    id: `${VAULT}/secrets/${name}`,
    name,
    type: "Microsoft.KeyVault/vaults/secrets",
    properties: { value: SECRET_VALUE, contentType: name.endsWith("Jwk") || name.endsWith("JwkBase64") ? "application/json" : undefined, attributes: { enabled: true } },
    ...(tags ? { tags } : {}),
});
const raName = "3f0c9c7e-1d2b-4a5c-9e8f-7a6b5c4d3e2f";
const roleAssignments = [
    { id: `${VAULT}/providers/Microsoft.Authorization/roleAssignments/${raName}`, name: raName, properties: { scope: VAULT, principalId: OPS, principalType: "Group", roleDefinitionId: roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets User"]) } },
    { id: `${VAULT}/providers/Microsoft.Authorization/roleAssignments/hand-1`, name: "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d", properties: { scope: VAULT, principalId: HAND, principalType: "User", roleDefinitionId: roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets Officer"]) } },
    { id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/sub-admin`, name: "sub-admin", properties: { scope: `/subscriptions/${SUB}`, principalId: ADMIN, principalType: "User", roleDefinitionId: roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Administrator"]) } },
    { id: `${VAULT}/providers/Microsoft.Authorization/roleAssignments/owner`, name: "owner", properties: { scope: VAULT, principalId: ADMIN, principalType: "User", roleDefinitionId: roleDefinitionResourceId(SUB, BUILTIN_ROLES.Owner) } },
];

const secretScoped = {
    id: `${VAULT}/secrets/MaskinportenSettings--EncodedJwk/providers/Microsoft.Authorization/roleAssignments/one-secret`,
    name: "one-secret",
    properties: { scope: `${VAULT}/secrets/MaskinportenSettings--EncodedJwk`, principalId: APP, principalType: "ServicePrincipal", roleDefinitionId: roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets User"]) },
};

let rbacVault = false;
/** How the fake ARM answers the secret listing: whole, refused, failing on its second page, or with an entry that has no name. */
let secretListing: "whole" | "forbidden" | "second page fails" | "nameless" | "next page elsewhere" | "endless" = "whole";
/** A role assignment with a custom role, whose definition ARM answers without its permission list. */
let customRole = false;
const CUSTOM_ROLE = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/0c0c0c0c-0000-4000-8000-00000000c0de`;
/** Another host on 127.0.0.1 (another port: another origin), that notes the token of any request it gets. */
let elsewhere: Server;
let elsewhereUrl: string;
const tokensElsewhere: (string | undefined)[] = [];
/** How the fake ARM answers the vault: as ARM does, one byte a second after the headers, never, or with more than adopt reads. */
let vaultAnswer: "whole" | "trickle" | "silent" | "huge" = "whole";
const requests: string[] = [];
let server: Server;
let endpoint: string;
let ca: string;

function armVault() {
    return {
        id: VAULT,
        name: VAULT_NAME,
        type: "Microsoft.KeyVault/vaults",
        location: "norwayeast",
        properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, enableRbacAuthorization: rbacVault, accessPolicies: rbacVault ? [] : accessPolicies },
    };
}

beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fake-arm-"));
    // A throwaway certificate for 127.0.0.1, trusted only by this test's SDK clients.
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    ca = readFileSync(path.join(dir, "cert.pem"), "utf8");
    server = createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: ca }, (req, res) => {
        // The SDK joins `/{scope}` with a scope that starts with "/": ARM accepts the double slash.
        const url = new URL(`https://x${req.url ?? "/"}`);
        requests.push(url.pathname);
        res.setHeader("content-type", "application/json");
        if (req.method !== "GET") return void res.writeHead(405).end("{}");
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end(JSON.stringify({ error: { code: "AuthenticationFailed", message: "no token" } }));
        const p = url.pathname.replace(/^\/+/, "/");
        if (p === VAULT && vaultAnswer === "trickle") {
            res.writeHead(200);
            const text = JSON.stringify(armVault());
            let sent = 0;
            const timer = setInterval(() => void res.write(text[sent++] ?? " "), 1000);
            return void res.on("close", () => clearInterval(timer));
        }
        if (p === VAULT && vaultAnswer === "silent") return;
        if (p === VAULT && vaultAnswer === "huge") return void res.end(JSON.stringify({ ...armVault(), tags: { padding: "x".repeat(256 * 1024) } }));
        if (p === VAULT) return void res.end(JSON.stringify(armVault()));
        if (p === `${VAULT}/secrets` && secretListing === "forbidden") return void res.writeHead(403).end(JSON.stringify({ error: { code: "AuthorizationFailed", message: "no read on secrets" } }));
        if (p === `${VAULT}/secrets` && url.searchParams.has("page")) return void res.writeHead(500).end(JSON.stringify({ error: { code: "InternalServerError", message: "try later" } }));
        if (p === `${VAULT}/secrets` && secretListing === "second page fails") return void res.end(JSON.stringify({ value: [armSecret(secretNames[0])], nextLink: `${endpoint}${VAULT}/secrets?page=2` }));
        if (p === `${VAULT}/secrets` && secretListing === "next page elsewhere") return void res.end(JSON.stringify({ value: [armSecret(secretNames[0])], nextLink: `${elsewhereUrl}${VAULT}/secrets?page=2` }));
        if (p === `${VAULT}/secrets` && secretListing === "endless") return void res.end(JSON.stringify({ value: [], nextLink: `${endpoint}${VAULT}/secrets?more=${Number(url.searchParams.get("more") ?? 0) + 1}` }));
        if (p === CUSTOM_ROLE) return void res.end(JSON.stringify({ id: CUSTOM_ROLE, name: "0c0c0c0c-0000-4000-8000-00000000c0de", type: "Microsoft.Authorization/roleDefinitions", properties: { roleName: "Custom reader" } }));
        if (p === `${VAULT}/secrets` && secretListing === "nameless") return void res.end(JSON.stringify({ value: [armSecret(secretNames[0]), { type: "Microsoft.KeyVault/vaults/secrets", properties: {} }] }));
        if (p === `${VAULT}/secrets`) return void res.end(JSON.stringify({ value: [...secretNames.map((n) => armSecret(n)), armSecret("Ours--Managed", { "managed-by": "altinn-app-secrets" })] }));
        if (p === `${VAULT}/providers/Microsoft.Authorization/roleAssignments` && url.searchParams.get("$filter") === "atScope()") {
            const custom = { id: `${VAULT}/providers/Microsoft.Authorization/roleAssignments/custom`, name: "custom", properties: { scope: VAULT, principalId: HAND, principalType: "User", roleDefinitionId: CUSTOM_ROLE } };
            return void res.end(JSON.stringify({ value: customRole ? [...roleAssignments, custom] : roleAssignments }));
        }
        // Unfiltered, ARM also lists the scopes below the vault (one secret).
        if (p === `${VAULT}/providers/Microsoft.Authorization/roleAssignments` && !url.searchParams.has("$filter")) {
            return void res.end(JSON.stringify({ value: [...roleAssignments.slice(0, 2), secretScoped] }));
        }
        res.writeHead(404).end(JSON.stringify({ error: { code: "NotFound", message: p } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    elsewhere = createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: ca }, (req, res) => {
        tokensElsewhere.push(req.headers.authorization);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ value: [] }));
    });
    await new Promise<void>((r) => elsewhere.listen(0, "127.0.0.1", () => r()));
    elsewhereUrl = `https://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
});

afterAll(() => {
    server.close();
    elsewhere.close();
});

const credential = { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) };
const baseConfig = { org: "ttd", environment: "tt02", keyVault: { subscriptionId: SUB }, accessGrants: [{ principalId: OPS, access: "read", reason: "Operations team reads secrets" }] };

function adopt(args: string[], stacks: Record<string, Record<string, unknown>>, limits?: AzureAccess["limits"]) {
    const configDir = writeStacks(stacks);
    const out = mkdtempSync(path.join(tmpdir(), "adopt-out-"));
    return runAdopt([...args, "--config-dir", configDir, "--out", out], { root: ROOT, access: { credential, endpoint, clientOptions: { tlsOptions: { ca }, retryOptions: { maxRetries: 0 } }, limits }, env: {} }).then((r) => ({
        ...r,
        out,
        configDir,
        yaml: () => readFileSync(path.join(out, "adopt-tt02.yaml"), "utf8"),
        imports: () => (JSON.parse(readFileSync(path.join(out, "import-tt02.json"), "utf8")) as { resources: ImportEntry[] }).resources,
    }));
}

/** Write what a person would: every empty reason, clientId and scope. */
function completed(fragment: { config: Record<string, unknown> }): Record<string, unknown> {
    return completedFragment(fragment, { reason: "Support team, adopted from the portal", clientId: CLIENT_ID, scope: "altinn:serviceowner/instances.read" });
}

describe("npm run adopt, live against a fake ARM (access-policy vault)", () => {
    let result: Awaited<ReturnType<typeof adopt>>;
    let fragment: { config: Record<string, unknown> };
    let stackConfig: Record<string, unknown>;
    let resources: RecordedResource[];
    let program: Record<string, unknown>;

    beforeAll(async () => {
        rbacVault = false;
        result = await adopt(["--stack", "tt02"], { tt02: baseConfig });
        fragment = parse(result.yaml()) as { config: Record<string, unknown> };
        stackConfig = { ...baseConfig, ...completed(fragment) };
        // The program under mocks, with the adopted config and getVault answering with the same vault.
        const files = stackConfigOf({ config: Object.fromEntries(Object.entries(stackConfig).map(([k, v]) => [`altinn-app-secrets:${k}`, v])) }, "altinn-app-secrets");
        resources = installMocks({ project: "altinn-app-secrets", stack: "tt02", config: files.config, vault: { tenantId: TENANT, enableRbacAuthorization: false, accessPolicies } });
        program = (await import("../../index")) as Record<string, unknown>;
        await settle();
    });

    it("exits 0, reads through the SDK with the given credential, and summarises", () => {
        expect(result.stderr).toEqual([]);
        expect(result.code).toBe(0);
        expect(requests).toEqual(expect.arrayContaining([VAULT, `${VAULT}/secrets`]));
        const text = result.stdout.join("\n");
        expect(text).toContain(`Vault ${VAULT_NAME} (accessPolicy, tenant ${TENANT}): 3 access policies`);
        expect(text).toContain(`${HAND} (access policy: secrets: Get,List)`);
        // The stack's own grant exists as declared: imported too, and said so.
        expect(text).toContain(`Access the stack already declares, found in Azure and imported as it is: 1\n  ${OPS} (access policy: secrets: get,list)`);
        expect(text).toContain(`Set in the fragment: keyVault.tenantId: ${TENANT}, the vault's, so access policies name it whoever deploys`);
        expect(text).toContain(`${APP} (access policy: secrets: get): a compound identity`);
        expect(text).toContain("MaskinportenSettings (legacy): keeps its existing key (keyGeneration: 0)");
        expect(text).toContain("Integrations--AppB--Authority does not exist yet; pulumi up creates it");
        expect(text).toContain("left alone: Unrelated--Thing, Ours--Managed");
        // --out is a folder outside the current one: the path is given whole.
        expect(text).toContain(`pulumi import -s tt02 --file ${path.join(result.out, "import-tt02.json")} --protect=false`);
    });

    it("writes accessGrants with today's permissions and reason \"\" after the stack's own", () => {
        expect(fragment.config["altinn-app-secrets:accessGrants"]).toEqual([
            baseConfig.accessGrants[0],
            { principalId: HAND, permissions: { secrets: ["Get", "List"] }, reason: "" },
        ]);
        expect(result.yaml()).toContain("# adopted: access policy of 66666666-7777-8888-9999-000000000000 as it is today; write why");
    });

    it("writes each hand-made Maskinporten section as a client that keeps its key (keyGeneration 0)", () => {
        expect(fragment.config["altinn-app-secrets:maskinportenClients"]).toEqual([
            { section: "MaskinportenSettings", clientId: "", format: "legacy", scope: "", keyGeneration: 0, apps: [] },
            { section: "Integrations--AppB", clientId: "", format: "builtin", keyGeneration: 0, apps: [] },
        ]);
    });

    it("the plan refuses the fragment until every reason, clientId and scope is written", () => {
        const raw = stackConfigOf({ config: { ...Object.fromEntries(Object.entries(baseConfig).map(([k, v]) => [`altinn-app-secrets:${k}`, v])), ...fragment.config } }, "altinn-app-secrets");
        const error = (() => {
            try {
                parseStackConfig(raw.config);
            } catch (e) {
                return e as ConfigError;
            }
            return undefined;
        })();
        expect(error?.errors).toEqual([
            "accessGrants[1].reason: is required and may not be empty",
            "maskinportenClients[0].clientId: is required and may not be empty",
            "maskinportenClients[1].clientId: is required and may not be empty",
            "maskinportenClients[0].scope: is required and may not be empty",
        ]);
    });

    it("never reads, prints or writes a secret value", () => {
        const everything = [result.stdout.join("\n"), result.stderr.join("\n"), result.yaml(), JSON.stringify(result.imports())].join("\n");
        expect(everything).not.toContain(SECRET_VALUE);
        expect(everything).not.toContain(TOKEN);
    });

    it("the import file names exactly the resources the program declares, with their parents", () => {
        const imports = result.imports();
        const parentName = (r: RecordedResource) => (r.parent ? r.parent.slice(r.parent.lastIndexOf("::") + 2) : undefined);
        for (const entry of imports) {
            const declared = resources.find((r) => r.type === entry.type && r.name === entry.name);
            expect(declared, `${entry.type} ${entry.name}`).toBeDefined();
            expect(parentName(declared!)).toBe(entry.parent);
            expect(declared!.custom).toBe(!entry.component);
        }
        // Exactly: every declared access policy and secret that exists in the vault is imported, nothing else.
        const existing = (r: RecordedResource) =>
            (r.type === TYPES.accessPolicy && accessPolicies.some((p) => !p.applicationId && p.objectId.toLowerCase() === (r.inputs.policy as { objectId: string }).objectId)) ||
            (r.type === TYPES.secret && secretNames.includes(String(r.inputs.secretName)));
        expect(imports.filter((e) => !e.component).map((e) => e.name).sort()).toEqual(resources.filter(existing).map((r) => r.name).sort());
        expect(imports.filter((e) => !e.component).map((e) => e.id)).toEqual([
            `${VAULT}/accessPolicy/${OPS}`,
            `${VAULT}/accessPolicy/${HAND.toUpperCase()}`,
            `${VAULT}/secrets/MaskinportenSettings--ClientId`,
            `${VAULT}/secrets/MaskinportenSettings--EncodedJwk`,
            `${VAULT}/secrets/Integrations--AppB--ClientId`,
            `${VAULT}/secrets/Integrations--AppB--JwkBase64`,
        ]);
    });

    it("an adopted client keeps the vault's key: no key pair for generation 0, no value, ignoreChanges on what it would write", () => {
        const jwk = resources.find((r) => r.type === TYPES.secret && r.inputs.secretName === "MaskinportenSettings--EncodedJwk")!;
        expect(jwk.inputs.properties).toEqual({ contentType: "application/jwk+json;base64" });
        expect(jwk.ignoreChanges).toEqual(["properties", "tags"]);
        const clientId = resources.find((r) => r.type === TYPES.secret && r.inputs.secretName === "MaskinportenSettings--ClientId")!;
        expect(clientId.ignoreChanges).toEqual(["properties", "tags"]);
        expect(resources.filter((r) => r.type === TYPES.privateKey)).toEqual([]);
    });

    it("after adoption only the access that cannot be adopted stays unmanaged", async () => {
        expect(await valueOf(program.unmanagedAccess as never)).toEqual([{ principalId: APP, permissions: { secrets: ["get"] }, source: "accessPolicy" }]);
    });

    it("with reasons written, the fragment passes the plan, which says the clients keep their key and the audit runs in preview", async () => {
        const dir = writeStacks({ tt02: stackConfig });
        const plan = await runPlan(["--stack", "tt02", "--config-dir", dir]);
        expect(plan.stderr).toBe("");
        expect(plan.code).toBe(0);
        expect(plan.stdout).toContain("MaskinportenSettings: legacy format, client 5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b, adopted\n      active key: the one already in the vault (adopted: kept, not written by this stack)");
        expect(plan.stdout.replace(/\s+/g, " ")).toContain("the vault's existing MaskinportenSettings--EncodedJwk stays in use");
        expect(plan.stdout).toContain("Vault audit (offline)\n  not run offline: pulumi preview and up read the vault");
    });

    it("refuses to overwrite an earlier fragment, which may hold reasons, or an earlier import file, saying which is which", async () => {
        const again = await runAdopt(["--stack", "tt02", "--config-dir", result.configDir, "--out", result.out], { root: ROOT, access: { credential, endpoint, clientOptions: { tlsOptions: { ca } } }, env: {} });
        expect(again.code).toBe(2);
        expect(again.stderr).toEqual([
            `${path.join(result.out, "adopt-tt02.yaml")} exists (it may hold reasons you wrote); move it away or pass --force`,
            `${path.join(result.out, "import-tt02.json")} exists (an import file an earlier adopt wrote; nothing in it is written by hand); move it away or pass --force`,
        ]);
    });
});

describe("npm run adopt, live against a fake ARM (RBAC vault)", () => {
    it("adopts role assignments at the vault's scope with their names, and leaves the ones above it unmanaged", async () => {
        rbacVault = true;
        const rbacConfig = { ...baseConfig, keyVault: { subscriptionId: SUB, authorization: "rbac" }, accessGrants: [{ principalId: OPS, principalType: "Group", access: "read", reason: "Operations team reads secrets" }] };
        const result = await adopt(["--stack", "tt02"], { tt02: rbacConfig });
        expect(result.stderr).toEqual([]);
        expect(result.code).toBe(0);
        const text = result.stdout.join("\n");
        expect(text).toContain(`Access the stack already declares, found in Azure and imported as it is: 1\n  ${OPS} (role assignment ${raName}: Key Vault Secrets User)`);
        // Role assignments name no tenant: the summary says what keyVault.tenantId does in an RBAC vault.
        expect(text).toContain(`Set in the fragment: keyVault.tenantId: ${TENANT}, the vault's, so the vault audit checks the vault's tenant, not the deploying identity's (role assignments name no tenant)`);
        const fragment = parse(result.yaml()) as { config: Record<string, unknown> };
        expect(fragment.config["altinn-app-secrets:accessGrants"]).toEqual([
            // The assignments have no description: "" keeps it so, instead of storing the reason.
            { ...rbacConfig.accessGrants[0], roleAssignmentName: raName, description: "" },
            { principalId: HAND, principalType: "User", role: "Key Vault Secrets Officer", roleAssignmentName: "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d", description: "", reason: "" },
        ]);
        expect(result.imports()).toEqual([
            { type: TYPES.keyVaultAccess, name: "vault", component: true },
            { type: TYPES.accessGrant, name: `vault-${OPS}`, parent: "vault", component: true },
            { type: TYPES.accessGrant, name: `vault-${HAND}`, parent: "vault", component: true },
            { type: TYPES.maskinportenClient, name: "maskinporten-MaskinportenSettings", component: true },
            { type: TYPES.maskinportenClient, name: "maskinporten-Integrations--AppB", component: true },
            { type: TYPES.roleAssignment, name: `vault-${OPS}-role`, id: roleAssignments[0].id, parent: `vault-${OPS}` },
            { type: TYPES.roleAssignment, name: `vault-${HAND}-role`, id: roleAssignments[1].id, parent: `vault-${HAND}` },
            ...["MaskinportenSettings--ClientId", "MaskinportenSettings--EncodedJwk"].map((n) => ({ type: TYPES.secret, name: `maskinporten-MaskinportenSettings-${n.split("--").pop()}`, id: `${VAULT}/secrets/${n}`, parent: "maskinporten-MaskinportenSettings" })),
            ...["Integrations--AppB--ClientId", "Integrations--AppB--JwkBase64"].map((n) => ({ type: TYPES.secret, name: `maskinporten-Integrations--AppB-${n.split("--").pop()}`, id: `${VAULT}/secrets/${n}`, parent: "maskinporten-Integrations--AppB" })),
        ]);
        expect(result.stdout.join("\n")).toContain(`${ADMIN} (role assignment at /subscriptions/${SUB}: Key Vault Administrator): assigned above the vault`);
        expect(result.stdout.join("\n")).toContain(`${APP} (role assignment at ${secretScoped.properties.scope}: Key Vault Secrets User): assigned to a part of the vault, which a grant cannot declare`);
        expect(result.stdout.join("\n")).not.toContain("Owner");
    });
});

describe("npm run adopt, live: a secret listing that fails is no empty vault", () => {
    it("exits 2, writing nothing, when the listing is refused, fails on a later page, or has an entry without a name", async () => {
        rbacVault = false;
        const lines: Record<string, string[]> = {};
        try {
            for (const way of ["forbidden", "second page fails", "nameless"] as const) {
                secretListing = way;
                const r = await adopt(["--stack", "tt02"], { tt02: baseConfig });
                expect(r.code, way).toBe(2);
                expect(() => r.yaml(), way).toThrow();
                lines[way] = r.stderr;
            }
        } finally {
            secretListing = "whole";
        }
        expect(lines.forbidden).toEqual([`reading vault ${VAULT_NAME} in ${VAULT}: listing its secrets: AuthorizationFailed (HTTP 403); the live read needs Reader on the vault`]);
        expect(lines["second page fails"]).toEqual([`reading vault ${VAULT_NAME} in ${VAULT}: listing its secrets: InternalServerError (HTTP 500)`]);
        expect(lines.nameless).toEqual([`vault ${VAULT_NAME}: secret list: entry 1 has neither a name nor a secret id`]);
    });
});

describe("npm run adopt, live: an Azure answer that links elsewhere, never ends, or hides what a role allows", () => {
    const hint = "try again, or read saved az output instead (--vault-json, --secrets-json and, for an RBAC vault, --role-assignments-json)";

    it("never sends the token to another host a page link names: exit 2, nothing written", async () => {
        rbacVault = false;
        secretListing = "next page elsewhere";
        try {
            const r = await adopt(["--stack", "tt02"], { tt02: baseConfig });
            expect(r.code).toBe(2);
            expect(() => r.yaml()).toThrow();
            expect(r.stderr).toEqual([`reading vault ${VAULT_NAME} in ${VAULT}: listing its secrets: Azure's answer links to another host (${elsewhereUrl}); the token goes only to ${endpoint}, so adopt stops; ${hint}`]);
        } finally {
            secretListing = "whole";
        }
        expect(tokensElsewhere).toEqual([]);
    });

    it("stops a listing that never ends after a bounded number of requests", async () => {
        rbacVault = false;
        secretListing = "endless";
        try {
            const r = await adopt(["--stack", "tt02"], { tt02: baseConfig }, { maxRequests: 20 });
            expect(r.code).toBe(2);
            expect(r.stderr).toEqual([`reading vault ${VAULT_NAME} in ${VAULT}: listing its secrets: more than 20 requests to Azure: a listing that does not end is no answer; ${hint}`]);
        } finally {
            secretListing = "whole";
        }
    });

    it("refuses a role definition answered without its permission list, rather than read it as a role that allows nothing", async () => {
        rbacVault = true;
        customRole = true;
        try {
            const rbacConfig = { ...baseConfig, keyVault: { subscriptionId: SUB, authorization: "rbac" }, accessGrants: [{ principalId: OPS, principalType: "Group", access: "read", reason: "Operations team reads secrets" }] };
            const r = await adopt(["--stack", "tt02"], { tt02: rbacConfig });
            expect(r.code).toBe(2);
            expect(r.stderr.join("\n")).toContain(`reading role definition ${CUSTOM_ROLE}: Azure's answer has no permission list, so what the role allows cannot be read`);
        } finally {
            customRole = false;
            rbacVault = false;
        }
    });
});

describe("npm run adopt, live: an Azure that answers slowly, never, or too much", () => {
    const hint = "try again, or read saved az output instead (--vault-json, --secrets-json and, for an RBAC vault, --role-assignments-json)";

    it("exits 2 with one line naming what it was reading, when the answer trickles in or never comes", async () => {
        rbacVault = false;
        const lines: Record<string, string[]> = {};
        try {
            for (const way of ["trickle", "silent"] as const) {
                vaultAnswer = way;
                const started = Date.now();
                const r = await adopt(["--stack", "tt02"], { tt02: baseConfig }, { timeoutMs: 1500 });
                expect(Date.now() - started, way).toBeLessThan(10_000);
                expect(r.code, way).toBe(2);
                expect(() => r.yaml(), way).toThrow();
                lines[way] = r.stderr;
            }
        } finally {
            vaultAnswer = "whole";
        }
        const line = `reading vault ${VAULT_NAME} in ${VAULT}: reading its properties: Azure did not answer GET ${VAULT} within 1.5 s; ${hint}`;
        expect(lines).toEqual({ trickle: [line], silent: [line] });
    });

    it("exits 2 with one line when an answer is larger than adopt reads", async () => {
        rbacVault = false;
        vaultAnswer = "huge";
        try {
            const r = await adopt(["--stack", "tt02"], { tt02: baseConfig }, { maxAnswerBytes: 64 * 1024 });
            expect(r.code).toBe(2);
            expect(r.stderr).toEqual([`reading vault ${VAULT_NAME} in ${VAULT}: reading its properties: Azure answered GET ${VAULT} with more than 0.0625 MiB; ${hint}`]);
        } finally {
            vaultAnswer = "whole";
        }
    });
});

describe("npm run adopt from saved az output", () => {
    function files(vault: unknown, secrets: unknown, assignments?: unknown): string[] {
        const dir = mkdtempSync(path.join(tmpdir(), "az-out-"));
        const write = (name: string, value: unknown) => {
            const file = path.join(dir, name);
            writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
            return file;
        };
        const args = ["--stack", "tt02", "--vault-json", write("vault.json", vault), "--secrets-json", write("secrets.json", secrets)];
        if (assignments !== undefined) args.push("--role-assignments-json", write("ra.json", assignments));
        return args;
    }
    // `az keyvault secret list` prints data-plane ids and no values; `az role assignment list` is flat.
    const azSecrets = secretNames.map((n) => ({ id: `https://${VAULT_NAME}.vault.azure.net/secrets/${n}`, contentType: null, attributes: { enabled: true }, tags: {} }));

    it("gives the same fragment and import file as the live read", async () => {
        rbacVault = false;
        const saved = await adopt(files(armVault(), azSecrets), { tt02: baseConfig });
        const live = await adopt(["--stack", "tt02"], { tt02: baseConfig });
        expect(saved.code).toBe(0);
        expect(saved.yaml()).toBe(live.yaml());
        expect(saved.imports()).toEqual(live.imports());
    });

    it("reads flat az role assignments", async () => {
        rbacVault = true;
        const flat = roleAssignments.map((a) => ({ id: a.id, name: a.name, ...a.properties, roleDefinitionName: "whatever" }));
        const rbacConfig = { ...baseConfig, keyVault: { subscriptionId: SUB, authorization: "rbac" }, accessGrants: [] };
        const r = await adopt(files(armVault(), azSecrets, flat), { tt02: rbacConfig });
        expect(r.code).toBe(0);
        expect((parse(r.yaml()) as { config: Record<string, { principalId: string }[]> }).config["altinn-app-secrets:accessGrants"].map((g) => g.principalId)).toEqual([OPS, HAND]);
    });

    it("exits 2 with one line per problem, naming the flag", async () => {
        rbacVault = true;
        const r = await adopt(files(armVault(), "not json"), { tt02: baseConfig });
        expect(r.code).toBe(2);
        expect(r.stderr).toEqual([
            expect.stringMatching(/^--secrets-json: .*secrets\.json is not valid JSON$/),
            "--role-assignments-json: required for an RBAC vault (save it: az role assignment list --scope <vault id> --include-inherited -o json)",
        ]);
        rbacVault = false;
        // Without the secret list adopt would take the vault to hold none, and leave existing secrets out of the import file.
        const noSecrets = await adopt(files(armVault(), []).filter((a, i, all) => a !== "--secrets-json" && all[i - 1] !== "--secrets-json"), { tt02: baseConfig });
        expect(noSecrets).toMatchObject({ code: 2, stderr: [`--secrets-json: required with --vault-json, or adopt would take the vault to hold no secrets (save it: az keyvault secret list --vault-name ${VAULT_NAME} -o json)`] });
        const wrong = await adopt(files({ id: "/subscriptions/x", properties: {} }, []), { tt02: baseConfig });
        expect(wrong.stderr).toEqual([
            "--vault-json: id is not a Key Vault resource ID (expected the output of az keyvault show)",
            "--vault-json: properties.tenantId is missing (expected the output of az keyvault show)",
            "--vault-json: properties.accessPolicies is missing, and the vault uses access policies: who has access cannot be read (expected the output of az keyvault show)",
        ]);
        // Without the list an access-policy vault would look like one nobody has access to; an RBAC vault ignores it.
        const { accessPolicies: _, ...withoutList } = armVault().properties;
        const unread = await adopt(files({ ...armVault(), properties: withoutList }, []), { tt02: baseConfig });
        expect(unread).toMatchObject({ code: 2, stderr: ["--vault-json: properties.accessPolicies is missing, and the vault uses access policies: who has access cannot be read (expected the output of az keyvault show)"] });
    });
});

describe("adopt command line", () => {
    it("as a command, answers -h without loading the Pulumi SDK or reading anything", async () => {
        const file = path.join(tmpdir(), `adopt-loaded-${process.pid}.json`);
        const run = await runScript("scripts/adopt/main.ts", ["-h"], { LOADED_MODULES_FILE: file, NODE_OPTIONS: `--require ${path.join(ROOT, "tests", "support", "fixtures", "loadedModules.cjs")}` });
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/^usage: npm run adopt -- --stack <name>/);
        expect(JSON.parse(readFileSync(file, "utf8"))).toEqual([]);
    });

    it("answers --help with the usage and does no work", async () => {
        const r = await runAdopt(["--help"], { root: ROOT, env: {} });
        expect(r.code).toBe(0);
        expect(r.stdout[0]).toMatch(/^usage: npm run adopt -- --stack <name> \[--out <dir>\]/);
        expect(r.stdout.join("\n")).toContain("-h, --help");
    });

    it("refuses unknown flags, a missing --stack, and a live read without a subscription", async () => {
        expect((await runAdopt(["--stak", "tt02"], { root: ROOT, env: {} })).stderr).toEqual([expect.stringMatching(/^Unknown option '--stak' \(did you mean --stack\?\); usage: npm run adopt -- --stack <name>/)]);
        expect((await runAdopt([], { root: ROOT, env: {} })).stderr).toEqual([expect.stringMatching(/^--stack is required; usage: npm run adopt/)]);
        const dir = writeStacks({ tt02: { org: "ttd", environment: "tt02" } });
        const r = await runAdopt(["--stack", "tt02", "--config-dir", dir, "--out", dir], { root: ROOT, env: {} });
        expect(r).toMatchObject({ code: 2, stderr: ["keyVault.subscriptionId: not set; set it in the stack file or export AZURE_SUBSCRIPTION_ID (or pass --vault-json)"] });
    });

    it("says how to sign in when no Azure credential gets a token, not 'ChainedTokenCredential authentication failed'", async () => {
        const { ChainedTokenCredential, CredentialUnavailableError } = await import("@azure/identity");
        // What DefaultAzureCredential is: a chain; here of one credential that finds no login, as on a fresh machine.
        const credential = new ChainedTokenCredential({
            getToken: async () => {
                throw new CredentialUnavailableError("AzureCliCredential: Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions.");
            },
        });
        const dir = writeStacks({ tt02: { org: "ttd", environment: "tt02" } });
        const r = await runAdopt(["--stack", "tt02", "--config-dir", dir, "--out", dir], { root: ROOT, env: { AZURE_SUBSCRIPTION_ID: "00000000-0000-4000-8000-000000000001" }, access: { credential, endpoint: "https://127.0.0.1:9", clientOptions: { retryOptions: { maxRetries: 0 } } } });
        expect(r.code).toBe(2);
        const text = r.stderr.join("\n");
        expect(text).toContain("reading vault ttd-tt02-apps-kv: not signed in to Azure");
        for (const way of ["az login", "AZURE_CLIENT_ID", "--vault-json <file>", "--secrets-json <file>", "--role-assignments-json <file>"]) expect(text).toContain(way);
        expect(text).not.toContain("ChainedTokenCredential");
        for (const line of r.stderr) expect(line.length).toBeLessThanOrEqual(100);
    });
});

describe("an adopted client's rotation", () => {
    const client = { section: "MaskinportenSettings", clientId: CLIENT_ID, format: "legacy" as const, scope: "s", exchangeToAltinnToken: true, retiredKeyGenerations: [], apps: ["app-a"] };
    it("stages generation 1 next to the adopted key, and says to delete the adopted key once apps run with the new one", async () => {
        const { rotationStatus } = await import("../../components/maskinporten/maskinportenClient");
        expect(rotationStatus({ ...client, keyGeneration: 0 })).toMatchObject({ state: "adopted", published: [0] });
        const staged = rotationStatus({ ...client, keyGeneration: 0, nextKeyGeneration: 1 });
        expect(staged.state).toBe("staged");
        expect(staged.nextStep).toContain("set maskinportenClients[section=MaskinportenSettings].keyGeneration: 1 and remove nextKeyGeneration");
        expect(staged.nextStep).toContain("delete the adopted key at Samarbeidsportalen");
    });
});
