/**
 * Issue 19's reproductions against the registration provider, each driven through the provider's
 * serialized text as Pulumi's dynamic-provider host runs it: the admin token and the signed grant
 * go only to Digdir's hosts, a delete forgets, a key set that could not be read is never replaced,
 * a client is deleted only when this create made it, every error keeps its one line, answers are
 * bounded in size and time, and server text reaches a message only cleaned.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { printable } from "../../providers/maskinporten/http";
import { createRegistrationProvider, RegistrationInputs, RegistrationState } from "../../providers/maskinporten/provider";
import { printable as redeployPrintable } from "../../scripts/redeploy/core.mjs";
import { FakeMaskinporten } from "../support/fakeMaskinporten";
import { failureOf, LABEL, newFake, publicKey, registrationInputs, setAdminCredentials } from "../support/registrationFixture";
import { serializedProvider } from "../support/serializedProvider";

const EVIL = "https://api.samarbeid.digdir.no.evil.example/api/v1";
let fake: FakeMaskinporten;
let provider: dynamic.ResourceProvider;
/** The same provider with a short request timeout. */
let impatient: dynamic.ResourceProvider;
/** Every URL the provider asked fetch for, wherever it points. */
const fetched: string[] = [];
const realFetch = globalThis.fetch;

const inputs = (kids: string[], extra: Partial<RegistrationInputs> = {}) => registrationInputs(fake, kids, extra);
const failure = (p: Promise<unknown>) => failureOf(p);
const created = async (i: RegistrationInputs) => (await provider.create(i)).outs as RegistrationState;

beforeAll(async () => {
    [provider, impatient] = await Promise.all([
        serializedProvider(createRegistrationProvider({ retryDelaysMs: [5, 5, 5] })).then((p) => p.provider),
        serializedProvider(createRegistrationProvider({ retryDelaysMs: [5], requestTimeoutMs: 300 })).then((p) => p.provider),
    ]);
    globalThis.fetch = ((url: string | URL | Request, init?: RequestInit) => {
        fetched.push(String(url instanceof Request ? url.url : url));
        return realFetch(url, init);
    }) as typeof fetch;
    setAdminCredentials();
}, 60_000);
afterAll(() => {
    globalThis.fetch = realFetch;
});
beforeEach(async () => {
    fake = newFake();
    await fake.start();
    fetched.length = 0;
});
afterEach(async () => {
    await fake.stop();
});

describe("1. the admin token and the signed grant go only to Digdir", () => {
    it("refuses an apiUrl on another host before anything is sent, naming the host", async () => {
        const message = await failure(provider.create(inputs(["kid-a"], { apiUrl: EVIL, environment: "tt02" })));
        expect(message).toContain("api.samarbeid.digdir.no.evil.example, not a Digdir host (api.test.samarbeid.digdir.no, test.maskinporten.no)");
        expect(message.split("\n")).toHaveLength(1);
        expect(fetched).toEqual([]);
        expect(fake.requests).toHaveLength(0);
    });

    it("a refresh of state written before the rule existed (no environment in it) sends nothing there either", async () => {
        const state = { ...(await created(inputs(["kid-a"]))), apiUrl: EVIL };
        delete state.environment;
        fetched.length = 0;
        const message = await failure(provider.read!(state.clientId, state));
        expect(message).toContain("not a Digdir host");
        expect(fetched.filter((u) => u.includes("evil"))).toEqual([]);
        expect(fake.tokenRequests()).toHaveLength(1); // the create's, none for the refresh
    });

    it("refuses the other environment's Digdir host", async () => {
        const message = await failure(provider.create(inputs(["kid-a"], { apiUrl: "https://api.samarbeid.digdir.no/api/v1", environment: "tt02" })));
        expect(message).toContain("the self-service API URL is on api.samarbeid.digdir.no, not a Digdir host (api.test.samarbeid.digdir.no, test.maskinporten.no)");
    });

    it("sends to a host policy/config.json allows (passed in as allowedHosts)", async () => {
        const message = await failure(provider.create(inputs(["kid-a"], { apiUrl: EVIL, environment: "tt02", allowedHosts: ["api.samarbeid.digdir.no.evil.example"] })));
        expect(message).not.toContain("not a Digdir host");
        expect(fetched.some((u) => u.startsWith(EVIL))).toBe(true);
    });

    it("never signs a grant for a token endpoint the metadata puts on another host", async () => {
        fake.tokenEndpoint = "https://test.maskinporten.no.evil.example/token";
        const message = await failure(provider.create(inputs(["kid-a"], { environment: "tt02" })));
        expect(message).toBe(
            `${LABEL}: Maskinporten's token_endpoint "https://test.maskinporten.no.evil.example/token" is on test.maskinporten.no.evil.example, not a Digdir host (127.0.0.1, api.test.samarbeid.digdir.no, test.maskinporten.no); refused before sending (allow a host in policy/config.json allowedMaskinportenHosts, with a reason)`,
        );
        expect(fetched.filter((u) => u.includes("evil"))).toEqual([]);
        expect(fake.assertions).toHaveLength(0);
    });
});

describe("2. a delete forgets: the live key stays at Maskinporten", () => {
    it("register: false, removing selfService or the client: delete asks nobody and leaves every key", async () => {
        fake.addClient("live-1", [publicKey("kid-by-hand")]);
        const state = await created(inputs(["kid-a"], { clientId: "live-1" }));
        const before = fake.requests.length;
        await provider.delete!("live-1", state);
        expect(fake.kids("live-1")).toEqual(["kid-a", "kid-by-hand"]);
        expect(fake.requests.length).toBe(before);
    });
});

describe("3. a key set that could not be read is never replaced", () => {
    it.each([
        ["404", { status: 404, body: { error: "not_found" } }, "HTTP 404"],
        ["an HTML maintenance page", { status: 200, text: "<html><body>Vedlikehold</body></html>" }, "HTTP 200 without {keys: [...]}"],
        ["JSON without keys", { status: 200, body: { message: "ok" } }, "HTTP 200 without {keys: [...]}"],
    ])("%s from GET jwks stops the update, naming the client and the status", async (_what, answer, said) => {
        fake.addClient("live-1", [publicKey("kid-adopted")]);
        const state = await created(inputs(["kid-a"], { clientId: "live-1" }));
        const writes = fake.jwksWrites().length;
        fake.apiFailures.push({ ...answer, method: "GET", path: /\/jwks$/ });
        const message = await failure(provider.update!("live-1", state, inputs(["kid-a", "kid-b"], { clientId: "live-1" })));
        expect(message).toContain(`${LABEL}: the key set of client live-1 could not be read (GET clients/live-1/jwks answered ${said}), so it is not replaced`);
        expect(fake.jwksWrites().length).toBe(writes);
        expect(fake.kids("live-1")).toEqual(["kid-a", "kid-adopted"]);
    });

    it("a replace keeps every key the stack did not register", async () => {
        fake.addClient("live-1", [publicKey("kid-adopted"), publicKey("kid-other")]);
        const state = await created(inputs(["kid-a"], { clientId: "live-1" }));
        await provider.update!("live-1", state, inputs(["kid-b"], { clientId: "live-1" }));
        expect(fake.kids("live-1")).toEqual(["kid-adopted", "kid-b", "kid-other"]);
    });
});

describe("4. clean-up deletes only the client this create made", () => {
    it("POST /clients answering with an existing client's id: never deleted, never used", async () => {
        fake.addClient("existing-1", [publicKey("kid-live")]);
        fake.createAnswersWith = "existing-1";
        const message = await failure(provider.create(inputs(["kid-a"])));
        expect(message).toBe(`${LABEL}: POST clients answered with client_id existing-1, which is not the client this request made (it existed before, or has another name): not used, not deleted`);
        expect(fake.apiRequests().filter((r) => r.method === "DELETE" || /jwks$/.test(r.path) && r.method !== "GET")).toEqual([]);
        expect(fake.kids("existing-1")).toEqual(["kid-live"]);
    });

    it("a client it made is deleted when registering its keys fails", async () => {
        fake.apiFailures.push({ status: 400, body: { error: "invalid_request", error_description: "Invalid key" }, method: "POST", path: /\/jwks$/ });
        const message = await failure(provider.create(inputs(["kid-a"])));
        expect(message).toContain("failed: HTTP 400 invalid_request: Invalid key");
        expect(fake.clients.size).toBe(0);
    });
});

describe("5. every error keeps its one line when the provider runs from its serialized text", () => {
    it("token refused", async () => {
        fake.tokenFailures.push({ status: 400, body: { error: "invalid_client", error_description: "MP-121: Expired key" } });
        expect(await failure(provider.create(inputs(["kid-a"])))).toBe(`${LABEL}: Maskinporten refused the admin token for 0f0e0d0c-admin-client: HTTP 400 invalid_client: MP-121: Expired key`);
    });

    it("403", async () => {
        fake.apiFailures.push({ status: 403, body: { error: "access_denied", error_description: "missing scope" } });
        expect(await failure(provider.create(inputs(["kid-a"])))).toBe(
            `${LABEL}: GET clients failed: HTTP 403 access_denied: missing scope (the admin client 0f0e0d0c-admin-client needs the scopes idporten:dcr.read idporten:dcr.write and must own the client)`,
        );
    });

    it("404 of a configured client", async () => {
        expect(await failure(provider.create(inputs(["kid-a"], { clientId: "nobody-1" })))).toBe(
            `${LABEL}: client nobody-1 does not exist at Maskinporten (GET clients/nobody-1 answered HTTP 404); check clientId or remove it to let the stack create the client`,
        );
    });

    it("5xx exhausted", async () => {
        fake.apiFailures.push(...Array.from({ length: 4 }, () => ({ status: 503, body: { error: "unavailable", error_description: "maintenance" } })));
        expect(await failure(provider.create(inputs(["kid-a"])))).toBe(`${LABEL}: GET clients failed after 4 attempts: HTTP 503 unavailable: maintenance`);
    });

    it("timeout", async () => {
        fake.hang = 2;
        expect(await failure(impatient.create(inputs(["kid-a"])))).toBe(`${LABEL}: GET clients failed after 2 attempts: no answer within 300 ms`);
    });
});

describe("6. answers are bounded in size", () => {
    it("a 400 MiB answer is refused after 5 MiB, with one line, the rest never read", async () => {
        const heap = process.memoryUsage().heapUsed;
        fake.streamBytes = 400 * 1024 * 1024;
        expect(await failure(provider.create(inputs(["kid-a"])))).toBe(`${LABEL}: GET clients: the answer (HTTP 200) is larger than 5 MiB; refused without reading the rest`);
        // The fake stops when the provider hangs up: what got out is the cap plus socket buffers.
        await new Promise((r) => setTimeout(r, 50));
        expect(fake.streamed).toBeLessThan(32 * 1024 * 1024);
        expect(process.memoryUsage().heapUsed - heap).toBeLessThan(64 * 1024 * 1024);
    });
});

describe("7. server text reaches a message only cleaned", () => {
    it("newlines, workflow commands and terminal escapes in error_description are stripped, and it is cut short", async () => {
        const hostile = `MP-121\n::error file=x::pwned\r\n\u001b[31mred\u001b[0m\u0007 ${"x".repeat(2000)}`;
        fake.apiFailures.push({ status: 400, body: { error: "invalid\nrequest", error_description: hostile } });
        const message = await failure(provider.create(inputs(["kid-a"])));
        expect(message.startsWith(`${LABEL}: GET clients failed: HTTP 400 invalid request: MP-121 ::error file=x::pwned red x`)).toBe(true);
        expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(message.length).toBeLessThan(500);
    });

    it("a kid someone else registered reaches a message cleaned", async () => {
        fake.addClient("crowded-1", [1, 2, 3, 4].map((i) => publicKey(`other-${i}\n::error::x\u001b[31m`)));
        const message = await failure(provider.create(inputs(["kid-a", "kid-b"], { clientId: "crowded-1" })));
        expect(message).toContain("registered by others [other-1 ::error::x, other-2 ::error::x, other-3 ::error::x, other-4 ::error::x]");
        expect(message).not.toMatch(/[\u0000-\u001f]/);
    });

    it("a ##[ workflow command in Digdir's text does not reach a CI log whole", async () => {
        fake.apiFailures.push({ status: 400, body: { error: "invalid_request", error_description: "MP-121 ##[add-mask]maskinporten.no" } });
        const message = await failure(provider.create(inputs(["kid-a"])));
        expect(message).not.toContain("##[");
        expect(message.replaceAll("\u200b", "")).toContain("MP-121 ##[add-mask]maskinporten.no");
    });

    it("the provider and the redeploy script (two self-contained copies) clean text the same way", () => {
        for (const text of ["plain", "a\nb\r\nc", "\u001b[1;31mred\u001b[0m", "\u001b]8;;https://x\u0007link\u001b]8;;\u0007", "\u202etxt.exe", "x".repeat(400), "\u0085\u2028end"]) {
            expect(printable(text, 50)).toBe(redeployPrintable(text, 50));
        }
    });
});
