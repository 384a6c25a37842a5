/**
 * What the program declares, recorded for both example stacks and a large generated one: type,
 * name, parent, protect, ignoreChanges, retainOnDelete, additionalSecretOutputs and inputs (secrets as "[secret]", the dynamic provider's
 * serialized text left out). A refactor must leave this record unchanged; nothing deployed notices.
 * Regenerate only for a deliberate change: UPDATE_RESOURCE_RECORD=1 npx vitest run tests/components/resourceRecord.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { JWK_KEY } from "../../core/maskinporten/settings";
import { EXAMPLE_STACKS, ROOT, writeStacks } from "../support/helpers";
import { largeStack } from "../support/largeStack";

const RECORD_FILE = path.join(ROOT, "tests/support/fixtures/resource-record.json");

interface Recorded {
    type: string;
    name: string;
    parent?: string;
    protect: boolean;
    ignoreChanges?: string[];
    retainOnDelete?: boolean;
    additionalSecretOutputs?: string[];
    inputs: Record<string, unknown>;
}

/** A versioned URI of a secret holding a private JWK: its version is a hash of the key. */
const JWK_SECRET_VERSION = new RegExp(`^(https://[^/]+/secrets/[^/]+--(?:${Object.values(JWK_KEY).join("|")}))/([0-9a-f]{32})$`);

/**
 * Offline key pairs are placeholders (a pool of primes, picked by the key's resource name): key
 * material (`kid`, `n`, and the version of a secret holding a private JWK) is named by where it
 * first appears in the record sorted by type and name. Every other value is recorded as it is.
 */
function withStableKeys(resources: Recorded[]): Recorded[] {
    const keys = new Map<string, string>();
    const versions = new Map<string, string>();
    const collect = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(collect);
        else if (typeof value === "string") {
            const m = JWK_SECRET_VERSION.exec(value);
            if (m && !versions.has(m[2])) versions.set(m[2], `<jwk version ${versions.size + 1}>`);
        } else if (value && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) {
                if ((k === "kid" || k === "n") && typeof v === "string") {
                    if (!keys.has(v)) keys.set(v, `<${k} ${keys.size + 1}>`);
                } else collect(v);
            }
        }
    };
    collect(resources);
    const stable = (v: string) => {
        const m = JWK_SECRET_VERSION.exec(v);
        return m ? `${m[1]}/${versions.get(m[2])}` : (keys.get(v) ?? v);
    };
    return JSON.parse(JSON.stringify(resources), (_k, v: unknown) => (typeof v === "string" ? stable(v) : v)) as Recorded[];
}

async function record(dir: string, stack: string): Promise<Recorded[]> {
    vi.resetModules();
    const { evaluateStack } = await import("../../scripts/offline/evaluate");
    const evaluation = await evaluateStack(ROOT, stack, dir);
    const recorded = evaluation.resources.map((r) => {
        const { __provider: _provider, ...inputs } = r.inputs;
        return JSON.parse(JSON.stringify({ type: r.type, name: r.name, parent: r.parent, protect: r.protect, ignoreChanges: r.ignoreChanges, retainOnDelete: r.retainOnDelete, additionalSecretOutputs: r.additionalSecretOutputs, inputs })) as Recorded;
    });
    recorded.sort((a, b) => (a.type === b.type ? (a.name < b.name ? -1 : 1) : a.type < b.type ? -1 : 1));
    return withStableKeys(recorded);
}

describe("the resource record", () => {
    it("is what the program declares for tt02, prod and a large generated stack, unchanged", async () => {
        const generated = writeStacks({ large: largeStack() });
        const actual = {
            tt02: await record(EXAMPLE_STACKS, "tt02"),
            prod: await record(EXAMPLE_STACKS, "prod"),
            large: await record(generated, "large"),
        };
        const text = `${JSON.stringify(actual, null, 1)}\n`;
        if (process.env.UPDATE_RESOURCE_RECORD === "1") writeFileSync(RECORD_FILE, text);
        expect(existsSync(RECORD_FILE), "tests/support/fixtures/resource-record.json is missing").toBe(true);
        expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(RECORD_FILE, "utf8")));
    });
});
