import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["tests/**/*.test.ts", "policy/**/*.test.ts"],
        pool: "forks",
        // One more worker than the 2 cores CI has: several files wait on processes, servers and
        // timers, and a third worker fills those waits (measured: 47 s against 59 s with 2).
        maxWorkers: 3,
        // Packages load once per worker; tests/support/setup.ts gives each file fresh project modules.
        isolate: false,
        setupFiles: ["tests/support/setup.ts"],
        testTimeout: 30_000,
        hookTimeout: 30_000,
    },
});
