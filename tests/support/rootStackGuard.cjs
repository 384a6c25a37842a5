/**
 * Notes each root `Pulumi.<stack>.yaml` the process reads: an org makes those files its own
 * (README, step 2), so a test that reads them would fail for the org. Installed by
 * tests/support/setup.ts in the test workers, and with `--require` in the processes tests run
 * (tests/support/helpers.ts runNode), which append what they read to ROOT_STACK_READS_FILE.
 */
const fs = require("node:fs");
const path = require("node:path");
const { syncBuiltinESMExports } = require("node:module");

const ROOT = path.resolve(__dirname, "..", "..");
const KEY = Symbol.for("altinn-app-secrets.rootStackGuard");

/** @returns {{ allowed: boolean, read: string[] }} the process's one guard, installed on first use. */
function install() {
    if (globalThis[KEY]) return globalThis[KEY];
    const guard = { allowed: false, read: [] };
    globalThis[KEY] = guard;
    const original = fs.readFileSync;
    fs.readFileSync = function readFileSync(file, ...rest) {
        if (typeof file === "string" && !guard.allowed) {
            const full = path.resolve(file);
            if (path.dirname(full) === ROOT && /^Pulumi\..+\.yaml$/.test(path.basename(full))) guard.read.push(path.basename(full));
        }
        return original.call(this, file, ...rest);
    };
    // `import { readFileSync } from "node:fs"` sees the wrapper too.
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
