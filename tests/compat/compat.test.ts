/**
 * The secrets this project stores, read by Altinn's own .NET client: the MaskinportenClient
 * component declares its secrets under mocks (real RSA keys), and the harness in tests/compat
 * runs Altinn.ApiClients.Maskinporten on the stored EncodedJwk. Without `dotnet` on PATH the
 * .NET part is skipped (REQUIRE_DOTNET=1, as .ci/run sets it, makes that a failure).
 */
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { MaskinportenClientConfig } from "../../core/config/parse";
import { PRIVATE_JWK_MEMBERS } from "../../core/maskinporten/jwk";
import type { MaskinportenClient } from "../../components/maskinporten/maskinportenClient";
import { installMocks, plain, RecordedResource, secretProperties, settle, valueOf } from "../../scripts/offline/mocks";
import { buildHarness, CapturedRequest, dotnetOnPath, harnessArgs, LegacySettings, Run, runHarness } from "./harness";
import { resourcesOfType } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

const dotnet = dotnetOnPath();
const required = process.env.REQUIRE_DOTNET === "1";
const skipDotnet = !dotnet && !required;
const SKIP_REASON = "skipped: `dotnet` is not on PATH; install the .NET 10 SDK to run it (CI sets REQUIRE_DOTNET=1 and fails instead)";
// The default reporter lists no skipped test by name: say once, in one line, why these are skipped.
if (skipDotnet) console.warn(`tests/compat.test.ts: the real Altinn .NET client tests are ${SKIP_REASON}`);

const legacy: MaskinportenClientConfig = {
    section: "MaskinportenSettings",
    clientId: "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b",
    format: "legacy",
    scope: "altinn:serviceowner/instances.read altinn:serviceowner/instances.write",
    exchangeToAltinnToken: false,
    keyGeneration: 1,
    retiredKeyGenerations: [],
    apps: ["app-a"],
};
const builtin: MaskinportenClientConfig = { ...legacy, section: "Integrations--AppB", format: "builtin", scope: undefined };

/** The members app-lib-dotnet's JwkWrapper.Validate requires to be non-blank strings. */
const BUILTIN_REQUIRED_MEMBERS = ["kty", "use", "kid", "alg", "n", "e", "d", "p", "q", "qi", "dp", "dq"];

/** What the Maskinporten client of each Altinn environment must produce. */
const EXPECTED = {
    tt02: { environment: "test", authority: "https://test.maskinporten.no/" },
    prod: { environment: "prod", authority: "https://maskinporten.no/" },
} as const;

interface Stored {
    component: MaskinportenClient;
    /** Secret values by key (`EncodedJwk`, `ClientId`, ...), as the vault receives them. */
    secrets: Record<string, string>;
    jwkTags: Record<string, unknown>;
    publicJwk: Record<string, string>;
}

let resources: RecordedResource[];
const stored: Record<"tt02" | "prod" | "builtin", Stored> = {} as never;

function secretsOf(component: string): RecordedResource[] {
    return resourcesOfType(resources, TYPES.secret).filter((r) => r.name.startsWith(`${component}-`));
}

beforeAll(async () => {
    resources = installMocks({ project: "altinn-app-secrets", stack: "compat", config: {} });
    const { MaskinportenClient } = await import("../../components/maskinporten/maskinportenClient");
    const declare = (name: string, client: MaskinportenClientConfig, environment: "tt02" | "prod") =>
        new MaskinportenClient(name, { client, org: "ttd", environment, vaultName: `ttd-${environment}-apps-kv`, resourceGroupName: `altinnapps-ttd-${environment}-rg` });
    const components = { tt02: declare("compat-tt02", legacy, "tt02"), prod: declare("compat-prod", legacy, "prod"), builtin: declare("compat-builtin", builtin, "tt02") };
    await settle();
    for (const [name, component] of Object.entries(components) as [keyof typeof components, MaskinportenClient][]) {
        const secrets: Record<string, string> = {};
        let jwkTags: Record<string, unknown> = {};
        for (const r of secretsOf(`compat-${name}`)) {
            const key = String(r.inputs.secretName).split("--").pop()!;
            const { properties, valueIsSecret } = secretProperties(r);
            expect(valueIsSecret, `${String(r.inputs.secretName)} is a Pulumi secret`).toBe(true);
            secrets[key] = String(plain(properties.value));
            if (key === "EncodedJwk" || key === "JwkBase64") jwkTags = r.inputs.tags as Record<string, unknown>;
        }
        // index.ts exports each client's activePublicJwk as is: the key to register.
        stored[name] = { component, secrets, jwkTags, publicJwk: (await valueOf(component.activePublicJwk)) as unknown as Record<string, string> };
    }
}, 30_000);

function decoded(secret: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(secret, "base64").toString("utf8")) as Record<string, unknown>;
}

function reencoded(secret: string, change: (jwk: Record<string, unknown>) => void): string {
    const jwk = decoded(secret);
    change(jwk);
    return Buffer.from(JSON.stringify(jwk), "utf8").toString("base64");
}

// The builtin client (IMaskinportenClient) lives in Altinn.App.Core, which does not restore from the
// NuGet registry served here (8.12.17: Altinn.Common.PEP, Altinn.Platform.Models, JsonPatch.Net, ...
// are not served), so its format is checked here against what its JwkWrapper.Validate requires.
describe("builtin format (JwkBase64), as app-lib-dotnet's MaskinportenSettings reads it", () => {
    it("stores standard padded base64 of one JSON object with every required member a non-blank string", () => {
        const value = stored.builtin.secrets.JwkBase64;
        expect(value).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
        expect(value.length % 4).toBe(0);
        const bytes = Buffer.from(value, "base64");
        expect(bytes.toString("base64")).toBe(value);
        expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), "no UTF-8 byte order mark").toBe(false);
        const jwk = decoded(value);
        expect(Array.isArray(jwk) || "keys" in jwk, "a single JWK, not a JWK Set").toBe(false);
        // The builtin reader takes string tokens only and refuses a blank one (JwkWrapper.Validate),
        // for exactly these members; listed here, not taken from the component, so neither can drift.
        expect([...PRIVATE_JWK_MEMBERS].sort()).toEqual(BUILTIN_REQUIRED_MEMBERS.slice().sort());
        for (const m of BUILTIN_REQUIRED_MEMBERS) expect(typeof jwk[m] === "string" && /\S/.test(jwk[m] as string), m).toBe(true);
        expect(jwk).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256", kid: stored.builtin.jwkTags.kid });
    });

    it("stores the authority and client id next to it, and its key signs what the exported public key verifies", async () => {
        expect(stored.builtin.secrets.Authority).toBe(EXPECTED.tt02.authority);
        expect(stored.builtin.secrets.ClientId).toBe(builtin.clientId);
        const jwk = decoded(stored.builtin.secrets.JwkBase64);
        const jws = await new CompactSign(new TextEncoder().encode("compat"))
            .setProtectedHeader({ alg: "RS256", kid: String(jwk.kid) })
            .sign(await importJWK(jwk as never, "RS256"));
        expect(decodeProtectedHeader(jws).kid).toBe(stored.builtin.publicJwk.kid);
        await expect(compactVerify(jws, await importJWK(stored.builtin.publicJwk as never, "RS256"))).resolves.toBeDefined();
        await expect(compactVerify(jws, await importJWK(stored.tt02.publicJwk as never, "RS256"))).rejects.toThrow();
    });
});

describe.skipIf(skipDotnet)(`Altinn's own .NET client (Altinn.ApiClients.Maskinporten 10.2.1)${skipDotnet ? ` — ${SKIP_REASON}` : ""}`, () => {
    const CASES = ["tt02", "prod", "builtin", "base64url", "withoutD"] as const;
    const runs = {} as Record<(typeof CASES)[number], Run>;

    function settingsFor(env: "tt02" | "prod"): LegacySettings {
        const appSettings = stored[env].component.appSettings;
        return { environment: String(appSettings.Environment), clientId: stored[env].secrets.ClientId, scope: String(appSettings.Scope) };
    }

    /** What each case feeds the real client (the stored secrets, then broken ones) and the stored secret it comes from. */
    function input(name: (typeof CASES)[number]): { settings: LegacySettings; secret: string; stored: string } {
        const good = stored.tt02.secrets.EncodedJwk;
        const tt02 = (secret: string) => ({ settings: settingsFor("tt02"), secret, stored: good });
        switch (name) {
            case "tt02":
            case "prod":
                return { settings: settingsFor(name), secret: stored[name].secrets.EncodedJwk, stored: stored[name].secrets.EncodedJwk };
            case "builtin":
                return { settings: settingsFor("tt02"), secret: stored.builtin.secrets.JwkBase64, stored: stored.builtin.secrets.JwkBase64 };
            case "base64url": {
                // base64url differs from base64 only in "+", "/" and padding, and a random key's JSON can
                // have none of them: trailing spaces (still the same JSON) make sure it has padding.
                let json = Buffer.from(good, "base64").toString("utf8");
                while (Buffer.byteLength(json) % 3 === 0) json += " ";
                return tt02(Buffer.from(json).toString("base64url"));
            }
            case "withoutD":
                return tt02(reencoded(good, (jwk) => delete jwk.d));
        }
    }

    beforeAll(async () => {
        if (!dotnet) throw new Error("REQUIRE_DOTNET=1 but `dotnet` is not on PATH: the .NET compatibility test cannot run");
        const { dll } = await buildHarness(dotnet);
        // One process per case, all at once: each is a fresh app start, as in production.
        await Promise.all(CASES.map(async (name) => {
            const { settings, secret } = input(name);
            runs[name] = await runHarness(dotnet, dll, settings, secret);
        }));
    }, 240_000);

    function tokenRequest(name: (typeof CASES)[number]): CapturedRequest {
        expect(runs[name].stderr.trim(), "the harness reports no error").toBe("");
        expect(runs[name].code).toBe(0);
        return JSON.parse(runs[name].stdout) as CapturedRequest;
    }

    for (const env of ["tt02", "prod"] as const) {
        it(`signs a token request for ${env} that the exported public key verifies (Environment ${EXPECTED[env].environment})`, async () => {
            expect(input(env).settings.environment).toBe(EXPECTED[env].environment);
            const request = tokenRequest(env);

            expect(request.method).toBe("POST");
            expect(request.url).toBe(`${EXPECTED[env].authority}token`);
            expect(request.contentType).toBe("application/x-www-form-urlencoded");
            expect(request.form.grant_type).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");

            const assertion = request.form.assertion;
            const storedKid = decoded(stored[env].secrets.EncodedJwk).kid;
            expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: "RS256", kid: storedKid });
            expect(storedKid).toBe(stored[env].publicJwk.kid);
            expect(stored[env].jwkTags.kid).toBe(storedKid);

            const { payload } = await jwtVerify(assertion, await importJWK(stored[env].publicJwk as never, "RS256"), {
                algorithms: ["RS256"],
                issuer: legacy.clientId,
                audience: EXPECTED[env].authority,
                clockTolerance: 30,
            });
            expect(payload.aud).toBe(EXPECTED[env].authority);
            expect(payload.iss).toBe(legacy.clientId);
            expect(payload.scope).toBe(legacy.scope);
            expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(300);

            // Not vacuous: the other environment's key does not verify it.
            const other = env === "tt02" ? "prod" : "tt02";
            await expect(jwtVerify(assertion, await importJWK(stored[other].publicJwk as never, "RS256"))).rejects.toThrow(/signature verification failed/);
        });
    }

    it("refuses the secret encoded as base64url: the app would fail at its first token request", () => {
        expect(input("base64url").secret).not.toBe(stored.tt02.secrets.EncodedJwk);
        expect(runs.base64url.code).toBe(1);
        expect(runs.base64url.stdout).toBe("");
        expect(runs.base64url.stderr).toMatch(/^compat: the Altinn client failed: FormatException: .*Base-64.*\n$/);
    });

    it("refuses a JWK without its private exponent d: it cannot sign", () => {
        expect(runs.withoutD.code).toBe(1);
        expect(runs.withoutD.stdout).toBe("");
        expect(runs.withoutD.stderr.trim().split("\n")).toHaveLength(1);
        expect(runs.withoutD.stderr).toMatch(/^compat: the Altinn client failed: .*'key\.HasPrivateKey' is false/);
    });

    it("reads the builtin format's JwkBase64 too (same encoding; Altinn.App.Core itself does not restore here)", async () => {
        const request = tokenRequest("builtin");
        const { protectedHeader } = await jwtVerify(request.form.assertion, await importJWK(stored.builtin.publicJwk as never, "RS256"), {
            algorithms: ["RS256"],
            audience: stored.builtin.secrets.Authority,
            clockTolerance: 30,
        });
        expect(protectedHeader.kid).toBe(stored.builtin.publicJwk.kid);
    });

    it("keeps the secret off the harness command line and out of its output and errors", () => {
        for (const name of CASES) {
            const { settings, secret, stored: original } = input(name);
            const d = String(decoded(original).d);
            for (const arg of harnessArgs("Compat.dll", settings)) expect(arg.includes(secret.slice(0, 40)) || arg.includes(d.slice(0, 20)), name).toBe(false);
            for (const text of [runs[name].stdout, runs[name].stderr]) {
                expect(text.includes(secret.slice(0, 40)), `${name}: the secret`).toBe(false);
                expect(text.includes(d.slice(0, 20)), `${name}: the private exponent`).toBe(false);
            }
        }
    });
});
