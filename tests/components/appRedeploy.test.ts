import { beforeAll, describe, expect, it } from "vitest";
import { secretsByApp } from "../../components/studio/appRedeploy";
import { evaluateConfig, Evaluation } from "../../scripts/offline/evaluate";
import { plain, RecordedResource } from "../../scripts/offline/mocks";
import { EXAMPLE_STACKS, rawConfig, ROOT, RunResult, runPlan, writeStacks } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

const KEY = "studio-key-must-not-reach-state-51c2";

const config = {
    org: "ttd",
    environment: "tt02",
    maskinportenClients: [{ section: "MaskinportenSettings", clientId: "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b", scope: "altinn:serviceowner/instances.read", apps: ["app-a", "app-b"] }],
    appSecrets: [
        { section: "ExternalApi", key: "ApiKey", value: "value-one", apps: ["app-a"] },
        { section: "Other", key: "Password", value: "value-two", apps: ["app-c"] },
    ],
};

let ev: Evaluation;

function commandFor(app: string): RecordedResource {
    return ev.resources.find((r) => r.type === TYPES.command && (r.inputs.environment as Record<string, string>).ALTINN_APP === app)!;
}

function versionOf(secretName: string): string {
    const secret = ev.resources.find((r) => r.type === TYPES.secret && r.inputs.secretName === secretName)!;
    return String((plain(secret.state.properties) as Record<string, string>).secretUriWithVersion);
}

beforeAll(async () => {
    process.env.ALTINN_STUDIO_API_KEY = KEY;
    ev = await evaluateConfig(ROOT, { project: "altinn-app-secrets", stack: "tt02", config: rawConfig(config), secretKeys: ["altinn-app-secrets:appSecrets"] });
});

describe("redeploys under mocks", () => {
    it("declares one command per app that reads a secret, whatever the number of secrets", () => {
        const commands = ev.resources.filter((r) => r.type === TYPES.command);
        expect(commands.map((c) => (c.inputs.environment as Record<string, string>).ALTINN_APP).sort()).toEqual(["app-a", "app-b", "app-c"]);
    });

    it("triggers each on exactly the versions of the secrets that app reads", () => {
        expect(commandFor("app-a").inputs.triggers).toEqual(["ExternalApi--ApiKey", "MaskinportenSettings--ClientId", "MaskinportenSettings--EncodedJwk"].map(versionOf));
        expect(commandFor("app-b").inputs.triggers).toEqual(["MaskinportenSettings--ClientId", "MaskinportenSettings--EncodedJwk"].map(versionOf));
        expect(commandFor("app-c").inputs.triggers).toEqual([versionOf("Other--Password")]);
    });

    it("runs the shipped script with org, app, Studio env name and URL, and no API key anywhere", () => {
        expect(commandFor("app-a").inputs).toMatchObject({
            create: "node scripts/redeploy.mjs",
            environment: { ALTINN_ORG: "ttd", ALTINN_APP: "app-a", ALTINN_ENV: "tt02", ALTINN_STUDIO_URL: "https://altinn.studio" },
        });
        expect(Object.keys(commandFor("app-a").inputs.environment as object).sort()).toEqual(["ALTINN_APP", "ALTINN_ENV", "ALTINN_ORG", "ALTINN_STUDIO_URL"]);
        for (const r of ev.resources) expect(JSON.stringify(plain(r.inputs))).not.toContain(KEY);
    });

    it("groups secrets by app, sorted, each app once", () => {
        expect([...secretsByApp([{ secretName: "B--x", apps: ["b", "a"] }, { secretName: "A--y", apps: ["a"] }, { secretName: "A--y", apps: ["a"] }])]).toEqual([
            ["a", ["A--y", "B--x"]],
            ["b", ["B--x"]],
        ]);
    });
});

describe("redeploys in the plan", () => {
    const secretsOnly = (value: string, enabled = true) => ({
        org: "ttd",
        environment: "tt02",
        appSecrets: [
            { section: "ExternalApi", key: "ApiKey", value: { secure: value }, apps: ["app-a"] },
            { section: "Other", key: "Password", value: { secure: "v1:unchanged" }, apps: ["app-b"] },
        ],
        redeploy: { enabled },
    });
    let before: RunResult;
    let after: RunResult;
    let manual: RunResult;
    let prod: RunResult;

    beforeAll(async () => {
        const dir = writeStacks({ before: secretsOnly("v1:first"), after: secretsOnly("v1:second"), manual: secretsOnly("v1:first", false) });
        [before, after, manual, prod] = await Promise.all([
            runPlan(["--stack", "before", "--config-dir", dir, "--json"]),
            runPlan(["--stack", "after", "--config-dir", dir, "--json"]),
            runPlan(["--stack", "manual", "--config-dir", dir]),
            runPlan(["--stack", "prod", "--config-dir", EXAMPLE_STACKS, "--json"]),
        ]);
    });

    it("changes only the triggers of the apps that read a changed secret", () => {
        const triggers = (r: RunResult) => Object.fromEntries(JSON.parse(r.stdout).redeploys.map((d: { app: string; triggers: string[] }) => [d.app, d.triggers]));
        const [b, a] = [triggers(before), triggers(after)];
        expect(a["app-a"]).not.toEqual(b["app-a"]);
        expect(a["app-b"]).toEqual(b["app-b"]);
    });

    it("lists the manual redeploys and declares no command when redeploy is disabled", () => {
        expect(manual.code).toBe(0);
        expect(manual.stdout).not.toContain(TYPES.command);
        expect(manual.stdout).toContain(
            "  app-a in tt02: MANUAL (redeploy.enabled is false). After pulumi up changes any of\n      ExternalApi--ApiKey\n    run: npm run redeploy -- --org ttd --app app-a --env tt02\n",
        );
    });

    it("uses Studio's production env name for prod", () => {
        expect(JSON.parse(prod.stdout).redeploys.map((r: { envName: string }) => r.envName)).toEqual(["production"]);
    });
});
