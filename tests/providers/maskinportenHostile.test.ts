/**
 * A hostile review of the Maskinporten providers: a lying or misbehaving server (redirects, a
 * slow drip, metadata that names another issuer or a token endpoint on this machine, a crowded
 * key set, `__proto__` keys) and look-alike hosts. Driven through the serialized providers.
 */
import { createServer, Server } from "node:http";
import type { AddressInfo } from "node:net";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { allowedHosts, hostProblem } from "../../providers/maskinporten/http";
import { createRegistrationProvider, RegistrationInputs } from "../../providers/maskinporten/provider";
import { FakeMaskinporten } from "../support/fakeMaskinporten";
import { ADMIN_CERT_PEM, ADMIN_KEY_PEM, failureOf, newFake, publicKey, registrationInputs, setAdminCredentials } from "../support/registrationFixture";
import { serializedProvider } from "../support/serializedProvider";

let fake: FakeMaskinporten;
let provider: dynamic.ResourceProvider;
let impatient: dynamic.ResourceProvider;
let providerText: string;
/** A second server on 127.0.0.1: where a redirect would lead. Records what reaches it. */
let elsewhere: Server;
let elsewhereUrl: string;
const reachedElsewhere: { method: string; url: string; authorization?: string; body: string }[] = [];
const realFetch = globalThis.fetch;
/** Rewrites answers per URL (a lying server on a host tests cannot run). */
let intercept: ((url: string) => Response | undefined) | undefined;

const inputs = (kids: string[], extra: Partial<RegistrationInputs> = {}) => registrationInputs(fake, kids, extra);

beforeAll(async () => {
    setAdminCredentials(); // set before serializing: the text must not capture them
    [{ provider, text: providerText }, { provider: impatient }] = await Promise.all([
        serializedProvider(createRegistrationProvider({ retryDelaysMs: [5, 5, 5] })),
        serializedProvider(createRegistrationProvider({ retryDelaysMs: [5], requestTimeoutMs: 300 })),
    ]);
    globalThis.fetch = ((url: string | URL | Request, init?: RequestInit) => {
        const answer = intercept?.(String(url instanceof Request ? url.url : url));
        return answer ? Promise.resolve(answer) : realFetch(url, init);
    }) as typeof fetch;
    elsewhere = createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
            reachedElsewhere.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body });
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ access_token: "stolen", keys: [] }));
        });
    });
    await new Promise<void>((r) => elsewhere.listen(0, "127.0.0.1", r));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
    globalThis.fetch = realFetch;
    elsewhere.closeAllConnections();
    await new Promise((r) => elsewhere.close(r));
});
beforeEach(async () => {
    fake = newFake();
    await fake.start();
    reachedElsewhere.length = 0;
    intercept = undefined;
});
afterEach(async () => {
    intercept = undefined;
    await fake.stop();
});

/** A server on 127.0.0.1 that answers every request with a 307 to `location` (over the wire, so fetch itself decides). */
async function redirectingTo(location: string): Promise<{ url: string; seen: number; close(): Promise<unknown> }> {
    const state = { url: "", seen: 0, close: () => Promise.resolve() as Promise<unknown> };
    const mover = createServer((_req, res) => {
        state.seen++;
        res.writeHead(307, { location });
        res.end();
    });
    await new Promise<void>((r) => mover.listen(0, "127.0.0.1", r));
    state.url = `http://127.0.0.1:${(mover.address() as AddressInfo).port}`;
    state.close = () => (mover.closeAllConnections(), new Promise((r) => mover.close(r)));
    return state;
}

describe("redirects are never followed", () => {
    it("a 307 from the self-service API to another server takes neither the admin token nor anything else there", async () => {
        const mover = await redirectingTo(`${elsewhereUrl}/steal`);
        try {
            const message = await failureOf(provider.create(inputs(["kid-a"], { apiUrl: `${mover.url}/api/v1` })));
            expect(message.split("\n")).toHaveLength(1);
            expect(mover.seen).toBeGreaterThan(0);
            expect(reachedElsewhere).toEqual([]);
        } finally {
            await mover.close();
        }
    });

    it("a 307 from the token endpoint does not carry the signed grant on", async () => {
        const mover = await redirectingTo(`${elsewhereUrl}/token`);
        try {
            fake.tokenEndpoint = `${mover.url}/token`;
            const message = await failureOf(provider.create(inputs(["kid-a"])));
            expect(message.split("\n")).toHaveLength(1);
            expect(mover.seen).toBeGreaterThan(0);
            expect(reachedElsewhere).toEqual([]);
        } finally {
            await mover.close();
        }
    });
});

describe("time is bounded", () => {
    it("an answer dripping one byte at a time is cut off by the request timeout, every attempt", async () => {
        const timers: NodeJS.Timeout[] = [];
        const drip = createServer((_req, res) => {
            res.writeHead(200, { "content-type": "application/json" });
            const t = setInterval(() => res.write(" "), 20);
            timers.push(t);
            res.on("close", () => clearInterval(t));
        });
        await new Promise<void>((r) => drip.listen(0, "127.0.0.1", r));
        const dripUrl = `http://127.0.0.1:${(drip.address() as AddressInfo).port}/`;
        try {
            const started = Date.now();
            const message = await failureOf(impatient.create(inputs(["kid-a"], { authority: dripUrl })));
            expect(message).toContain("failed after 2 attempts: no answer within 300 ms");
            expect(Date.now() - started).toBeLessThan(3000);
        } finally {
            timers.forEach(clearInterval);
            drip.closeAllConnections();
            await new Promise((r) => drip.close(r));
        }
    });
});

describe("the well-known metadata is not trusted beyond its host", () => {
    it("a token endpoint on this machine, named by Digdir's metadata, gets no grant", async () => {
        // Maskinporten's own metadata (https, Digdir's host) naming a loopback token endpoint: only a
        // loopback authority (a test) may have one.
        intercept = (url) =>
            url === "https://test.maskinporten.no/.well-known/oauth-authorization-server"
                ? Response.json({ issuer: "https://test.maskinporten.no/", token_endpoint: `${elsewhereUrl}/token` })
                : undefined;
        const message = await failureOf(provider.create(inputs(["kid-a"], { authority: "https://test.maskinporten.no/", environment: "tt02" })));
        expect(message).toContain("token_endpoint");
        expect(message).toContain("refused before sending");
        expect(reachedElsewhere).toEqual([]);
    });

    it("metadata naming another issuer is not used: no grant is signed for an audience it chose", async () => {
        intercept = (url) =>
            url === `${fake.issuer}.well-known/oauth-authorization-server` ? Response.json({ issuer: "https://maskinporten.no/", token_endpoint: `${fake.base}/token` }) : undefined;
        const message = await failureOf(provider.create(inputs(["kid-a"])));
        expect(message).toContain(`names issuer "https://maskinporten.no/", which is not the authority ${fake.issuer}; not used, no grant signed`);
        expect(fake.tokenRequests()).toHaveLength(0);
    });
});

describe("what the self-service API answers", () => {
    it("a client crowded with 1000 keys someone else registered gives one short line", async () => {
        fake.addClient("crowded-1", Array.from({ length: 1000 }, (_, i) => publicKey(`other-${i}-${"k".repeat(90)}`)));
        const message = await failureOf(provider.create(inputs(["kid-a"], { clientId: "crowded-1" })));
        expect(message).toContain("would hold 1001 keys");
        expect(message).toContain("and 995 more");
        expect(message.length).toBeLessThan(1500);
    });

    it("__proto__ keys in an answer pollute nothing", async () => {
        fake.addClient("live-1", [publicKey("kid-by-hand")]);
        intercept = (url) =>
            url.endsWith("/api/v1/clients/live-1/jwks")
                ? new Response(`{"__proto__":{"polluted":true},"keys":[{"__proto__":{"isAdmin":true},"kid":"kid-by-hand","kty":"RSA","n":"x","e":"AQAB"}]}`, { status: 200 })
                : undefined;
        await provider.create(inputs(["kid-a"], { clientId: "live-1" })).catch(() => undefined);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });
});

describe("look-alike hosts", () => {
    const tt02 = allowedHosts("tt02", []);
    it.each([
        "https://api.test.samarbeid.digdir.no.evil.example/api/v1",
        "https://evil.example#@api.test.samarbeid.digdir.no/api/v1",
        "https://api.test.samarbeid.digdir.no@evil.example/api/v1",
        "https://api.test.samarbeid.digdir.no:x@evil.example/",
        "https://test.maskinporten.no./",
        "https://xn--test-maskinprten-4qb.no/",
        "https://test.maskinpоrten.no/", // Cyrillic о
        "http://api.test.samarbeid.digdir.no/api/v1",
        "http://localhost.evil.example/",
        "http://localhost./",
        "http://[::ffff:7f00:1]/",
        "http://127.0.0.1.nip.io/",
        "https://api.samarbeid.digdir.no/api/v1",
        "ftp://test.maskinporten.no/",
        "javascript:alert(1)//test.maskinporten.no",
    ])("refuses %s", (url) => {
        expect(hostProblem(url, tt02, "the URL")).toBeDefined();
    });
    it.each(["https://API.TEST.SAMARBEID.DIGDIR.NO/api/v1", "https://test.maskinporten.no:443/", "http://127.0.0.1:8080/", "http://[::1]:1/", "http://[0:0:0:0:0:0:0:1]/", "http://localhost:1/"])(
        "allows %s (Digdir's host, or this machine for tests)",
        (url) => {
            expect(hostProblem(url, tt02, "the URL")).toBeUndefined();
        },
    );
});

describe("secrets", () => {
    it("the serialized provider (the state's __provider) holds no admin key material, though it was in the environment", () => {
        expect(providerText).not.toContain(ADMIN_KEY_PEM.split("\n")[1]);
        expect(providerText).not.toContain("MIIE");
        expect(providerText).not.toContain(ADMIN_CERT_PEM.split("\n")[1]);
    });
});

describe("loopback in prod", () => {
    it("a prod registration pointed at this machine sends nothing: a prod stack is never pointed at a fake", async () => {
        const message = await failureOf(provider.create(inputs(["kid-a"], { environment: "prod" })));
        expect(message).toContain(`the self-service API URL is on 127.0.0.1, not a Digdir host (api.samarbeid.digdir.no, maskinporten.no); refused before sending`);
        expect(fake.requests).toHaveLength(0);
    });
});
