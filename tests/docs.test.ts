import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configKeyDocs, withConfigReference } from "../scripts/lib/configDocs";
import { ROOT } from "./helpers";

describe("documentation matches the code", () => {
    it("README's config reference is the one generated from components/schema.ts (run npm run docs)", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        expect(readme).toBe(withConfigReference(readme));
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
        const head = readme.slice(0, readme.indexOf("## How to use it for real"));
        expect(head).toContain("npm ci && npm run plan -- --stack tt02");
        expect(head).toContain("npm ci && npm test");
        const ci = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        expect(ci).toMatch(/^npm ci && npm test$/m);
    });
});
