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
/** Bars are drawn at most this far past today, so one far end (9999-12-31) cannot flatten the others. */
const HORIZON_DAYS = 730;
/** Lifetimes drawn at most (those that end soonest): more is not a chart a person reads, and Mermaid refuses long text. */
export const MAX_GANTT_TASKS = 100;

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

/** The last day a date reads as YYYY-MM-DD: the day after 9999-12-31 would read +010000-01-01. */
const LAST_DAY_MS = Date.UTC(9999, 11, 31);
const day = (ms: number) => new Date(Math.min(ms, LAST_DAY_MS)).toISOString().slice(0, 10);
const addDays = (date: string, days: number) => day(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);

interface Task {
    section: string;
    name: string;
    tags: string[];
    start: string;
    end: string;
}

/** The chart and how many lifetimes it left out, or undefined when nothing in the stack has an end date. */
export function renderGantt(status: StackStatus): { text: string; omitted: number } | undefined {
    const tasks: Task[] = [];
    const horizon = addDays(status.asOf, HORIZON_DAYS);
    const task = (section: string, name: string, tags: string[], start: string, end: string) => {
        const drawnEnd = end > horizon ? horizon : end;
        tasks.push({ section, name, tags, start, end: drawnEnd < start ? start : drawnEnd });
    };
    for (const c of status.clients) {
        const keys = [...c.keys, ...c.foreignKeys.map((k) => ({ ...k, role: "foreign" as const }))].filter((k) => k.expires !== undefined).sort((a, b) => a.expires!.localeCompare(b.expires!));
        for (const k of keys) {
            const tags = k.daysLeft! < 0 ? ["done"] : k.daysLeft! < KEY_CRITICAL_DAYS ? ["crit"] : k.role === "active" ? ["active"] : [];
            task(`client ${c.section}`, `key ${k.role} ${k.kid.slice(0, 12)}`, tags, addDays(k.expires!, -KEY_LIFETIME_DAYS), k.expires!);
        }
    }
    for (const g of status.grants.filter((g) => g.expires !== undefined)) {
        const name = `grant ${g.principalId.slice(0, 8)} ${g.reason}`;
        // An ended grant is a one-day mark on its last day; a running one reaches from today to its last day.
        if (g.ended || g.daysLeft! < 0) task("access grants", name, ["done"], g.expires!, addDays(g.expires!, 1));
        else task("access grants", name, g.daysLeft! <= GRANT_CRITICAL_DAYS ? ["crit"] : [], status.asOf, addDays(g.expires!, 1));
    }
    if (tasks.length === 0) return undefined;
    const drawn = new Set([...tasks].sort((a, b) => a.end.localeCompare(b.end)).slice(0, MAX_GANTT_TASKS));
    const lines: string[] = [];
    let section: string | undefined;
    let n = 0;
    for (const t of tasks.filter((t) => drawn.has(t))) {
        if (t.section !== section) lines.push(`    section ${ganttName((section = t.section))}`);
        n += 1;
        lines.push(`    ${ganttName(t.name)} :${[...t.tags, `t${n}`, t.start, t.end].join(", ")}`);
    }
    const title = `    title ${ganttName(`Key and grant lifetimes of stack ${status.stack} as of ${status.asOf}`)}`;
    return { text: ["gantt", title, "    dateFormat YYYY-MM-DD", "    axisFormat %Y-%m-%d", ...lines].join("\n"), omitted: tasks.length - drawn.size };
}
