/**
 * Notes each root `Pulumi.<stack>.yaml` the process reads (readFileSync, readFile, fs/promises'
 * readFile; by path, file: URL or Buffer): an org makes those files its own
 * (README, step 2), so a test that reads them would fail for the org. Installed by
 * tests/support/setup.ts in the test workers, and with `--require` in the processes tests run
 * (tests/support/helpers.ts runNode), which append what they read to ROOT_STACK_READS_FILE.
 */
const fs = require("node:fs");
const path = require("node:path");
const { syncBuiltinESMExports } = require("node:module");
const { fileURLToPath } = require("node:url");

const ROOT = path.resolve(__dirname, "..", "..");
const KEY = Symbol.for("altinn-app-secrets.rootStackGuard");

/** @returns {{ allowed: boolean, read: string[] }} the process's one guard, installed on first use. */
function install() {
    if (globalThis[KEY]) return globalThis[KEY];
    const guard = { allowed: false, read: [] };
    globalThis[KEY] = guard;
    /** Note `file` (a path, a file: URL or a Buffer) when it is a root stack file. */
    const note = (file) => {
        if (guard.allowed) return;
        let name;
        if (typeof file === "string") name = file;
        else if (Buffer.isBuffer(file)) name = file.toString();
        else if (file instanceof URL && file.protocol === "file:") name = fileURLToPath(file);
        else return;
        const full = path.resolve(name);
        if (path.dirname(full) === ROOT && /^Pulumi\..+\.yaml$/.test(path.basename(full))) guard.read.push(path.basename(full));
    };
    const wrap = (owner, key) => {
        const original = owner[key];
        owner[key] = function (file, ...rest) {
            note(file);
            return original.call(this, file, ...rest);
        };
    };
    wrap(fs, "readFileSync");
    wrap(fs, "readFile");
    wrap(fs.promises, "readFile");
    // `import { readFileSync } from "node:fs"` (and readFile from node:fs/promises) see the wrappers too.
    syncBuiltinESMExports();
    return guard;
}

module.exports = { install };

if (process.env.ROOT_STACK_READS_FILE) {
    const guard = install();
    const file = process.env.ROOT_STACK_READS_FILE;
    process.on("exit", () => {
        if (guard.read.length) fs.appendFileSync(file, `${[...new Set(guard.read)].join("\n")}\n`);
    });
}
