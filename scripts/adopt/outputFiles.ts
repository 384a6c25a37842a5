/**
 * Writing `adopt`'s output files without harming what is already there: an existing file is replaced
 * only with --force, a symlink planted where an output goes is replaced rather than followed, and
 * every problem is one line naming --out, found before anything is read from Azure or written.
 */
import { lstatSync, mkdirSync, Stats, statSync, unlinkSync, writeFileSync } from "node:fs";
import { InputError } from "../cli/cli";
import { cannotWrite } from "../cli/files";

const lstat = (file: string): Stats | undefined => lstatSync(file, { throwIfNoEntry: false });

/** What stands in the way of writing `files` into `outDir`, one line each. */
export function outputProblems(outDir: string, files: string[], force: boolean): string[] {
    try {
        // The folder itself may be a link to one.
        const dir = statSync(outDir, { throwIfNoEntry: false });
        if (dir && !dir.isDirectory()) return [`--out: ${outDir} is not a folder`];
        return files.flatMap((file) => {
            const found = lstat(file);
            if (!found) return [];
            if (found.isDirectory()) return [`--out: ${file} is a folder`];
            return force ? [] : [`${file} exists (${file.endsWith(".json") ? "an import file an earlier adopt wrote; nothing in it is written by hand" : "it may hold reasons you wrote"}); move it away or pass --force`];
        });
    } catch (e) {
        // A path through a file (ENOTDIR) or a folder that may not be looked into (EACCES).
        return cannotWrite(outDir, e, "--out").lines;
    }
}

/** Write each file new (never through a symlink); with `force`, an existing file or link is removed first. */
export function writeOutputs(outDir: string, files: { file: string; text: string }[], force: boolean): void {
    const problems = outputProblems(outDir, files.map((f) => f.file), force);
    if (problems.length) throw new InputError(problems);
    try {
        mkdirSync(outDir, { recursive: true });
    } catch (e) {
        throw cannotWrite(outDir, e, "--out");
    }
    for (const { file, text } of files) {
        try {
            if (force && lstat(file)) unlinkSync(file);
            writeFileSync(file, text, { flag: "wx" });
        } catch (e) {
            throw cannotWrite(file, e, "--out");
        }
    }
}
