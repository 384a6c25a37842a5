/**
 * The key proof (issue 19): before a key becomes the active key in the vault, pulumi up asks the
 * fake Maskinporten for a real token with it: accepted, slow to propagate, refused. The provider
 * runs from its serialized text; its private key appears in no output, state, message or log.
 */
import { generateKeyPairSync } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodeJwk, PrivateRsaJwk, publicJwk } from "../../core/maskinporten/jwk";
import { createKeyProofProvider, KeyProofInputs, KeyProofState } from "../../providers/maskinporten/keyProof";
import { FakeMaskinporten } from "../support/fakeMaskinporten";
import { failureOf, LABEL, newFake } from "../support/registrationFixture";
import { serializedProvider } from "../support/serializedProvider";

const SCOPE = "altinn:serviceowner/instances.read";

/** A private JWK as the program makes it (1024 bits: the fake does not check sizes). */
function privateJwk(kid: string): PrivateRsaJwk {
    const jwk = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "jwk" }) as Record<string, string>;
    return { kty: "RSA", use: "sig", alg: "RS256", kid, n: jwk.n, e: jwk.e, d: jwk.d, p: jwk.p, q: jwk.q, qi: jwk.qi, dp: jwk.dp, dq: jwk.dq };
}
const KEY = privateJwk("kid-new");
const ENCODED = encodeJwk(KEY);

let fake: FakeMaskinporten;
let provider: dynamic.ResourceProvider;
let providerText: string;
/** Everything the provider returned, threw or wrote: searched for the private key at the end. */
const produced: string[] = [];
const stderrWrite = process.stderr.write.bind(process.stderr);
const stdoutWrite = process.stdout.write.bind(process.stdout);

function inputs(extra: Partial<KeyProofInputs> = {}): KeyProofInputs {
    return { label: LABEL, authority: fake.issuer, environment: "tt02", allowedHosts: [], clientId: "c-1", scope: SCOPE, kid: KEY.kid, privateJwk: ENCODED, registeredBy: "stack", ...extra };
}
async function create(i: KeyProofInputs): Promise<KeyProofState> {
    const r = await provider.create(i);
    produced.push(JSON.stringify(r));
    return r.outs as KeyProofState;
}
const failure = (p: Promise<unknown>) => failureOf(p, produced);

beforeAll(async () => {
    ({ provider, text: providerText } = await serializedProvider(createKeyProofProvider({ retryDelaysMs: [5], proofDelaysMs: [10, 10, 10] })));
    // Whatever the provider logs is recorded too.
    process.stderr.write = ((chunk: string) => (produced.push(String(chunk)), stderrWrite(chunk))) as typeof process.stderr.write;
    process.stdout.write = ((chunk: string) => (produced.push(String(chunk)), stdoutWrite(chunk))) as typeof process.stdout.write;
}, 60_000);
afterAll(() => {
    process.stderr.write = stderrWrite;
    process.stdout.write = stdoutWrite;
});
beforeEach(async () => {
    fake = newFake();
    await fake.start();
    fake.addClient("c-1", [publicJwk(KEY)]);
});
afterEach(async () => {
    await fake.stop();
});

describe("the key proof against the fake Maskinporten", () => {
    it("accepted: one token request with the new key, its kid in the header, for the client's scope", async () => {
        const state = await create(inputs());
        expect(state).toMatchObject({ proven: true, kid: "kid-new", clientId: "c-1", note: `Maskinporten gave client c-1 a token for ${SCOPE} with key kid-new (attempt 1)` });
        expect(fake.clientGrants).toEqual([{ kid: "kid-new", iss: "c-1", scope: SCOPE }]);
    });

    it("slow to propagate: retries within the bounded wait until Maskinporten takes the key", async () => {
        fake.keyNotYetKnown = 2;
        expect(await create(inputs())).toMatchObject({ proven: true, note: expect.stringContaining("(attempt 3)") });
        expect(fake.clientGrants).toHaveLength(3);
    });

    it("refused: fails after the bounded attempts, naming the client, the key and what Maskinporten said", async () => {
        fake.clients.get("c-1")!.jwks = [];
        const message = await failure(provider.create(inputs()));
        expect(message).toMatch(
            new RegExp(`^${LABEL.replace(/[[\]]/g, "\\$&")}: Maskinporten gave client c-1 no token for ${SCOPE} with key kid-new in 4 attempts over \\d+ s; last answer: HTTP 400 invalid_client: MP-120: Unknown key kid-new for client\\. The vault keeps the previous key`),
        );
        expect(message.split("\n")).toHaveLength(1);
        expect(fake.clientGrants).toHaveLength(4);
    });

    it("a scope the client does not have is refused the same way", async () => {
        const message = await failure(provider.create(inputs({ scope: "altinn:other/scope" })));
        expect(message).toContain("last answer: HTTP 400 invalid_scope: MP-130");
    });

    it("a client registered by hand: its first key (create) is not proven, and says so; a later activation (update) is", async () => {
        const first = await create(inputs({ registeredBy: "hand" }));
        expect(first).toMatchObject({ proven: false, note: expect.stringContaining("first key of a client registered by hand") });
        expect(fake.requests).toHaveLength(0);
        const next = privateJwk("kid-next");
        fake.clients.get("c-1")!.jwks!.push({ ...publicJwk(next), exp: 0 });
        const news = inputs({ registeredBy: "hand", kid: "kid-next", privateJwk: encodeJwk(next) });
        expect((await provider.diff!("x", first, news)).changes).toBe(true);
        const r = await provider.update!("x", first, news);
        produced.push(JSON.stringify(r));
        expect(r.outs).toMatchObject({ proven: true, kid: "kid-next" });
    });

    it("an adopted key and a client without scope are not proven, and say why, asking nobody", async () => {
        expect(await create(inputs({ kid: undefined, privateJwk: undefined }))).toMatchObject({ proven: false, note: expect.stringContaining("adopted") });
        expect(await create(inputs({ scope: undefined }))).toMatchObject({ proven: false, note: expect.stringContaining("no scope in the stack") });
        expect(fake.requests).toHaveLength(0);
    });

    it("sends the grant only to Digdir's hosts: another authority is refused before anything is sent", async () => {
        const message = await failure(provider.create(inputs({ authority: "https://test.maskinporten.no.evil.example/" })));
        expect(message).toContain("not a Digdir host");
        expect(fake.requests).toHaveLength(0);
    });

    it("an unchanged key is not proven again; a refresh asks nobody", async () => {
        const state = await create(inputs());
        expect((await provider.diff!("x", state, inputs())).changes).toBe(false);
        const requests = fake.requests.length;
        expect((await provider.read!("x", state)).props).toEqual(state);
        expect(fake.requests.length).toBe(requests);
    });

    it("check hands the private key on only under its own name (the engine marks it secret); no output holds it (runs last)", async () => {
        const checked = (await provider.check!({} as KeyProofInputs, inputs())).inputs as KeyProofInputs;
        expect(Object.entries(checked).filter(([, v]) => v === ENCODED).map(([k]) => k)).toEqual(["privateJwk"]);
        const text = produced.join("\n");
        expect(produced.length).toBeGreaterThan(8);
        for (const secret of [ENCODED, KEY.d, KEY.p, KEY.q, KEY.dp, KEY.dq, KEY.qi]) expect(text).not.toContain(secret);
        expect(text).not.toContain("privateJwk");
        expect(providerText).not.toContain(KEY.d);
        for (const t of fake.tokens) expect(text).not.toContain(t);
    });
});
