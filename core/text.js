// @ts-check
/**
 * Text for a terminal: the width output may use, and word wrapping within it. Shared by the
 * TypeScript CLIs and the redeploy script (plain Node ESM), so CommonJS like loopback.js.
 */

/** Output width when stdout is not a terminal (a pipe, a file, a CI log). */
exports.DEFAULT_WIDTH = 100;

/**
 * The columns text output may use: the terminal's width, or 100 when stdout is not a terminal.
 * @param {{ isTTY?: boolean, columns?: number }} [stream]
 */
exports.terminalWidth = (stream = process.stdout) => (stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : exports.DEFAULT_WIDTH);

/**
 * A word a CI log would read as the start of a workflow command (`::error::`) if a line began with
 * it: the runner trims the line first, and .NET's white space is JavaScript's \s and U+0085 (NEL).
 */
const STARTS_COMMAND = /^[\s\u0085]*::/;

/** `c` as a JSON-style escape, `\u001b`: how a character that would move, hide or forge text is shown. @param {string} c */
exports.unicodeEscape = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** What `wrapKeepingCommands` joins a command's words with, so that it wraps as one word. */
const GLUE = "\u0000";

/** A word that stays whole however long: a command to copy (glued), a URL, an Azure resource ID or a URN. */
const keepsWhole = (/** @type {string} */ word) => word.includes(GLUE) || word.includes("://") || /^[("'`]*(?:\/subscriptions\/|urn:pulumi:)/i.test(word);

/**
 * `word` in pieces of at most `width` columns, each cut after a `-`, `.`, `/`, `]`, `,` or single `:`
 * (or before a `[`) when one falls in its second half, and never before a `::`; a word that `keepsWhole` is one piece.
 * @param {string} word @param {number} width
 */
function pieces(word, width) {
    if (word.length <= width || keepsWhole(word) || width < 3) return [word];
    const out = [];
    let rest = word;
    while (rest.length > width) {
        let cut = width;
        for (let i = width; i > Math.floor(width / 2); i--) {
            if (/[-./\],]/.test(rest[i - 1]) || rest[i] === "[" || (rest[i - 1] === ":" && rest[i - 2] !== ":" && rest[i] !== ":")) {
                cut = i;
                break;
            }
        }
        while (cut > 1 && STARTS_COMMAND.test(rest.slice(cut))) cut--;
        out.push(rest.slice(0, cut));
        rest = rest.slice(cut);
    }
    return [...out, rest];
}

/**
 * Break `text` into lines of at most `width` columns (the terminal's by default), the first after
 * `lead`, the rest indented by `indent`. A word that does not fit after the indent starts further
 * left, so that it fits whole (a key path, a secret name); one longer than the whole width is cut
 * into lines (`pieces`), unless it is a command, a URL, a resource ID or a URN, which stay whole.
 * No line it starts begins with a word starting with `::` (after any white space, a no-break space
 * too): such a word stays on the line before, as does an empty word (a second space).
 * @param {string} text @param {string} [lead] @param {number} [indent] @param {number} [width]
 * @returns {string[]}
 */
exports.wrap = (text, lead = "", indent = lead.length, width = exports.terminalWidth()) => {
    /** @type {string[]} */
    const lines = [];
    let line = lead;
    // A hanging indent that would leave less than a third of the line drops to two spaces.
    const hang = indent > width / 1.5 ? 2 : indent;
    // A word that cannot fit anyway (a URL kept whole) keeps the indent.
    const at = (/** @type {string} */ word) => " ".repeat(word.length > width ? hang : Math.min(hang, width - word.length));
    for (const whole of text.split(" ")) {
        pieces(whole, width).forEach((word, i) => {
            const joined = line === "" || line.endsWith(" ") ? line.length + word.length : line.length + 1 + word.length;
            if (i > 0 || (joined > width && word !== "" && !STARTS_COMMAND.test(word))) {
                if (line.trim()) {
                    lines.push(line);
                    line = at(word);
                } else if (line.length + word.length > width && word.length <= width) {
                    // Only an indent before it: less of one.
                    line = " ".repeat(width - word.length);
                }
            }
            line += line === "" || line.endsWith(" ") ? word : ` ${word}`;
        });
    }
    return [...lines, line];
};

/**
 * A command inside a line (`set it with: pulumi config set --secret --path '...' (it prompts ...)`),
 * up to the punctuation after it (`,` `;` `(` `)` or `: `).
 */
const INLINE_COMMAND = /\b(?:pulumi|npm|az|gh) (?:(?!: )[^,;()])*[^,;():\s]/g;

/**
 * `wrap`, keeping each command in the text on one line: it moves whole to the next line rather than
 * break where a paste would run half of it. A synopsis (`<name>`, `[--json]`) is no command to run.
 * Nor does a line it starts begin with `::`: a CI log takes such a line, indent and all, for a
 * workflow command (`::error::`), so a word of untrusted text starting with `::` stays on the line
 * before it.
 * @param {string} text @param {string} lead @param {number} indent @param {number} [width]
 * @returns {string[]}
 */
exports.wrapKeepingCommands = (text, lead, indent, width = exports.terminalWidth()) => {
    // A NUL of the text's own would come out a space (":: after a space" once wrapped): it shows as U+FFFD.
    const glued = text.replaceAll(GLUE, "\uFFFD").replace(INLINE_COMMAND, (command) => (/<|\[--/.test(command) ? command : command.replaceAll(" ", GLUE))).replace(/ +(?=::)/g, GLUE);
    return exports.wrap(glued, lead, indent, width).map((line) => line.replaceAll(GLUE, " "));
};

/**
 * `wrap`, keeping each code span (`` `pulumi config set ...` ``) of Markdown-like prose on one line,
 * as `wrapKeepingCommands` does for bare commands: for text that quotes its commands in backticks
 * and also names them in prose ("the next pulumi up renews it"), which may wrap.
 * @param {string} text @param {string} lead @param {number} indent @param {number} [width]
 * @returns {string[]}
 */
exports.wrapKeepingCodeSpans = (text, lead, indent, width = exports.terminalWidth()) => {
    const glued = text.replaceAll(GLUE, "\uFFFD").replace(/`[^`\n]+`/g, (span) => span.replaceAll(" ", GLUE)).replace(/ +(?=::)/g, GLUE);
    return exports.wrap(glued, lead, indent, width).map((line) => line.replaceAll(GLUE, " "));
};

/**
 * `text` as a CI log may show it without running any of it: GitHub Actions takes a line that starts
 * with `::` (after white space) for a workflow command, and `##[` anywhere in a line for one too
 * (its older syntax, still parsed), and a lone CR ends a line. A zero-width space goes between the
 * two colons or hashes, which a reader sees as the same text; a lone CR becomes U+FFFD. With `json`
 * (text that is JSON, where these can only be inside strings) `##[` becomes `#\u0023[`, which reads
 * back as the same string, and nothing else changes. Idempotent.
 * @param {string} text @param {boolean} [json]
 * @returns {string}
 */
exports.defuseWorkflowCommands = (text, json = false) => {
    if (json) return text.replace(/##\[/g, "#\\u0023[");
    return text
        .replace(/\r(?!\n)/g, "\uFFFD")
        .replace(/##\[/g, "#\u200B#[")
        .replace(/^((?:[^\S\n]|\u0085)*):(?=:)/gm, "$1:\u200B");
};

/**
 * Edits between two words (insert, delete, substitute, or swap two neighbours: `jsno` is one from
 * `json`), the optimal-string-alignment distance.
 * @param {string} a @param {string} b
 */
function editDistance(a, b) {
    /** @type {number[][]} */
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/**
 * The closest of `candidates` to `word` (ignoring case), when it is close enough to be a typo: one
 * edit for a word of up to four letters (`aws` is not `tls`), else two or a quarter of it.
 * @param {string} word @param {readonly string[]} candidates
 * @returns {string | undefined}
 */
exports.closest = (word, candidates) => {
    /** @type {string | undefined} */
    let best;
    let bestDistance = Infinity;
    const most = word.length <= 4 ? 1 : Math.max(2, Math.floor(word.length / 4));
    for (const c of candidates) {
        // Never closer than the difference in length: a long word (a 400 kB key) is no typo of a short one.
        if (Math.abs(word.length - c.length) > most) continue;
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) [best, bestDistance] = [c, d];
    }
    return bestDistance <= most ? best : undefined;
};
