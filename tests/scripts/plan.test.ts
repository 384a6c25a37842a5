import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_STACKS, RunResult, runPlan, runPlanProcess, writeStacks } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

const OPS = "11111111-2222-3333-4444-555555555555";

let tt02: RunResult;
let prod: RunResult;
let tt02Text: RunResult;
let bad: RunResult;
let missing: RunResult;

beforeAll(async () => {
    const dir = writeStacks({
        broken: {
            org: "TTD",
            environment: "at22",
            accessGrants: [{ principalId: "bob", access: "read", reason: "Operations" }, { principalId: OPS, access: "read", permissions: { secrets: ["get"] } }],
        },
    });
    [tt02, prod, tt02Text, bad, missing] = await Promise.all([
        runPlan(["--stack", "tt02", "--config-dir", EXAMPLE_STACKS, "--json"]),
        runPlan(["--stack", "prod", "--config-dir", EXAMPLE_STACKS, "--json"]),
        runPlan(["--stack", "tt02", "--config-dir", EXAMPLE_STACKS]),
        // Bad config as a real process: exit 2 and one line per error, no stack trace from Node.
        runPlanProcess(["--stack", "broken", "--config-dir", dir, "--json"]),
        runPlan(["--stack", "staging", "--config-dir", EXAMPLE_STACKS]),
    ]);
});

describe("plan --json for the example stacks", () => {
    it("exits 0 with the contract's keys for tt02", () => {
        expect(tt02.code).toBe(0);
        const report = JSON.parse(tt02.stdout);
        expect(Object.keys(report)).toEqual(expect.arrayContaining(["stack", "org", "environment", "resources", "secrets", "grants", "redeploys", "findings"]));
        expect(report).toMatchObject({ stack: "tt02", org: "ttd", environment: "tt02" });
        for (const key of ["resources", "secrets", "grants", "redeploys", "findings"]) expect(Array.isArray(report[key])).toBe(true);
    });

    it("lists tt02's access-policy grants with vault, principal, permissions and reason, unprotected", () => {
        const report = JSON.parse(tt02.stdout);
        const ops = report.grants.find((g: { principalId: string }) => g.principalId === OPS);
        expect(ops).toMatchObject({ vault: "ttd-tt02-apps-kv", authorization: "accessPolicy", access: "read", reason: 'Operations team, "Access to logs and secrets"', protect: false });
        const policies = report.resources.filter((r: { type: string }) => r.type === TYPES.accessPolicy);
        expect(policies.length).toBe(report.grants.length);
        expect(policies.every((r: { protect: boolean }) => !r.protect)).toBe(true);
    });

    it("shows a preset's effective permissions in the same field an explicit grant uses", () => {
        const report = JSON.parse(tt02.stdout);
        const byId = (id: string) => report.grants.find((g: { principalId: string }) => g.principalId === id);
        expect(byId(OPS)).toMatchObject({ access: "read", permissions: { secrets: ["get", "list"] } });
        expect(byId("22222222-3333-4444-5555-666666666666")).toMatchObject({ access: "write", permissions: { secrets: ["get", "list", "set", "delete"] } });
        const explicit = byId("66666666-7777-8888-9999-000000000000");
        expect(explicit.access).toBeUndefined();
        expect(explicit.permissions).toEqual({ secrets: ["get", "list"] });
    });

    it("lists prod's RBAC grants with role names, all protected", () => {
        expect(prod.code).toBe(0);
        const report = JSON.parse(prod.stdout);
        expect(report.grants.map((g: { role: string }) => g.role).sort()).toEqual(["Key Vault Reader", "Key Vault Secrets User"]);
        expect(report.grants.every((g: { protect: boolean; vault: string }) => g.protect && g.vault === "ttd-prod-apps-kv")).toBe(true);
        const assignments = report.resources.filter((r: { type: string }) => r.type === TYPES.roleAssignment);
        expect(assignments.length).toBe(2);
    });
});

describe("plan --json: Maskinporten clients and secrets", () => {
    it("lists every secret with vault, name, section, key and consuming apps, all values secret", () => {
        const report = JSON.parse(tt02.stdout);
        const names = report.secrets.map((s: { name: string }) => s.name);
        expect(names).toEqual([
            "ExternalApi--ApiKey",
            "Integrations--AppB--Authority",
            "Integrations--AppB--ClientId",
            "Integrations--AppB--JwkBase64",
            "MaskinportenClients--ServiceOwner--ClientId",
            "MaskinportenClients--ServiceOwner--EncodedJwk",
        ]);
        expect(report.secrets.find((s: { name: string }) => s.name === "MaskinportenClients--ServiceOwner--EncodedJwk")).toMatchObject({
            vault: "ttd-tt02-apps-kv", section: "MaskinportenClients--ServiceOwner", key: "EncodedJwk", apps: ["app-a", "app-b"], contentType: "application/jwk+json;base64", valueIsSecret: true,
        });
        expect(report.secrets.every((s: { valueIsSecret: boolean }) => s.valueIsSecret)).toBe(true);
    });

    it("says each client's rotation state and exports only public keys", () => {
        const report = JSON.parse(tt02.stdout);
        const staged = report.clients.find((c: { section: string }) => c.section === "Integrations--AppB");
        expect(staged).toMatchObject({ format: "builtin", state: "staged" });
        expect(staged.publicJwks.keys).toHaveLength(2);
        expect(staged.publicJwks.keys.map((k: { kid: string }) => k.kid)).toContain(staged.stagedKid);
        for (const k of staged.publicJwks.keys) expect(Object.keys(k).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
        expect(report.clients.find((c: { section: string }) => c.section === "MaskinportenClients--ServiceOwner").state).toBe("active");
    });

    it("gives each app the non-secret appsettings it needs", () => {
        const report = JSON.parse(tt02.stdout);
        expect(report.appSettings.find((a: { app: string }) => a.app === "app-a")).toEqual({
            app: "app-a",
            appsettings: { MaskinportenClients: { ServiceOwner: { Environment: "test", Scope: "altinn:serviceowner/instances.read", ExhangeToAltinnToken: true } } },
            vaultSecrets: ["ExternalApi--ApiKey", "MaskinportenClients--ServiceOwner--ClientId", "MaskinportenClients--ServiceOwner--EncodedJwk"],
        });
        const prodReport = JSON.parse(prod.stdout);
        expect(prodReport.appSettings[0].appsettings.MaskinportenClients.ServiceOwner.Environment).toBe("prod");
        expect(prodReport.secrets.every((s: { protect: boolean }) => s.protect)).toBe(true);
    });
});

describe("plan text output", () => {
    it("is a grouped summary, not JSON", () => {
        expect(tt02Text.code).toBe(0);
        expect(tt02Text.stdout).toMatch(/^Plan for stack tt02: org ttd, environment tt02/);
        expect(tt02Text.stdout).toContain("Access grants (3)");
        expect(tt02Text.stdout).toContain(`${TYPES.accessPolicy} (3)`);
        expect(() => JSON.parse(tt02Text.stdout)).toThrow();
    });
});

describe("plan on bad input", () => {
    it("exits 2 with one line per error, each naming its key, and no stack trace; with --json also as JSON on stdout", () => {
        expect(bad.code).toBe(2);
        const lines = bad.stderr.trim().split("\n");
        expect(JSON.parse(bad.stdout)).toEqual({ exitCode: 2, errors: lines });
        expect(lines).toEqual([
            'org: "TTD" is not a service owner code (lower-case letters and digits, 2-20, e.g. "ttd")',
            'environment: "at22" is not one of tt02, prod',
            'accessGrants[0].principalId: "bob" is not an Entra object ID (GUID)',
            "accessGrants[1].reason: is required",
            "accessGrants[1]: only one of access and permissions can be specified",
        ]);
        expect(bad.stderr).not.toMatch(/\n\s+at /);
    });

    it("exits 2 naming the missing stack file for an unknown stack", () => {
        expect(missing.code).toBe(2);
        expect(missing.stderr.trim()).toMatch(/^Pulumi\.staging\.yaml not found: no stack named "staging" in .* \(stacks here: prod, tt02\)$/);
    });

    it("suggests the stack meant when a name is mistyped", async () => {
        const typo = await runPlan(["--stack", "tt2", "--config-dir", EXAMPLE_STACKS]);
        expect(typo.code).toBe(2);
        expect(typo.stderr.trim()).toMatch(/ \(did you mean tt02\? stacks here: prod, tt02\)$/);
        expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    });

    it("names a few of the stacks there, not every file of a crowded folder", async () => {
        const dir = writeStacks(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`s${String(i).padStart(150, "0")}`, { org: "ttd" }])));
        const typo = await runPlan(["--stack", "tt2", "--config-dir", dir]);
        expect(typo.code).toBe(2);
        expect(typo.stderr.length).toBeLessThan(1500);
        expect(typo.stderr.trim()).toMatch(/\.\.\. and 290 more\)$/);
    });

    it("cuts a key longer than any the schema knows, so that its error stays a line or two", async () => {
        const long = "k".repeat(200_000);
        const dir = writeStacks({ many: { org: "ttd", environment: "tt02", keyVault: { [long]: 1 }, [`${long}x:y`]: 1 } });
        const run = await runPlan(["--stack", "many", "--config-dir", dir]);
        expect(run.code).toBe(2);
        expect(run.stderr.length).toBeLessThan(1000);
        expect(run.stderr).toContain(`keyVault["${"k".repeat(100)}... (200000 characters)"]: unknown key`);
    });

    it("prints every problem to a pipe, however many (process.exit does not cut stderr short)", async () => {
        const keys = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`no-such-namespace-${i}:a-key-long-enough-to-fill-the-line-${i}`, 1]));
        const run = await runPlanProcess(["--stack", "many", "--config-dir", writeStacks({ many: { org: "ttd", environment: "tt02", ...keys } })]);
        expect(run.code).toBe(2);
        expect(run.stderr.length).toBeGreaterThan(65536);
        expect(run.stderr).toContain("no-such-namespace-1499:a-key-long-enough-to-fill-the-line-1499");
    });
});

describe("plan text output reads well at 100 columns", () => {
    const lines = () => tt02Text.stdout.split("\n");

    it("keeps every line within 100 columns", () => {
        expect(lines().filter((l) => l.length > 100)).toEqual([]);
    });

    it("names a principal at most once per line and shows no resource URNs", () => {
        for (const line of lines()) {
            for (const id of line.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []) expect(line.split(id).length - 1).toBe(1);
            expect(line).not.toMatch(/[\w-]+:[\w/]+:\w+::/); // type::name resource ids
            expect(line).not.toContain("urn:pulumi");
        }
        expect(tt02Text.stdout).toContain("[advisory] write-access-reviewed: grant for 22222222-3333-4444-5555-666666666666\n");
    });

    it("has no colour when stdout is not a terminal", () => {
        expect(tt02Text.stdout).not.toContain("\x1b[");
    });

    it("labels every kid as an offline placeholder, in the text and in the JSON", () => {
        const report = JSON.parse(tt02.stdout);
        for (const c of report.clients) {
            expect(c.placeholderKids.sort()).toEqual(c.publicJwks.keys.map((k: { kid: string }) => k.kid).sort());
            expect(tt02Text.stdout).toContain(`active kid ${c.activeKid} (placeholder)`);
        }
        const withKid = report.secrets.filter((s: { kid?: string }) => s.kid);
        expect(withKid.length).toBeGreaterThan(0);
        expect(withKid.every((s: { kidIsPlaceholder?: boolean }) => s.kidIsPlaceholder)).toBe(true);
    });

    it("leaves a section with no non-secret settings (builtin) out of appsettings", () => {
        const report = JSON.parse(tt02.stdout);
        const appB = report.appSettings.find((a: { app: string }) => a.app === "app-b");
        expect(Object.keys(appB.appsettings)).toEqual(["MaskinportenClients"]);
        expect(tt02Text.stdout).not.toContain("{}");
    });
});

describe("plan text for an adopted client", () => {
    it("asks for no public key to register when the only client keeps its adopted key (keyGeneration 0)", async () => {
        const client = { section: "MaskinportenClients--ServiceOwner", clientId: "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", format: "legacy", scope: "altinn:serviceowner", keyGeneration: 0, apps: ["app-a"] };
        const dir = writeStacks({ adopted: { org: "ttd", environment: "tt02", redeploy: { enabled: false }, maskinportenClients: [client] }, staged: { org: "ttd", environment: "tt02", redeploy: { enabled: false }, maskinportenClients: [{ ...client, nextKeyGeneration: 1 }] } });
        const [adopted, staged] = [await runPlan(["--stack", "adopted", "--config-dir", dir]), await runPlan(["--stack", "staged", "--config-dir", dir])];
        expect(adopted.code).toBe(0);
        expect(adopted.stdout).toContain("active key: the one already in the vault");
        expect(adopted.stdout).not.toContain("register by hand");
        // Once a key of its own is staged, there is one to register.
        expect(staged.stdout).toContain("The public keys to register by hand");
    });
});
