/**
 * .github/CODEOWNERS: every file the policy's verdict depends on has an owner. Read with GitHub's
 * pattern rules (anchors, folders, globs, the last match wins), implemented here for the patterns
 * the file uses.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/helpers";

/** The owners of `file` by CODEOWNERS `rules` (pattern, owners...): the last matching pattern wins. */
function ownersOf(rules: string[][], file: string): string[] | undefined {
    let owners: string[] | undefined;
    for (const [pattern, ...who] of rules) if (codeownersPattern(pattern).test(file)) owners = who;
    return owners;
}

/** A CODEOWNERS pattern as a regular expression over repository paths (GitHub's rules: `/` anchors, a trailing `/` is a folder, `*`, `**`, `?`). */
function codeownersPattern(pattern: string): RegExp {
    const anchored = pattern.startsWith("/") || pattern.slice(0, -1).includes("/");
    const folder = pattern.endsWith("/");
    const body = pattern.replace(/^\//, "").replace(/\/$/, "");
    const glob = body
        .split(/(\*\*\/|\/\*\*|\*\*|\*|\?)/)
        .map((part) => ({ "**/": "(?:.*/)?", "/**": "/.*", "**": ".*", "*": "[^/]*", "?": "[^/]" })[part] ?? part.replace(/[.+^${}()|[\]\\]/g, "\\$&"))
        .join("");
    // A folder owns everything below it; GitHub's "docs/*" owns the files in docs only.
    const below = folder ? "/.*" : body.split("/").pop()!.includes("*") ? "" : "(?:/.*)?";
    return new RegExp(`^${anchored ? "" : "(?:.*/)?"}${glob}${below}$`);
}

describe("CODEOWNERS", () => {
    const rules = readFileSync(path.join(ROOT, ".github", "CODEOWNERS"), "utf8")
        .split("\n")
        .filter((l) => l.trim() && !l.trim().startsWith("#"))
        .map((l) => l.trim().split(/\s+/));

    it("reads patterns as GitHub does: anchors, folders, globs, and the last match wins", () => {
        const sample = [["*.md", "@docs"], ["/policy/", "@sec"], ["/policy/README.md"], ["docs/*", "@d"], ["**/fixtures/**", "@f"]];
        expect(ownersOf(sample, "README.md")).toEqual(["@docs"]);
        expect(ownersOf(sample, "policy/rules/a.ts")).toEqual(["@sec"]);
        expect(ownersOf(sample, "policy/README.md")).toEqual([]); // a later pattern without owners takes them away
        expect(ownersOf(sample, "x/policy/a.ts")).toBeUndefined(); // "/policy/" is anchored at the root
        expect(ownersOf(sample, "docs/a.txt")).toEqual(["@d"]);
        expect(ownersOf(sample, "docs/deeper/a.txt")).toBeUndefined();
        expect(ownersOf(sample, "tests/support/fixtures/x.json")).toEqual(["@f"]);
        expect(ownersOf(sample, "index.ts")).toBeUndefined();
    });

    it("covers every tracked file the policy's verdict depends on", () => {
        const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT }).toString().split("\n").filter(Boolean);
        const folders = ["core/", "components/", "providers/", "policy/", "scripts/", "tests/", ".github/", ".ci/"];
        const files = ["index.ts", "Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json", "vitest.config.mts"];
        const guarded = tracked.filter((f) => folders.some((d) => f.startsWith(d)) || files.includes(f));
        expect(guarded.length).toBeGreaterThan(100);
        expect(guarded.filter((f) => !(ownersOf(rules, f)?.length))).toEqual([]);
    });

    it("puts policy/config.json (mandatory suppressions, Studio hosts) and the workflows under review", () => {
        for (const file of ["policy/config.json", ".github/workflows/deploy.yml", ".github/CODEOWNERS"]) expect(ownersOf(rules, file)?.[0], file).toMatch(/^@/);
    });
});
