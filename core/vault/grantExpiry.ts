/**
 * Access grants that end by themselves (`accessGrants[].expires`): the date format, when a grant
 * ends, how many days it has left, and which grants the program still declares. Pure; the
 * program, the policy rules, the plan, the review and `npm run status` all read it from here.
 */

const DAY_MS = 86_400_000;

/** Within this many days of its end a grant is reported as "expires in N days". */
export const EXPIRES_SOON_DAYS = 7;

/** `expires` as written: a calendar date. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** What a YAML timestamp becomes once it went through JSON (`2027-01-31T00:00:00Z`): accepted, the time must be midnight UTC. */
const MIDNIGHT_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?Z$/;

/** True for a real calendar date `YYYY-MM-DD` (no 2027-02-30). */
function isRealDate(text: string): boolean {
    const m = DATE.exec(text);
    if (!m) return false;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * `expires` as the program reads it: the string Pulumi passes (`2027-01-31`), or what a YAML 1.1
 * reader made of an unquoted date (a Date at midnight UTC, or its JSON text). Undefined when it is none of these.
 */
export function normalizeExpires(value: unknown): string | undefined {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : normalizeExpires(value.toISOString());
    if (typeof value !== "string") return undefined;
    const date = MIDNIGHT_TIMESTAMP.exec(value)?.[1] ?? value;
    return isRealDate(date) ? date : undefined;
}

/** What a config error says after the value when `value` is not an expiry date; undefined when it is one. */
export function expiresProblem(value: unknown): string | undefined {
    if (normalizeExpires(value) !== undefined) return undefined;
    const real = typeof value === "string" && (DATE.test(value) || MIDNIGHT_TIMESTAMP.test(value));
    return `${real ? "is not a real date" : "is not a date"}; write YYYY-MM-DD, e.g. 2027-01-31 (the grant ends at the end of that day, UTC)`;
}

/** The pattern a JSON Schema can check (the real-date check needs code). */
export const EXPIRES_PATTERN = /^\d{4}-\d{2}-\d{2}(?:T00:00:00(?:\.0+)?Z)?$/;

/** The moment a grant that expires on `date` ends: the end of that day in UTC (ms since the epoch). */
export function expiryEnd(date: string): number {
    const m = DATE.exec(date);
    if (!m) throw new Error(`not a date: ${JSON.stringify(date)}`);
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
}

/** Whole days left at `now` (0 on the last day, negative once it has ended). */
export function grantDaysLeft(date: string, now: number): number {
    return Math.floor((expiryEnd(date) - now) / DAY_MS);
}

/** True from the first moment after the expiry day (UTC). */
export function isExpired(date: string, now: number): boolean {
    return now >= expiryEnd(date);
}

/** The grants the program declares at `now`, and those it no longer declares because they expired. */
export function partitionByExpiry<T extends { expires?: string }>(grants: readonly T[], now: number): { declared: T[]; expired: T[] } {
    const declared: T[] = [];
    const expired: T[] = [];
    for (const g of grants) (g.expires !== undefined && isExpired(g.expires, now) ? expired : declared).push(g);
    return { declared, expired };
}

/** How a grant's expiry reads to a person at `now`; undefined for a grant without `expires`. */
export function expiryText(expires: string | undefined, now: number): string | undefined {
    if (expires === undefined) return undefined;
    const days = grantDaysLeft(expires, now);
    if (days < 0) return `expired on ${expires}: removed at the next pulumi up`;
    if (days === 0) return `expires today (${expires}, end of day UTC)`;
    if (days <= EXPIRES_SOON_DAYS) return `expires in ${days} day${days === 1 ? "" : "s"} (${expires})`;
    return `expires ${expires} (${days} days left)`;
}
