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
                id: `key:${k.kid}:${k.expires}`.replace(ID_CHARS, "_"),
                kind: "key",
                label: `Maskinporten key ${k.kid} of client ${c.section} (${k.role}${where})`,
                expires: k.expires,
                daysLeft: k.daysLeft,
            });
        }
    }
    for (const g of status.grants) {
        if (g.expires === undefined || g.daysLeft === undefined) continue;
        items.push({ id: `grant:${g.principalId}:${g.expires}`.replace(ID_CHARS, "_"), kind: "grant", label: `access grant for ${g.principalId} (${g.reason})`, expires: g.expires, daysLeft: g.daysLeft });
    }
    return items.sort((a, b) => a.daysLeft - b.daysLeft || a.id.localeCompare(b.id));
}

/**
 * What to announce now, given what was announced before: each item whose days left crossed a
 * threshold not announced yet, once (at the lowest such threshold), and the markers the issue keeps
 * from now on (every crossed threshold of every item still there; gone items are forgotten).
 */
export function dueAlerts(items: readonly Expiring[], announced: ReadonlySet<string>, thresholds: readonly number[] = ALERT_THRESHOLDS): { due: Announcement[]; remember: string[] } {
    const due: Announcement[] = [];
    const remember: string[] = [];
    for (const item of items) {
        const crossed = thresholds.filter((t) => item.daysLeft <= t);
        const fresh = crossed.filter((t) => !announced.has(markerKey(item.id, t)));
        if (fresh.length) due.push({ item, threshold: Math.min(...fresh) });
        remember.push(...crossed.map((t) => markerKey(item.id, t)));
    }
    return { due, remember };
}
