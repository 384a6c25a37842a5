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
 * Break `text` into lines of at most `width` columns (the terminal's by default), the first after
 * `lead`, the rest indented by `indent`. A single word longer than a line (a URL) stays whole.
 * @param {string} text @param {string} [lead] @param {number} [indent] @param {number} [width]
 * @returns {string[]}
 */
exports.wrap = (text, lead = "", indent = lead.length, width = exports.terminalWidth()) => {
    /** @type {string[]} */
    const lines = [];
    let line = lead;
    // A hanging indent that would leave less than a third of the line drops to two spaces.
    const hang = indent > width / 1.5 ? 2 : indent;
    for (const word of text.split(" ")) {
        if (line.trim() && line.length + 1 + word.length > width) {
            lines.push(line);
            line = " ".repeat(hang);
        }
        line += line === "" || line.endsWith(" ") ? word : ` ${word}`;
    }
    return [...lines, line];
};
