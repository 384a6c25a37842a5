/**
 * The review for a terminal: the same content as its Markdown, without Markdown. User text in a
 * table cell is escaped as entities (`&#96;`) so that it cannot break the table on GitHub; a
 * terminal shows the characters themselves, and each table row as a short block that wraps. Pure.
 */

const cells = (row: string) => row.replace(/^\|\s?/, "").replace(/\s?\|$/, "").split(" | ");
const isTableStart = (lines: string[], i: number) => lines[i].startsWith("| ") && /^\| ---( \| ---)* \|$/.test(lines[i + 1] ?? "");

/** Markdown inline markup off, entities decoded (last: a decoded `**` or `<br>` is the user's text). */
function plain(text: string): string {
    return text
        .replace(/\*\*(.+?)\*\*/g, "$1")
        .replace(/<br>/g, "; ")
        .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
}

/** `markdown` (as renderReview writes it) as plain text: each table row as `- column: value` lines. */
export function markdownToText(markdown: string): string {
    const lines = markdown.split("\n");
    const out: string[] = [];
    for (let i = 0; i < lines.length; i++) {
        if (!isTableStart(lines, i)) {
            out.push(plain(lines[i]));
            continue;
        }
        const header = cells(lines[i]);
        for (i += 2; i < lines.length && lines[i].startsWith("| "); i++) {
            const row = cells(lines[i]);
            const shown = header.map((h, c) => [h, row[c]?.trim() ?? ""]).filter(([, v]) => v !== "");
            shown.forEach(([h, v], c) => out.push(`${c === 0 ? "- " : "  "}${h}: ${plain(v)}`));
        }
        i--;
    }
    return out.join("\n");
}
