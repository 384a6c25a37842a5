/**
 * A strict parser of exactly the Mermaid gantt subset core/status/gantt.ts emits: `gantt`, then
 * `title`, `dateFormat YYYY-MM-DD`, `axisFormat`, `section` and task lines
 * `<name> :[tags, ]<id>, <start>, <end>`. Anything else is an error, as are a name holding `:`,
 * `;`, `#`, `%` or `<>`, a name starting with a gantt keyword, an id used twice, a date that is
 * not a real YYYY-MM-DD, an end before its start, and a task outside a section.
 */
export interface GanttTask {
    section: string;
    name: string;
    tags: string[];
    id: string;
    start: string;
    end: string;
}

export interface Gantt {
    title: string;
    tasks: GanttTask[];
}

const KEYWORDS = /^(?:gantt|title|section|dateFormat|axisFormat|tickInterval|excludes|includes|todayMarker|weekday|weekend|click|call|accTitle|accDescr|inclusiveEndDates|topAxis|displayMode)\b/i;
const NAME = /^[\p{L}\p{N} ._()/-]+$/u;
const TAGS = ["active", "done", "crit", "milestone"];

function realDate(s: string): boolean {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (!m) return false;
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

function checkName(name: string, where: string): void {
    if (name !== name.trim() || name === "") throw new Error(`${where}: empty name or stray white space`);
    if (!NAME.test(name)) throw new Error(`${where}: name ${JSON.stringify(name)} holds a character outside letters, digits and " ._()/-"`);
    if (KEYWORDS.test(name)) throw new Error(`${where}: name ${JSON.stringify(name)} starts with a gantt keyword`);
}

export function parseGantt(text: string): Gantt {
    const lines = text.split("\n");
    if (lines[0] !== "gantt") throw new Error("line 1: must be gantt");
    let title: string | undefined;
    let dateFormat = false;
    let section: string | undefined;
    const ids = new Set<string>();
    const tasks: GanttTask[] = [];
    lines.slice(1).forEach((line, i) => {
        const at = `line ${i + 2}`;
        if (!line.startsWith("    ") || line.startsWith("     ")) throw new Error(`${at}: must be indented by four spaces`);
        const body = line.slice(4);
        let m: RegExpExecArray | null;
        if ((m = /^title (.+)$/.exec(body))) {
            if (title !== undefined || tasks.length) throw new Error(`${at}: one title, before the tasks`);
            checkName(m[1], at);
            title = m[1];
        } else if (body === "dateFormat YYYY-MM-DD") {
            dateFormat = true;
        } else if (body === "axisFormat %Y-%m-%d") {
            // the one axis format emitted
        } else if ((m = /^section (.+)$/.exec(body))) {
            checkName(m[1], at);
            section = m[1];
        } else if ((m = /^([^:]+) :(.+)$/.exec(body))) {
            if (!dateFormat) throw new Error(`${at}: task before dateFormat`);
            if (section === undefined) throw new Error(`${at}: task outside a section`);
            const name = m[1];
            checkName(name, at);
            if (!/^(key|grant) /.test(name)) throw new Error(`${at}: a task name starts with "key" or "grant"`);
            const parts = m[2].split(", ");
            if (parts.some((p) => p !== p.trim() || p === "")) throw new Error(`${at}: malformed task data`);
            const [end, start, id, ...tags] = parts.reverse();
            if (!end || !start || !id) throw new Error(`${at}: a task needs id, start and end`);
            for (const t of tags) if (!TAGS.includes(t)) throw new Error(`${at}: unknown tag ${JSON.stringify(t)}`);
            if (!/^[a-z][a-z0-9]*$/.test(id) || ids.has(id)) throw new Error(`${at}: id ${JSON.stringify(id)} is malformed or used twice`);
            if (!realDate(start) || !realDate(end)) throw new Error(`${at}: dates must be real YYYY-MM-DD`);
            if (end < start) throw new Error(`${at}: ends before it starts`);
            ids.add(id);
            tasks.push({ section, name, tags: tags.reverse(), id, start, end });
        } else {
            throw new Error(`${at}: not a line of the emitted gantt grammar: ${JSON.stringify(line)}`);
        }
    });
    if (title === undefined || !dateFormat) throw new Error("title and dateFormat are required");
    if (tasks.length === 0) throw new Error("a chart without tasks");
    return { title, tasks };
}
