/**
 * The docs say everything the code has: every rule, npm script, config key and environment
 * variable is documented, and every relative link in README.md and docs/ resolves.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { configKeyDocs } from "../../scripts/docs/configDocs";
import { ENVIRONMENT_VARIABLES } from "../../scripts/docs/environmentDocs";
import { REFERENCE_FILE } from "../../scripts/docs/docsCli";
import { REVIEW_FINDING_IDS, RULE_IDS, RULE_LEVELS, RuleLevel } from "../../core/policy/ruleIds";
import { ALL_RULES } from "../../policy/rules";
import { STALE_SUPPRESSION } from "../../policy/evaluate";
import { ConfigError, parseStackConfig } from "../../core/config/parse";
import { anchorsOf, linksOf } from "../support/markdown";
import { ROOT, writeStacks } from "../support/helpers";
import { parseOptionsOf, readStackFiles } from "../../scripts/offline/stack";

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const DOC_FILES = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const reference = read(REFERENCE_FILE);
const allDocs = DOC_FILES.map(read).join("\n");

/** Source files under `dir`, skipping dependencies and test fixtures. */
function sources(dir: string): string[] {
    return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
        const rel = path.posix.join(dir, name);
        // scripts/docs names every variable: it documents them.
        if (["node_modules", "fixtures", "bin", "obj"].includes(name) || rel === "scripts/docs") return [];
        if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel);
        return /\.(ts|mjs|js)$/.test(name) && !name.endsWith(".d.ts") ? [rel] : [];
    });
}

/** Environment variables a file reads: `env.X`, `env["X"]`, and (outside tests) names passed as strings to a reader of `env`. */
function variablesReadIn(file: string): string[] {
    const text = read(file);
    const found = [...text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)|\[\s*["'`]([A-Z][A-Z0-9_]+)["'`]\s*\])/g)].map((m) => m[1] ?? m[2]);
    if (file.startsWith("tests/")) return [...text.matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]);
    if (/\benv\b/.test(text)) found.push(...[...text.matchAll(/["']([A-Z][A-Z0-9]*_[A-Z0-9_]+)["']/g)].map((m) => m[1]).filter((n) => !/^(ERR_|UND_ERR_|EAI_)/.test(n)));
    return found;
}

describe("the docs cover the code", () => {
    it("every policy rule and finding id is in the reference's rule tables", () => {
        for (const id of [...RULE_IDS, ...REVIEW_FINDING_IDS, STALE_SUPPRESSION]) expect(reference, id).toMatch(new RegExp(`^\\| \`${id}\` \\|`, "m"));
    });

    it("the rule table's text is the rules' own: a rule whose level has cases says in firesWhen what decides them", () => {
        for (const rule of ALL_RULES) {
            const row = reference.split("\n").find((l) => l.startsWith(`| \`${rule.id}\` |`))!;
            for (const text of [rule.info, rule.explanation, rule.firesWhen ?? ""]) expect(row, rule.id).toContain(text.replaceAll("|", "\\|"));
            const level: RuleLevel = RULE_LEVELS[rule.id];
            if (typeof level === "object" && "cases" in level) expect(rule.firesWhen, rule.id).toBeTruthy();
        }
        // No hand-written rule text in the generator: it can only drift from the rules.
        expect(read("scripts/docs/ruleDocs.ts")).not.toMatch(/Partial<Record<RuleId/);
    });

    it("every file path the docs, Pulumi.yaml, .ci/run and the workflows name exists", () => {
        const files = [...DOC_FILES, "Pulumi.yaml", ".ci/run", ...readdirSync(path.join(ROOT, ".github", "workflows")).map((f) => `.github/workflows/${f}`)];
        const missing = files.flatMap((file) =>
            [...read(file).matchAll(/(?<![\w./<-])((?:core|components|providers|policy|scripts|tests|docs|schema)\/[\w./-]*\.(?:ts|mjs|js|cjs|md|json|yaml))\b/g)]
                .map((m) => m[1])
                .filter((p) => !existsSync(path.join(ROOT, p)) && !existsSync(path.join(ROOT, path.dirname(file), p)))
                .map((p) => `${file}: ${p}`),
        );
        expect(missing).toEqual([]);
    });

    it("the error lines docs/first-deploy.md quotes are the ones the config check prints", () => {
        const quoted = (start: string) => new RegExp(`\`(${start}[^\`]*)\``).exec(read("docs/first-deploy.md"))![1].replace(/ ?\.\.\.$/, "");
        // Through a stack file, as npm run plan reads it.
        const errors = (config: Record<string, unknown>) => {
            try {
                const files = readStackFiles(ROOT, "tt02", writeStacks({ tt02: { org: "ttd", environment: "tt02", ...config } }));
                parseStackConfig(files.config, parseOptionsOf(files));
                return [];
            } catch (e) {
                return (e as ConfigError).errors;
            }
        };
        const grant = { principalId: "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", access: "read", reason: "Operations read secrets" };
        expect(errors({ accessGrants: [grant, grant, { ...grant, principalId: "bob" }] })).toContain(quoted("accessGrants\\[2\\]\\.principalId"));
        expect(errors({ appSecrets: { secure: "v1:ciphertext" } }).some((l) => l.startsWith(quoted("appSecrets: is a secure")))).toBe(true);
    });

    it("every npm script in package.json is documented", () => {
        const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
        for (const name of scripts) expect(allDocs, name).toMatch(new RegExp(`npm (run ${name}|${name})\\b`));
    });

    it("every config key has a description in the reference", () => {
        const keys = configKeyDocs();
        expect(keys.length).toBeGreaterThan(40);
        for (const k of keys) {
            expect(k.description.length, k.path).toBeGreaterThan(5);
            expect(reference, k.path).toContain(`| \`${k.path}\` |`);
        }
    });

    it("every environment variable the code reads is documented, with the files that read it", () => {
        const read = new Map<string, string[]>();
        for (const file of ["index.ts", ...["core", "components", "providers", "policy", "scripts", "tests"].flatMap(sources)]) {
            for (const name of variablesReadIn(file)) read.set(name, [...(read.get(name) ?? []), file]);
        }
        read.delete("PATH"); // the system's, for finding dotnet
        const documented = new Map(ENVIRONMENT_VARIABLES.map((v) => [v.name, v]));
        for (const [name, files] of read) {
            expect(documented.has(name), `${name} (read in ${files.join(", ")}) is not in scripts/docs/environmentDocs.ts`).toBe(true);
            // Tests that set a variable for the code they test need not be listed.
            for (const f of files) if (!f.startsWith("tests/") || !files.some((g) => !g.startsWith("tests/"))) expect(documented.get(name)!.readBy, `${name} is read in ${f}`).toContain(f);
        }
        for (const v of ENVIRONMENT_VARIABLES) {
            expect(read.get(v.name), `${v.name} is documented but nothing reads it`).toBeDefined();
            for (const f of v.readBy) expect(read.get(v.name), `${v.name} is not read in ${f}`).toContain(f);
            expect(reference, v.name).toContain(`| \`${v.name}\` |`);
        }
    });
});

describe("links in README.md and docs/", () => {
    it.each(DOC_FILES)("every relative link in %s resolves, anchors included", (file) => {
        const broken: string[] = [];
        for (const href of linksOf(read(file))) {
            if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto:
            const [target, anchor] = href.split("#");
            const resolved = target === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(target)));
            if (!existsSync(path.join(ROOT, resolved))) {
                broken.push(`${href}: no file ${resolved}`);
                continue;
            }
            if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(read(resolved)).has(anchor)) broken.push(`${href}: no heading #${anchor} in ${resolved}`);
        }
        expect(broken).toEqual([]);
    });
});
