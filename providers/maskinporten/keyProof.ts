/**
 * The dynamic provider that proves a client's key before the apps get it: before a key becomes the
 * active key in the vault, it asks Maskinporten for a real access token with it (a JWT grant
 * signed with the new private key, `kid` in the header, for the client's scope). Maskinporten
 * takes 0-2 minutes to accept a new key, so it retries within a bounded wait; then it fails the
 * `up`, naming the client and what Maskinporten answered. The vault secrets depend on this
 * resource, so a failed proof leaves them untouched.
 *
 * When there is nothing to prove, or it cannot be proven, it says why instead (never silently):
 * an adopted key (keyGeneration 0) is not in the stack; a client without a scope in the stack
 * cannot ask for a token; and the first key of a client registered by hand is made at that
 * client's first `up` (create), so nobody can have registered it yet. Every later activation is an
 * update, and is proven.
 *
 * The private key is an input only. Pulumi's dynamic-provider host does not accept secrets, so
 * the engine hands it over in plain and marks secret whatever a provider returns under the name
 * of a secret input (check's inputs, stored encrypted in state); `create` and `update` never
 * return it (outputs: kid, client, scope, the result); the component lists it in
 * additionalSecretOutputs as well; no message ever holds it, the grant or the token.
 *
 * Self-contained like the rest of providers/maskinporten: serialized into the state.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { accessToken, authorityMetadata, grantClaims, signJwt } from "./client";
import { allowedHosts, ClientOptions, hostProblem } from "./http";

export interface KeyProofInputs {
    /** Where the client comes from in config, for messages. */
    label: string;
    /** Maskinporten authority: its metadata names the token endpoint. */
    authority: string;
    /** Altinn environment: the grant goes only to Digdir's hosts for it (and allowedHosts). */
    environment?: string;
    /** Hosts besides Digdir's that policy/config.json allows. */
    allowedHosts?: string[];
    clientId: string;
    /** The client's scopes from the stack, space separated; none: the key cannot be proven. */
    scope?: string;
    /** The active key's kid; absent for an adopted key. */
    kid?: string;
    /** The active private JWK, base64, as the vault gets it. A pulumi secret; never in an output. */
    privateJwk?: string;
    /** "stack": registered by this stack's self-service registration; "hand": at Samarbeidsportalen. */
    registeredBy: "stack" | "hand";
}

/** What state holds: the inputs without the private key, and the result. */
export interface KeyProofState extends Omit<KeyProofInputs, "privateJwk"> {
    /** True when Maskinporten gave a token with this key. */
    proven: boolean;
    /** How it was proven, or why it was not. */
    note: string;
}

export interface KeyProofOptions extends ClientOptions {
    /** Waits between token requests while Maskinporten takes the new key in. Defaults to about 2 minutes in all. */
    proofDelaysMs?: number[];
}

/** Why no token is asked for (the note), or undefined when the key is to be proven. `first`: the resource's create. */
export function unprovable(inputs: KeyProofInputs, first: boolean): string | undefined {
    if (!inputs.kid) return "the active key is the adopted one (keyGeneration 0): not in this stack, nothing to prove";
    if (!inputs.scope || !inputs.scope.trim()) return `no scope in the stack: a token cannot be asked for, so key ${inputs.kid} is not proven (set scope to have it proven)`;
    if (first && inputs.registeredBy === "hand") {
        return `key ${inputs.kid} is the first key of a client registered by hand, made at this pulumi up: register it at Samarbeidsportalen; every later activation is proven before the vault gets it`;
    }
    return undefined;
}

/** Ask Maskinporten for a token with the key until it gives one or the waits are used up; throws one line. */
export async function proveKey(inputs: KeyProofInputs, options: KeyProofOptions): Promise<string> {
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const { label, clientId, kid } = inputs;
    const scope = String(inputs.scope).trim();
    const allowed = allowedHosts(inputs.environment, inputs.allowedHosts);
    const refused = hostProblem(inputs.authority, allowed, "the Maskinporten authority", inputs.environment !== "prod");
    if (refused) throw new Error(`${label}: ${refused}`);
    let key: import("node:crypto").KeyObject;
    try {
        key = crypto.createPrivateKey({ key: JSON.parse(Buffer.from(String(inputs.privateJwk), "base64").toString("utf8")) as import("node:crypto").JsonWebKey, format: "jwk" });
    } catch {
        throw new Error(`${label}: the active key to prove is not a base64-encoded private JWK`);
    }
    const meta = await authorityMetadata(inputs.authority, label, allowed, options);
    const delays = options.proofDelaysMs ?? [5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 30_000];
    const started = Date.now();
    let last = "";
    for (let attempt = 0; ; attempt++) {
        const grant = signJwt({ kid }, grantClaims(meta.issuer, clientId, Math.floor(Date.now() / 1000), crypto.randomUUID(), scope), key);
        try {
            // This loop is the retry: one request per attempt keeps the whole wait bounded by the delays and timeouts.
            const answer = await accessToken(meta.tokenEndpoint, grant, `${label}: Maskinporten token request with key ${kid}`, allowed, { ...options, retryDelaysMs: [] });
            if (answer.token) return `Maskinporten gave client ${clientId} a token for ${scope} with key ${kid} (attempt ${attempt + 1})`;
            last = answer.refusal ?? "no token";
        } catch (e) {
            last = (e as Error).message;
        }
        if (attempt >= delays.length) break;
        await new Promise((r) => setTimeout(r, delays[attempt]));
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    throw new Error(
        `${label}: Maskinporten gave client ${clientId} no token for ${scope} with key ${kid} in ${delays.length + 1} attempts over ${seconds} s; last answer: ${last}. The vault keeps the previous key and no app is redeployed: check that key ${kid} is registered on client ${clientId} and that the client has the scope, then run pulumi up again`,
    );
}

/** The state: inputs without the private key (a copy, undefined members dropped for the host's Struct). */
function stateOf(inputs: KeyProofInputs, proven: boolean, note: string): KeyProofState {
    const { privateJwk: _key, ...rest } = inputs;
    void _key;
    return JSON.parse(JSON.stringify({ ...rest, proven, note })) as KeyProofState;
}

/** The provider. Pass options only in tests (shorter waits); Pulumi serializes them into `__provider`. */
export function createKeyProofProvider(options: KeyProofOptions = {}): dynamic.ResourceProvider {
    const settle = async (inputs: KeyProofInputs, first: boolean) => {
        const why = unprovable(inputs, first);
        if (why) return stateOf(inputs, false, why);
        return stateOf(inputs, true, await proveKey(inputs, options));
    };
    return {
        async check(_olds: KeyProofInputs, news: KeyProofInputs) {
            return { inputs: news };
        },
        async create(inputs: KeyProofInputs) {
            return { id: `${inputs.label}:key-proof`, outs: await settle(inputs, true) };
        },
        async diff(_id: string, olds: KeyProofState, news: KeyProofInputs) {
            const same = (k: keyof KeyProofState & keyof KeyProofInputs) => JSON.stringify(olds[k] ?? null) === JSON.stringify(news[k] ?? null);
            const changes = !(["kid", "clientId", "scope", "authority", "environment", "allowedHosts"] as const).every(same);
            return { changes, replaces: [], deleteBeforeReplace: false };
        },
        async update(_id: string, _olds: KeyProofState, news: KeyProofInputs) {
            return { outs: await settle(news, false) };
        },
        async read(id: string, props: KeyProofState) {
            return { id, props };
        },
        async delete() {
            return;
        },
    };
}
