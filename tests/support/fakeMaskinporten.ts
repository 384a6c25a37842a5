/**
 * A fake Maskinporten (well-known metadata, a token endpoint that verifies the JWT grant against
 * its x5c chain and checks every claim) and a fake self-service API (clients and key sets with
 * `exp`), both on 127.0.0.1. It records every request, token and assertion, so tests can count
 * requests and prove none of them leaks into an output.
 */
import { createPublicKey, randomUUID, verify, X509Certificate } from "node:crypto";
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const DAY = 86_400;
const ADMIN_SCOPE = "idporten:dcr.read idporten:dcr.write";

export interface FakeKey {
    kty: string;
    use: string;
    kid: string;
    alg: string;
    n: string;
    e: string;
    exp: number;
}
export interface FakeClient {
    client_id: string;
    client_name: string;
    description: string;
    integration_type: string;
    token_endpoint_auth_method: string;
    grant_types: string[];
    scopes: string[];
    application_type: string;
    jwks?: FakeKey[];
}
export interface RecordedRequest {
    method: string;
    path: string;
    body: string;
    authorization?: string;
}
export interface Failure {
    status: number;
    /** JSON answer; `text` instead sends it as it is (an HTML page, say). */
    body?: Record<string, string>;
    text?: string;
    /** Only for requests with this method and a path matching this (after /api/v1/); else the next API request. */
    method?: string;
    path?: RegExp;
}

interface Answer {
    status: number;
    body?: unknown;
    text?: string;
    hang?: boolean;
    stream?: number;
}

export class FakeMaskinporten {
    readonly requests: RecordedRequest[] = [];
    readonly clients = new Map<string, FakeClient>();
    /** Every access token issued and every assertion received: must never appear in an output. */
    readonly tokens: string[] = [];
    readonly assertions: string[] = [];
    /** Answers the next token requests with this error instead of checking the grant. */
    tokenFailures: Failure[] = [];
    /** Answers the next API requests (not metadata/token) with these errors. */
    apiFailures: Failure[] = [];
    /** The next POST /clients answers with this existing client instead of making one (an id that existed before). */
    createAnswersWith?: string;
    /** The next API request gets a 200 answer of this many bytes, streamed (stops when the client hangs up). */
    streamBytes?: number;
    /** Bytes the streamed answer got out before the client hung up or it ended. */
    streamed = 0;
    /** The next this many API requests get no answer at all. */
    hang = 0;
    /** What the well-known metadata says the token endpoint is; defaults to this fake's /token. */
    tokenEndpoint?: string;
    /** A client's own grants (kid in the header): which key, client and scope were asked for. */
    readonly clientGrants: { kid: string; iss: string; scope: string }[] = [];
    /** The next this many grants with a registered key are refused as if the key were unknown (propagation). */
    keyNotYetKnown = 0;
    private readonly jtis = new Set<string>();
    private server?: Server;
    base = "";

    constructor(
        private readonly trustedRoot: X509Certificate,
        private readonly adminClientId: string,
    ) {}

    get issuer(): string {
        return `${this.base}/`;
    }
    get apiUrl(): string {
        return `${this.base}/api/v1`;
    }
    /** API requests only (no metadata, no token). */
    apiRequests(): RecordedRequest[] {
        return this.requests.filter((r) => r.path.startsWith("/api/"));
    }
    jwksWrites(): RecordedRequest[] {
        return this.apiRequests().filter((r) => /\/jwks$/.test(r.path) && (r.method === "POST" || r.method === "PUT"));
    }
    tokenRequests(): RecordedRequest[] {
        return this.requests.filter((r) => r.path === "/token");
    }

    async start(): Promise<void> {
        this.server = createServer((req, res) => {
            // A bug in the fake answers 500 instead of leaving the request hanging.
            void this.handle(req).catch((e: unknown) => ({ status: 500, body: { error: "fake_bug", error_description: String(e) } } as Answer)).then((answer) => {
                if (answer.hang) return;
                if (answer.stream !== undefined) return this.stream(res, answer.stream);
                res.writeHead(answer.status, { "content-type": answer.text !== undefined ? "text/html" : "application/json" });
                res.end(answer.text ?? (answer.body === undefined ? "" : JSON.stringify(answer.body)));
            });
        });
        await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
        this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    async stop(): Promise<void> {
        // fetch keeps connections alive; close them or close() waits for them.
        this.server?.closeAllConnections();
        await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    }

    /** An existing client as Samarbeidsportalen would have made it. */
    addClient(id: string, keys: Omit<FakeKey, "exp">[] = [], exp = Math.floor(Date.now() / 1000) + 365 * DAY): void {
        this.clients.set(id, {
            client_id: id,
            client_name: "made by hand",
            description: "made by hand",
            integration_type: "maskinporten",
            token_endpoint_auth_method: "private_key_jwt",
            grant_types: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
            scopes: ["altinn:serviceowner/instances.read"],
            application_type: "web",
            jwks: keys.length ? keys.map((k) => ({ ...k, exp })) : undefined,
        });
    }

    setExp(clientId: string, kid: string, exp: number): void {
        const key = this.clients.get(clientId)?.jwks?.find((k) => k.kid === kid);
        if (!key) throw new Error(`fake: no key ${kid} on ${clientId}`);
        key.exp = exp;
    }

    kids(clientId: string): string[] {
        return (this.clients.get(clientId)?.jwks ?? []).map((k) => k.kid).sort();
    }

    /** Zeros in 64 KiB chunks, waiting for the client to take each, until `bytes` or a hang-up. */
    private stream(res: ServerResponse, bytes: number): void {
        const chunk = Buffer.alloc(64 * 1024, 0x30);
        res.writeHead(200, { "content-type": "application/json" });
        const more = (): void => {
            while (this.streamed < bytes) {
                if (res.destroyed) return;
                this.streamed += chunk.length;
                if (!res.write(chunk)) return void res.once("drain", more);
            }
            res.end();
        };
        res.on("close", () => undefined);
        more();
    }

    private async handle(req: IncomingMessage): Promise<Answer> {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const body = Buffer.concat(chunks).toString("utf8");
        const url = new URL(req.url ?? "/", this.base);
        const method = req.method ?? "GET";
        this.requests.push({ method, path: url.pathname, body, authorization: req.headers.authorization });

        if (method === "GET" && url.pathname === "/.well-known/oauth-authorization-server") {
            return { status: 200, body: { issuer: this.issuer, token_endpoint: this.tokenEndpoint ?? `${this.base}/token` } };
        }
        if (method === "POST" && url.pathname === "/token") return this.token(body);
        if (!url.pathname.startsWith("/api/v1/")) return { status: 404, body: { error: "not_found" } };

        const auth = req.headers.authorization ?? "";
        if (!auth.startsWith("Bearer ") || !this.tokens.includes(auth.slice(7))) {
            return { status: 401, body: { error: "invalid_token", error_description: "Missing or unknown bearer token" } };
        }
        const path = url.pathname.slice("/api/v1/".length);
        if (this.hang > 0) {
            this.hang--;
            return { status: 0, hang: true };
        }
        if (this.streamBytes !== undefined) {
            const bytes = this.streamBytes;
            this.streamBytes = undefined;
            return { status: 200, stream: bytes };
        }
        const at = this.apiFailures.findIndex((f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)));
        if (at >= 0) return this.apiFailures.splice(at, 1)[0];
        return this.api(method, path, body);
    }

    private token(form: string): Answer {
        const failure = this.tokenFailures.shift();
        if (failure) return failure;
        const params = new URLSearchParams(form);
        const fail = (code: string, description: string) => ({ status: 400, body: { error: "invalid_grant", error_description: `${code}: ${description}` } });
        if (params.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return { status: 400, body: { error: "unsupported_grant_type", error_description: "grant_type" } };
        const assertion = params.get("assertion") ?? "";
        this.assertions.push(assertion);
        const [h, p, s] = assertion.split(".");
        if (!h || !p || !s) return fail("MP-100", "Malformed JWT");
        const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { alg?: string; x5c?: string[]; kid?: string };
        const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
        if (header.alg !== "RS256") return fail("MP-101", "alg must be RS256");
        if (typeof header.kid === "string" && !header.x5c) return this.clientToken(header.kid, claims, `${h}.${p}`, s);
        if (!Array.isArray(header.x5c) || header.x5c.length === 0) return fail("MP-102", "x5c is required");
        const chain = header.x5c.map((c) => new X509Certificate(Buffer.from(c, "base64")));
        // Each certificate is signed by the next one, the last one by the trusted root.
        for (let i = 0; i < chain.length; i++) {
            const issuer = chain[i + 1] ?? this.trustedRoot;
            if (!chain[i].verify(issuer.publicKey)) return fail("MP-103", "certificate chain does not verify");
        }
        if (!verify("sha256", Buffer.from(`${h}.${p}`), chain[0].publicKey, Buffer.from(s, "base64url"))) {
            return fail("MP-124", "Invalid signature");
        }
        const now = Math.floor(Date.now() / 1000);
        const iat = Number(claims.iat);
        const exp = Number(claims.exp);
        if (claims.aud !== this.issuer) return fail("MP-110", `aud must be ${this.issuer}`);
        if (claims.iss !== this.adminClientId) return fail("MP-111", "Unknown client");
        if (claims.scope !== ADMIN_SCOPE) return fail("MP-112", "scope not allowed");
        if (!Number.isInteger(iat) || Math.abs(iat - now) > 10) return fail("MP-113", "iat");
        if (!Number.isInteger(exp) || exp <= now || exp - iat > 120) return fail("MP-114", "exp must be at most 120 s after iat");
        if (typeof claims.jti !== "string" || !claims.jti || this.jtis.has(claims.jti)) return fail("MP-115", "jti must be unique");
        this.jtis.add(claims.jti);
        const token = `fake-token-${randomUUID()}`;
        this.tokens.push(token);
        return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: 120, scope: ADMIN_SCOPE } };
    }

    /** A client's own grant, signed with a key registered on it (`kid`), as an app's token request is. */
    private clientToken(kid: string, claims: Record<string, unknown>, input: string, signature: string): Answer {
        this.clientGrants.push({ kid, iss: String(claims.iss), scope: String(claims.scope) });
        const fail = (error: string, description: string) => ({ status: 400, body: { error, error_description: description } });
        const client = this.clients.get(String(claims.iss));
        if (!client) return fail("invalid_client", "MP-111: Unknown client");
        const key = client.jwks?.find((k) => k.kid === kid);
        // A key just registered is not taken in at once (Digdir: up to a few minutes).
        if (!key || this.keyNotYetKnown > 0) {
            if (key) this.keyNotYetKnown--;
            return fail("invalid_client", `MP-120: Unknown key ${kid} for client`);
        }
        const publicKey = createPublicKey({ key: { kty: key.kty, n: key.n, e: key.e }, format: "jwk" });
        if (!verify("sha256", Buffer.from(input), publicKey, Buffer.from(signature, "base64url"))) return fail("invalid_client", "MP-124: Invalid signature");
        const now = Math.floor(Date.now() / 1000);
        if (claims.aud !== this.issuer) return fail("invalid_grant", `MP-110: aud must be ${this.issuer}`);
        if (Number(claims.exp) - Number(claims.iat) > 120 || Math.abs(Number(claims.iat) - now) > 10) return fail("invalid_grant", "MP-113: iat/exp");
        const asked = String(claims.scope ?? "").split(" ").filter(Boolean);
        if (asked.length === 0 || asked.some((sc) => !client.scopes.includes(sc))) return fail("invalid_scope", `MP-130: scope not allowed for client: ${String(claims.scope)}`);
        const token = `fake-token-${randomUUID()}`;
        this.tokens.push(token);
        return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: 120, scope: claims.scope } };
    }

    private api(method: string, path: string, body: string): Answer {
        const parts = path.split("/").map(decodeURIComponent);
        const notFound = { status: 404, body: { error: "not_found", error_description: "No such client" } };
        if (parts[0] !== "clients") return notFound;
        if (parts.length === 1 && method === "GET") return { status: 200, body: [...this.clients.values()].map((c) => ({ ...c, jwks: undefined })) };
        if (parts.length === 1 && method === "POST" && this.createAnswersWith) {
            const existing = this.clients.get(this.createAnswersWith)!;
            this.createAnswersWith = undefined;
            return { status: 201, body: { ...existing, jwks: undefined } };
        }
        if (parts.length === 1 && method === "POST") {
            const c = JSON.parse(body) as FakeClient;
            const id = randomUUID();
            const client: FakeClient = { ...c, client_id: id };
            this.clients.set(id, client);
            return { status: 201, body: client };
        }
        const client = this.clients.get(parts[1] ?? "");
        if (!client) return notFound;
        if (parts.length === 2) {
            if (method === "GET") return { status: 200, body: { ...client, jwks: undefined } };
            if (method === "PUT") {
                Object.assign(client, JSON.parse(body), { client_id: client.client_id });
                return { status: 200, body: client };
            }
            if (method === "DELETE") {
                this.clients.delete(client.client_id);
                return { status: 200 };
            }
        }
        if (parts.length === 3 && parts[2] === "jwks") {
            if (method === "GET") return { status: 200, body: { keys: client.jwks ?? [] } };
            if (method === "DELETE") {
                client.jwks = undefined;
                return { status: 200 };
            }
            if (method === "POST" || method === "PUT") {
                const keys = (JSON.parse(body) as { keys?: Record<string, unknown>[] }).keys ?? [];
                if (keys.length > 5) return { status: 400, body: { error: "invalid_request", error_description: "Too many keys" } };
                const bad = keys.find((k) => ["kty", "alg", "use", "kid", "n", "e"].some((m) => typeof k[m] !== "string" || !k[m]) || "d" in k);
                if (bad) return { status: 400, body: { error: "invalid_request", error_description: "Invalid key" } };
                const exp = Math.floor(Date.now() / 1000) + 365 * DAY;
                client.jwks = keys.map((k) => ({ ...(k as unknown as FakeKey), exp }));
                return { status: 201, body: { keys: client.jwks, created: new Date().toISOString(), last_updated: new Date().toISOString() } };
            }
        }
        return { status: 405, body: { error: "method_not_allowed" } };
    }
}
