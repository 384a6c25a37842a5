import { describe, expect, it } from "vitest";
import { evaluateRules } from "../../policy/evaluate";
import type { PolicyResource } from "../../core/policy/rule";
import { ALL_RULES } from "../../policy/rules";
import { TYPES } from "../../core/resourceNames";
import { runPlan, runReview, writeStacks } from "../support/helpers";

const CLIENT_ID = "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b";
const client = (props: Record<string, unknown>): PolicyResource => ({
    type: TYPES.maskinportenClient,
    name: "maskinporten-x",
    id: `${TYPES.maskinportenClient}::maskinporten-x`,
    props: { section: "Partner--Skatt", clientId: CLIENT_ID, format: "legacy", apps: ["app-a"], ...props },
    protect: false,
});
const findings = (props: Record<string, unknown>, rule: string) => evaluateRules([client(props)], { environment: "tt02" }, [], ALL_RULES.filter((r) => r.id === rule));

describe("maskinporten-own-section", () => {
    it("is advisory on a client stored under MaskinportenSettings, in any case, and explains the collision", () => {
        for (const section of ["MaskinportenSettings", "maskinportensettings"]) {
            const [f, ...rest] = findings({ section }, "maskinporten-own-section");
            expect(rest).toEqual([]);
            expect(f).toMatchObject({ policy: "maskinporten-own-section", level: "advisory", secretName: `${section}--ClientId` });
            expect(f.message).toContain("merge key by key with the settings Studio mounts, into credentials of neither client");
            expect(f.message).toContain("in v9 they have no effect for the app's own client");
            expect(f.message).toContain("MaskinportenClients--<Name> or <Name>Maskinporten");
            expect(f.message).toContain("Altinn.ApiClients.Maskinporten");
        }
        expect(findings({ section: "MaskinportenSettings", format: "builtin" }, "maskinporten-own-section")[0].message).toContain("the builtin format is v8 only");
    });

    it("is advisory on an app secret stored under MaskinportenSettings, naming the secret", () => {
        const secret = (section: string): PolicyResource => ({ type: TYPES.appSecret, name: "s", id: `${TYPES.appSecret}::s`, props: { section, key: "ClientId", apps: ["app-a"] }, protect: false });
        const of = (section: string) => evaluateRules([secret(section)], { environment: "tt02" }, [], ALL_RULES.filter((r) => r.id === "maskinporten-own-section"));
        const [f, ...rest] = of("MaskinportenSettings");
        expect(rest).toEqual([]);
        expect(f).toMatchObject({ level: "advisory", secretName: "MaskinportenSettings--ClientId" });
        expect(f.message).toContain("the vault's MaskinportenSettings--ClientId merges with the settings Studio mounts");
        expect(of("ExternalApi")).toEqual([]);
    });

    it("is silent on a section of its own, nested ones included", () => {
        for (const section of ["Partner--Skatt", "SkattMaskinporten", "MaskinportenClients--Skatt"]) expect(findings({ section }, "maskinporten-own-section")).toEqual([]);
    });

    it("the suggested names are sections the config accepts", async () => {
        const { sectionProblem } = await import("../../core/vault/naming");
        expect([sectionProblem("MaskinportenClients--Skatt"), sectionProblem("SkattMaskinporten")]).toEqual([undefined, undefined]);
    });
});

describe("maskinporten-client-id-format", () => {
    it("is advisory on a client ID that is not a UUID, silent on a UUID and on a client self-service registers", () => {
        expect(findings({ clientId: "my-client" }, "maskinporten-client-id-format")).toEqual([
            expect.objectContaining({ level: "advisory", detail: 'ClientId::"my-client"', secretName: "Partner--Skatt--ClientId", message: expect.stringContaining("copy the client's ID (a UUID) from Samarbeidsportalen") }),
        ]);
        expect(findings({ clientId: CLIENT_ID.toUpperCase() }, "maskinporten-client-id-format")).toEqual([]);
        expect(findings({ clientId: undefined }, "maskinporten-client-id-format")).toEqual([]);
    });

    it("is advisory on an admin client ID that is not a UUID, on the self-service registration", () => {
        const registration = (adminClientId: string): PolicyResource => ({
            type: TYPES.maskinportenRegistration,
            name: "maskinporten-x-registration",
            id: `${TYPES.maskinportenRegistration}::maskinporten-x-registration`,
            props: { adminClientId, clientId: CLIENT_ID },
            protect: false,
        });
        const of = (adminClientId: string) => evaluateRules([registration(adminClientId)], { environment: "tt02" }, [], ALL_RULES.filter((r) => r.id === "maskinporten-client-id-format"));
        expect(of("my-admin-client")).toEqual([
            expect.objectContaining({ level: "advisory", detail: 'AdminClientId::"my-admin-client"', setting: "maskinporten.selfService.adminClientId", message: expect.stringContaining('The admin client ID is "my-admin-client"') }),
        ]);
        expect(of(CLIENT_ID)).toEqual([]);
    });
});

describe("plan and review show both", () => {
    const stack = {
        org: "ttd",
        environment: "tt02",
        maskinportenClients: [{ section: "MaskinportenSettings", clientId: "my-client", scope: "altinn:serviceowner/instances.read", apps: ["app-a"] }],
    };

    it("plan --json lists them as advisory findings and exits 0", async () => {
        const run = await runPlan(["--stack", "tt02", "--json", "--config-dir", writeStacks({ tt02: stack })]);
        expect(run.code).toBe(0);
        const policies = (JSON.parse(run.stdout) as { findings: { policy: string; level: string }[] }).findings.map((f) => `${f.level} ${f.policy}`);
        expect(policies).toEqual(expect.arrayContaining(["advisory maskinporten-own-section", "advisory maskinporten-client-id-format"]));
    });

    it("plan --json names an admin client ID that is not a UUID", async () => {
        const selfService = { ...stack, maskinporten: { selfService: { adminClientId: "my-admin-client" } }, maskinportenClients: [{ section: "Partner", register: true, scope: "altinn:serviceowner/instances.read", apps: ["app-a"] }] };
        const run = await runPlan(["--stack", "tt02", "--json", "--config-dir", writeStacks({ tt02: selfService })]);
        expect(run.code).toBe(0);
        const found = (JSON.parse(run.stdout) as { findings: { policy: string; setting?: string }[] }).findings.filter((f) => f.policy === "maskinporten-client-id-format");
        expect(found).toEqual([expect.objectContaining({ setting: "maskinporten.selfService.adminClientId" })]);
    });

    it("the review lists them too", async () => {
        const run = await runReview(["--stack", "tt02", "--config-dir", writeStacks({ tt02: stack })]);
        expect(run.code).toBe(0);
        expect(run.stdout).toContain("maskinporten-own-section");
        expect(run.stdout).toContain("maskinporten-client-id-format");
    });
});
