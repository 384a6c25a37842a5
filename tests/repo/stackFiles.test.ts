/**
 * The org's own stack files: every Pulumi.<stack>.yaml next to Pulumi.yaml, whatever it holds.
 * The tests that depend on the shipped examples read their copies (tests/support/fixtures/stacks),
 * so making a root stack file your own keeps `npm test` green, and this is what `npm test` then
 * checks of it: the JSON Schema accepts it and the plan's config check has nothing to refuse.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError, parseStackConfig } from "../../core/config/parse";
import { JSON_SCHEMA_FILE } from "../../scripts/docs/configDocs";
import { parseOptionsOf, readStackFiles } from "../../scripts/offline/stack";
import { EXAMPLE_STACKS, readsRootStackFiles, ROOT, writeStacks } from "../support/helpers";

readsRootStackFiles();

const stackNames = (dir: string) =>
    readdirSync(dir)
        .map((f) => /^Pulumi\.([\w.-]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined);

/** What `npm run plan` would refuse in the stack file, one line per mistake; none for a good one. */
function configMistakes(stack: string, dir: string): string[] {
    try {
        const files = readStackFiles(ROOT, stack, dir);
        parseStackConfig(files.config, parseOptionsOf(files));
        return [];
    } catch (e) {
        if (e instanceof ConfigError) return e.errors;
        return [(e as Error).message];
    }
}

describe("the stack files at the project's root", () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(path.join(ROOT, JSON_SCHEMA_FILE), "utf8")));

    it("are each accepted by the JSON Schema and by the plan's config check", () => {
        for (const stack of stackNames(ROOT)) {
            const file = `Pulumi.${stack}.yaml`;
            expect(validate(parse(readFileSync(path.join(ROOT, file), "utf8"))), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
            expect(configMistakes(stack, ROOT), file).toEqual([]);
        }
    });

    it("can differ from the examples the tests read: an org's own tt02 passes, a broken one is caught", () => {
        const own = writeStacks({
            tt02: {
                org: "digdir",
                environment: "tt02",
                accessGrants: [{ principalId: "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", access: "read", reason: "Operations read the app secrets" }],
            },
            broken: { org: "Digdir", environment: "tt02" },
        });
        expect(configMistakes("tt02", own)).toEqual([]);
        expect(configMistakes("broken", own)).toEqual([expect.stringMatching(/^org: "Digdir" is not a service owner code/)]);
        // The examples stay the examples: both environments, read from their own folder.
        expect(stackNames(EXAMPLE_STACKS).sort()).toEqual(["prod", "tt02"]);
    });
});
