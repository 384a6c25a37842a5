// Types of text.js (plain CommonJS so the redeploy script can load it with plain Node).

/** Output width when stdout is not a terminal (a pipe, a file, a CI log). */
export declare const DEFAULT_WIDTH: number;
/** The columns text output may use: the terminal's width, or 100 when stdout is not a terminal. */
export declare function terminalWidth(stream?: { isTTY?: boolean; columns?: number }): number;
/** Break `text` into lines of at most `width` columns, the first after `lead`, the rest indented by `indent`. */
export declare function wrap(text: string, lead?: string, indent?: number, width?: number): string[];
/**
 * `wrap`, keeping each command in the text (`pulumi config set ...`) whole on one line, and starting
 * no line with `::` (a CI log's workflow command).
 */
export declare function wrapKeepingCommands(text: string, lead: string, indent: number, width?: number): string[];
/**
 * `wrap`, keeping each code span (`` `pulumi config set ...` ``) of Markdown-like prose on one line,
 * as `wrapKeepingCommands` does for bare commands.
 */
export declare function wrapKeepingCodeSpans(text: string, lead: string, indent: number, width?: number): string[];
/**
 * `text` as a CI log may show it without running any of it (no line starting with `::`, no `##[`,
 * no lone CR); with `json`, JSON that reads back the same.
 */
export declare function defuseWorkflowCommands(text: string, json?: boolean): string;
/** The closest of `candidates` to `word` (ignoring case), when it is close enough to be a typo. */
export declare function closest(word: string, candidates: readonly string[]): string | undefined;
/** `c` as a JSON-style escape, `\u001b`: how a character that would move, hide or forge text is shown. */
export declare function unicodeEscape(c: string): string;
