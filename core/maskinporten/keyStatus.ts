/**
 * How long a key registered at Maskinporten has left, as people and the policy read it. Pure.
 * The registration provider keeps its own copy of RENEW_WITHIN_DAYS and daysLeft (it is
 * serialized without project imports); a test keeps the two equal.
 */

/** A registered key that expires within this many days is renewed by the next `pulumi up`. */
export const RENEW_WITHIN_DAYS = 30;

const DAY = 86_400;

/** A kid registered at Maskinporten and when it expires (unix seconds; absent if not told). */
export interface KeyExpiry {
    kid: string;
    exp?: number;
}

/** A registered key as people read it: when it expires and how many days are left. */
export interface KeyStatus {
    kid: string;
    /** Unix seconds, as Maskinporten told it: what `npm run status` counts days left from. */
    exp?: number;
    expires?: string;
    daysLeft?: number;
}

/** 10000-01-01T00:00:00Z in unix seconds: the first moment a date no longer reads as YYYY-MM-DD. */
const END_OF_DATES = 253_402_300_800;

/**
 * `exp` as Maskinporten's answer carried it, when it is a moment a date can show (1970 to 9999);
 * undefined for anything else (not a number, 1e20, before 1970), which no key expiry can be.
 */
export function knownExp(exp: unknown): number | undefined {
    return typeof exp === "number" && Number.isFinite(exp) && exp >= 0 && exp < END_OF_DATES ? exp : undefined;
}

/** Whole days from `nowSeconds` until `exp` (negative once expired). */
export function daysLeft(exp: number, nowSeconds: number): number {
    return Math.floor((exp - nowSeconds) / DAY);
}

/** The UTC date of `exp` (unix seconds), `YYYY-MM-DD`. */
export function expiryDate(exp: number): string {
    return new Date(exp * 1000).toISOString().slice(0, 10);
}

/** Kids with expiry date and days left at `nowMs`, soonest first. */
export function keyStatus(keys: KeyExpiry[] | undefined, nowMs: number): KeyStatus[] {
    const now = Math.floor(nowMs / 1000);
    return [...(keys ?? [])]
        .map((k) => ({ kid: k.kid, exp: knownExp(k.exp) }))
        .sort((a, b) => (a.exp ?? Infinity) - (b.exp ?? Infinity))
        .map((k) => (k.exp === undefined ? { kid: k.kid } : { kid: k.kid, exp: k.exp, expires: expiryDate(k.exp), daysLeft: daysLeft(k.exp, now) }));
}

/** Declared keys that expire within RENEW_WITHIN_DAYS (or have expired) at `nowMs`. */
export function keysNeedingRenewal(keys: KeyExpiry[] | undefined, nowMs: number): KeyStatus[] {
    return keyStatus(keys, nowMs).filter((k) => k.daysLeft !== undefined && k.daysLeft < RENEW_WITHIN_DAYS);
}
