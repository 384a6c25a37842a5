/**
 * The Maskinporten registration provider against a fake Maskinporten and self-service API on
 * 127.0.0.1, loaded from its serialized text and called as Pulumi's dynamic-provider host calls it.
 */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ADMIN_CERT_VARIABLE, ADMIN_KEY_VARIABLE, grantClaims } from "../../providers/maskinporten/client";
import { urlProblem } from "../../providers/maskinporten/http";
import { createRegistrationProvider, inputsProblem, PublicKey, RegistrationInputs, RegistrationState } from "../../providers/maskinporten/provider";
import { keyStatus, keysNeedingRenewal } from "../../core/maskinporten/keyStatus";
import * as providerModule from "../../providers/maskinporten/provider";
import * as keyStatusModule from "../../core/maskinporten/keyStatus";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { FakeMaskinporten } from "../support/fakeMaskinporten";
import { serializedProvider } from "../support/serializedProvider";
import { ADMIN_CLIENT_ID, ADMIN_KEY_PEM, caPem, failureOf, newFake, publicKey, registrationInputs, setAdminCredentials } from "../support/registrationFixture";

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

let fake: FakeMaskinporten;
let provider: dynamic.ResourceProvider;
/** Everything the provider produced: outputs and error messages, searched for secrets. */
const produced: string[] = [];

const inputs = (kids: string[], extra: Partial<RegistrationInputs> = {}) => registrationInputs(fake, kids, extra);

async function create(i: RegistrationInputs): Promise<RegistrationState> {
    const r = await provider.create(i);
    produced.push(JSON.stringify(r));
    return r.outs as RegistrationState;
}
async function update(olds: RegistrationState, news: RegistrationInputs): Promise<RegistrationState> {
    const r = await provider.update!(olds.clientId, olds, news);
    produced.push(JSON.stringify(r));
    return r.outs as RegistrationState;
}
async function read(state: RegistrationState): Promise<RegistrationState> {
    const r = await provider.read!(state.clientId, state);
    produced.push(JSON.stringify(r));
    return r.props as RegistrationState;
}
const failure = (p: Promise<unknown>) => failureOf(p, produced);

beforeAll(async () => {
    provider = (await serializedProvider(createRegistrationProvider({ retryDelaysMs: [10, 20, 40] }))).provider;
    setAdminCredentials();
});
beforeEach(async () => {
    fake = newFake();
    await fake.start();
});
afterEach(async () => {
    await fake.stop();
    setAdminCredentials();
});

describe("registration provider against a fake Maskinporten", () => {
    it("creates the client and registers the declared keys, with one token for the operation", async () => {
        const state = await create(inputs(["kid-a"]));
        const client = fake.clients.get(state.clientId)!;
        expect(client).toMatchObject({
            integration_type: "maskinporten",
            token_endpoint_auth_method: "private_key_jwt",
            grant_types: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
            scopes: ["altinn:serviceowner/instances.read"],
            application_type: "web",
            client_name: "ttd app-a MaskinportenSettings (altinn-app-secrets tt02)",
        });
        expect(fake.kids(state.clientId)).toEqual(["kid-a"]);
        expect(state.createdClient).toBe(true);
        expect(state.registered).toEqual([{ kid: "kid-a", exp: expect.any(Number) }]);
        expect(state.registered[0].exp! - now()).toBeGreaterThan(364 * DAY);
        expect(state.foreign).toEqual([]);
        expect(fake.tokenRequests()).toHaveLength(1);
        // Every API call carried that one token.
        expect(new Set(fake.apiRequests().map((r) => r.authorization))).toEqual(new Set([`Bearer ${fake.tokens[0]}`]));
    });

    it("registers keys on an existing client without creating one", async () => {
        fake.addClient("existing-1");
        const state = await create(inputs(["kid-a"], { clientId: "existing-1" }));
        expect(state).toMatchObject({ clientId: "existing-1", createdClient: false });
        expect(fake.clients.size).toBe(1);
        expect(fake.kids("existing-1")).toEqual(["kid-a"]);
        expect(fake.apiRequests().some((r) => r.method === "POST" && r.path === "/api/v1/clients")).toBe(false);
    });

    it("reports no change when the declared set is registered and far from expiry", async () => {
        const state = await read(await create(inputs(["kid-a", "kid-b"])));
        const before = fake.requests.length;
        const diff = await provider.diff!(state.clientId, state, inputs(["kid-b", "kid-a"]));
        expect(diff.changes).toBe(false);
        expect(diff.replaces).toEqual([]);
        expect(fake.requests.length).toBe(before); // diff asks nobody
    });

    it("adds a staged key with one request holding both keys", async () => {
        const state = await create(inputs(["kid-a"]));
        const writes = fake.jwksWrites().length;
        const news = inputs(["kid-a", "kid-b"]);
        expect((await provider.diff!(state.clientId, state, news)).changes).toBe(true);
        const after = await update(state, news);
        const newWrites = fake.jwksWrites().slice(writes);
        expect(newWrites).toHaveLength(1);
        expect((JSON.parse(newWrites[0].body) as { keys: PublicKey[] }).keys.map((k) => k.kid).sort()).toEqual(["kid-a", "kid-b"]);
        expect(after.registered.map((k) => k.kid).sort()).toEqual(["kid-a", "kid-b"]);
    });

    it("removes a retired key at Maskinporten and does not call it foreign", async () => {
        const state = await create(inputs(["kid-a", "kid-b"]));
        const after = await update(state, inputs(["kid-b"]));
        expect(fake.kids(state.clientId)).toEqual(["kid-b"]);
        expect(after.foreign).toEqual([]);
        expect(after.registered.map((k) => k.kid)).toEqual(["kid-b"]);
    });

    it("keeps and reports a key someone else registered", async () => {
        fake.addClient("shared-1", [publicKey("kid-by-hand")]);
        const state = await create(inputs(["kid-a"], { clientId: "shared-1" }));
        expect(fake.kids("shared-1")).toEqual(["kid-a", "kid-by-hand"]);
        expect(state.foreign).toEqual([{ kid: "kid-by-hand", exp: expect.any(Number) }]);
        const after = await update(await read(state), inputs(["kid-b"], { clientId: "shared-1" }));
        expect(fake.kids("shared-1")).toEqual(["kid-b", "kid-by-hand"]);
        expect(after.foreign.map((k) => k.kid)).toEqual(["kid-by-hand"]);
        // delete forgets: register: false, removing selfService or the client leaves every key in place
        const requests = fake.requests.length;
        await provider.delete!("shared-1", after);
        expect(fake.kids("shared-1")).toEqual(["kid-b", "kid-by-hand"]);
        expect(fake.requests.length).toBe(requests);
    });

    it("refuses six keys before any request, naming the client and the kids", async () => {
        const six = inputs(["k1", "k2", "k3", "k4", "k5", "k6"], { clientId: "existing-1" });
        const message = await failure(provider.create(six));
        expect(message).toContain("maskinportenClients[section=MaskinportenSettings]: client existing-1");
        expect(message).toContain("[k1, k2, k3, k4, k5, k6]");
        expect(message).toContain("at most 5");
        expect(fake.requests).toHaveLength(0);
        const check = await provider.check!({} as RegistrationInputs, six);
        expect(check.failures?.[0].reason).toContain("would hold 6 keys");
    });

    it("counts keys registered by others toward the limit of 5", async () => {
        fake.addClient("crowded-1", [publicKey("other-1"), publicKey("other-2")]);
        const state = await read(await create(inputs(["k1", "k2"], { clientId: "crowded-1" })));
        // refresh: the foreign keys ride along into the next check, which refuses before any request
        const refreshed = await provider.read!("crowded-1", state);
        const requests = fake.requests.length;
        const check = await provider.check!(refreshed.inputs as RegistrationInputs, inputs(["k1", "k2", "k3", "k4"], { clientId: "crowded-1" }));
        expect(check.failures?.[0].reason).toContain("registered by others [other-1, other-2]");
        const message = await failure(update(state, inputs(["k1", "k2", "k3", "k4"], { clientId: "crowded-1" })));
        expect(message).toContain("would hold 6 keys");
        expect(fake.jwksWrites().length).toBe(1); // only the first registration
        expect(fake.requests.length).toBeGreaterThan(requests); // update had to read the live set first
        expect(fake.kids("crowded-1")).toEqual(["k1", "k2", "other-1", "other-2"]);
    });

    it("a key 10 days from expiry gives a diff, and update renews it", async () => {
        const state = await create(inputs(["kid-a"]));
        fake.setExp(state.clientId, "kid-a", now() + 10 * DAY);
        const refreshed = await read(state);
        const renewal = keysNeedingRenewal(refreshed.registered, Date.now());
        expect(renewal.map((k) => k.kid)).toEqual(["kid-a"]);
        expect(renewal[0].daysLeft).toBeGreaterThanOrEqual(9);
        expect(renewal[0].daysLeft).toBeLessThanOrEqual(10);
        expect((await provider.diff!(state.clientId, refreshed, inputs(["kid-a"]))).changes).toBe(true);
        const renewed = await update(refreshed, inputs(["kid-a"]));
        expect(renewed.registered[0].exp! - now()).toBeGreaterThan(364 * DAY);
        expect(keyStatus(renewed.registered, Date.now())[0].daysLeft).toBeGreaterThanOrEqual(364);
    });

    it("an expired or vanished key gives a diff", async () => {
        const state = await create(inputs(["kid-a", "kid-b"]));
        fake.setExp(state.clientId, "kid-a", now() - DAY + 60); // a minute of slack: daysLeft rounds down
        const refreshed = await read(state);
        expect(keyStatus(refreshed.registered, Date.now())[0]).toMatchObject({ kid: "kid-a", daysLeft: -1 });
        expect((await provider.diff!(state.clientId, refreshed, inputs(["kid-a", "kid-b"]))).changes).toBe(true);
        fake.clients.get(state.clientId)!.jwks = fake.clients.get(state.clientId)!.jwks!.filter((k) => k.kid !== "kid-b");
        const gone = await read(state);
        expect(gone.missing).toEqual(["kid-b"]);
        expect((await provider.diff!(state.clientId, gone, inputs(["kid-a", "kid-b"]))).changes).toBe(true);
    });

    it("replaces when another client is configured", async () => {
        fake.addClient("existing-1");
        const state = await create(inputs(["kid-a"], { clientId: "existing-1" }));
        expect((await provider.diff!("existing-1", state, inputs(["kid-a"], { clientId: "existing-2" }))).replaces).toEqual(["clientId"]);
        expect((await provider.diff!("existing-1", state, inputs(["kid-a"]))).replaces).toEqual(["clientId"]);
    });

    it("a created client's id rides along after a refresh; a removed clientId is never brought back", async () => {
        const created = await create(inputs(["kid-a"]));
        const refreshed = await provider.read!(created.clientId, created);
        const checked = (await provider.check!(refreshed.inputs as RegistrationInputs, inputs(["kid-a", "kid-b"]))).inputs as RegistrationInputs;
        expect(checked.clientId).toBe(created.clientId);
        const diff = await provider.diff!(created.clientId, refreshed.props as RegistrationState, checked);
        expect(diff).toMatchObject({ changes: true, replaces: [] });
        const after = await update(refreshed.props as RegistrationState, checked);
        expect(after).toMatchObject({ clientId: created.clientId, createdClient: true });
        expect(fake.kids(created.clientId)).toEqual(["kid-a", "kid-b"]);

        fake.addClient("given-1");
        const given = await create(inputs(["kid-a"], { clientId: "given-1" }));
        const givenRefreshed = await provider.read!("given-1", given);
        const withoutId = (await provider.check!(givenRefreshed.inputs as RegistrationInputs, inputs(["kid-a"]))).inputs as RegistrationInputs;
        expect(withoutId.clientId).toBeUndefined();
        expect((await provider.diff!("given-1", givenRefreshed.props as RegistrationState, withoutId)).replaces).toEqual(["clientId"]);
    });

    it("forgets a client it created, asking nobody: the client and its keys stay at Maskinporten", async () => {
        const state = await create(inputs(["kid-a"]));
        const requests = fake.requests.length;
        await provider.delete!(state.clientId, state);
        expect(fake.clients.has(state.clientId)).toBe(true);
        expect(fake.kids(state.clientId)).toEqual(["kid-a"]);
        expect(fake.requests.length).toBe(requests);
    });

    it("reports Maskinporten's token error code in one line", async () => {
        fake.tokenFailures.push({ status: 400, body: { error: "invalid_client", error_description: "MP-121: Expired key" } });
        const message = await failure(provider.create(inputs(["kid-a"])));
        expect(message).toBe(`maskinportenClients[section=MaskinportenSettings]: Maskinporten refused the admin token for ${ADMIN_CLIENT_ID}: HTTP 400 invalid_client: MP-121: Expired key`);
        expect(fake.apiRequests()).toHaveLength(0);
    });

    it("the fake checks the grant: a wrong admin client id is refused with its MP code", async () => {
        const message = await failure(provider.create(inputs(["kid-a"], { adminClientId: "someone-else" })));
        expect(message).toContain("HTTP 400 invalid_grant: MP-111");
    });

    it("refuses a key that does not belong to the certificate, before any request", async () => {
        process.env[ADMIN_CERT_VARIABLE] = caPem; // the CA's certificate, not the admin key's
        const message = await failure(provider.create(inputs(["kid-a"])));
        expect(message).toBe(`${ADMIN_KEY_VARIABLE} does not belong to the first certificate in ${ADMIN_CERT_VARIABLE}`);
        expect(fake.tokenRequests()).toHaveLength(0);
    });

    it.each([
        [401, "invalid_token", "Token expired"],
        [403, "access_denied", "MP-403: client not owned by this organization"],
    ])("reports HTTP %i from the API in one line with its code", async (status, error, description) => {
        fake.apiFailures.push({ status, body: { error, error_description: description } });
        const message = await failure(provider.create(inputs(["kid-a"])));
        expect(message).toContain(`GET clients failed: HTTP ${status} ${error}: ${description}`);
        expect(message).toContain("idporten:dcr.read idporten:dcr.write");
        expect(message.split("\n")).toHaveLength(1);
    });

    it("retries 5xx and 429 with a bounded number of attempts", async () => {
        fake.apiFailures.push({ status: 503, body: { error: "unavailable" } }, { status: 429, body: { error: "slow_down" } });
        const state = await create(inputs(["kid-a"]));
        expect(fake.kids(state.clientId)).toEqual(["kid-a"]);
        const failures = Array.from({ length: 10 }, () => ({ status: 502, body: { error: "bad_gateway", error_description: "upstream" } }));
        fake.apiFailures.push(...failures);
        const message = await failure(provider.create(inputs(["kid-b"])));
        expect(message).toContain("GET clients failed after 4 attempts: HTTP 502 bad_gateway: upstream");
        expect(fake.apiFailures).toHaveLength(6); // 4 attempts, then it stopped
    });

    it("never sends POST /clients again once it may have been acted on (a 502), but does after a 503", async () => {
        fake.apiFailures.push({ status: 502, body: { error: "bad_gateway" }, method: "POST", path: /^clients$/ });
        const message = await failure(provider.create(inputs(["kid-a"])));
        expect(message).toBe("maskinportenClients[section=MaskinportenSettings]: POST clients failed: HTTP 502 bad_gateway (not sent again: it may have been done)");
        expect(fake.apiRequests().filter((r) => r.method === "POST" && r.path === "/api/v1/clients")).toHaveLength(1);
        fake.apiFailures.push({ status: 503, body: { error: "unavailable" }, method: "POST", path: /^clients$/ });
        await create(inputs(["kid-a"]));
        expect(fake.apiRequests().filter((r) => r.method === "POST" && r.path === "/api/v1/clients")).toHaveLength(3);
    });

    it("names both variables in one line when the admin credentials are missing, before any request", async () => {
        delete process.env[ADMIN_KEY_VARIABLE];
        delete process.env[ADMIN_CERT_VARIABLE];
        const message = await failure(provider.create(inputs(["kid-a"])));
        expect(message).toContain(ADMIN_KEY_VARIABLE);
        expect(message).toContain(ADMIN_CERT_VARIABLE);
        expect(message.split("\n")).toHaveLength(1);
        expect(fake.requests).toHaveLength(0);
    });

    it("accepts plain http only for loopback hosts", () => {
        expect(urlProblem("http://127.0.0.1:8080/api", "x")).toBeUndefined();
        expect(urlProblem("http://localhost/", "x")).toBeUndefined();
        expect(urlProblem("http://[::1]:1/", "x")).toBeUndefined();
        expect(urlProblem("https://api.test.samarbeid.digdir.no/api/v1", "x")).toBeUndefined();
        expect(urlProblem("http://api.test.samarbeid.digdir.no/api/v1", "x")).toContain("must use https");
        expect(urlProblem("https://user:pw@example.no/", "x")).toContain("user info");
        expect(inputsProblem(inputs(["kid-a"], { apiUrl: "http://example.no/api" }))).toContain("the self-service API URL");
    });

    it("grant claims: audience, issuer, scope, exp at most 120 s after iat", () => {
        expect(grantClaims("https://test.maskinporten.no/", "admin", 1000, "j1")).toEqual({
            aud: "https://test.maskinporten.no/",
            iss: "admin",
            scope: "idporten:dcr.read idporten:dcr.write",
            iat: 1000,
            exp: 1120,
            jti: "j1",
        });
    });

    it("puts no token, assertion or admin key material in any output or error (runs last)", () => {
    const text = produced.join("\n");
    expect(produced.length).toBeGreaterThan(10);
    const keyBody = ADMIN_KEY_PEM.split("\n")[1];
    expect(text).not.toContain(keyBody);
    expect(text).not.toContain("fake-token-");
    expect(text).not.toContain("eyJ"); // no JWT (grant) in any output
    for (const t of [...fake.tokens, ...fake.assertions]) expect(text).not.toContain(t);
    });
});

describe("refresh without the admin credentials", () => {
    it("keeps the last known state, says so in one line, and asks nobody", async () => {
        const state = await create(inputs(["kid-a"]));
        delete process.env[ADMIN_KEY_VARIABLE];
        delete process.env[ADMIN_CERT_VARIABLE];
        const before = fake.requests.length;
        const lines: string[] = [];
        const write = process.stderr.write.bind(process.stderr);
        process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
        try {
            const r = await provider.read!(state.clientId, state);
            expect(r).toEqual({ id: state.clientId, props: state });
        } finally {
            process.stderr.write = write;
        }
        expect(fake.requests.length).toBe(before);
        expect(lines.join("")).toMatch(/MASKINPORTEN_ADMIN_KEY.*MASKINPORTEN_ADMIN_CERT.*kept the key set as of the last refresh/);
    });
});

describe("in a preview, before a new key pair exists", () => {
    // What Pulumi's dynamic-provider host passes for an input that is not known yet.
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

    it("check accepts unknown keys and diff reports a change", async () => {
        const news = { ...inputs(["kid-a"]), keys: UNKNOWN as unknown as PublicKey[] };
        expect((await provider.check!({} as RegistrationInputs, news)).failures).toBeUndefined();
        const state = { ...inputs(["kid-a"]), clientId: "c", createdClient: true, registered: [{ kid: "kid-a", exp: now() + 300 * DAY }], missing: [], foreign: [], checkedAt: now() };
        expect(await provider.diff!("c", state, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    });
});

describe("when Maskinporten cannot be reached", () => {
    it("retries a bounded number of times and names the socket error in one line", async () => {
        // A port that was just free: nothing listens there.
        const server = createServer();
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const port = (server.address() as AddressInfo).port;
        await new Promise<void>((r) => server.close(() => r()));
        const down = { ...inputs(["kid-a"]), authority: `http://127.0.0.1:${port}/`, apiUrl: `http://127.0.0.1:${port}/api/v1` };
        const message = await failure(provider.create(down));
        expect(message).toBe(`maskinportenClients[section=MaskinportenSettings]: Maskinporten metadata http://127.0.0.1:${port}/.well-known/oauth-authorization-server failed after 4 attempts: network error ECONNREFUSED`);
    });
});

describe("the provider's own copy of key-expiry facts", () => {
    it("renews within the same number of days, and counts days left the same way, as core", () => {
        expect(providerModule.RENEW_WITHIN_DAYS).toBe(keyStatusModule.RENEW_WITHIN_DAYS);
        for (const [exp, at] of [[100 * DAY, 0], [DAY - 1, 0], [0, 1], [-5 * DAY, 3]]) expect(providerModule.daysLeft(exp, at)).toBe(keyStatusModule.daysLeft(exp, at));
    });
});
