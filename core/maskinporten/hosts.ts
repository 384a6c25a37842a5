/**
 * Where Maskinporten credentials (the self-service admin token, a signed JWT grant) may go:
 * Digdir's self-service API and Maskinporten for the stack's environment, loopback (tests; never in prod), and
 * hosts policy/config.json allows with a reason. Pure. The provider, which imports nothing of the
 * project, keeps its own copy of DIGDIR_HOSTS; a test keeps the two equal.
 */
import type { Environment } from "../config/parse";
import { CONTROL_CHARACTER, MIN_REASON_LENGTH } from "../config/limits";
import { visibleTextProblem } from "../config/visibleText";
import { HOSTNAME } from "../hostname";

/** Digdir's hosts per Altinn environment: the self-service API, then Maskinporten. */
export const DIGDIR_HOSTS: Record<Environment, readonly string[]> = {
    tt02: ["api.test.samarbeid.digdir.no", "test.maskinporten.no"],
    prod: ["api.samarbeid.digdir.no", "maskinporten.no"],
};

/** A host policy/config.json lets Maskinporten credentials go to, and why. */
export interface AllowedHost {
    host: string;
    reason: string;
}

/** `allowedMaskinportenHosts` of policy/config.json; throws one line naming the entry. */
export function parseAllowedHosts(value: unknown, at: string): AllowedHost[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new Error(`${at} must be a list of {host, reason}`);
    return value.map((item, i) => {
        const where = `${at}[${i}]`;
        if (item === null || typeof item !== "object" || Array.isArray(item)) throw new Error(`${where} must be an object with host and reason`);
        const o = item as Record<string, unknown>;
        const extra = Object.keys(o).find((k) => k !== "host" && k !== "reason");
        if (extra !== undefined) throw new Error(`${where}.${extra} is not a key (expected host and reason)`);
        if (typeof o.host !== "string" || !HOSTNAME.test(o.host)) throw new Error(`${where}.host must be a lower-case host name such as "maskinporten.example.no" (no scheme, port or path)`);
        // A reason a reviewer reads: one line, 10+ visible characters with letters or digits among them.
        const hidden = typeof o.reason === "string" && !CONTROL_CHARACTER.test(o.reason) ? visibleTextProblem(o.reason, MIN_REASON_LENGTH) : "is not one line of text";
        if (hidden) throw new Error(`${where}.reason must be one line of at least ${MIN_REASON_LENGTH} characters, visible ones, saying why credentials may go to ${o.host}: it ${hidden}`);
        return { host: o.host, reason: (o.reason as string).trim() };
    });
}

/** Hosts that may be reached over plain http (tests run fakes there). */
export function isLoopbackHost(hostname: string): boolean {
    const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host of a URL, lower case; `(not a URL)` when it is none. */
export function hostOf(url: unknown): string {
    try {
        return new URL(String(url)).hostname.toLowerCase();
    } catch {
        return "(not a URL)";
    }
}

/** What lets credentials go to `url` in `environment`: Digdir, loopback, a policy/config.json entry, or nothing. */
export function hostAllowance(url: unknown, environment: Environment | undefined, allowed: AllowedHost[]): { kind: "digdir" | "loopback" | "allowed"; reason?: string } | undefined {
    const host = hostOf(url);
    const digdir = environment ? DIGDIR_HOSTS[environment] : [...DIGDIR_HOSTS.tt02, ...DIGDIR_HOSTS.prod];
    if (digdir.includes(host)) return { kind: "digdir" };
    // Loopback is for tests: a prod stack is never pointed at a fake.
    if (environment !== "prod" && isLoopbackHost(host)) return { kind: "loopback" };
    const entry = allowed.find((a) => a.host === host);
    return entry ? { kind: "allowed", reason: entry.reason } : undefined;
}

/** `allowedMaskinportenHosts` from the text of policy/config.json (absent file: none); throws one line. */
export function allowedHostsOfPackConfig(text: string | undefined, file = "policy/config.json"): AllowedHost[] {
    if (text === undefined) return [];
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        throw new Error(`${file}: not valid JSON`);
    }
    const value = json && typeof json === "object" ? (json as Record<string, unknown>).allowedMaskinportenHosts : undefined;
    return parseAllowedHosts(value, `${file}: allowedMaskinportenHosts`);
}
