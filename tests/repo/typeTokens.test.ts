/**
 * One home for type tokens: core/resourceNames.ts. Every token there is a type the program really
 * declares (the resource record says which), and no other source file spells a token out, so a
 * rule, the plan report or a mock cannot look for a type that does not exist.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FUNCTIONS, STACK_TYPE, TYPES } from "../../core/resourceNames";
import { ROOT } from "../support/helpers";

const REGISTRY = "core/resourceNames.ts";
/** Text shaped like a Pulumi type or function token of a package the program uses. */
const TOKEN = /\b(?:altinn|azure-native|tls|random|command|pulumi-nodejs|pulumi):[A-Za-z0-9/]+:[A-Za-z]+\b/g;

function sourceFiles(dir: string): string[] {
    return readdirSync(path.join(ROOT, dir)).flatMap((f) => {
        const rel = path.join(dir, f);
        if (f === "node_modules" || f === "fixtures" || f.startsWith(".") || f === "bin" || f === "obj") return [];
        return statSync(path.join(ROOT, rel)).isDirectory() ? sourceFiles(rel) : /\.(ts|mts|mjs|js|cjs)$/.test(f) ? [rel] : [];
    });
}

const FILES = ["index.ts", ...["scripts", "policy", "components", "providers", "core", "tests"].flatMap(sourceFiles)].filter((f) => f !== REGISTRY);

describe("the type-token registry", () => {
    it("holds exactly the types the program declares (tt02, prod and the large stack of the resource record)", () => {
        const record = JSON.parse(readFileSync(path.join(ROOT, "tests/support/fixtures/resource-record.json"), "utf8")) as Record<string, { type: string }[]>;
        const declared = [...new Set(Object.values(record).flatMap((list) => list.map((r) => r.type)))].sort();
        expect(Object.values(TYPES).sort()).toEqual(declared);
    });

    it("is the only place a type or function token is spelled out", () => {
        const known = new Set<string>([...Object.values(TYPES), ...Object.values(FUNCTIONS), STACK_TYPE]);
        const unknown: string[] = [];
        const spelled: string[] = [];
        for (const file of FILES) {
            for (const [token] of readFileSync(path.join(ROOT, file), "utf8").matchAll(TOKEN)) (known.has(token) ? spelled : unknown).push(`${file}: ${token}`);
        }
        expect(unknown, "names a type that does not exist").toEqual([]);
        expect(spelled, "spell it TYPES.<name> (core/resourceNames.ts)").toEqual([]);
    });
});
