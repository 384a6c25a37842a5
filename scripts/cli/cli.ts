/**
 * What the CLIs share: one argument parser (`node:util` parseArgs), `-h`/`--help`, and one
 * output and exit-code path (bad input in one line each, no stack trace, a closed pipe ends quietly).
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../../core/config/parse";
import { StackFileError } from "../offline/stack";

/** Bad command-line arguments: reported in one line with the usage, exit 2. */
export class UsageError extends Error {}

/** Bad input (a file, a flag's value): one line per problem, naming the flag or key; exit 2. */
export class InputError extends Error {
    constructor(public readonly lines: string[]) {
        super(lines.join("\n"));
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
    /** Exit codes and other notes printed after the options. */
    notes?: string[];
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

const WIDTH = 100;

/** Break `text` into lines of at most 100 columns, the first after `lead`, the rest indented to match. */
export function wrap(text: string, lead = "", indent = lead.length): string[] {
    const lines: string[] = [];
    let line = lead;
    for (const word of text.split(" ")) {
        if (line.trim() && line.length + 1 + word.length > WIDTH) {
            lines.push(line);
            line = " ".repeat(indent);
        }
        line += line === "" || line.endsWith(" ") ? word : ` ${word}`;
    }
    return [...lines, line];
}

/** What `--help` prints, within 100 columns. */
export function usage(spec: CliSpec): string {
    const all: [string, OptionSpec][] = [...Object.entries(spec.options), ["help", { type: "boolean", short: "h", description: "print this help and exit" }]];
    const flags = all.map(([name, o]) => `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` ${o.value ?? "<value>"}` : ""}`);
    const width = Math.max(...flags.map((f) => f.length)) + 4;
    const lines = [...wrap(synopsis(spec), "", 4), "", ...wrap(spec.summary), "", "options:"];
    all.forEach(([, o], i) => lines.push(...wrap(`${o.description}${o.required ? " (required)" : ""}`, `  ${flags[i]}`.padEnd(width))));
    for (const note of spec.notes ?? []) lines.push("", ...wrap(note));
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
        const message = (e as Error).message.split("\n")[0].replace(/\. To specify a positional argument.*$/, "");
        throw new UsageError(`${message}; ${synopsis(spec)}`);
    }
    if (values.help) return undefined;
    for (const [name, o] of Object.entries(spec.options)) {
        if (o.required && values[name] === undefined) throw new UsageError(`--${name} is required; ${synopsis(spec)}`);
        if (o.type === "string" && values[name] === "") throw new UsageError(`--${name} needs a value; ${synopsis(spec)}`);
    }
    return values;
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
    if (e instanceof StackFileError || e instanceof UsageError) return [e.message];
    return undefined;
}

/**
 * Parse the arguments (`--help` gives the usage and does nothing else) and run `main`: 0/1 as it
 * says, 2 on bad input (one line per problem), 3 on anything unexpected (its first line only).
 */
export async function executeCli(spec: CliSpec, main: (values: CliValues) => Promise<CliResult>, argv: string[]): Promise<CliRun> {
    try {
        const values = parseCli(spec, argv);
        if (!values) return { code: 0, stdout: `${usage(spec)}\n`, stderr: "" };
        const result = await main(values);
        return { code: result.code, stdout: result.output === undefined ? "" : `${result.output}\n`, stderr: (result.errors ?? []).map((l) => `${l}\n`).join("") };
    } catch (e) {
        const lines = inputErrorLines(e);
        if (lines) return { code: 2, stdout: "", stderr: lines.map((l) => `${l}\n`).join("") };
        return { code: 3, stdout: "", stderr: `${spec.command} failed: ${firstLine(e)}\n` };
    }
}

/** The one way a CLI runs as a process: `executeCli`, then print and exit with its code. */
export function runCli(spec: CliSpec, main: (values: CliValues) => Promise<CliResult>, argv = process.argv.slice(2)): void {
    quietOnClosedPipe();
    executeCli(spec, main, argv).then(async (run) => {
        if (run.stderr) process.stderr.write(run.stderr);
        if (run.stdout) await writeOut(run.stdout.replace(/\n$/, ""));
        process.exit(run.code);
    });
}
