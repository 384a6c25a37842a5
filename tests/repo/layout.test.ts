/**
 * The tree is the architecture: each top-level folder is one tier, and imports only point down.
 * This test reads every project source file's relative imports (static, dynamic and require) and
 * fails on an import that points up or sideways, on a cycle, and on `@pulumi` under core/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/helpers";

type Tier = "index" | "scripts" | "policy" | "components" | "providers" | "core";

/** Which tiers each tier may import (itself included where listed). */
const MAY_IMPORT: Record<Tier, Tier[]> = {
    index: ["components", "core"],
    scripts: ["scripts", "components", "policy", "core"],
    policy: ["policy", "core"],
    components: ["components", "providers", "core"],
    // Self-contained: the API client and the providers over it import only each other.
    providers: ["providers"],
    core: ["core"],
};

function tierOf(file: string): Tier | undefined {
    if (file === "index.ts") return "index";
    const top = file.split("/")[0];
    return (["scripts", "policy", "components", "providers", "core"] as const).find((t) => t === top);
}

function sourceFiles(dir: string): string[] {
    return readdirSync(path.join(ROOT, dir)).flatMap((f) => {
        const rel = path.join(dir, f);
        if (f === "node_modules" || f.startsWith(".")) return [];
        return statSync(path.join(ROOT, rel)).isDirectory() ? sourceFiles(rel) : /\.(ts|mjs|js|cjs)$/.test(f) && !f.endsWith(".d.ts") ? [rel] : [];
    });
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(["'])([^"']+)\1/gm;

function importsOf(file: string): string[] {
    return [...readFileSync(path.join(ROOT, file), "utf8").matchAll(IMPORT)].map((m) => m[2]);
}

/** The project file a relative specifier names, or undefined for a package. */
function resolve(from: string, spec: string): string | undefined {
    if (!spec.startsWith(".")) return undefined;
    const base = path.normalize(path.join(path.dirname(from), spec));
    for (const ext of ["", ".ts", ".js", ".mjs", "/index.ts", "/index.js"]) {
        const candidate = base + ext;
        if (existsSync(path.join(ROOT, candidate)) && statSync(path.join(ROOT, candidate)).isFile()) return candidate;
    }
    if (existsSync(path.join(ROOT, `${base}.d.ts`))) return `${base}.d.ts`;
    throw new Error(`${from}: cannot resolve ${spec}`);
}

const FILES = ["index.ts", ...["scripts", "policy", "components", "providers", "core"].flatMap(sourceFiles)];

/** A file longer than this holds more than one concern: split it by concern. */
const MAX_LINES = 300;
/** Files allowed to be longer, each with why. Remove an entry when its file is split. */
const LONG_FILES: Record<string, string> = {};
const GRAPH = new Map(FILES.map((f) => [f, importsOf(f).map((s) => ({ spec: s, target: resolve(f, s) }))]));

describe("the layout", () => {
    it("has every tier", () => {
        for (const tier of ["scripts", "policy", "components", "providers", "core"]) expect(FILES.some((f) => f.startsWith(`${tier}/`)), tier).toBe(true);
    });

    it("imports only point down the tiers", () => {
        const offenders: string[] = [];
        for (const [file, imports] of GRAPH) {
            const from = tierOf(file)!;
            for (const { target } of imports) {
                if (!target) continue;
                const to = tierOf(target);
                if (!to || !MAY_IMPORT[from].includes(to)) offenders.push(`${file} -> ${target}`);
            }
        }
        expect(offenders).toEqual([]);
    });

    it("keeps providers/maskinporten self-contained: it imports nothing of the project", () => {
        const offenders = [...GRAPH].filter(([f]) => f.startsWith("providers/")).flatMap(([f, imports]) => imports.filter((i) => i.target && !i.target.startsWith("providers/maskinporten/")).map((i) => `${f} -> ${i.target}`));
        expect(offenders).toEqual([]);
    });

    it("keeps core pure: no @pulumi import under core/", () => {
        const offenders = [...GRAPH].filter(([f]) => f.startsWith("core/")).flatMap(([f, imports]) => imports.filter((i) => i.spec.startsWith("@pulumi/")).map((i) => `${f} -> ${i.spec}`));
        expect(offenders).toEqual([]);
    });

    it("keeps components to Pulumi components: policy is not imported by them", () => {
        const offenders = [...GRAPH].filter(([f]) => f.startsWith("components/")).flatMap(([f, imports]) => imports.filter((i) => i.target?.startsWith("policy/")).map((i) => `${f} -> ${i.target}`));
        expect(offenders).toEqual([]);
    });

    it(`keeps every source file under ${MAX_LINES} lines, but the listed ones`, () => {
        const long = FILES.filter((f) => readFileSync(path.join(ROOT, f), "utf8").split("\n").length - 1 > MAX_LINES);
        expect(long.filter((f) => !(f in LONG_FILES))).toEqual([]);
        // An entry whose file is now short (or gone) must leave the list.
        expect(Object.keys(LONG_FILES).filter((f) => !long.includes(f))).toEqual([]);
    });

    it("has no import cycle", () => {
        const cycles: string[] = [];
        const state = new Map<string, "open" | "done">();
        const stack: string[] = [];
        const visit = (file: string): void => {
            state.set(file, "open");
            stack.push(file);
            for (const { target } of GRAPH.get(file) ?? []) {
                if (!target || !GRAPH.has(target)) continue;
                if (state.get(target) === "open") cycles.push([...stack.slice(stack.indexOf(target)), target].join(" -> "));
                else if (!state.has(target)) visit(target);
            }
            stack.pop();
            state.set(file, "done");
        };
        for (const f of GRAPH.keys()) if (!state.has(f)) visit(f);
        expect(cycles).toEqual([]);
    });
});
