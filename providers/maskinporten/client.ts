/**
 * Digdir's self-service API, one method per endpoint, and the Maskinporten token requests under
 * it (the admin client's grant; any JWT grant). Over ./http's one bounded, retried request.
 * Self-contained like ./http: the providers over it are serialized into the state.
 *
 * The admin client's private key and certificate are read from the environment only when a token
 * is needed; neither they, the grant nor the token ever appear in a message.
 */
import { ApiError, apiError, answerSummary, ClientOptions, hostProblem, isLoopbackHost, JWT_BEARER, joinUrl, printable, request } from "./http";

const ADMIN_SCOPE = "idporten:dcr.read idporten:dcr.write";
const ADMIN_KEY_VARIABLE = "MASKINPORTEN_ADMIN_KEY";
const ADMIN_CERT_VARIABLE = "MASKINPORTEN_ADMIN_CERT";
export { ADMIN_CERT_VARIABLE, ADMIN_KEY_VARIABLE, ADMIN_SCOPE };

/** Claims of a JWT grant. `exp` is at most 120 s after `iat`. */
export function grantClaims(issuer: string, clientId: string, nowSeconds: number, jti: string, scope: string = ADMIN_SCOPE): Record<string, string | number> {
    return { aud: issuer, iss: clientId, scope, iat: nowSeconds, exp: nowSeconds + 120, jti };
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
 * The admin client's signed JWT grant: RS256, `x5c` = the chain. The key must belong to the first
 * certificate. Errors name the variables, never their content.
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
    return signJwt({ x5c }, claims, key);
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

/** The authority's issuer and token endpoint, read from its well-known metadata; the endpoint must be on an allowed host. */
export async function authorityMetadata(authority: string, label: string, allowed: string[], options: ClientOptions): Promise<{ issuer: string; tokenEndpoint: string }> {
    const url = joinUrl(authority, ".well-known/oauth-authorization-server");
    const operation = `${label}: Maskinporten metadata ${url}`;
    const res = await request({ method: "GET", url, headers: { accept: "application/json" } }, operation, allowed, options);
    let meta: { issuer?: unknown; token_endpoint?: unknown } = {};
    try {
        meta = JSON.parse(res.text) as typeof meta;
    } catch {
        /* reported below */
    }
    if (res.status !== 200 || typeof meta?.issuer !== "string" || typeof meta.token_endpoint !== "string") {
        throw apiError(operation, res.status, `${operation} answered HTTP ${res.status} without issuer and token_endpoint`, res.text);
    }
    // The issuer is the grant's audience: metadata naming another one is not used (RFC 8414 section 3.3).
    const trimmed = (u: string) => u.replace(/\/+$/, "");
    if (trimmed(meta.issuer) !== trimmed(authority)) {
        throw apiError(operation, res.status, `${label}: Maskinporten's metadata names issuer ${JSON.stringify(printable(meta.issuer, 200))}, which is not the authority ${printable(authority, 200)}; not used, no grant signed`);
    }
    // The token endpoint gets a signed grant: it must live where the authority does (or be allowed),
    // and only a loopback authority (a test) may name a token endpoint on this machine.
    const authorityHost = new URL(authority).hostname.toLowerCase();
    const what = `Maskinporten's token_endpoint ${JSON.stringify(printable(meta.token_endpoint, 200))}`;
    const local = !isLoopbackHost(authorityHost) && URL.canParse(meta.token_endpoint) && isLoopbackHost(new URL(meta.token_endpoint).hostname);
    const problem = local ? `${what} is on this machine, but the authority is not; refused before sending` : hostProblem(meta.token_endpoint, [authorityHost, ...allowed], what);
    if (problem) throw apiError(operation, res.status, `${label}: ${problem}`);
    return { issuer: meta.issuer, tokenEndpoint: meta.token_endpoint };
}

/** Sign a JWT with RS256. */
export function signJwt(header: Record<string, unknown>, claims: Record<string, unknown>, key: import("node:crypto").KeyObject): string {
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const input = `${part({ alg: "RS256", ...header })}.${part(claims)}`;
    return `${input}.${crypto.sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

/**
 * Trade a signed JWT grant for an access token. Resolves to the token, or to Maskinporten's
 * refusal (`HTTP 400 invalid_grant: ...`) when `refusalIsAnswer`; otherwise a refusal throws.
 */
export async function accessToken(tokenEndpoint: string, grant: string, operation: string, allowed: string[], options: ClientOptions): Promise<{ token?: string; refusal?: string; status: number; body: string }> {
    const form = new URLSearchParams({ grant_type: JWT_BEARER, assertion: grant }).toString();
    const res = await request(
        { method: "POST", url: tokenEndpoint, headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form },
        operation,
        allowed,
        options,
    );
    let token: unknown;
    try {
        token = (JSON.parse(res.text) as { access_token?: unknown })?.access_token;
    } catch {
        token = undefined;
    }
    if (res.status === 200 && typeof token === "string" && token) return { token, status: res.status, body: "" };
    return { refusal: answerSummary(res.status, res.text), status: res.status, body: res.text };
}

export interface SelfServiceSettings {
    apiUrl: string;
    authority: string;
    adminClientId: string;
    /** Where the client comes from in config; starts every message. */
    label: string;
    /** Hosts a token or grant may go to (loopback always may). */
    allowed: string[];
}

/** What Maskinporten holds for a client; `keys` only when read as `{keys: [...]}` with a kid on each. */
export type RemoteKey = Record<string, unknown> & { kid: string };

export interface SelfServiceClient {
    listClients(): Promise<Record<string, unknown>[]>;
    /** The client, or undefined when the API answers 404. */
    getClient(id: string): Promise<Record<string, unknown> | undefined>;
    /** POST /clients (not retried once it may have been acted on); resolves to the assigned client_id. */
    createClient(body: Record<string, unknown>): Promise<string>;
    updateClient(id: string, body: Record<string, unknown>): Promise<void>;
    deleteClient(id: string): Promise<void>;
    /** The client's whole key set; anything but a 200 with `{keys: [...]}` is an error naming the client and status. */
    getKeys(id: string): Promise<RemoteKey[]>;
    /** Replace the whole set; resolves to the set the answer holds, if it holds one. */
    replaceKeys(id: string, keys: object[]): Promise<RemoteKey[] | undefined>;
}

/** The keys of a `{keys: [...]}` answer, or undefined when it is not one (each key an object with a kid). */
export function keySet(json: unknown): RemoteKey[] | undefined {
    const keys = json && typeof json === "object" && !Array.isArray(json) ? (json as { keys?: unknown }).keys : undefined;
    if (!Array.isArray(keys)) return undefined;
    if (keys.some((k) => !k || typeof k !== "object" || typeof (k as { kid?: unknown }).kid !== "string" || !(k as { kid: string }).kid)) return undefined;
    return keys as RemoteKey[];
}

function parse(text: string): unknown {
    try {
        return text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
        return undefined;
    }
}

/** The self-service API as `settings.adminClientId`: one admin token per client object, fetched when first needed. */
export function selfServiceClient(settings: SelfServiceSettings, options: ClientOptions = {}): SelfServiceClient {
    const { label, allowed } = settings;
    let bearer: Promise<string> | undefined;
    const token = async (): Promise<string> => {
        const { key, cert } = adminCredentials(process.env);
        const crypto = require("node:crypto") as typeof import("node:crypto");
        const meta = await authorityMetadata(settings.authority, label, allowed, options);
        const grant = signGrant(key, cert, grantClaims(meta.issuer, settings.adminClientId, Math.floor(Date.now() / 1000), crypto.randomUUID()));
        const operation = `${label}: Maskinporten token request`;
        const answer = await accessToken(meta.tokenEndpoint, grant, operation, allowed, options);
        if (!answer.token) throw apiError(operation, answer.status, `${label}: Maskinporten refused the admin token for ${settings.adminClientId}: ${answer.refusal}`, answer.body);
        return answer.token;
    };
    const call = async (method: string, path: string, body?: unknown, idempotent = true): Promise<{ status: number; json: unknown; text: string }> => {
        bearer ??= token();
        const auth = await bearer;
        const operation = `${label}: ${method} ${path}`;
        const headers: Record<string, string> = { authorization: `Bearer ${auth}`, accept: "application/json" };
        if (body !== undefined) headers["content-type"] = "application/json";
        const res = await request({ method, url: joinUrl(settings.apiUrl, path), headers, body: body === undefined ? undefined : JSON.stringify(body), idempotent }, operation, allowed, options);
        if (res.status >= 400 && res.status !== 404) {
            const hint = res.status === 401 || res.status === 403 ? ` (the admin client ${settings.adminClientId} needs the scopes ${ADMIN_SCOPE} and must own the client)` : "";
            throw apiError(operation, res.status, `${operation} failed: ${answerSummary(res.status, res.text)}${hint}`, res.text);
        }
        return { status: res.status, json: parse(res.text), text: res.text };
    };
    const clientPath = (id: string) => `clients/${encodeURIComponent(id)}`;
    const unreadable = (operation: string, status: number, what: string, text: string): ApiError =>
        apiError(`${label}: ${operation}`, status, `${label}: ${operation} answered HTTP ${status} without ${what}${text && !parse(text) ? " (not JSON)" : ""}`, text);
    return {
        async listClients() {
            const res = await call("GET", "clients");
            if (res.status !== 200 || !Array.isArray(res.json)) throw unreadable("GET clients", res.status, "a list of clients", res.text);
            return res.json.filter((c): c is Record<string, unknown> => !!c && typeof c === "object");
        },
        async getClient(id) {
            const res = await call("GET", clientPath(id));
            if (res.status === 404) return undefined;
            if (res.status !== 200 || !res.json || typeof res.json !== "object") throw unreadable(`GET ${clientPath(id)}`, res.status, "the client", res.text);
            return res.json as Record<string, unknown>;
        },
        async createClient(body) {
            const res = await call("POST", "clients", body, false);
            const id = (res.json as { client_id?: unknown } | undefined)?.client_id;
            if (res.status >= 300 || typeof id !== "string" || !id) throw unreadable("POST clients", res.status, "a client_id", res.text);
            return id;
        },
        async updateClient(id, body) {
            const res = await call("PUT", clientPath(id), body);
            if (res.status === 404) throw notFound(label, id, `PUT ${clientPath(id)}`);
        },
        async deleteClient(id) {
            await call("DELETE", clientPath(id));
        },
        async getKeys(id) {
            const path = `${clientPath(id)}/jwks`;
            const res = await call("GET", path);
            const keys = res.status === 200 ? keySet(res.json) : undefined;
            if (!keys) {
                const why = res.status === 404 ? "; a 404 can also mean the client has no keys yet: register its first key at Samarbeidsportalen" : "";
                throw apiError(`${label}: GET ${path}`, res.status, `${label}: the key set of client ${id} could not be read (GET ${path} answered HTTP ${res.status}${res.status === 200 ? " without {keys: [...]}" : ""}), so it is not replaced${why}`, res.text);
            }
            return keys;
        },
        async replaceKeys(id, keys) {
            const path = `${clientPath(id)}/jwks`;
            const res = await call("POST", path, { keys });
            if (res.status === 404) throw notFound(label, id, `POST ${path}`);
            return keySet(res.json);
        },
    };
}

/** A client id Maskinporten does not know. */
export function notFound(label: string, clientId: string, operation: string): Error {
    return new Error(`${label}: client ${printable(clientId, 100)} does not exist at Maskinporten (${operation} answered HTTP 404); check clientId or remove it to let the stack create the client`);
}
