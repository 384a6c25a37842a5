/**
 * What a deployed stack holds, read from its outputs (`pulumi stack output --json`) as a person
 * wants to see it: per Maskinporten client its kids by role, where each is registered and when it
 * expires; per app its secrets and whether its last redeploy followed the last change; every grant
 * by days left; unmanaged access. Pure. The outputs are untrusted text: every value is checked for
 * its type, bounded in length and count, stripped of control characters, and a value the outputs
 * mark secret (`[secret]`, a ciphertext) is never read.
 */
import { daysLeft as keyDaysLeft, expiryDate, knownExp } from "../maskinporten/keyStatus";
import { grantDaysLeft, normalizeExpires } from "../vault/grantExpiry";
import { ACCESS_PRESETS, roleName } from "../vault/roles";

export interface StatusKey {
    kid: string;
    role: "active" | "staged" | "retired";
    /** Its private JWK is the vault's secret (the active key). */
    inVault: boolean;
    /** Self-service: registered (with expiry) or missing at Maskinporten; by hand: unknown to the stack. */
    maskinporten: "registered" | "missing" | "by hand";
    expires?: string;
    daysLeft?: number;
}

export interface StatusForeignKey {
    kid: string;
    expires?: string;
    daysLeft?: number;
}

export interface StatusClient {
    section: string;
    clientId?: string;
    format?: string;
    apps: string[];
    state?: string;
    nextStep?: string;
    selfService: boolean;
    createdByStack?: boolean;
    /** keyGeneration 0: the vault holds a key the stack adopted and never saw. */
    adoptedKey: boolean;
    keys: StatusKey[];
    /** Keys at Maskinporten that this stack did not register (by hand, or another tool). */
    foreignKeys: StatusForeignKey[];
}

export interface StatusApp {
    app: string;
    envName?: string;
    automatic: boolean;
    secrets: { name: string; version?: string }[];
    /** followed: the last redeploy ran for the secrets' current versions; behind: not for these; manual: done by hand. */
    redeploy: "followed" | "behind" | "manual" | "unknown";
    behind: string[];
}

export interface StatusGrant {
    principalId: string;
    access: string;
    reason: string;
    expires?: string;
    daysLeft?: number;
    /** Its date has passed: the last up no longer declared it. */
    ended: boolean;
}

export interface StatusUnmanaged {
    principalId: string;
    access: string;
    source: string;
}

export interface StackStatus {
    stack: string;
    /** The day status was taken (UTC), `YYYY-MM-DD`. */
    asOf: string;
    org?: string;
    environment?: string;
    vault?: string;
    clients: StatusClient[];
    apps: StatusApp[];
    /** Soonest end first; grants without an end last. */
    grants: StatusGrant[];
    unmanagedAccess: StatusUnmanaged[];
    /** What the outputs did not say (missing or secret outputs). */
    notes: string[];
}

const MAX_TEXT = 1000;
const MAX_ITEMS = 500;
/** Control characters (ANSI and OSC sequences start with one) and line breaks: each becomes a space. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Characters that reorder or hide text (bidi overrides and isolates, zero-width and invisible format characters): removed. */
export const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** Pulumi's secret signature key, as a ciphertext appears in state or older outputs. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

type Obj = Record<string, unknown>;

/** A value the outputs mark secret: never read, never printed. */
export function isSecretMarker(v: unknown): boolean {
    if (v === "[secret]") return true;
    return v !== null && typeof v === "object" && !Array.isArray(v) && (SECRET_SIG in v || "ciphertext" in v);
}

const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) && !isSecretMarker(v) ? (v as Obj) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, MAX_ITEMS) : []);

/** One printable line of at most MAX_TEXT characters, or undefined. */
export function text(v: unknown): string | undefined {
    if (typeof v !== "string" || isSecretMarker(v)) return undefined;
    const clean = v.replace(CONTROL, " ").replace(INVISIBLE, "").trim();
    return clean === "" ? undefined : clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT - 1)}…` : clean;
}

const texts = (v: unknown): string[] => list(v).map(text).filter((t): t is string => t !== undefined);

/** The version id at the end of a versioned secret URI (`.../secrets/<name>/<version>`). */
function versionOf(uri: unknown): string | undefined {
    const t = text(uri);
    const m = t ? /\/secrets\/[^/]+\/([0-9a-zA-Z]+)$/.exec(t) : null;
    return m ? m[1] : undefined;
}

function keyExpiry(k: Obj, nowMs: number): { expires?: string; daysLeft?: number } {
    const exp = knownExp(k.exp) ?? (normalizeExpires(k.expires) ? Date.parse(`${normalizeExpires(k.expires)}T00:00:00Z`) / 1000 : undefined);
    if (exp === undefined) return {};
    return { expires: expiryDate(exp), daysLeft: keyDaysLeft(exp, Math.floor(nowMs / 1000)) };
}

function clientOf(c: Obj, nowMs: number): StatusClient {
    const active = text(c.activeKid);
    const staged = text(c.stagedKid);
    const published = list(obj(c.publicJwks)?.keys).map((k) => text(obj(k)?.kid)).filter((k): k is string => k !== undefined);
    const registration = obj(c.registration);
    const registered = new Map(list(registration?.keys).flatMap((k) => (obj(k) && text(obj(k)!.kid) ? [[text(obj(k)!.kid)!, obj(k)!] as const] : [])));
    const kids = [...new Set([...(active ? [active] : []), ...(staged ? [staged] : []), ...published])];
    const keys = kids.map((kid): StatusKey => {
        const at = registered.get(kid);
        return {
            kid,
            role: kid === active ? "active" : kid === staged ? "staged" : "retired",
            inVault: kid === active,
            maskinporten: !registration ? "by hand" : at ? "registered" : "missing",
            ...(at ? keyExpiry(at, nowMs) : {}),
        };
    });
    const rotation = obj(c.rotation);
    return {
        section: text(c.section) ?? "(unnamed)",
        clientId: text(registration?.clientId) ?? text(c.clientId),
        format: text(c.format),
        apps: texts(c.apps),
        state: text(rotation?.state),
        nextStep: text(rotation?.nextStep),
        selfService: registration !== undefined,
        ...(registration && typeof registration.createdByStack === "boolean" ? { createdByStack: registration.createdByStack } : {}),
        adoptedKey: !active,
        keys,
        foreignKeys: list(registration?.foreignKeys).flatMap((k) => {
            const o = obj(k);
            const kid = text(o?.kid);
            return o && kid ? [{ kid, ...keyExpiry(o, nowMs) }] : [];
        }),
    };
}

function appOf(r: Obj): StatusApp {
    const names = texts(r.secretNames);
    const versions = obj(r.secretVersions) ?? {};
    const secrets = names.map((name) => ({ name, ...(versionOf(versions[name]) ? { version: versionOf(versions[name]) } : {}) }));
    const automatic = r.automatic !== false;
    const ranFor = Array.isArray(r.redeployedFor) ? r.redeployedFor.map(versionOf) : undefined;
    let redeploy: StatusApp["redeploy"] = "manual";
    let behind: string[] = [];
    if (automatic && (!ranFor || secrets.some((s) => s.version === undefined))) redeploy = "unknown";
    else if (automatic) {
        behind = secrets.filter((s, i) => ranFor![i] !== s.version).map((s) => s.name);
        redeploy = behind.length ? "behind" : "followed";
    }
    return { app: text(r.app) ?? "(unnamed)", envName: text(r.envName), automatic, secrets, redeploy, behind };
}

/** How a grant's access reads: the preset with what it means in the vault's mode, the permission lists, or the role. */
export function accessText(g: Obj, authorization?: string): string {
    const access = text(g.access);
    const role = text(g.roleId) ?? text(g.role);
    if (role) return `role ${roleName(role)}`;
    if (access === "read" || access === "write") {
        const preset = ACCESS_PRESETS[access];
        return `${access} (${authorization === "rbac" ? `role ${preset.role}` : `secrets: ${preset.secrets.join(", ")}`})`;
    }
    const lists = Object.entries(obj(g.permissions) ?? {}).flatMap(([kind, v]) => (texts(v).length ? [`${text(kind) ?? "?"}: ${texts(v).join(", ")}`] : []));
    return lists.length ? lists.join("; ") : (access ?? "(not shown)");
}

function grantOf(g: Obj, nowMs: number, ended: boolean, authorization?: string): StatusGrant | undefined {
    const principalId = text(g.principalId);
    if (!principalId) return undefined;
    const expires = normalizeExpires(g.expires);
    return {
        principalId,
        access: ended ? "(removed)" : accessText(g, authorization),
        reason: text(g.reason) ?? "",
        ...(expires ? { expires, daysLeft: grantDaysLeft(expires, nowMs) } : {}),
        ended,
    };
}

/** Soonest end first, then by principal; grants without an end last. */
function byDaysLeft(a: StatusGrant, b: StatusGrant): number {
    return (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) || a.principalId.localeCompare(b.principalId);
}

/** The status of `stack` from its outputs at `nowMs`. */
export function statusFromOutputs(outputs: unknown, stack: string, nowMs: number): StackStatus {
    const o = obj(outputs) ?? {};
    const notes: string[] = [];
    for (const key of ["maskinportenClients", "redeploys", "grants", "unmanagedAccess"]) {
        if (isSecretMarker(o[key])) notes.push(`${key}: marked secret in the stack outputs; not shown`);
        else if (o[key] === undefined) notes.push(`${key}: not in the stack outputs (deployed by an older version of this program?)`);
    }
    // Entries that cannot be shown (not an object, a grant without a principal) or past MAX_ITEMS are counted, never dropped unsaid.
    for (const key of ["maskinportenClients", "redeploys", "grants", "expiredGrants", "unmanagedAccess"]) {
        const all = Array.isArray(o[key]) ? (o[key] as unknown[]) : [];
        const needsPrincipal = key !== "maskinportenClients" && key !== "redeploys";
        const shown = all.slice(0, MAX_ITEMS).filter((e) => obj(e) && (!needsPrincipal || text(obj(e)!.principalId) !== undefined)).length;
        if (shown < all.length) {
            const why = `${all.length > MAX_ITEMS ? `at most ${MAX_ITEMS} are; ` : ""}an entry must be an object${needsPrincipal ? " with a principalId" : ""}`;
            notes.push(`${key}: ${all.length - shown} of ${all.length} entries not shown (${why})`);
        }
    }
    const authorization = text(obj(o.vault)?.authorization);
    const grants = [
        ...list(o.grants).flatMap((g) => (obj(g) ? [grantOf(obj(g)!, nowMs, false, authorization)] : [])),
        ...list(o.expiredGrants).flatMap((g) => (obj(g) ? [grantOf(obj(g)!, nowMs, true)] : [])),
    ].filter((g): g is StatusGrant => g !== undefined);
    return {
        stack,
        asOf: new Date(nowMs).toISOString().slice(0, 10),
        org: text(o.org),
        environment: text(o.environment),
        vault: text(obj(o.vault)?.vaultName),
        clients: list(o.maskinportenClients).flatMap((c) => (obj(c) ? [clientOf(obj(c)!, nowMs)] : [])),
        apps: list(o.redeploys).flatMap((r) => (obj(r) ? [appOf(obj(r)!)] : [])),
        grants: grants.sort(byDaysLeft),
        unmanagedAccess: list(o.unmanagedAccess).flatMap((u) => {
            const e = obj(u);
            const principalId = text(e?.principalId);
            return e && principalId ? [{ principalId, access: accessText(e), source: text(e.source) ?? "unknown" }] : [];
        }),
        notes,
    };
}
