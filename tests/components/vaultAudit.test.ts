/**
 * The program under mocks whose getVault answers with an RBAC vault and whose role assignments
 * come from a fake ARM on 127.0.0.1: managed and unmanaged entries, as `pulumi preview` sees them.
 */
import { createServer, IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES, roleAssignmentName, roleDefinitionResourceId, vaultResourceId } from "../../core/vault/roles";
import * as pulumi from "@pulumi/pulumi";
import { accessPoliciesOf, armBaseUrl, listVaultRoleAssignments, roleAssignmentsForAudit, MAX_ARM_BODY_BYTES, MAX_PAGES, MAX_UNKNOWN_ROLES } from "../../components/keyvault/vaultAudit";
import { installMocks, MOCK_CLIENT_CONFIG, RecordedResource, settle, valueOf } from "../../scripts/offline/mocks";
import { policyResources } from "../../scripts/offline/findings";
import { evaluateRules } from "../../policy/evaluate";
import { rawConfig } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

const SUB = MOCK_CLIENT_CONFIG.subscriptionId;
const VAULT = vaultResourceId(SUB, "altinnapps-ttd-tt02-rg", "ttd-tt02-apps-kv");
const OPS = "11111111-2222-3333-4444-555555555555";
const HAND = "66666666-7777-8888-9999-000000000000";
const CUSTOM_READER = "77777777-0000-0000-0000-000000000001";
const SECRET_READER = "88888888-0000-0000-0000-000000000001";
const TOKEN = "fake-arm-token-9f8e7d6c5b4a";
const customRole = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/99999999-0000-0000-0000-000000000002`;
const ra = (name: string, principalId: string, roleDefinitionId: string, scope = VAULT) => ({
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    properties: { scope, principalId, principalType: "Group", roleDefinitionId },
});
/** A hand-made assignment the stack adopted: the grant carries its Azure name. */
const managedName = "2c9f1e7a-5b3d-4e8f-9a1b-6c7d8e9f0a1b";

let server: Server;
const requests: { url: string; auth?: string }[] = [];
let resources: RecordedResource[];
let program: Record<string, unknown>;

beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
        requests.push({ url: req.url ?? "", auth: req.headers.authorization });
        const url = new URL(req.url ?? "/", "http://x");
        res.setHeader("content-type", "application/json");
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end("{}");
        if (url.pathname === `${VAULT}/providers/Microsoft.Authorization/roleAssignments` && url.searchParams.get("$filter") === "atScope()") {
            if (!url.searchParams.get("page")) {
                return void res.end(JSON.stringify({
                    value: [ra(managedName, OPS, roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets User"])), ra("hand-made", HAND, roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets Officer"]))],
                    nextLink: `http://${req.headers.host}${url.pathname}?api-version=2022-04-01&$filter=atScope()&page=2`,
                }));
            }
            return void res.end(JSON.stringify({
                value: [
                    ra("sub-owner", HAND, roleDefinitionResourceId(SUB, BUILTIN_ROLES.Owner), `/subscriptions/${SUB}`),
                    ra("custom", CUSTOM_READER, customRole, `/subscriptions/${SUB}/resourceGroups/altinnapps-ttd-tt02-rg`),
                ],
            }));
        }
        if (url.pathname === `${VAULT}/providers/Microsoft.Authorization/roleAssignments` && !url.searchParams.has("$filter")) {
            // Unfiltered, ARM adds the scopes below the vault: here one secret, beside one listed above too.
            return void res.end(JSON.stringify({
                value: [
                    ra("hand-made", HAND, roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets Officer"])),
                    ra("one-secret", SECRET_READER, roleDefinitionResourceId(SUB, BUILTIN_ROLES["Key Vault Secrets User"]), `${VAULT}/secrets/MaskinportenSettings--EncodedJwk`),
                ],
            }));
        }
        if (url.pathname === customRole) {
            return void res.end(JSON.stringify({ properties: { permissions: [{ actions: [], dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action"] }] } }));
        }
        res.writeHead(404).end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    process.env.ALTINN_ARM_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    resources = installMocks({
        project: "altinn-app-secrets",
        stack: "tt02",
        config: rawConfig({
            org: "ttd",
            environment: "tt02",
            keyVault: { authorization: "rbac", unmanagedAccess: "fail" },
            accessGrants: [{ principalId: OPS, principalType: "Group", access: "read", roleAssignmentName: managedName, reason: "Operations team reads secrets" }],
        }),
        vault: { tenantId: MOCK_CLIENT_CONFIG.tenantId, enableRbacAuthorization: true, accessPolicies: [] },
        armToken: TOKEN,
    });
    program = (await import("../../index")) as Record<string, unknown>;
    await settle();
});

afterAll(() => {
    delete process.env.ALTINN_ARM_URL;
    server.close();
});

describe("the audit in preview", () => {
    it("exports unmanagedAccess: hand-made data access at, above and below the vault (one secret), not the declared grant, not control-plane roles", async () => {
        expect(await valueOf(program.unmanagedAccess as never)).toEqual([
            { principalId: HAND, role: "Key Vault Secrets Officer", source: VAULT, roleAssignmentId: `${VAULT}/providers/Microsoft.Authorization/roleAssignments/hand-made` },
            {
                principalId: CUSTOM_READER,
                role: "99999999-0000-0000-0000-000000000002",
                source: `/subscriptions/${SUB}/resourceGroups/altinnapps-ttd-tt02-rg`,
                roleAssignmentId: `/subscriptions/${SUB}/resourceGroups/altinnapps-ttd-tt02-rg/providers/Microsoft.Authorization/roleAssignments/custom`,
            },
            {
                principalId: SECRET_READER,
                role: "Key Vault Secrets User",
                source: `${VAULT}/secrets/MaskinportenSettings--EncodedJwk`,
                roleAssignmentId: `${VAULT}/secrets/MaskinportenSettings--EncodedJwk/providers/Microsoft.Authorization/roleAssignments/one-secret`,
            },
        ]);
    });

    it("lists role assignments at the vault's scope (atScope(), following nextLink, then unfiltered) with the deploying identity's token", () => {
        expect(requests.map((r) => { const u = new URL(r.url, "http://x"); return `${u.pathname}${u.searchParams.has("$filter") ? ` ${u.searchParams.get("$filter")}` : ""}`; })).toEqual([
            `${VAULT}/providers/Microsoft.Authorization/roleAssignments atScope()`,
            `${VAULT}/providers/Microsoft.Authorization/roleAssignments atScope()`,
            `${VAULT}/providers/Microsoft.Authorization/roleAssignments`,
            customRole,
        ]);
        expect(requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
    });

    it("with keyVault.unmanagedAccess: fail, each unmanaged principal is a mandatory finding", () => {
        const findings = evaluateRules(policyResources(resources), {}).filter((f) => f.policy === "unmanaged-access");
        expect(findings.map((f) => [f.level, f.principalId])).toEqual([["mandatory", HAND], ["mandatory", CUSTOM_READER], ["mandatory", SECRET_READER]]);
        expect(evaluateRules(policyResources(resources), {}).filter((f) => f.policy === "vault-matches-config")).toEqual([]);
    });

    it("declares an adopted grant's role assignment under its Azure name, so importing it does not replace it", () => {
        const declared = resources.filter((r) => r.type === TYPES.roleAssignment);
        expect(declared.map((r) => [r.name, r.inputs.roleAssignmentName])).toEqual([[`vault-${OPS}-role`, managedName]]);
        expect(roleAssignmentName(VAULT, OPS, BUILTIN_ROLES["Key Vault Secrets User"])).not.toBe(managedName);
    });

    it("keeps the ARM token out of every resource and output", async () => {
        const everything = JSON.stringify(resources) + JSON.stringify(await valueOf(program.unmanagedAccess as never));
        expect(everything).not.toContain(TOKEN);
    });

    it("refuses a plain-http ARM URL except on loopback", () => {
        expect(() => armBaseUrl("http://management.example")).toThrow("ALTINN_ARM_URL: \"http://management.example\" must be https (plain http only on a loopback host)");
        expect(armBaseUrl(undefined)).toBe(process.env.ALTINN_ARM_URL);
        expect(armBaseUrl("")).toBe("https://management.azure.com");
    });
});

describe("the audit against a misbehaving ARM", () => {
    let arm: Server;
    let other: Server;
    let base: string;
    let otherBase: string;
    const seen: { host: string; authorization?: string }[] = [];
    type Answer = (req: IncomingMessage, res: import("node:http").ServerResponse) => void;
    let answer: Answer = (_req, res) => res.end("{}");

    beforeAll(async () => {
        const listen = async (s: Server) => {
            await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
            return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
        };
        arm = createServer((req, res) => answer(req, res));
        other = createServer((req, res) => {
            seen.push({ host: String(req.headers.host), authorization: req.headers.authorization });
            res.end(JSON.stringify({ value: [] }));
        });
        base = await listen(arm);
        otherBase = await listen(other);
    });
    afterAll(() => {
        arm.closeAllConnections();
        arm.close();
        other.close();
    });

    // Generous for answers (a loaded CI machine is slow), short only where nothing will answer.
    const list = (timeoutMs = 10_000) => listVaultRoleAssignments(base, TOKEN, VAULT, { timeoutMs });

    it("never sends the token to another host a nextLink or a redirect names", async () => {
        answer = (_req, res) => res.end(JSON.stringify({ value: [], nextLink: `${otherBase}/steal` }));
        await expect(list()).rejects.toThrow(`vault audit: ARM answered with a link to another host (${otherBase})`);
        answer = (_req, res) => res.writeHead(307, { location: `${otherBase}/steal` }).end();
        await expect(list()).rejects.toThrow(/^vault audit: GET \/subscriptions\/.*\/roleAssignments failed: fetch failed$/);
        expect(seen).toEqual([]);
    });

    it("gives one line for a body that is not JSON, not a list, or too large, and for a server that does not answer", async () => {
        answer = (_req, res) => res.end("<html>gateway</html>");
        await expect(list()).rejects.toThrow(/^vault audit: GET \S+ answered something that is not a JSON object$/);
        answer = (_req, res) => res.end(JSON.stringify({ value: { not: "a list" } }));
        await expect(list()).rejects.toThrow("vault audit: the role assignment listing is not a list of objects");
        answer = (_req, res) => res.end(JSON.stringify({ value: [null] }));
        await expect(list()).rejects.toThrow("vault audit: the role assignment listing is not a list of objects");
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        answer = (_req, res) => {
            for (let i = 0; i <= MAX_ARM_BODY_BYTES / chunk.length; i++) res.write(chunk);
            res.end();
        };
        await expect(list()).rejects.toThrow(/^vault audit: GET \S+ answered more than 16 MiB$/);
        answer = () => undefined; // never answers
        await expect(list(300)).rejects.toThrow(/^vault audit: GET \S+ did not answer within 0\.3 s$/);
    });

    it("in the program, fails with the one line as a RunError, which Pulumi prints without a stack trace", async () => {
        answer = (_req, res) => res.writeHead(403).end("{}");
        const previous = process.env.ALTINN_ARM_URL;
        process.env.ALTINN_ARM_URL = base;
        try {
            const error = await roleAssignmentsForAudit(TOKEN, VAULT, { timeoutMs: 10_000 }).then(() => undefined, (e: unknown) => e);
            expect(pulumi.RunError.isInstance(error)).toBe(true);
            expect((error as Error).message).toMatch(/^vault audit: GET \S+ answered HTTP 403; the deploying identity needs Microsoft\.Authorization\/roleAssignments\/read and roleDefinitions\/read on the vault$/);
            process.env.ALTINN_ARM_URL = "http://management.example";
            const badUrl = await roleAssignmentsForAudit(TOKEN, VAULT).then(() => undefined, (e: unknown) => e);
            expect(pulumi.RunError.isInstance(badUrl)).toBe(true);
            expect((badUrl as Error).message).toBe('ALTINN_ARM_URL: "http://management.example" must be https (plain http only on a loopback host)');
        } finally {
            process.env.ALTINN_ARM_URL = previous;
        }
    });

    it("refuses a listing whose entries cannot be believed or shown, and a role definition whose permissions are not a list", async () => {
        const entry = (extra: Record<string, unknown>) => ({
            id: `${VAULT}/providers/Microsoft.Authorization/roleAssignments/a1`,
            properties: { principalId: "11111111-2222-3333-4444-555555555555", roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/r1", scope: VAULT, ...extra },
        });
        for (const [extra, why] of [
            [{ principalId: "someone" }, 'entry 0: principalId "someone" is not a GUID'],
            [{ principalType: "User\u001b[31m" }, "entry 0: principalType \"User\\u001b[31m\" contains a control character"],
            [{ scope: `${VAULT}\u202e` }, "contains a bidirectional control character"],
            [{ roleDefinitionId: undefined }, "entry 0 lacks id, principalId, roleDefinitionId or scope"],
        ] as const) {
            answer = (_req, res) => res.end(JSON.stringify({ value: [entry(extra)] }));
            const error = await list().then(() => undefined, (e: unknown) => e as Error);
            expect(error?.message).toMatch(/^vault audit: the role assignment listing cannot be believed: /);
            expect(error?.message).toContain(why);
            expect(error?.message).not.toMatch(/[\u0000-\u001f\u202e]/);
        }
        // Entries without an id would be kept once, as one: the second one's access hidden.
        const idless = (principalId: string) => ({ properties: { ...entry({}).properties, principalId } });
        answer = (_req, res) => res.end(JSON.stringify({ value: [idless("11111111-2222-3333-4444-555555555555"), idless("66666666-7777-8888-9999-000000000000")] }));
        await expect(list()).rejects.toThrow("vault audit: the role assignment listing cannot be believed: entry 0 lacks id, principalId, roleDefinitionId or scope (and 1 more)");
        // Thousands of custom roles: one request each is refused up front.
        const many = Array.from({ length: MAX_UNKNOWN_ROLES + 1 }, (_, i) => ({
            id: `${VAULT}/providers/Microsoft.Authorization/roleAssignments/c${i}`,
            properties: { ...entry({}).properties, roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/custom-${i}` },
        }));
        let definitionsAsked = 0;
        answer = (req, res) => {
            if (req.url?.includes("roleDefinitions")) definitionsAsked++;
            res.end(JSON.stringify({ value: many }));
        };
        await expect(list()).rejects.toThrow(`vault audit: the role assignments name more than ${MAX_UNKNOWN_ROLES} roles that are not Key Vault's own`);
        expect(definitionsAsked).toBe(0);
        for (const definition of [{ properties: { permissions: { dataActions: "all" } } }, { id: "no properties" }, { properties: { roleName: "Custom" } }, { properties: { permissions: [null] } }]) {
            answer = (req, res) => res.end(JSON.stringify(req.url?.includes("roleDefinitions") ? definition : { value: [entry({})] }));
            await expect(list(), JSON.stringify(definition)).rejects.toThrow("vault audit: a role definition's permissions are not a list of {dataActions: [names]}; the audit cannot tell what the role allows");
        }
    });

    it("refuses to pass with a listing cut short: more pages than it reads is an error", async () => {
        let pages = 0;
        answer = (req, res) => {
            pages++;
            res.end(JSON.stringify({ value: [], nextLink: `${base}${new URL(`http://x${req.url}`).pathname}?page=${pages}` }));
        };
        await expect(list()).rejects.toThrow(`vault audit: more than ${MAX_PAGES} pages of role assignments; the audit cannot be complete`);
        expect(pages).toBe(MAX_PAGES);
    });
});

describe("getVault's answer without an access policy list", () => {
    const answer = (properties: Record<string, unknown>) => ({ id: VAULT, name: "ttd-tt02-apps-kv", properties: { tenantId: MOCK_CLIENT_CONFIG.tenantId, ...properties } }) as unknown as Parameters<typeof accessPoliciesOf>[0];

    it("is no answer for a vault that uses access policies: the audit stops rather than find nobody with access", () => {
        for (const accessPolicies of [undefined, null]) {
            expect(() => accessPoliciesOf(answer({ enableRbacAuthorization: false, accessPolicies }))).toThrow(/^keyVault: .*no access policy list, and the vault uses access policies: who has access cannot be read$/);
        }
        expect(accessPoliciesOf(answer({ enableRbacAuthorization: false, accessPolicies: [] }))).toEqual([]);
    });

    it("is none on an RBAC vault, where Azure ignores access policies", () => {
        expect(accessPoliciesOf(answer({ enableRbacAuthorization: true }))).toEqual([]);
    });
});
