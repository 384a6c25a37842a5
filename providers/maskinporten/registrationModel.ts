/**
 * What the registration provider works with: its inputs and state, and the pure rules over them
 * (Maskinporten's limit of 5 keys, when a set must be sent again, what is sent). Self-contained
 * like the rest of providers/maskinporten: it is serialized into the state with the provider.
 */
import { allowedHosts, hostProblem, JWT_BEARER, printable } from "./http";

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
    // Others' kids come from Maskinporten's answer: cleaned before they reach a message.
    // A crowded set names the first few: the message stays one short line however many there are.
    const named = foreign.slice(0, MAX_KEYS).map((k) => printable(k, 100));
    const more = foreign.length > named.length ? ` and ${foreign.length - named.length} more` : "";
    const others = foreign.length ? ` and registered by others [${named.join(", ")}${more}]` : "";
    return `${who} would hold ${all.length} keys, declared [${declared.join(", ")}]${others}; Maskinporten allows at most ${MAX_KEYS}: retire a generation or remove a key first`;
}

/** Why the inputs cannot be used, before any request is made, or undefined. */
export function inputsProblem(inputs: RegistrationInputs, knownForeign: string[] = []): string | undefined {
    const label = inputs.label || "maskinporten registration";
    const allowed = allowedHosts(inputs.environment, inputs.allowedHosts);
    // Loopback is for tests: a prod stack is never pointed at a fake.
    const loopback = inputs.environment !== "prod";
    const bad = hostProblem(inputs.apiUrl, allowed, "the self-service API URL", loopback) ?? hostProblem(inputs.authority, allowed, "the Maskinporten authority", loopback);
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

export function describe(declared: string[], held: KeyExpiry[]): Pick<RegistrationState, "registered" | "missing" | "foreign" | "checkedAt"> {
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
export function wire<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

/** The inputs without what `check` adds, as stored in state. */
export function stateInputs(inputs: RegistrationInputs): RegistrationInputs {
    const { knownExpiry: _known, ...rest } = inputs;
    void _known;
    return rest;
}
