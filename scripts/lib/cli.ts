/** What the plan and review CLIs share: flushing output, and reporting bad input in one line each. */
import { ConfigError } from "../../components/config";
import { StackFileError } from "./stack";

/** Write to stdout and wait until it is flushed (process.exit would cut a large pipe write). */
export function writeOut(text: string): Promise<void> {
    return new Promise((resolve) => process.stdout.write(`${text}\n`, () => resolve()));
}

/** Print a config or stack-file error, one line per problem; false for anything else. */
export function reportInputError(e: unknown): boolean {
    if (e instanceof ConfigError) {
        for (const line of e.errors) process.stderr.write(`${line}\n`);
        return true;
    }
    if (e instanceof StackFileError) {
        process.stderr.write(`${e.message}\n`);
        return true;
    }
    return false;
}

/** The first line of an unexpected error: no stack trace, no values. */
export function firstLine(e: unknown): string {
    return e instanceof Error ? e.message.split("\n")[0] : String(e);
}
