/**
 * The dynamic provider that registers a Maskinporten client's public keys through Digdir's
 * self-service API (./client). Pulumi serializes this provider into the state (`__provider`) and
 * runs it in its own process, so the module is self-contained: it imports only ./client and
 * ./http, requires Node built-ins inside the functions that use them, and every helper is a plain
 * function declaration that the closure serializer can copy by value.
 *
 * It holds no secret input or output: inputs are URLs, ids, names and public JWKs; state adds
 * kids and their `exp`. The admin credentials are read from the environment by ./client.
 *
 * Safety, as DESIGN.md's contract has it: a key set is replaced only after the current set was
 * read as `{keys: [...]}`, and never without the keys others registered; a client is deleted only
 * when this create made it (the id was not listed before and the client carries our name);
 * `delete` forgets (the component also sets retainOnDelete): keys stay at Maskinporten.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { adminCredentials, RemoteKey, notFound, selfServiceClient, SelfServiceClient } from "./client";
import { allowedHosts, ClientOptions, hostProblem, JWT_BEARER, printable } from "./http";

/** Maskinporten keeps at most this many keys on a client. */
const MAX_KEYS = 5;
/** A registered key that expires within this many days is renewed by the next `pulumi up`. */
const RENEW_WITHIN_DAYS = 30;
const DAY = 86_400;
// Exported by name at the end: TypeScript would turn uses of `export const` into `exports.X`,
// which makes the closure serializer capture the whole module.
export { RENEW_WITHIN_DAYS };

/** A public RSA JWK as Maskinporten stores it. */
export interface PublicKey {
    kty: string;
    use: string;
    kid: string;
    alg: string;
    n: string;
    e: string;
}

/** A kid registered at Maskinporten and when it expires (unix seconds; absent if not told). */
export interface KeyExpiry {
    kid: string;
    exp?: number;
}

/** What the stack declares for one client (the resource's inputs). */
export interface RegistrationInputs {
    /** Self-service API base, e.g. https://api.test.samarbeid.digdir.no/api/v1. */
    apiUrl: string;
    /** Maskinporten authority (issuer), e.g. https://test.maskinporten.no/. */
    authority: string;
    /** Altinn environment (tt02, prod): whose Digdir hosts may receive the token. Both when absent (state from before). */
    environment?: string;
    /** Hosts besides Digdir's that policy/config.json allows (allowedMaskinportenHosts). */
    allowedHosts?: string[];
    /** The org's self-service admin client. */
    adminClientId: string;
    /** Where the client comes from in config, for messages (`maskinportenClients[section=X]`). */
    label: string;
    /** An existing client to register keys on; absent: the stack creates the client. */
    clientId?: string;
    /** What a client the stack creates is called and may ask for. */
    client: { name: string; description: string; scopes: string[] };
    /** Every public key this stack publishes for the client (active, staged, retired). */
    keys: PublicKey[];
    /** Last known expiry per kid, copied from the refreshed state by `check` (read-only). */
    knownExpiry?: KeyExpiry[];
    /**
     * The id Maskinporten assigned to a client this stack created, carried by `check` from the
     * refreshed inputs (with `clientId`), so a preview knows the id while an update is planned.
     */
    assignedClientId?: string;
}

/** The resource's state: the inputs plus what Maskinporten holds. */
export interface RegistrationState extends RegistrationInputs {
    /** The client's id: the configured one, or the one Maskinporten assigned. */
    clientId: string;
    /** True when this stack created the client (and so deletes it). */
    createdClient: boolean;
    /** Declared keys found at Maskinporten, with their expiry. */
    registered: KeyExpiry[];
    /** Declared kids Maskinporten does not hold. */
    missing: string[];
    /** Keys someone else registered on the client: kept, reported, counted toward the limit. */
    foreign: KeyExpiry[];
    /** When Maskinporten was last asked (unix seconds). */
    checkedAt: number;
}

export type ProviderOptions = ClientOptions;

/** Kids and expiry of a JWKS answer. */
export function expiries(jwks: unknown): KeyExpiry[] {
    const keys = jwks && typeof jwks === "object" && Array.isArray((jwks as { keys?: unknown }).keys) ? ((jwks as { keys: unknown[] }).keys) : [];
    return keys
        .filter((k): k is Record<string, unknown> => !!k && typeof k === "object" && typeof (k as { kid?: unknown }).kid === "string")
        .map((k) => (typeof k.exp === "number" ? { kid: String(k.kid), exp: k.exp } : { kid: String(k.kid) }));
}

/** Only the members Maskinporten needs, so a key sent back is exactly what was registered. */
export function publicMembers(k: Record<string, unknown>): PublicKey {
    return { kty: String(k.kty), use: String(k.use ?? "sig"), kid: String(k.kid), alg: String(k.alg ?? "RS256"), n: String(k.n), e: String(k.e) };
}

/** A key read from Maskinporten that cannot be sent back as it is (no kty, n or e), or undefined. */
export function unsendableKey(keys: Record<string, unknown>[]): string | undefined {
    const bad = keys.find((k) => ["kty", "n", "e"].some((m) => typeof k[m] !== "string" || !k[m]));
    return bad ? printable(bad.kid, 100) : undefined;
}

/**
 * Why the set of declared plus foreign keys cannot be registered (more than Maskinporten's 5,
 * or a kid twice), or undefined. Names the client and every kid.
 */
export function keySetProblem(label: string, clientId: string | undefined, declared: string[], foreign: string[]): string | undefined {
    const who = `${label}: client ${clientId ?? "(to be created)"}`;
    const all = [...declared, ...foreign];
    const twice = declared.find((k, i) => declared.indexOf(k) !== i);
    if (twice) return `${who} declares kid ${twice} twice`;
    if (all.length <= MAX_KEYS) return undefined;
    const others = foreign.length ? ` and registered by others [${foreign.join(", ")}]` : "";
    return `${who} would hold ${all.length} keys, declared [${declared.join(", ")}]${others}; Maskinporten allows at most ${MAX_KEYS}: retire a generation or remove a key first`;
}

/** Why the inputs cannot be used, before any request is made, or undefined. */
export function inputsProblem(inputs: RegistrationInputs, knownForeign: string[] = []): string | undefined {
    const label = inputs.label || "maskinporten registration";
    const allowed = allowedHosts(inputs.environment, inputs.allowedHosts);
    const bad = hostProblem(inputs.apiUrl, allowed, "the self-service API URL") ?? hostProblem(inputs.authority, allowed, "the Maskinporten authority");
    if (bad) return `${label}: ${bad}`;
    if (!inputs.adminClientId) return `${label}: the self-service adminClientId is required`;
    // In a preview a new key pair's public key is not known yet: Pulumi sends a placeholder.
    if (!Array.isArray(inputs.keys)) return undefined;
    const declared = inputs.keys.map((k) => k.kid);
    const missing = inputs.keys.find((k) => !k || typeof k !== "object" || !k.kid || !k.n || !k.e || !k.use);
    if (missing) return `${label}: a declared key lacks kid, n, e or use`;
    return keySetProblem(label, inputs.clientId, declared, knownForeign.filter((k) => !declared.includes(k)));
}

/** Days from `nowSeconds` until `exp`, rounded down (negative once expired). */
export function daysLeft(exp: number, nowSeconds: number): number {
    return Math.floor((exp - nowSeconds) / DAY);
}

/** Why `pulumi up` must send the key set again, one reason each; empty when nothing to do. */
export function registrationChanges(olds: RegistrationState, news: RegistrationInputs, nowSeconds: number): string[] {
    const reasons: string[] = [];
    if (!Array.isArray(news.keys)) return ["declared keys are known only when pulumi up generates them"];
    const hosts = (i: RegistrationInputs) => [i.environment ?? "", ...(i.allowedHosts ?? [])].join(" ");
    if (olds.apiUrl !== news.apiUrl || olds.authority !== news.authority || olds.adminClientId !== news.adminClientId || hosts(olds) !== hosts(news)) reasons.push("self-service settings changed");
    const declared = news.keys.map((k) => k.kid).sort();
    const before = (olds.keys ?? []).map((k) => k.kid).sort();
    if (declared.join(",") !== before.join(",")) reasons.push(`declared keys changed: [${before.join(", ")}] -> [${declared.join(", ")}]`);
    const registered = new Map((olds.registered ?? []).map((k) => [k.kid, k.exp]));
    const missing = declared.filter((kid) => !registered.has(kid));
    if (missing.length) reasons.push(`not registered at Maskinporten: ${missing.join(", ")}`);
    for (const kid of declared) {
        const exp = registered.get(kid);
        if (exp !== undefined && exp - nowSeconds < RENEW_WITHIN_DAYS * DAY) reasons.push(`${kid} expires in ${daysLeft(exp, nowSeconds)} days: renew`);
    }
    if (olds.createdClient) {
        const a = olds.client ?? { name: "", description: "", scopes: [] };
        const b = news.client;
        if (a.name !== b.name || a.description !== b.description || [...a.scopes].sort().join(" ") !== [...b.scopes].sort().join(" ")) reasons.push("client name, description or scopes changed");
    }
    return reasons;
}

/** Whether the client itself must be replaced (another client is meant). */
export function replacesClient(olds: RegistrationState, news: RegistrationInputs): boolean {
    if (news.clientId) return news.clientId !== olds.clientId;
    return !olds.createdClient;
}

/** The POST /clients body for a client this stack creates. */
export function clientBody(inputs: RegistrationInputs): Record<string, unknown> {
    return {
        integration_type: "maskinporten",
        application_type: "web",
        client_name: inputs.client.name,
        description: inputs.client.description,
        token_endpoint_auth_method: "private_key_jwt",
        grant_types: [JWT_BEARER],
        scopes: [...inputs.client.scopes].sort(),
    };
}

/** The API client for these inputs: only Digdir's hosts for the environment, and those passed in, may receive a token. */
function apiFor(inputs: RegistrationInputs, options: ProviderOptions): SelfServiceClient {
    const problem = inputsProblem(inputs);
    if (problem) throw new Error(problem);
    const allowed = allowedHosts(inputs.environment, inputs.allowedHosts);
    return selfServiceClient({ apiUrl: inputs.apiUrl, authority: inputs.authority, adminClientId: inputs.adminClientId, label: inputs.label, allowed }, options);
}

/**
 * Send declared + foreign keys as the client's whole set (POST replaces it; a key sent again is
 * renewed) and describe what Maskinporten now holds. `remote` is the set as read just before:
 * keys in it that this stack never declared are kept.
 */
async function registerKeys(api: SelfServiceClient, inputs: RegistrationInputs, clientId: string, previouslyDeclared: string[], remote: RemoteKey[]): Promise<Pick<RegistrationState, "registered" | "missing" | "foreign" | "checkedAt">> {
    const declared = inputs.keys.map((k) => k.kid);
    const ours = new Set([...declared, ...previouslyDeclared]);
    const foreign = remote.filter((k) => !ours.has(k.kid));
    const problem = keySetProblem(inputs.label, clientId, declared, foreign.map((k) => k.kid));
    if (problem) throw new Error(problem);
    const unsendable = unsendableKey(foreign);
    if (unsendable) throw new Error(`${inputs.label}: client ${clientId} holds key ${unsendable} without kty, n or e, which a replace could not send back: the key set is not replaced`);
    const answer = await api.replaceKeys(clientId, [...inputs.keys.map((k) => publicMembers(k as unknown as Record<string, unknown>)), ...foreign.map(publicMembers)]);
    // Some deployments answer the write without the set; read it back to learn each exp.
    const held = expiries({ keys: answer && answer.length ? answer : await api.getKeys(clientId) });
    return describe(declared, held);
}

/** Whether `id`, answered by POST /clients, is the client this request made: new since `before`, with our name. */
async function isNewClient(api: SelfServiceClient, id: string, before: Record<string, unknown>[], body: Record<string, unknown>): Promise<boolean> {
    if (before.some((c) => c.client_id === id)) return false;
    const client = await api.getClient(id);
    return !!client && client.client_name === body.client_name && client.description === body.description;
}

function describe(declared: string[], held: KeyExpiry[]): Pick<RegistrationState, "registered" | "missing" | "foreign" | "checkedAt"> {
    return {
        registered: held.filter((k) => declared.includes(k.kid)),
        missing: declared.filter((kid) => !held.some((k) => k.kid === kid)),
        foreign: held.filter((k) => !declared.includes(k.kid)),
        checkedAt: Math.floor(Date.now() / 1000),
    };
}

/**
 * The value as the dynamic-provider host can send it: it converts results with protobuf's
 * Struct.fromJavaScript, which throws on `undefined`, so drop those members.
 */
function wire<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

/** The inputs without what `check` adds, as stored in state. */
function stateInputs(inputs: RegistrationInputs): RegistrationInputs {
    const { knownExpiry: _known, ...rest } = inputs;
    void _known;
    return rest;
}

/**
 * The provider. Pass options only in tests (shorter waits); Pulumi serializes the object returned
 * here, options included, into `__provider`.
 */
export function createRegistrationProvider(options: ProviderOptions = {}): dynamic.ResourceProvider {
    return {
        async check(olds: RegistrationInputs, news: RegistrationInputs) {
            const known = expiries({ keys: olds?.knownExpiry });
            const declared = expiries({ keys: news.keys }).map((k) => k.kid);
            const before = expiries({ keys: olds?.keys }).map((k) => k.kid);
            const problem = inputsProblem(news, known.map((k) => k.kid).filter((kid) => !declared.includes(kid) && !before.includes(kid)));
            if (problem) return { failures: [{ property: "keys", reason: problem }] };
            // The last refreshed expiry rides along so a policy can see it while an update is planned.
            // A created client's id, learnt by the last refresh, rides along as well: the program
            // cannot know it, and without it a planned update would make the ClientId secret unknown.
            const assigned = olds?.assignedClientId && olds.clientId === olds.assignedClientId && !news.clientId ? { clientId: olds.assignedClientId, assignedClientId: olds.assignedClientId } : {};
            return { inputs: wire({ ...news, ...assigned, ...(known.length ? { knownExpiry: known } : {}) }) };
        },

        async create(inputs: RegistrationInputs) {
            const clean = stateInputs(inputs);
            const api = apiFor(clean, options);
            if (clean.clientId) {
                if (!(await api.getClient(clean.clientId))) throw notFound(clean.label, clean.clientId, `GET clients/${clean.clientId}`);
                const held = await registerKeys(api, clean, clean.clientId, [], await api.getKeys(clean.clientId));
                return { id: clean.clientId, outs: wire({ ...clean, clientId: clean.clientId, createdClient: false, ...held }) };
            }
            const before = await api.listClients();
            const body = clientBody(clean);
            const id = await api.createClient(body);
            if (!(await isNewClient(api, id, before, body))) {
                throw new Error(`${clean.label}: POST clients answered with client_id ${printable(id, 100)}, which is not the client this request made (it existed before, or has another name): not used, not deleted`);
            }
            try {
                // A client made just now holds no keys: nothing to keep.
                const held = await registerKeys(api, clean, id, [], []);
                return { id, outs: wire({ ...clean, clientId: id, createdClient: true, ...held }) };
            } catch (e) {
                // Do not leave a client behind that no state knows of; it is ours (checked above).
                const left = await api.deleteClient(id).then(() => "", (d: unknown) => `; the client ${id} it made could not be deleted (${(d as Error).message}): delete it at Samarbeidsportalen`);
                throw new Error(`${(e as Error).message}${left}`);
            }
        },

        async read(id: string, props: RegistrationState) {
            try {
                adminCredentials(process.env);
            } catch (e) {
                // A preview without the admin credentials (a pull request) keeps the last known state; up needs them.
                process.stderr.write(`${props.label}: ${(e as Error).message}; kept the key set as of the last refresh, expiry not checked\n`);
                return { id, props };
            }
            const api = apiFor(stateInputs(props), options);
            if (!(await api.getClient(id))) return { id: "", props: {} };
            const held = expiries({ keys: await api.getKeys(id) });
            const state: RegistrationState = { ...props, clientId: id, ...describe(props.keys.map((k) => k.kid), held) };
            const { registered, missing, foreign, checkedAt, createdClient, ...inputs } = state;
            void missing;
            void checkedAt;
            void createdClient;
            const knownExpiry = [...registered, ...foreign];
            // A client the stack created has no clientId input: the id stays in state only.
            const { clientId: _id, assignedClientId: _assigned, ...rest } = inputs;
            void _id;
            void _assigned;
            return { id, props: wire(state), inputs: wire({ ...rest, clientId: id, ...(props.createdClient ? { assignedClientId: id } : {}), knownExpiry }) };
        },

        async diff(_id: string, olds: RegistrationState, news: RegistrationInputs) {
            const replaces = replacesClient(olds, news) ? ["clientId"] : [];
            const changes = replaces.length > 0 || registrationChanges(olds, news, Math.floor(Date.now() / 1000)).length > 0;
            return { changes, replaces, deleteBeforeReplace: false };
        },

        async update(id: string, olds: RegistrationState, news: RegistrationInputs) {
            const clean = stateInputs(news);
            const api = apiFor(clean, options);
            if (olds.createdClient && registrationChanges(olds, clean, 0).includes("client name, description or scopes changed")) {
                await api.updateClient(id, { ...clientBody(clean), client_id: id });
            }
            const held = await registerKeys(api, clean, id, (olds.keys ?? []).map((k) => k.kid), await api.getKeys(id));
            const outs: RegistrationState = { ...clean, clientId: id, createdClient: olds.createdClient, ...held };
            return { outs: wire(outs) };
        },

        // Forget, never delete: `register: false`, removing selfService or the client, a replace and
        // `pulumi destroy` all leave the keys (and a created client) at Maskinporten.
        async delete() {
            return;
        },
    };
}
