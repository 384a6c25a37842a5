/**
 * The review for a terminal: the same lines as its Markdown, without Markdown's escapes. User text
 * in a table cell is escaped as entities (`&#96;`) so that it cannot break the table on GitHub; a
 * terminal shows the characters themselves. Pure.
 */

/** `markdown` (as renderReview writes it) as plain text: no bold, `<br>` as "; ", entities decoded. */
export function markdownToText(markdown: string): string {
    return markdown
        .split("\n")
        .map((line) =>
            line
                .replace(/\*\*(.+?)\*\*/g, "$1")
                .replace(/<br>/g, "; ")
                // Last: a decoded `**` or `<br>` is the user's text, not markup.
                .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))),
        )
        .join("\n");
}
