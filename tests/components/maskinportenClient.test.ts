import { createPrivateKey, createPublicKey, randomUUID, sign, verify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { MaskinportenClientConfig } from "../../core/config/parse";
import { installMocks, plain, RecordedResource, secretProperties, settle, valueOf } from "../../scripts/offline/mocks";
import { resourcesOfType } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

let resources: RecordedResource[];
let mod: typeof import("../../components/maskinporten/maskinportenClient");
const declared: Record<string, InstanceType<typeof import("../../components/maskinporten/maskinportenClient").MaskinportenClient>> = {};

const base: MaskinportenClientConfig = {
    section: "MaskinportenSettings",
    clientId: "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b",
    format: "legacy",
    scope: "altinn:serviceowner/instances.read",
    exchangeToAltinnToken: true,
    keyGeneration: 1,
    retiredKeyGenerations: [],
    apps: ["app-a"],
};

function declare(name: string, client: MaskinportenClientConfig, environment: "tt02" | "prod" = "tt02"): void {
    declared[name] = new mod.MaskinportenClient(name, { client, org: "ttd", environment, vaultName: "ttd-tt02-apps-kv", resourceGroupName: "altinnapps-ttd-tt02-rg" }, { protect: environment === "prod" });
}

function secretsOf(component: string): RecordedResource[] {
    return resourcesOfType(resources, TYPES.secret).filter((r) => r.name.startsWith(`${component}-`));
}

/** A Key Vault secret's value, content type and whether Pulumi holds the value as a secret. */
function properties(r: RecordedResource): { value: unknown; contentType: unknown; valueIsSecret: boolean } {
    const { properties: inner, valueIsSecret } = secretProperties(r);
    return { value: plain(inner.value), contentType: inner.contentType, valueIsSecret };
}

function storedValue(component: string, key: string): string {
    const r = secretsOf(component).find((s) => String(s.inputs.secretName).endsWith(`--${key}`))!;
    const p = properties(r);
    expect(p.valueIsSecret).toBe(true);
    return String(p.value);
}

beforeAll(async () => {
    resources = installMocks({ project: "altinn-app-secrets", stack: "test", config: {} });
    mod = await import("../../components/maskinporten/maskinportenClient");
    declare("c-legacy", base);
    declare("c-builtin", { ...base, section: "Integrations--AppB", format: "builtin", scope: undefined });
    declare("c-staged", { ...base, section: "Staged", keyGeneration: 3, nextKeyGeneration: 4, retiredKeyGenerations: [2] });
    declare("c-rotated", { ...base, section: "Rotated", keyGeneration: 4, retiredKeyGenerations: [2, 3] });
    declare("c-prod", { ...base, section: "Prod" }, "prod");
    await settle();
    await valueOf(declared["c-staged"].publicJwks);
    await settle();
});

describe("MaskinportenClient secrets", () => {
    it("stores ClientId and EncodedJwk for the legacy format", () => {
        expect(secretsOf("c-legacy").map((s) => s.inputs.secretName).sort()).toEqual(["MaskinportenSettings--ClientId", "MaskinportenSettings--EncodedJwk"]);
    });

    it("stores Authority, ClientId and JwkBase64 for the builtin format, nested sections intact", () => {
        expect(secretsOf("c-builtin").map((s) => s.inputs.secretName).sort()).toEqual([
            "Integrations--AppB--Authority",
            "Integrations--AppB--ClientId",
            "Integrations--AppB--JwkBase64",
        ]);
        expect(storedValue("c-builtin", "Authority")).toBe("https://test.maskinporten.no/");
    });

    it("marks every stored value secret", () => {
        const all = resourcesOfType(resources, TYPES.secret);
        expect(all.length).toBeGreaterThan(10);
        for (const s of all) expect(properties(s).valueIsSecret, String(s.inputs.secretName)).toBe(true);
    });

    it("gives each secret a content type and tags, with the kid on the JWK secret", async () => {
        const jwkSecret = secretsOf("c-legacy").find((s) => String(s.inputs.secretName).endsWith("EncodedJwk"))!;
        expect(properties(jwkSecret).contentType).toBe("application/jwk+json;base64");
        expect(jwkSecret.inputs.tags).toMatchObject({ "managed-by": "altinn-app-secrets", org: "ttd", environment: "tt02", kid: await valueOf(declared["c-legacy"].activeKid), "key-generation": "1" });
    });

    it("protects secrets in prod only, inherited from the component's protect option", () => {
        expect(secretsOf("c-prod").every((s) => s.protect)).toBe(true);
        expect(secretsOf("c-legacy").some((s) => s.protect)).toBe(false);
        expect(resources.find((r) => r.type === TYPES.maskinportenClient && r.name === "c-prod")?.protect).toBe(true);
    });

    it("never protects key pairs, so a retired generation can leave state", () => {
        const keys = resourcesOfType(resources, TYPES.privateKey).filter((r) => r.name.startsWith("c-prod-"));
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.some((k) => k.protect)).toBe(false);
    });

    it("stores the JWK that the key pair in state yields, byte for byte", async () => {
        const { encodeJwk, privateJwkFromPem } = await import("../../core/maskinporten/jwk");
        const key = resourcesOfType(resources, TYPES.privateKey).find((r) => r.name === "c-legacy-key-1")!;
        expect(key.inputs).toMatchObject({ algorithm: "RSA", rsaBits: 2048 });
        const pem = String(key.state.privateKeyPemPkcs8);
        expect(storedValue("c-legacy", "EncodedJwk")).toBe(encodeJwk(await privateJwkFromPem(pem)));
    });
});

describe("rotation", () => {
    it("keeps one key pair per published generation and stores only the active one", async () => {
        const keys = resourcesOfType(resources, TYPES.privateKey).filter((r) => r.name.startsWith("c-staged-")).map((r) => r.name).sort();
        expect(keys).toEqual(["c-staged-key-2", "c-staged-key-3", "c-staged-key-4"]);
        const set = await valueOf(declared["c-staged"].publicJwks);
        const active = await valueOf(declared["c-staged"].activeKid);
        const staged = await valueOf(declared["c-staged"].stagedKid!);
        expect(set.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([active, staged]));
        expect(set.keys).toHaveLength(3);
        const stored = JSON.parse(Buffer.from(storedValue("c-staged", "EncodedJwk"), "base64").toString());
        expect(stored.kid).toBe(active);
        expect(stored.kid).not.toBe(staged);
    });

    it("says which state each client is in and what to do next", () => {
        expect(declared["c-legacy"].rotation.state).toBe("active");
        expect(declared["c-staged"].rotation).toMatchObject({ state: "staged", published: [3, 4, 2] });
        expect(declared["c-staged"].rotation.nextStep).toContain("register the public key of generation 4");
        expect(declared["c-rotated"].rotation.state).toBe("rotated");
        expect(declared["c-rotated"].rotation.nextStep).toContain("delete the keys of generation 2, 3 at Samarbeidsportalen");
    });

    it("refuses more than five published keys and repeated generations", () => {
        expect(mod.clientProblem({ ...base, keyGeneration: 6, nextKeyGeneration: 7, retiredKeyGenerations: [1, 2, 3, 4] })).toBe("at most 5 keys may be published");
        expect(mod.clientProblem({ ...base, keyGeneration: 2, nextKeyGeneration: 2 })).toBe("key generations must be distinct");
    });
});

describe("non-secret app settings", () => {
    it("gives legacy apps Environment test/prod (never ver2), Scope and ExhangeToAltinnToken", () => {
        expect(mod.appSettingsSection(base, "tt02")).toEqual({ Environment: "test", Scope: "altinn:serviceowner/instances.read", ExhangeToAltinnToken: true });
        expect(mod.appSettingsSection(base, "prod").Environment).toBe("prod");
        expect(mod.appSettingsSection({ ...base, format: "builtin" }, "tt02")).toEqual({});
    });
});

describe("compatibility with the .NET clients", () => {
    /** Decode as Convert.FromBase64String does: the standard alphabet, padded, nothing else. */
    function strictBase64(value: string): Buffer {
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw new Error("not standard base64");
        return Buffer.from(value, "base64");
    }

    function jwtGrant(jwk: Record<string, string>, clientId: string, audience: string): string {
        const now = Math.floor(Date.now() / 1000);
        const header = { alg: "RS256", kid: jwk.kid, typ: "JWT" };
        const claims = { aud: audience, iss: clientId, scope: "altinn:serviceowner/instances.read", iat: now, exp: now + 120, jti: randomUUID() };
        const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
        const signature = sign("sha256", Buffer.from(input), createPrivateKey({ key: jwk, format: "jwk" }));
        return `${input}.${signature.toString("base64url")}`;
    }

    it("refuses base64url in the strict decoder the test uses", () => {
        expect(() => strictBase64("ab-_")).toThrow("not standard base64");
    });

    for (const [component, key, audience] of [
        ["c-legacy", "EncodedJwk", "https://test.maskinporten.no/"],
        ["c-builtin", "JwkBase64", "https://test.maskinporten.no/"],
    ] as const) {
        it(`${key}: decodes, parses, signs a Maskinporten grant that the exported public key verifies`, async () => {
            const jwk = JSON.parse(strictBase64(storedValue(component, key)).toString("utf8"));
            for (const m of ["kty", "use", "kid", "alg", "n", "e", "d", "p", "q", "qi", "dp", "dq"]) expect(jwk[m], m).toMatch(/\S/);
            const clientId = storedValue(component, "ClientId");
            const token = jwtGrant(jwk, clientId, audience);

            const [h, c, s] = token.split(".");
            const header = JSON.parse(Buffer.from(h, "base64url").toString());
            const claims = JSON.parse(Buffer.from(c, "base64url").toString());
            expect(header).toMatchObject({ alg: "RS256", kid: await valueOf(declared[component].activeKid) });
            expect(claims).toMatchObject({ iss: "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b", aud: audience, scope: "altinn:serviceowner/instances.read" });
            expect(claims.exp - claims.iat).toBeLessThanOrEqual(120);
            expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);

            const published = (await valueOf(declared[component].activePublicJwk))!;
            const pem = (await valueOf(declared[component].activePublicKeyPem))!;
            expect(createPublicKey(pem).export({ format: "jwk" }).n).toBe(published.n);
            expect(published.kid).toBe(header.kid);
            const ok = verify("sha256", Buffer.from(`${h}.${c}`), createPublicKey({ key: published, format: "jwk" }), Buffer.from(s, "base64url"));
            expect(ok).toBe(true);
            // And a grant signed with another key does not verify against it.
            const other = JSON.parse(strictBase64(storedValue(component === "c-legacy" ? "c-builtin" : "c-legacy", key === "EncodedJwk" ? "JwkBase64" : "EncodedJwk")).toString());
            const [oh, oc, os] = jwtGrant(other, clientId, audience).split(".");
            expect(verify("sha256", Buffer.from(`${oh}.${oc}`), createPublicKey({ key: published, format: "jwk" }), Buffer.from(os, "base64url"))).toBe(false);
        });
    }
});
