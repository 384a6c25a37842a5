/**
 * Self-service registration in the program, under mocks: which registration resources the stack
 * declares, what the ClientId secret and the stack output hold, what the offline plan shows, and
 * the provider loaded from the serialized `__provider` input the way Pulumi's dynamic-provider
 * host loads it (`require` the text as a module, call `.handler()`), run against the fake.
 */
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_CERT_VARIABLE, ADMIN_KEY_VARIABLE } from "../../providers/maskinporten/client";
import type { RegistrationInputs, RegistrationState } from "../../providers/maskinporten/provider";
import { ASSIGNED_CLIENT_ID_PLACEHOLDER } from "../../components/maskinporten/registration";
import { evaluateStack, Evaluation } from "../../scripts/offline/evaluate";
import { planFindings } from "../../scripts/offline/findings";
import { plain, Secret, secretProperties } from "../../scripts/offline/values";
import { TYPES } from "../../core/resourceNames";
import { providerFromText, Struct } from "../support/serializedProvider";
import { buildReport } from "../../scripts/plan/report";
import { renderText } from "../../scripts/plan/renderText";
import { FakeMaskinporten } from "../support/fakeMaskinporten";
import { ROOT, writeStacks } from "../support/helpers";
import { certificate } from "../support/x509";

const EXISTING = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
const BY_HAND = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0e";
const ADMIN = "0f0e0d0c-admin";
const dir = writeStacks({
    "mp-tt02": {
        org: "ttd",
        environment: "tt02",
        maskinporten: { selfService: { adminClientId: ADMIN } },
        maskinportenClients: [
            { section: "MaskinportenSettings", format: "legacy", scope: "altinn:serviceowner/instances.read", apps: ["app-a"] },
            { section: "Integrations--AppB", clientId: EXISTING, format: "builtin", keyGeneration: 1, nextKeyGeneration: 2, apps: ["app-b"] },
            { section: "ByHand", clientId: BY_HAND, register: false, format: "builtin", scope: "altinn:serviceowner/instances.read", apps: ["app-b"] },
        ],
    },
});

// One throwaway self-signed business certificate for the admin client.
const admin = generateKeyPairSync("rsa", { modulusLength: 1024 }); // fast; the fake does not check key sizes
const adminCert = certificate({ subject: "TESTORG 991825827", issuer: "TESTORG 991825827", subjectKey: admin.publicKey, issuerKey: admin.privateKey, serial: 3 });
const adminKeyPem = admin.privateKey.export({ type: "pkcs8", format: "pem" }) as string;

let ev: Evaluation;
let fake: FakeMaskinporten;
const registrations = () => ev.resources.filter((r) => r.type === TYPES.maskinportenRegistration);
const registrationOf = (section: string) => registrations().find((r) => r.name === `maskinporten-${section}-registration`)!;

beforeAll(async () => {
    ev = await evaluateStack(ROOT, "mp-tt02", dir);
    fake = new FakeMaskinporten(new X509Certificate(adminCert), ADMIN);
    await fake.start();
    process.env[ADMIN_KEY_VARIABLE] = adminKeyPem;
    process.env[ADMIN_CERT_VARIABLE] = adminCert;
}, 60_000);
afterAll(async () => {
    await fake?.stop();
});

describe("self-service registration in the program", () => {
    it("declares one registration per registered client, none for a client registered by hand", () => {
        expect(registrations().map((r) => r.name).sort()).toEqual(["maskinporten-Integrations--AppB-registration", "maskinporten-MaskinportenSettings-registration"]);
        const created = registrationOf("MaskinportenSettings");
        expect(created.inputs).toMatchObject({
            apiUrl: "https://api.test.samarbeid.digdir.no/api/v1",
            authority: "https://test.maskinporten.no/",
            adminClientId: ADMIN,
            label: "maskinportenClients[section=MaskinportenSettings]",
            client: { name: "ttd app-a MaskinportenSettings (altinn-app-secrets tt02)", scopes: ["altinn:serviceowner/instances.read"] },
        });
        expect(created.inputs.clientId).toBeUndefined();
        expect(registrationOf("Integrations--AppB").inputs.clientId).toBe(EXISTING);
        // parented under the client's component
        const component = ev.resources.find((r) => r.name === "maskinporten-MaskinportenSettings")!;
        expect(created.parent).toBe(component.urn);
        // register: false, removing selfService or the client forgets: the keys stay at Maskinporten
        expect(registrations().map((r) => r.retainOnDelete)).toEqual([true, true]);
        expect(created.inputs).toMatchObject({ environment: "tt02", allowedHosts: [] });
    });

    it("publishes every generation's public key and nothing secret", () => {
        const staged = registrationOf("Integrations--AppB");
        const keys = staged.inputs.keys as Record<string, unknown>[];
        expect(keys).toHaveLength(2);
        for (const k of keys) expect(Object.keys(k).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
        const client = ev.outputs.maskinportenClients.find((c) => c.section === "Integrations--AppB")!;
        expect(keys.map((k) => k.kid).sort()).toEqual(client.publicJwks.keys.map((k) => k.kid).sort());
        const inputsText = JSON.stringify(registrations().map((r) => ({ ...r.inputs, __provider: undefined })));
        expect(inputsText).not.toContain("[secret]");
        expect(inputsText).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
    });

    it("stores the assigned client id (a placeholder offline) in the ClientId secret, the configured one otherwise", () => {
        const secret = (section: string) => plain(secretProperties(ev.resources.find((r) => r.name === `maskinporten-${section}-ClientId`)!).properties.value);
        expect(secret("MaskinportenSettings")).toBe(ASSIGNED_CLIENT_ID_PLACEHOLDER);
        expect(secret("Integrations--AppB")).toBe(EXISTING);
        expect(secret("ByHand")).toBe(BY_HAND);
    });

    it("exports each client's registration: client id, whether the stack created it, keys with days left", () => {
        const outputs = ev.outputs.maskinportenClients;
        expect(outputs.find((c) => c.section === "MaskinportenSettings")!.registration).toEqual({
            clientId: ASSIGNED_CLIENT_ID_PLACEHOLDER,
            createdByStack: true,
            keys: [],
            foreignKeys: [],
            missing: [],
        });
        expect(outputs.find((c) => c.section === "ByHand")!.registration).toBeUndefined();
    });

    it("rotation next steps of a registered client need no portal visit", () => {
        const rotation = (section: string) => ev.outputs.maskinportenClients.find((c) => c.section === section)!.rotation;
        expect(rotation("Integrations--AppB")).toMatchObject({ state: "staged", nextStep: expect.stringContaining("pulumi up registers generation 2 next to 1 at Maskinporten") });
        expect(rotation("MaskinportenSettings").nextStep).toContain("renews it within 30 days of expiry");
        for (const s of ["Integrations--AppB", "MaskinportenSettings"]) expect(rotation(s).nextStep).not.toContain("Samarbeidsportalen");
        expect(rotation("ByHand").nextStep).toContain(`registered for client ${BY_HAND}`);
    });

    it("the offline plan shows created and registered clients and where live expiry is seen", () => {
        const report = buildReport(ev, planFindings(ev));
        const created = report.clients.find((c) => c.section === "MaskinportenSettings")!;
        expect(created.registration).toMatchObject({ createsClient: true, clientId: ASSIGNED_CLIENT_ID_PLACEHOLDER });
        expect(created.registration!.keys).toEqual([created.activeKid]);
        expect(report.clients.find((c) => c.section === "Integrations--AppB")!.registration).toMatchObject({ createsClient: false, clientId: EXISTING });
        const text = renderText(report);
        expect(text).toContain("self-service: pulumi up creates the client and registers");
        expect(text).toContain("pulumi preview --refresh");
        expect(text).toContain("register by hand at Samarbeidsportalen");
        expect(text).toContain(`client ${ASSIGNED_CLIENT_ID_PLACEHOLDER}`);
    });

    it("loads the provider from its serialized __provider text, as Pulumi's dynamic-provider host does, and runs it", async () => {
        const text = registrationOf("MaskinportenSettings").inputs.__provider;
        expect(typeof text).toBe("string");
        expect((text as string).length).toBeLessThan(60_000); // self-contained: no SDK or project modules captured
        expect(text as string).not.toMatch(/@pulumi\/pulumi|require\("\.\.?\//);
        const provider = providerFromText(text as string);

        const { __provider: _p, ...declared } = registrationOf("MaskinportenSettings").inputs;
        void _p;
        // The program points at Digdir; the test points the same inputs at the fake.
        const inputs = { ...declared, apiUrl: fake.apiUrl, authority: fake.issuer } as unknown as RegistrationInputs;
        expect((await provider.check!({} as RegistrationInputs, inputs)).failures ?? []).toEqual([]);
        const created = await provider.create(inputs);
        // The host sends every result through protobuf's Struct, which refuses undefined members.
        expect(() => Struct.fromJavaScript(created.outs)).not.toThrow();
        const state = created.outs as RegistrationState;
        expect(fake.kids(created.id)).toEqual(inputs.keys.map((k) => k.kid));
        expect(state.createdClient).toBe(true);
        expect((await provider.diff!(created.id, state, inputs)).changes).toBe(false);
        const read = await provider.read!(created.id, state);
        expect(() => Struct.fromJavaScript(read.props)).not.toThrow();
        expect(() => Struct.fromJavaScript(read.inputs)).not.toThrow();
        // created by the stack: the refreshed inputs carry the assigned id, and check hands it on
        expect(read.inputs).toMatchObject({ clientId: created.id, assignedClientId: created.id });
        const checked = await provider.check!(read.inputs as RegistrationInputs, inputs);
        expect(checked.inputs).toMatchObject({ clientId: created.id, assignedClientId: created.id });
        expect(await provider.diff!(created.id, read.props as RegistrationState, checked.inputs as RegistrationInputs)).toMatchObject({ changes: false, replaces: [] });
        expect((read.props as RegistrationState).registered.map((k) => k.kid)).toEqual(inputs.keys.map((k) => k.kid));
        // delete forgets: the client and its keys stay at Maskinporten
        await provider.delete!(created.id, state);
        expect(fake.kids(created.id)).toEqual(inputs.keys.map((k) => k.kid));
        const all = JSON.stringify([created, read]);
        for (const t of [...fake.tokens, ...fake.assertions]) expect(all).not.toContain(t);
    });

    it("declares a key proof per client that the vault secrets wait for; its private key is a secret input, never an output", () => {
        const proofs = ev.resources.filter((r) => r.type === TYPES.maskinportenKeyProof);
        expect(proofs.map((r) => [r.name, r.inputs.registeredBy]).sort()).toEqual([
            ["maskinporten-ByHand-key-proof", "hand"],
            ["maskinporten-Integrations--AppB-key-proof", "stack"],
            ["maskinporten-MaskinportenSettings-key-proof", "stack"],
        ]);
        for (const proof of proofs) {
            expect(proof.inputs.privateJwk).toBeInstanceOf(Secret);
            expect(proof.additionalSecretOutputs).toContain("privateJwk");
            const secrets = ev.resources.filter((r) => r.type === TYPES.secret && r.parent === proof.parent);
            expect(secrets.length).toBeGreaterThan(0);
            for (const secret of secrets) expect(secret.dependsOn).toContain(proof.urn);
        }
        // A created client's proof waits for the registration that creates it.
        const created = proofs.find((r) => r.name === "maskinporten-MaskinportenSettings-key-proof")!;
        expect(created.dependsOn).toContain(registrationOf("MaskinportenSettings").urn);
    });

    it("the plan and the stack output say what pulumi up proves, and that a hand-registered client's first key cannot be", () => {
        const report = buildReport(ev, planFindings(ev));
        const proof = (section: string) => report.clients.find((c) => c.section === section)!.keyProof;
        expect(proof("MaskinportenSettings")).toContain("pulumi up gets a token for altinn:serviceowner/instances.read with the active key");
        expect(proof("ByHand")).toContain("registered by hand: a new client's first key is made at its first pulumi up and cannot be proven there");
        expect(proof("Integrations--AppB")).toContain("not proven: no scope in the stack");
        expect(renderText(report)).toContain("key proof: registered by hand");
        const output = (ev.outputs.maskinportenClients as { section: string; keyProof: { plan: string } }[]).find((c) => c.section === "ByHand")!;
        expect(output.keyProof.plan).toBe(proof("ByHand"));
    });

    it("proves the program's own active key from its serialized __provider text against the fake; the key is in no result", async () => {
        const proof = ev.resources.find((r) => r.name === "maskinporten-MaskinportenSettings-key-proof")!;
        const provider = providerFromText(proof.inputs.__provider as string);
        const privateJwk = plain(proof.inputs.privateJwk) as string;
        const keys = registrationOf("MaskinportenSettings").inputs.keys as { kty: string; use: string; kid: string; alg: string; n: string; e: string }[];
        fake.addClient("proof-client-1", keys);
        const { __provider: _p, ...declared } = plain(proof.inputs) as Record<string, unknown>;
        void _p;
        const created = await provider.create({ ...declared, authority: fake.issuer, clientId: "proof-client-1" });
        expect(created.outs).toMatchObject({ proven: true, kid: keys[0].kid });
        expect(() => Struct.fromJavaScript(created.outs)).not.toThrow();
        expect(JSON.stringify(created)).not.toContain(privateJwk);
        expect(JSON.stringify(created)).not.toContain((JSON.parse(Buffer.from(privateJwk, "base64").toString()) as { d: string }).d);
    });
});
