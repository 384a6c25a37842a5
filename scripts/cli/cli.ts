/**
 * What the CLIs share: one argument parser (`node:util` parseArgs), `-h`/`--help`, and one
 * output and exit-code path (bad input in one line each, no stack trace, a closed pipe ends quietly).
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../../core/config/parse";
import { closest, DEFAULT_WIDTH, defuseWorkflowCommands, terminalWidth, wrap, wrapKeepingCodeSpans, wrapKeepingCommands } from "../../core/text";

/** Bad command-line arguments: reported in one line with the usage, exit 2. */
export class UsageError extends Error {}

/** Bad input (a stack file, another file, a flag's value): one line per problem, naming the file, flag or key; exit 2. */
export class InputError extends Error {
    public readonly lines: string[];
    constructor(lines: string | string[]) {
        const all = typeof lines === "string" ? [lines] : lines;
        super(all.join("\n"));
        this.lines = all;
    }
}

export interface OptionSpec {
    type: "string" | "boolean";
    short?: string;
    /** Placeholder shown in the usage, e.g. `<name>`. */
    value?: string;
    description: string;
    required?: boolean;
}

export interface CliSpec {
    /** `npm run <command>`. */
    command: string;
    /** One sentence: what the command does. */
    summary: string;
    options: Record<string, OptionSpec>;
    /** Notes printed after the options. */
    notes?: string[];
    /**
     * What exit codes 0 and 1 mean for this command (omit 1 when it never returns it). The help adds
     * 2 and 3, which every command returns through `executeCli`: the one list is printed from here.
     */
    exitCodes: { 0: string; 1?: string };
}

export type CliValues = Record<string, string | boolean | undefined>;

/** The one-line synopsis: `usage: npm run plan -- --stack <name> [--json]`. */
export function synopsis(spec: CliSpec): string {
    const parts = Object.entries(spec.options).map(([name, o]) => {
        const flag = `--${name}${o.type === "string" ? ` ${o.value ?? "<value>"}` : ""}`;
        return o.required ? flag : `[${flag}]`;
    });
    return `usage: npm run ${spec.command} -- ${parts.join(" ")}`;
}

export { DEFAULT_WIDTH, terminalWidth, wrap };

/** `wrap` for prose that quotes commands to copy in backticks: each stays on one line (`wrapKeepingCodeSpans`). */
export function wrapText(text: string, lead = "", indent = lead.length, width = terminalWidth()): string[] {
    return wrapKeepingCodeSpans(text, lead, indent, width);
}

/** A command to copy and run (`pulumi state unprotect '<urn>'`): wrapping it would break it. */
const COMMAND = /^\s*(?:pulumi|npm|az|gh) /;

/**
 * Every line of `text` that is longer than `width`, wrapped with the indent it starts with; commands
 * stay whole. In a diff hunk (the lines after `@@ line N` that start with `+ `, `- ` or two spaces),
 * a removed or added line's continuations keep its marker and indent two more, so that no part of
 * a change reads as context.
 */
export function fitWidth(text: string, width = terminalWidth()): string {
    let inHunk = false;
    return text
        .split("\n")
        .flatMap((line) => {
            inHunk = /^@@ line \d+$/.test(line) || (inHunk && /^[-+ ] /.test(line));
            if (line.length <= width || COMMAND.test(line)) return [line];
            if (inHunk && /^[-+]/.test(line)) {
                const indent = /^[-+] +/.exec(line)![0].length;
                return wrapKeepingCommands(line.slice(indent), line.slice(0, indent), indent + 2, width).map((l, i) => (i === 0 ? l : `${line[0]}${l.slice(1)}`));
            }
            // The indent, with a list marker or a diff's +/- and the spaces after it (kept, not collapsed).
            const lead = /^\s*(?:\d+\.\s+|[-+*]\s+)?/.exec(line)![0];
            return wrapKeepingCommands(line.slice(lead.length), lead, lead.length, width);
        })
        .join("\n");
}

/** The exit codes every command shares: `executeCli` returns 2 for bad input and 3 for anything unexpected. */
export const SHARED_EXIT_CODES = {
    2: "bad arguments or input (one line per mistake, naming the flag or key; long ones wrap, indented)",
    3: "an unexpected error (a bug: its first line is printed; please report it)",
} as const;

/** The exit codes a command can end with, from its spec and the shared ones. */
export function exitCodesOf(spec: CliSpec): [number, string][] {
    return [...Object.entries(spec.exitCodes), ...Object.entries(SHARED_EXIT_CODES)].map(([code, text]) => [Number(code), text]);
}

/** What `--help` prints, within `width` columns (the terminal's by default). */
export function usage(spec: CliSpec, width = terminalWidth()): string {
    const all: [string, OptionSpec][] = [...Object.entries(spec.options), ["help", { type: "boolean", short: "h", description: "print this help and exit" }]];
    const flags = all.map(([name, o]) => `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` ${o.value ?? "<value>"}` : ""}`);
    const column = Math.max(...flags.map((f) => f.length)) + 4;
    const lines = [...wrap(synopsis(spec), "", 4, width), "", ...wrap(spec.summary, "", 0, width), "", "options:"];
    all.forEach(([, o], i) => {
        const description = `${o.description}${o.required ? " (required)" : ""}`;
        // On a narrow terminal the description goes under its flag instead of beside it.
        if (column > width / 2) lines.push(...wrap(`  ${flags[i]}`, "", 6, width), ...wrap(description, "      ", 6, width));
        else lines.push(...wrap(description, `  ${flags[i]}`.padEnd(column), column, width));
    });
    for (const note of spec.notes ?? []) lines.push("", ...wrap(note, "", 0, width));
    lines.push("", "exit codes:");
    for (const [code, text] of exitCodesOf(spec)) lines.push(...wrap(text, `  ${code}  `, 5, width));
    return lines.join("\n");
}

/** Parse `argv` against `spec`; undefined when `-h`/`--help` was given (usage already printed). */
export function parseCli(spec: CliSpec, argv: string[]): CliValues | undefined {
    const options = Object.fromEntries([
        ...Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]),
        ["help", { type: "boolean", short: "h" }],
    ]) as Record<string, { type: "string" | "boolean"; short?: string }>;
    let values: CliValues;
    try {
        values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as CliValues;
    } catch (e) {
        // parseArgs's messages are one line but end with advice meant for scripts; keep the first sentence.
        const message = (e as Error).message.split("\n")[0].replace(/\. To specify a positional argument.*$/, "").replace(/\.$/, "");
        throw new UsageError(`${message}${didYouMean(e, Object.keys(options))}${npmAteAnOption(e, spec)}; ${synopsis(spec)}`);
    }
    if (values.help) return undefined;
    for (const [name, o] of Object.entries(spec.options)) {
        if (o.required && values[name] === undefined) throw new UsageError(`--${name} is required; ${synopsis(spec)}`);
        if (o.type === "string" && values[name] === "") throw new UsageError(`--${name} needs a value; ${synopsis(spec)}`);
    }
    return values;
}

/**
 * For a stray argument (`npm run plan --stack tt02` hands the command only `tt02`: npm keeps options
 * before `--` for itself): where the `--` goes, with the command's first required option.
 */
function npmAteAnOption(e: unknown, spec: CliSpec): string {
    if ((e as { code?: string }).code !== "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return "";
    const given = /'([^']*)'/.exec((e as Error).message)?.[1] ?? "<value>";
    const required = Object.entries(spec.options).find(([, o]) => o.required && o.type === "string")?.[0];
    return ` (npm run passes on only what follows --, as in: npm run ${spec.command} -- ${required ? `--${required} ` : ""}${given})`;
}

/** For an unknown `--option`: ` (did you mean --stack?)` when one of `known` is close; else "". */
export function didYouMean(e: unknown, known: string[]): string {
    if ((e as { code?: string }).code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") return "";
    const given = /'--([^'=]+)/.exec((e as Error).message)?.[1];
    const guess = given === undefined ? undefined : closest(given, known);
    return guess ? ` (did you mean --${guess}?)` : "";
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything but "" (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
    return Boolean(stream.isTTY) && !env.NO_COLOR;
}

/** Write to stdout and wait until it is flushed (process.exit would cut a large pipe write). A closed pipe is not an error. */
export function writeOut(text: string): Promise<void> {
    return new Promise((resolve) => {
        if (process.stdout.destroyed) return resolve();
        process.stdout.write(`${text}\n`, () => resolve());
    });
}

/** `| head -c 10` closes stdout early: stop writing quietly instead of dying with an EPIPE stack trace. */
function quietOnClosedPipe(): void {
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") {
            process.stdout.destroy();
            return;
        }
        process.stderr.write(`stdout: ${firstLine(e)}\n`);
        process.exit(3);
    });
}

/** The first line of an unexpected error: no stack trace, no values. */
export function firstLine(e: unknown): string {
    return e instanceof Error ? e.message.split("\n")[0] : String(e);
}

export interface CliResult {
    /** What goes to stdout. */
    output?: string;
    /** Lines for stderr: why a check failed (with code 1). */
    errors?: string[];
    /** 0 clean, 1 a mandatory finding or failed check. */
    code: number;
    /** Text whose long lines `runCli` wraps to the terminal's width when it prints them. */
    wrap?: boolean;
}

/** What a CLI run printed and its exit code, for `runCli` and for tests that run a CLI in-process. */
export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** A config, stack-file, input or usage error as the lines to print, one per problem; undefined for anything else. */
function inputErrorLines(e: unknown): string[] | undefined {
    if (e instanceof ConfigError) return e.errors;
    if (e instanceof InputError) return e.lines;
    if (e instanceof UsageError) return [e.message];
    return undefined;
}

/**
 * Problems as printed to stderr, within `width` when given: each starts at column 0, and one longer
 * than the width continues on lines indented by two spaces (a path or a command to copy stays whole).
 */
export function problemLines(lines: string[], width?: number): string[] {
    return lines.flatMap((line) => (width && line.length > width ? wrapKeepingCommands(line, "", 2, width) : [line]));
}

/** Whether the command line asks for JSON (read off argv, so that even bad arguments are answered in JSON). */
function wantsJson(spec: CliSpec, argv: string[]): boolean {
    return spec.options.json?.type === "boolean" && argv.some((a) => a === "--json" || a === "--json=true");
}

/** An error as one JSON object on stdout, for `--json`: `{"exitCode": 2, "errors": ["org: ..."]}`. */
export function jsonErrors(code: number, lines: string[]): string {
    return `${JSON.stringify({ exitCode: code, errors: lines }, null, 2)}\n`;
}

/**
 * Parse the arguments (`--help` gives the usage and does nothing else) and run `main`: 0/1 as it
 * says, 2 on bad input (one line per problem), 3 on anything unexpected (its first line only).
 * With `--json`, an error is also one JSON object on stdout; the exit code stays the same.
 * `print.width`: wrap a result marked `wrap` to that width, as `runCli` does for the terminal;
 * `print.errorWidth` (default `width`): wrap stderr's problems to it (`problemLines`).
 */
export async function executeCli(spec: CliSpec, main: (values: CliValues) => Promise<CliResult>, argv: string[], print: { width?: number; errorWidth?: number } = {}): Promise<CliRun> {
    const run = await runMain(spec, main, argv, print);
    // What a CI log shows, from a stack file, Azure or Studio, never runs there as a workflow command.
    return { ...run, stdout: defuseWorkflowCommands(run.stdout, isJson(run.stdout)), stderr: defuseWorkflowCommands(run.stderr) };
}

/** Whether `text` is JSON (`--json`, `--alerts-json`): then it is defused as JSON, to read back the same. */
function isJson(text: string): boolean {
    if (!/^\s*[[{]/.test(text)) return false;
    try {
        JSON.parse(text);
        return true;
    } catch {
        return false;
    }
}

async function runMain(spec: CliSpec, main: (values: CliValues) => Promise<CliResult>, argv: string[], print: { width?: number; errorWidth?: number }): Promise<CliRun> {
    const errorText = (lines: string[]) => problemLines(lines, print.errorWidth ?? print.width).map((l) => `${l}\n`).join("");
    const failed = (code: number, lines: string[]): CliRun => ({
        code,
        stdout: wantsJson(spec, argv) ? jsonErrors(code, lines) : "",
        stderr: errorText(lines),
    });
    try {
        const values = parseCli(spec, argv);
        if (!values) return { code: 0, stdout: `${usage(spec)}\n`, stderr: "" };
        const result = await main(values);
        // --help lists every code the command ends with: any other is a bug, reported as one.
        if (!exitCodesOf(spec).some(([code]) => code === result.code)) return failed(3, [`${spec.command} failed: it ended with exit code ${result.code}, which its --help does not list (a bug; please report it)`]);
        if (result.output === undefined && result.errors?.length) return failed(result.code, result.errors);
        const output = result.wrap && print.width && result.output !== undefined ? fitWidth(result.output, print.width) : result.output;
        return { code: result.code, stdout: output === undefined ? "" : `${output}\n`, stderr: errorText(result.errors ?? []) };
    } catch (e) {
        const lines = inputErrorLines(e);
        if (lines) return failed(2, lines);
        return failed(3, [`${spec.command} failed: ${firstLine(e)}`]);
    }
}

/** The one way a CLI runs as a process: `executeCli`, then print and exit with its code. */
export function runCli(spec: CliSpec, main: (values: CliValues) => Promise<CliResult>, argv = process.argv.slice(2)): void {
    quietOnClosedPipe();
    executeCli(spec, main, argv, { width: terminalWidth(), errorWidth: terminalWidth(process.stderr) }).then(async (run) => {
        // Waited for like stdout: process.exit cuts a pipe's pending write (a CI log got the first 64 KiB).
        if (run.stderr) await new Promise<void>((resolve) => process.stderr.write(run.stderr, () => resolve()));
        if (run.stdout) await writeOut(run.stdout.replace(/\n$/, ""));
        process.exit(run.code);
    });
}
