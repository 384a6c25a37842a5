/**
 * Expiry alerts for the daily status issue: which keys and grants crossed 30, 7 or 1 days left
 * since the last run, once per threshold. What was announced is remembered in hidden markers in
 * the issue body, which is untrusted text: it is only ever matched against a strict pattern. Pure.
 */
import type { StackStatus } from "./model";

/** Days left at which a key or grant is announced, once each. */
export const ALERT_THRESHOLDS = [30, 7, 1] as const;

/** Something that ends: a registered Maskinporten key or an access grant. */
export interface Expiring {
    /** Stable while the end date stays: a renewed key or a moved grant date starts afresh. */
    id: string;
    kind: "key" | "grant";
    /** What a person reads, e.g. `Maskinporten key abc of client MaskinportenSettings (active, in the vault)`. */
    label: string;
    expires: string;
    daysLeft: number;
}

export interface Announcement {
    item: Expiring;
    /** The lowest threshold it crossed that was not announced yet (the one the comment names). */
    threshold: number;
}

/** Characters an id may hold: nothing that can end an HTML comment or a line. */
const ID_CHARS = /[^A-Za-z0-9._:-]/g;
const MARKER = /^<!-- altinn-app-secrets:announced ([A-Za-z0-9._:-]{1,200})@(\d{1,3}) -->$/gm;
const MAX_MARKERS = 2000;
/** An id the marker pattern reads back (its characters, at most its 200), ending with the date. */
const itemId = (kind: Expiring["kind"], name: string, expires: string) => `${kind}:${name.slice(0, 150)}:${expires}`.replace(ID_CHARS, "_");

const markerKey = (id: string, threshold: number) => `${id}@${threshold}`;

/** The hidden marker that remembers one announcement. */
export function announcedMarker(key: string): string {
    return `<!-- altinn-app-secrets:announced ${key} -->`;
}

/** The announcements an issue body remembers, read with a strict pattern (at most 2000). */
export function announcedIn(body: string): Set<string> {
    const out = new Set<string>();
    for (const m of body.matchAll(MARKER)) {
        if (out.size >= MAX_MARKERS) break;
        if ((ALERT_THRESHOLDS as readonly number[]).includes(Number(m[2]))) out.add(markerKey(m[1], Number(m[2])));
    }
    return out;
}

/** The stack's own registered keys and its grants that have an end, as alert items. */
export function expiringItems(status: StackStatus): Expiring[] {
    const items: Expiring[] = [];
    for (const c of status.clients) {
        for (const k of c.keys) {
            if (k.expires === undefined || k.daysLeft === undefined) continue;
            const where = k.inVault ? ", in the vault" : "";
            items.push({
                id: itemId("key", k.kid, k.expires),
                kind: "key",
                label: `Maskinporten key ${k.kid} of client ${c.section} (${k.role}${where})`,
                expires: k.expires,
                daysLeft: k.daysLeft,
            });
        }
    }
    for (const g of status.grants) {
        if (g.expires === undefined || g.daysLeft === undefined) continue;
        items.push({ id: itemId("grant", g.principalId, g.expires), kind: "grant", label: `access grant for ${g.principalId} (${g.reason})`, expires: g.expires, daysLeft: g.daysLeft });
    }
    return items.sort((a, b) => a.daysLeft - b.daysLeft || a.id.localeCompare(b.id));
}

/**
 * How many characters of hidden markers an issue keeps: the status must fit beside them within
 * GitHub's 65536. At about 100 characters a marker, some 200 items crossing a threshold at once.
 */
export const MARKER_BUDGET = 20_000;

/**
 * What to announce now, given what was announced before: each item whose days left crossed a
 * threshold not announced yet, once (at the lowest such threshold), and the markers the issue keeps
 * from now on: one per item still there, at the lowest threshold it crossed (which stands for the
 * higher ones; gone items are forgotten). Items come soonest first; once their markers would pass
 * `budget` characters the rest are neither announced nor remembered (`untracked` counts them) until
 * sooner ones are gone, so the issue never outgrows GitHub's limit nor forgets what it said.
 */
export function dueAlerts(
    items: readonly Expiring[],
    announced: ReadonlySet<string>,
    thresholds: readonly number[] = ALERT_THRESHOLDS,
    budget = MARKER_BUDGET,
): { due: Announcement[]; remember: string[]; untracked?: number } {
    const due: Announcement[] = [];
    const remember: string[] = [];
    let used = 0;
    let untracked = 0;
    for (const item of items) {
        const crossed = thresholds.filter((t) => item.daysLeft <= t);
        if (crossed.length === 0) continue;
        const key = markerKey(item.id, Math.min(...crossed));
        used += announcedMarker(key).length + 1;
        if (used > budget) {
            untracked += 1;
            continue;
        }
        // Announced at a threshold means announced at every higher one too.
        const said = thresholds.filter((t) => announced.has(markerKey(item.id, t)));
        const fresh = crossed.filter((t) => said.length === 0 || t < Math.min(...said));
        if (fresh.length) due.push({ item, threshold: Math.min(...fresh) });
        remember.push(key);
    }
    return untracked ? { due, remember, untracked } : { due, remember };
}
