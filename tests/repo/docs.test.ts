import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DOCS_CLI, docsMain, REFERENCE_FILE } from "../../scripts/docs/main";
import { executeCli } from "../../scripts/cli/cli";
import { configKeyDocs, JSON_SCHEMA_FILE, renderJsonSchema } from "../../scripts/docs/configDocs";
import { renderReference } from "../../scripts/docs/reference";
import { EXAMPLE_STACKS, ROOT } from "../support/helpers";

describe("documentation matches the code", () => {
    it("docs/reference.md is the one generated from the code (run npm run docs)", () => {
        expect(readFileSync(path.join(ROOT, REFERENCE_FILE), "utf8")).toBe(renderReference());
    });

    it("the reference prints each command's --help and the config keys, rules and environment variables", () => {
        const reference = renderReference();
        for (const heading of ["## Configuration keys", "## Policy rules", "## Commands", "## Environment variables"]) expect(reference).toContain(`\n${heading}\n`);
        for (const command of ["plan", "review", "adopt", "status", "docs", "bench"]) expect(reference).toContain(`### npm run ${command}\n\n\`\`\`text\nusage: npm run ${command} -- `);
        expect(reference).toContain("### npm run redeploy\n\n```text\nusage: node scripts/redeploy.mjs");
        expect(reference).toContain("| `org` | string | required | Service owner code in lower case, e.g. `ttd`. |");
        expect(reference).toMatch(/^\| `write-access-reviewed` \| advisory \| mandatory \| /m);
    });

    it("Pulumi.yaml declares the typed keys with the schema's descriptions", () => {
        const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { type: string; description: string }> };
        expect(project.name).toBe("altinn-app-secrets");
        for (const [key, decl] of Object.entries(project.config)) {
            const doc = configKeyDocs().find((k) => k.path === key);
            expect(doc, key).toBeDefined();
            expect(decl.description).toBe(doc!.description);
            expect(decl.type).toBe("string");
        }
        expect(Object.keys(project.config).sort()).toEqual(["environment", "org"]);
    });

    it("README starts with the two commands that work on a fresh machine", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        // The first commands in the README, before any section: exactly these two.
        const head = readme.slice(0, readme.indexOf("\n## "));
        expect(head).toContain("```sh\nnpm ci && npm run plan -- --stack tt02\nnpm ci && npm test\n```");
        expect(readme.indexOf("```")).toBe(readme.indexOf("```sh\nnpm ci && npm run plan -- --stack tt02\n"));
        const ci = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        expect(ci).toMatch(/^npm ci && npm test$/m);
    });

    it("README's path to a first up names each tool a step needs no later than the step", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        const path5 = readme.slice(readme.indexOf("## Five minutes"), readme.indexOf("\n## ", readme.indexOf("## Five minutes") + 1));
        const step = (n: number) => path5.slice(path5.indexOf(`\n${n}. `), path5.indexOf(`\n${n + 1}. `) > 0 ? path5.indexOf(`\n${n + 1}. `) : undefined);
        // Live adopt reads Azure: the sign-in comes with it, not two steps later.
        expect(step(3)).toContain("npm run adopt");
        expect(step(3)).toMatch(/az login[\s\S]*npm run adopt/);
        expect(step(3)).toContain("--vault-json");
        expect(step(3)).toMatch(/Pulumi CLI/);
        expect(step(5)).toMatch(/az login[\s\S]*pulumi up -s tt02/);
    });
});

describe("the stack file's JSON Schema", () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, JSON_SCHEMA_FILE), "utf8"));
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const stackFile = (name: string) => parse(readFileSync(path.join(EXAMPLE_STACKS, name), "utf8"));

    it("is the one generated from core/config/schema.ts (run npm run docs)", () => {
        expect(readFileSync(path.join(ROOT, JSON_SCHEMA_FILE), "utf8")).toBe(renderJsonSchema());
    });

    it.each(["Pulumi.tt02.yaml", "Pulumi.prod.yaml"])("accepts the example %s, which points editors at it", (name) => {
        expect(readFileSync(path.join(EXAMPLE_STACKS, name), "utf8").split("\n")[0]).toBe(`# yaml-language-server: $schema=../../../../${JSON_SCHEMA_FILE}`);
        expect(validate(stackFile(name)), JSON.stringify(validate.errors)).toBe(true);
    });

    it("rejects a misspelled key, a misspelled namespace, a plain-text secret and an unknown top-level key", () => {
        const good = stackFile("Pulumi.tt02.yaml");
        const grants = good.config["altinn-app-secrets:accessGrants"];
        const variants = [
            { ...good, config: { ...good.config, "altinn-app-secrets:accessGrants": [{ ...grants[0], acess: "read" }] } },
            { ...good, config: { ...good.config, "altinn-app-secret:accessGrants": grants } },
            { ...good, config: { ...good.config, "altinn-app-secrets:appSecrets": [{ section: "A", key: "B", value: "hunter2" }] } },
            { ...good, confg: {} },
        ];
        for (const v of variants) expect(validate(v)).toBe(false);
        // Provider settings and Pulumi's own top-level keys are fine.
        expect(validate({ ...good, encryptionsalt: "v1:abc", config: { ...good.config, "azure-native:location": "norwayeast" } })).toBe(true);
    });
});

describe("npm run docs", () => {
    function sandbox(): string {
        const dir = mkdtempSync(path.join(tmpdir(), "docs-"));
        mkdirSync(path.join(dir, "docs"));
        copyFileSync(path.join(ROOT, REFERENCE_FILE), path.join(dir, REFERENCE_FILE));
        mkdirSync(path.join(dir, "schema"));
        copyFileSync(path.join(ROOT, JSON_SCHEMA_FILE), path.join(dir, JSON_SCHEMA_FILE));
        return dir;
    }
    const run = (argv: string[], root: string) => executeCli(DOCS_CLI, (values) => docsMain(values, root), argv);

    it("--check exits 0 when current and 1 when the table or the schema is stale, changing nothing", async () => {
        const dir = sandbox();
        expect((await run(["--check"], dir)).code).toBe(0);
        const reference = path.join(dir, REFERENCE_FILE);
        const stale = readFileSync(reference, "utf8").replace("| `org` |", "| `organisation` |");
        writeFileSync(reference, stale);
        writeFileSync(path.join(dir, JSON_SCHEMA_FILE), "{}\n");
        const checked = await run(["--check"], dir);
        expect(checked.code).toBe(1);
        expect(checked.stderr).toContain(`stale: ${REFERENCE_FILE}, ${JSON_SCHEMA_FILE}`);
        expect(readFileSync(reference, "utf8")).toBe(stale);
    });

    it("rewrites stale files and says so, then says nothing changed", async () => {
        const dir = sandbox();
        writeFileSync(path.join(dir, JSON_SCHEMA_FILE), "{}\n");
        const first = await run([], dir);
        expect(first).toMatchObject({ code: 0, stdout: `updated ${JSON_SCHEMA_FILE}\n` });
        expect(readFileSync(path.join(dir, JSON_SCHEMA_FILE), "utf8")).toBe(renderJsonSchema());
        expect((await run([], dir)).stdout).toContain("nothing changed");
    });

    it("answers --help with usage, exit 0, touching nothing", async () => {
        const dir = sandbox();
        writeFileSync(path.join(dir, JSON_SCHEMA_FILE), "{}\n");
        for (const flag of ["-h", "--help"]) {
            const r = await run([flag], dir);
            expect(r.code).toBe(0);
            expect(r.stdout).toMatch(/^usage: npm run docs/);
        }
        expect(readFileSync(path.join(dir, JSON_SCHEMA_FILE), "utf8")).toBe("{}\n");
        expect(await run(["--chek"], dir)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Unknown option '--chek' \(did you mean --check\?\); usage: npm run docs -- \[--check\]\n$/) });
    });
});
