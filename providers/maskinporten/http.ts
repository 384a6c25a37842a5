/**
 * HTTP to Digdir, as nais/digdirator's pkg/digdir/client.go does it: one bounded, retried request
 * function whose errors carry the operation, the HTTP status and Maskinporten's `error` /
 * `error_description` (cleaned of control characters and cut short). ./client.ts has one method
 * per endpoint over it.
 *
 * Self-contained, because the providers over it are serialized into the state: no imports at run
 * time, Node built-ins required inside the functions that use them, every helper a function
 * declaration, and errors plain `Error`s with fields (a class does not survive serialization).
 *
 * The code that sends is the code that checks: `request` refuses any host outside the allowed set
 * before a byte leaves, so a URL in state written before a policy existed cannot take a token or a
 * signed grant anywhere else.
 */

/** Digdir's hosts per Altinn environment: the self-service API and Maskinporten. */
const DIGDIR_HOSTS: Record<string, string[]> = {
    tt02: ["api.test.samarbeid.digdir.no", "test.maskinporten.no"],
    prod: ["api.samarbeid.digdir.no", "maskinporten.no"],
};
/** No answer is read past this size (as the redeploy script). */
const MAX_ANSWER_BYTES = 5 * 1024 * 1024;
/** Server text in a message is cut to this many characters. */
const MAX_TEXT = 300;
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
// Exported by name: TypeScript turns uses of `export const` into `exports.X`, which makes the
// closure serializer capture the whole module.
export { DIGDIR_HOSTS, JWT_BEARER, MAX_ANSWER_BYTES };

export interface ClientOptions {
    /** Waits before each retry of a 5xx/429/network failure. Defaults to 1 s, 2 s, 4 s. */
    retryDelaysMs?: number[];
    /** Time for one request, answer included. Defaults to 30 s. */
    requestTimeoutMs?: number;
    /** Largest answer read. Defaults to 5 MiB. */
    maxAnswerBytes?: number;
}

/** A failed call: one line, plus what a caller may act on. */
export interface ApiError extends Error {
    operation: string;
    /** HTTP status; 0 when there was no answer. */
    status: number;
    /** Maskinporten's `error`, e.g. invalid_grant. */
    code?: string;
    /** Maskinporten's `error_description`, e.g. "MP-121: Expired key". */
    description?: string;
}

/** Text from a server or a file, safe for one line of a terminal or a CI log: no control characters, cut short. */
export function printable(value: unknown, max: number = MAX_TEXT): string {
    const text = String(value)
        .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "") // CSI escape sequences (colours, cursor)
        .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, "") // OSC sequences (titles, links)
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]+/g, " ")
        .replace(/\s+/g, " ")
        .trim()
        // A CI log runs `##[add-mask]...` anywhere in a line (pulumi up's output too): a zero-width space breaks it.
        .replace(/##\[/g, "#\u200B#[");
    return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** Hosts that may be reached over plain http (tests run fakes there). */
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
        return `${what} ${JSON.stringify(printable(value))} is not a URL`;
    }
    if (url.username || url.password || url.search || url.hash) return `${what} ${JSON.stringify(printable(value))} may not hold user info, a query or a fragment`;
    if (url.protocol === "https:") return undefined;
    if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
    return `${what} ${JSON.stringify(printable(value))} must use https (plain http only for loopback hosts)`;
}

/** `base` + `path` with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
    return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** Digdir's hosts for the environment (both environments' when unknown) plus hosts policy/config.json allows. */
export function allowedHosts(environment: string | undefined, extra: unknown): string[] {
    const own = environment && DIGDIR_HOSTS[environment] ? DIGDIR_HOSTS[environment] : [...DIGDIR_HOSTS.tt02, ...DIGDIR_HOSTS.prod];
    const more = Array.isArray(extra) ? extra.filter((h): h is string => typeof h === "string").map((h) => h.toLowerCase()) : [];
    return [...own, ...more];
}

/** Why a credential may not be sent to `url` (called `what`), or undefined: an allowed host, or loopback (unless `loopback` is false: prod). */
export function hostProblem(url: string, allowed: string[], what: string, loopback = true): string | undefined {
    const bad = urlProblem(url, what);
    if (bad) return bad;
    const host = new URL(url).hostname.toLowerCase();
    if ((loopback && isLoopbackHost(host)) || allowed.includes(host)) return undefined;
    return `${what} is on ${printable(host, 100)}, not a Digdir host (${allowed.join(", ")}); refused before sending (allow a host in policy/config.json allowedMaskinportenHosts, with a reason)`;
}

/** Maskinporten's `error` and `error_description` of an answer, cleaned. */
export function errorFields(body: string): { code?: string; description?: string } {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        return {};
    }
    if (!parsed || typeof parsed !== "object") return {};
    const o = parsed as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === "string" && printable(v) ? printable(v) : undefined);
    const fields: { code?: string; description?: string } = {};
    const code = text(o.error);
    const description = text(o.error_description ?? o.message);
    if (code) fields.code = code;
    if (description) fields.description = description;
    return fields;
}

/** `HTTP 400 invalid_grant: MP-121: Expired key`, or `HTTP 502` when the answer says nothing usable. */
export function answerSummary(status: number, body: string): string {
    const { code, description } = errorFields(body);
    const said = [code, description].filter(Boolean).join(": ");
    return `HTTP ${status}${said ? ` ${said}` : ""}`;
}

/** A plain Error (it survives serialization) carrying the operation, status and Maskinporten's code. */
export function apiError(operation: string, status: number, message: string, body = ""): ApiError {
    const e = new Error(message) as ApiError;
    e.operation = operation;
    e.status = status;
    const { code, description } = errorFields(body);
    if (code) e.code = code;
    if (description) e.description = description;
    return e;
}

export interface Request {
    method: string;
    url: string;
    headers?: Record<string, string>;
    body?: string;
    /** Safe to send again after an answer was lost (GET, PUT, DELETE, a POST that replaces). Defaults to true. */
    idempotent?: boolean;
}

/** Connection errors that prove the request never reached a server. */
const NOT_SENT = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"];

/**
 * One request within the time and size bounds, retried on 5xx, 429 and network failures (a request
 * that is not idempotent only when it cannot have been acted on). `operation` starts every message;
 * the host is checked against `allowed` before anything is sent.
 */
export async function request(req: Request, operation: string, allowed: string[], options: ClientOptions = {}): Promise<{ status: number; text: string }> {
    const refused = hostProblem(req.url, allowed, "the URL");
    if (refused) throw apiError(operation, 0, `${operation}: ${refused}`);
    const delays = options.retryDelaysMs ?? [1000, 2000, 4000];
    const max = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
    for (let attempt = 0; ; attempt++) {
        let status = 0;
        let text = "";
        let failure: string | undefined;
        let sent = true;
        try {
            const signal = AbortSignal.timeout(options.requestTimeoutMs ?? 30_000);
            const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: "error", signal });
            status = res.status;
            const body = await readBounded(res, max);
            if (body === undefined) throw apiError(operation, status, `${operation}: the answer (HTTP ${status}) is larger than ${Math.round(max / 1024 / 1024)} MiB; refused without reading the rest`);
            text = body;
        } catch (e) {
            if ((e as ApiError).operation !== undefined) throw e;
            // The error's name and the socket's code (ECONNREFUSED, ...): never the request.
            const code = (e as { cause?: { code?: unknown } })?.cause?.code;
            const name = (e as { name?: unknown })?.name;
            failure = name === "TimeoutError" || name === "AbortError" ? `no answer within ${options.requestTimeoutMs ?? 30_000} ms` : `network error${typeof code === "string" ? ` ${printable(code, 40)}` : ""}`;
            sent = !(typeof code === "string" && NOT_SENT.includes(code));
            status = 0;
        }
        const transient = failure !== undefined || status >= 500 || status === 429;
        const mayRetry = req.idempotent !== false || !sent || status === 429 || status === 503;
        if (!transient) return { status, text };
        if (!mayRetry || attempt >= delays.length) {
            const detail = failure ?? answerSummary(status, text);
            const tries = attempt === 0 ? "" : ` after ${attempt + 1} attempts`;
            const unknown = mayRetry ? "" : " (not sent again: it may have been done)";
            throw apiError(operation, status, `${operation} failed${tries}: ${detail}${unknown}`, text);
        }
        await new Promise((r) => setTimeout(r, delays[attempt]));
    }
}

/** The body as text, or undefined (the rest left unread, the connection dropped) past `max` bytes. */
async function readBounded(res: Response, max: number): Promise<string | undefined> {
    if (Number(res.headers.get("content-length") ?? 0) > max) {
        await res.body?.cancel().catch(() => undefined);
        return undefined;
    }
    if (!res.body) return "";
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done) return Buffer.concat(chunks).toString("utf8");
        size += value.byteLength;
        if (size > max) {
            await reader.cancel().catch(() => undefined);
            return undefined;
        }
        chunks.push(value);
    }
}
