/**
 * Writing a file a person named (`--full <file>`, `--out <dir>`, the docs): a path that cannot be
 * written is their mistake or their machine's, not a bug, so it is one line naming the flag and
 * the path (exit 2), never `failed: ENOENT…` with exit 3.
 */
import { writeFileSync } from "node:fs";
import { InputError } from "./cli";

/** What the file system's error codes mean to a person. */
const WHY: Record<string, string> = {
    ENOENT: "its folder does not exist",
    ENOTDIR: "a part of the path is not a folder",
    EISDIR: "it is a folder",
    EACCES: "permission denied",
    EPERM: "permission denied",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
    EEXIST: "a file stands in the way",
};

/** Why `e` kept a file from being written, in a few words. */
export function whyNot(e: unknown): string {
    const code = (e as NodeJS.ErrnoException)?.code;
    return code === undefined ? "error" : (WHY[code] ?? code);
}

/** The one line for a path `flag` named (or the file itself, without a flag) that cannot be written. */
export function cannotWrite(file: string, e: unknown, flag?: string): InputError {
    return new InputError([`${flag ? `${flag}: ` : ""}cannot write ${file} (${whyNot(e)})`]);
}

/** Write `text` to `file`; a file that cannot be written is `cannotWrite`'s one line. */
export function writeNamedFile(file: string, text: string, flag?: string): void {
    try {
        writeFileSync(file, text);
    } catch (e) {
        throw cannotWrite(file, e, flag);
    }
}
