/**
 * Test files share a worker process (isolate: false) so that the Pulumi SDK, azure-native and
 * the other packages load once per worker, not once per file. Nothing else carries over: each
 * file starts with fresh project modules (so it declares its own program), and the environment
 * variables a file sets are undone when it ends.
 */
import { afterAll, vi } from "vitest";

vi.resetModules();

const environment = { ...process.env };
afterAll(() => {
    for (const key of Object.keys(process.env)) if (!(key in environment)) delete process.env[key];
    Object.assign(process.env, environment);
});
