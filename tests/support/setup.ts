/**
 * Test files share a worker process (isolate: false) so that the Pulumi SDK, azure-native and
 * the other packages load once per worker, not once per file. Nothing else carries over: each
 * file starts with fresh project modules (so it declares its own program), and the environment
 * variables a file sets are undone when it ends.
 *
 * An org makes the root stack files its own (README, step 2) and `npm test` must stay green: a
 * test reads the examples' copies in tests/support/fixtures/stacks. A file that reads a root
 * `Pulumi.<stack>.yaml` in this process fails when it ends, unless it said it means to
 * (`readsRootStackFiles()`, tests/repo/stackFiles.test.ts).
 */
import { afterAll, vi } from "vitest";
import { install } from "./rootStackGuard.cjs";
import { rootStackReadsMessage } from "./helpers";

vi.resetModules();

const environment = { ...process.env };
afterAll(() => {
    for (const key of Object.keys(process.env)) if (!(key in environment)) delete process.env[key];
    Object.assign(process.env, environment);
});

const guard = install();
guard.allowed = false;
guard.read = [];
afterAll(() => {
    const read = [...new Set(guard.read)];
    if (read.length) throw new Error(rootStackReadsMessage(read));
});
