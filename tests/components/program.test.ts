import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { installMocks } from "../../scripts/offline/mocks";
import { rawConfig, ROOT } from "../support/helpers";

function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => {
        const p = path.join(dir, f);
        if (f === "node_modules" || f.startsWith(".")) return [];
        return statSync(p).isDirectory() ? sourceFiles(p) : /\.(ts|mts|mjs|js)$/.test(f) ? [p] : [];
    });
}

describe("the program", () => {
    it("refuses bad config with a RunError listing every key, before declaring anything", async () => {
        const resources = installMocks({
            project: "altinn-app-secrets",
            stack: "tt02",
            config: rawConfig({ org: "ttd", environment: "qa", accessGrants: [{ principalId: "bob", access: "read", reason: "Operations team" }] }),
        });
        const error = await import("../../index").then(() => undefined, (e: unknown) => e);
        expect(pulumi.RunError.isInstance(error)).toBe(true);
        expect((error as Error).message).toBe(
            'invalid stack configuration:\nenvironment: "qa" is not one of tt02, prod\naccessGrants[0].principalId: "bob" is not an Entra object ID (GUID)',
        );
        expect(resources).toHaveLength(0);
    });

    it("imports Azure only through submodules, never the whole @pulumi/azure-native", () => {
        const offenders = sourceFiles(ROOT).filter((f) => /from\s+["']@pulumi\/azure-native["']|require\(["']@pulumi\/azure-native["']\)/.test(readFileSync(f, "utf8")));
        expect(offenders).toEqual([]);
    });
});
