/**
 * The dynamic provider that registers a Maskinporten client's public keys through Digdir's
 * self-service API. Pulumi serializes this provider into the state (`__provider`) and runs it
 * in its own process, so the module is self-contained: no imports at run time (only types),
 * Node built-ins required inside the functions that use them, every helper a plain function
 * declaration that the closure serializer can copy by value.
 *
 * It holds no secret input or output: inputs are URLs, ids, names and public JWKs; state adds
 * kids and their `exp`. The admin client's private key and certificate chain are read from the
 * environment (MASKINPORTEN_ADMIN_KEY, MASKINPORTEN_ADMIN_CERT) only when a request is made,
 * and neither they, the grant nor the token ever appear in an error message.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

/** Maskinporten keeps at most this many keys on a client. */
const MAX_KEYS = 5;
/** A registered key that expires within this many days is renewed by the next `pulumi up`. */
const RENEW_WITHIN_DAYS = 30;
const ADMIN_SCOPE = "idporten:dcr.read idporten:dcr.write";
const ADMIN_KEY_VARIABLE = "MASKINPORTEN_ADMIN_KEY";
const ADMIN_CERT_VARIABLE = "MASKINPORTEN_ADMIN_CERT";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const DAY = 86_400;
// Exported by name at the end: TypeScript would turn uses of `export const` into `exports.X`,
// which makes the closure serializer capture the whole module.
export { ADMIN_CERT_VARIABLE, ADMIN_KEY_VARIABLE, ADMIN_SCOPE, RENEW_WITHIN_DAYS };

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

export interface ProviderOptions {
    /** Waits before each retry of a 5xx/429/network failure. Defaults to 1 s, 2 s, 4 s. */
    retryDelaysMs?: number[];
    /** Timeout of one HTTP request. Defaults to 30 s. */
    requestTimeoutMs?: number;
}

/** Hosts that may be reached over plain http (tests run a fake on them). */
export function isLoopbackHost(hostname: string): boolean {
    const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Why `value` cannot be used as the URL called `what`, or undefined. */
export function urlProblem(value: unknown, what: string): string | undefined {
    let url: URL;
    try {
        url = new URL(String(value));
    } catch {
        return `${what} ${JSON.stringify(value)} is not a URL`;
    }
    if (url.username || url.password || url.search || url.hash) return `${what} ${JSON.stringify(value)} may not hold user info, a query or a fragment`;
    if (url.protocol === "https:") return undefined;
    if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
    return `${what} ${JSON.stringify(value)} must use https (plain http only for loopback hosts)`;
}

/** `base` + `path` with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
    return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** Claims of the admin client's JWT grant. `exp` is at most 120 s after `iat`. */
export function grantClaims(issuer: string, adminClientId: string, nowSeconds: number, jti: string): Record<string, string | number> {
    return { aud: issuer, iss: adminClientId, scope: ADMIN_SCOPE, iat: nowSeconds, exp: nowSeconds + 120, jti };
}

/** The certificates of a PEM chain as base64 DER (the `x5c` header), in file order (leaf first). */
export function x5cFromPem(pem: string): string[] {
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) throw new Error(`${ADMIN_CERT_VARIABLE} holds no PEM certificate`);
    return blocks.map((block, i) => {
        try {
            return new crypto.X509Certificate(block).raw.toString("base64");
        } catch {
            throw new Error(`${ADMIN_CERT_VARIABLE}: certificate ${i + 1} cannot be read`);
        }
    });
}

/**
 * The signed JWT grant: RS256, `x5c` = the chain, claims from `grantClaims`. The key must belong
 * to the first certificate. Errors name the variables, never their content.
 */
export function signGrant(keyPem: string, certPem: string, claims: Record<string, string | number>): string {
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const x5c = x5cFromPem(certPem);
    let key: import("node:crypto").KeyObject;
    try {
        key = crypto.createPrivateKey(keyPem);
    } catch {
        throw new Error(`${ADMIN_KEY_VARIABLE} is not a PEM private key`);
    }
    if (key.asymmetricKeyType !== "rsa") throw new Error(`${ADMIN_KEY_VARIABLE} is not an RSA key (Maskinporten grants are signed RS256)`);
    const leaf = new crypto.X509Certificate(Buffer.from(x5c[0], "base64"));
    if (!leaf.checkPrivateKey(key)) throw new Error(`${ADMIN_KEY_VARIABLE} does not belong to the first certificate in ${ADMIN_CERT_VARIABLE}`);
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const input = `${part({ alg: "RS256", x5c })}.${part(claims)}`;
    return `${input}.${crypto.sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

/** The admin credentials from the environment; one line naming both variables when absent. */
export function adminCredentials(env: Record<string, string | undefined>): { key: string; cert: string } {
    const key = env[ADMIN_KEY_VARIABLE];
    const cert = env[ADMIN_CERT_VARIABLE];
    if (!key || !key.trim() || !cert || !cert.trim()) {
        throw new Error(
            `Maskinporten self-service needs the admin client's credentials: set ${ADMIN_KEY_VARIABLE} (PEM private key) and ${ADMIN_CERT_VARIABLE} (PEM certificate chain) in the environment of pulumi`,
        );
    }
    return { key, cert };
}

/** `error: error_description` of a Maskinporten/Digdir error answer, or nothing usable. */
export function errorSummary(body: string): string | undefined {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        return undefined;
    }
    if (!parsed || typeof parsed !== "object") return undefined;
    const o = parsed as Record<string, unknown>;
    const clip = (v: unknown) => (typeof v === "string" ? v.replace(/\s+/g, " ").trim().slice(0, 300) : "");
    const text = [clip(o.error), clip(o.error_description ?? o.message)].filter(Boolean).join(": ");
    return text || undefined;
}

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
    const bad = urlProblem(inputs.apiUrl, "the self-service API URL") ?? urlProblem(inputs.authority, "the Maskinporten authority");
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
    if (olds.apiUrl !== news.apiUrl || olds.authority !== news.authority || olds.adminClientId !== news.adminClientId) reasons.push("self-service settings changed");
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

/** An HTTP error with Maskinporten's code and description, never request material. */
class SelfServiceError extends Error {
    constructor(
        message: string,
        public readonly status: number,
    ) {
        super(message);
        this.name = "MaskinportenSelfServiceError";
    }
}

interface Session {
    call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
}

/** One HTTP request with bounded retries on 5xx, 429 and network failures. */
async function send(url: string, init: { method: string; headers: Record<string, string>; body?: string }, what: string, options: ProviderOptions): Promise<{ status: number; text: string }> {
    const delays = options.retryDelaysMs ?? [1000, 2000, 4000];
    for (let attempt = 0; ; attempt++) {
        let status = 0;
        let text = "";
        let failure: string | undefined;
        try {
            const res = await fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000) });
            status = res.status;
            text = await res.text();
        } catch (e) {
            // The error's name and the socket's code (ECONNREFUSED, ...): never the request.
            const code = (e as { cause?: { code?: unknown } })?.cause?.code;
            failure = e instanceof Error && e.name === "TimeoutError" ? "timed out" : `network error${typeof code === "string" ? ` ${code}` : ""}`;
        }
        const retryable = failure !== undefined || status >= 500 || status === 429;
        if (!retryable) return { status, text };
        if (attempt >= delays.length) {
            const detail = failure ?? `HTTP ${status}${errorSummary(text) ? ` ${errorSummary(text)}` : ""}`;
            throw new SelfServiceError(`${what} failed after ${attempt + 1} attempts: ${detail}`, status);
        }
        await new Promise((r) => setTimeout(r, delays[attempt]));
    }
}

/** Metadata, one token for the whole operation, and an authenticated caller of the API. */
async function openSession(inputs: RegistrationInputs, options: ProviderOptions): Promise<Session> {
    const problem = inputsProblem(inputs);
    if (problem) throw new Error(problem);
    const { key, cert } = adminCredentials(process.env);
    const label = inputs.label;
    const metadataUrl = joinUrl(inputs.authority, ".well-known/oauth-authorization-server");
    const meta = await send(metadataUrl, { method: "GET", headers: { accept: "application/json" } }, `${label}: Maskinporten metadata ${metadataUrl}`, options);
    let issuer: string | undefined;
    let tokenEndpoint: string | undefined;
    try {
        const m = JSON.parse(meta.text) as { issuer?: unknown; token_endpoint?: unknown };
        issuer = typeof m.issuer === "string" ? m.issuer : undefined;
        tokenEndpoint = typeof m.token_endpoint === "string" ? m.token_endpoint : undefined;
    } catch {
        /* reported below */
    }
    if (meta.status !== 200 || !issuer || !tokenEndpoint) throw new Error(`${label}: Maskinporten metadata ${metadataUrl} answered HTTP ${meta.status} without issuer and token_endpoint`);
    const tokenProblem = urlProblem(tokenEndpoint, "Maskinporten's token_endpoint");
    if (tokenProblem) throw new Error(`${label}: ${tokenProblem}`);
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const grant = signGrant(key, cert, grantClaims(issuer, inputs.adminClientId, Math.floor(Date.now() / 1000), crypto.randomUUID()));
    const form = new URLSearchParams({ grant_type: JWT_BEARER, assertion: grant }).toString();
    const tokenAnswer = await send(tokenEndpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form }, `${label}: Maskinporten token request`, options);
    let token: string | undefined;
    try {
        const t = JSON.parse(tokenAnswer.text) as { access_token?: unknown };
        token = typeof t.access_token === "string" ? t.access_token : undefined;
    } catch {
        /* reported below */
    }
    if (tokenAnswer.status !== 200 || !token) {
        const summary = errorSummary(tokenAnswer.text);
        throw new SelfServiceError(
            `${label}: Maskinporten refused the admin token for ${inputs.adminClientId}: HTTP ${tokenAnswer.status}${summary ? ` ${summary}` : ""}`,
            tokenAnswer.status,
        );
    }
    const bearer = token;
    return {
        async call(method, path, body) {
            const res = await send(
                joinUrl(inputs.apiUrl, path),
                {
                    method,
                    headers: { authorization: `Bearer ${bearer}`, accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}) },
                    body: body !== undefined ? JSON.stringify(body) : undefined,
                },
                `${label}: ${method} ${path}`,
                options,
            );
            let json: unknown = undefined;
            try {
                json = res.text ? JSON.parse(res.text) : undefined;
            } catch {
                json = undefined;
            }
            if (res.status >= 400 && res.status !== 404) {
                const summary = errorSummary(res.text);
                const hint = res.status === 401 || res.status === 403 ? ` (the admin client ${inputs.adminClientId} needs the scopes ${ADMIN_SCOPE} and must own the client)` : "";
                throw new SelfServiceError(`${label}: ${method} ${path} failed: HTTP ${res.status}${summary ? ` ${summary}` : ""}${hint}`, res.status);
            }
            return { status: res.status, json };
        },
    };
}

function notFound(label: string, clientId: string, path: string): Error {
    return new Error(`${label}: client ${clientId} does not exist at Maskinporten (${path} answered HTTP 404); check clientId or remove it to let the stack create the client`);
}

/** Current JWKS of a client; an empty set when it has none. */
async function remoteKeys(session: Session, clientId: string): Promise<Record<string, unknown>[]> {
    const res = await session.call("GET", `clients/${encodeURIComponent(clientId)}/jwks`);
    if (res.status === 404) return [];
    const keys = (res.json as { keys?: unknown })?.keys;
    return Array.isArray(keys) ? (keys.filter((k) => k && typeof k === "object") as Record<string, unknown>[]) : [];
}

/**
 * Send declared + foreign keys as the client's whole set (POST replaces it; a key sent again
 * is renewed) and describe what Maskinporten now holds.
 */
async function registerKeys(session: Session, inputs: RegistrationInputs, clientId: string, previouslyDeclared: string[]): Promise<Pick<RegistrationState, "registered" | "missing" | "foreign" | "checkedAt">> {
    const declared = inputs.keys.map((k) => k.kid);
    const ours = new Set([...declared, ...previouslyDeclared]);
    const remote = await remoteKeys(session, clientId);
    const foreign = remote.filter((k) => !ours.has(String(k.kid)));
    const problem = keySetProblem(inputs.label, clientId, declared, foreign.map((k) => String(k.kid)));
    if (problem) throw new Error(problem);
    const body = { keys: [...inputs.keys.map((k) => publicMembers(k as unknown as Record<string, unknown>)), ...foreign.map(publicMembers)] };
    const path = `clients/${encodeURIComponent(clientId)}/jwks`;
    const res = await session.call("POST", path, body);
    if (res.status === 404) throw notFound(inputs.label, clientId, path);
    // Some deployments answer the write without the set; read it back to learn each exp.
    const held = expiries(res.json).length ? expiries(res.json) : expiries({ keys: await remoteKeys(session, clientId) });
    return describe(declared, held);
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
 * The provider. Pass options only in tests (shorter retry waits); Pulumi serializes the object
 * returned here, options included, into `__provider`.
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
            const session = await openSession(clean, options);
            let clientId = clean.clientId;
            let created = false;
            if (clientId) {
                const path = `clients/${encodeURIComponent(clientId)}`;
                if ((await session.call("GET", path)).status === 404) throw notFound(clean.label, clientId, path);
            } else {
                const res = await session.call("POST", "clients", clientBody(clean));
                const id = (res.json as { client_id?: unknown })?.client_id;
                if (typeof id !== "string" || !id) throw new Error(`${clean.label}: POST clients answered HTTP ${res.status} without a client_id`);
                clientId = id;
                created = true;
            }
            try {
                const held = await registerKeys(session, clean, clientId, []);
                const outs: RegistrationState = { ...clean, clientId, createdClient: created, ...held };
                return { id: clientId, outs: wire(outs) };
            } catch (e) {
                // Do not leave a client behind that no state knows of.
                if (created) await session.call("DELETE", `clients/${encodeURIComponent(clientId)}`).catch(() => undefined);
                throw e;
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
            const session = await openSession(stateInputs(props), options);
            const path = `clients/${encodeURIComponent(id)}`;
            if ((await session.call("GET", path)).status === 404) return { id: "", props: {} };
            const held = expiries({ keys: await remoteKeys(session, id) });
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
            const session = await openSession(clean, options);
            if (olds.createdClient && registrationChanges(olds, clean, 0).includes("client name, description or scopes changed")) {
                const path = `clients/${encodeURIComponent(id)}`;
                const res = await session.call("PUT", path, { ...clientBody(clean), client_id: id });
                if (res.status === 404) throw notFound(clean.label, id, path);
            }
            const held = await registerKeys(session, clean, id, (olds.keys ?? []).map((k) => k.kid));
            const outs: RegistrationState = { ...clean, clientId: id, createdClient: olds.createdClient, ...held };
            return { outs: wire(outs) };
        },

        async delete(id: string, props: RegistrationState) {
            const session = await openSession(stateInputs(props), options);
            const client = `clients/${encodeURIComponent(id)}`;
            if (props.createdClient) {
                await session.call("DELETE", client);
                return;
            }
            const ours = new Set((props.keys ?? []).map((k) => k.kid));
            const remote = await remoteKeys(session, id);
            const keep = remote.filter((k) => !ours.has(String(k.kid)));
            if (keep.length === remote.length) return;
            if (keep.length === 0) await session.call("DELETE", `${client}/jwks`);
            else await session.call("POST", `${client}/jwks`, { keys: keep.map(publicMembers) });
        },
    };
}
