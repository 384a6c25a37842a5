/**
 * A Mermaid `gantt` chart of a stack's lifetimes: each registered Maskinporten key's validity
 * window and each grant's remaining time, so the timeline is seen, not read. GitHub renders it in
 * issues and comments. Pure. It emits a small, fixed subset of the gantt grammar (tests parse it
 * strictly): `dateFormat`, `axisFormat`, `title`, `section` and task lines `name :tags, id, start, end`,
 * with every name reduced to characters that cannot end a name, a line or a statement.
 */
import type { StackStatus } from "./model";

/** Maskinporten keeps a key for a year from when it was sent: its window starts a year before it expires. */
const KEY_LIFETIME_DAYS = 365;
/** Keys within this many days of expiry, and grants within 7, are drawn as critical. */
const KEY_CRITICAL_DAYS = 30;
const GRANT_CRITICAL_DAYS = 7;
const MAX_NAME = 60;

/**
 * A task or section name Mermaid reads as text: only letters, digits, space and `._()/-`
 * (no `:` that ends a name, `;` or `#` that end a statement or start an entity, `%%` comments,
 * `<>` HTML), one line, at most 60 characters.
 */
export function ganttName(name: string): string {
    const clean = name
        .replace(/[^\p{L}\p{N} ._()/-]+/gu, " ")
        .replace(/\s+/g, " ")
        .trim();
    return (clean.length > MAX_NAME ? `${clean.slice(0, MAX_NAME - 3).trimEnd()}...` : clean) || "unnamed";
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (date: string, days: number) => day(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);

/** The chart, or undefined when nothing in the stack has an end date. */
export function renderGantt(status: StackStatus): string | undefined {
    const lines: string[] = [];
    let n = 0;
    const task = (name: string, tags: string[], start: string, end: string) => {
        n += 1;
        lines.push(`    ${ganttName(name)} :${[...tags, `t${n}`, start, end < start ? start : end].join(", ")}`);
    };
    for (const c of status.clients) {
        const keys = [...c.keys, ...c.foreignKeys.map((k) => ({ ...k, role: "foreign" as const }))].filter((k) => k.expires !== undefined).sort((a, b) => a.expires!.localeCompare(b.expires!));
        if (keys.length === 0) continue;
        lines.push(`    section ${ganttName(`client ${c.section}`)}`);
        for (const k of keys) {
            const tags = k.daysLeft! < 0 ? ["done"] : k.daysLeft! < KEY_CRITICAL_DAYS ? ["crit"] : k.role === "active" ? ["active"] : [];
            task(`key ${k.role} ${k.kid.slice(0, 12)}`, tags, addDays(k.expires!, -KEY_LIFETIME_DAYS), k.expires!);
        }
    }
    const ending = status.grants.filter((g) => g.expires !== undefined);
    if (ending.length) {
        lines.push(`    section ${ganttName("access grants")}`);
        for (const g of ending) {
            const name = `grant ${g.principalId.slice(0, 8)} ${g.reason}`;
            // An ended grant is a one-day mark on its last day; a running one reaches from today to its last day.
            if (g.ended || g.daysLeft! < 0) task(name, ["done"], g.expires!, addDays(g.expires!, 1));
            else task(name, g.daysLeft! <= GRANT_CRITICAL_DAYS ? ["crit"] : [], status.asOf, addDays(g.expires!, 1));
        }
    }
    if (n === 0) return undefined;
    return ["gantt", `    title ${ganttName(`Key and grant lifetimes of stack ${status.stack} as of ${status.asOf}`)}`, "    dateFormat YYYY-MM-DD", "    axisFormat %Y-%m-%d", ...lines].join("\n");
}
