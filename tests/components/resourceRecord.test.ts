/**
 * What the program declares, recorded for both example stacks and a large generated one: type,
 * name, parent, protect, ignoreChanges, retainOnDelete, additionalSecretOutputs and inputs (secrets as "[secret]", the dynamic provider's
 * serialized text left out). A refactor must leave this record unchanged; nothing deployed notices.
 * Regenerate only for a deliberate change: UPDATE_RESOURCE_RECORD=1 npx vitest run tests/components/resourceRecord.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ROOT, writeStacks } from "../support/helpers";

const RECORD_FILE = path.join(ROOT, "tests/support/fixtures/resource-record.json");

function guid(i: number, salt: number): string {
    return `${salt.toString(16).padStart(8, "0")}-1111-4222-8333-${(i * 7919 + salt).toString(16).padStart(12, "0").slice(-12)}`;
}

/** A prod stack with every kind of resource the program declares, several times over. */
function largeStack(): Record<string, unknown> {
    return {
        org: "ttd",
        environment: "prod",
        keyVault: { authorization: "rbac" },
        accessGrants: Array.from({ length: 12 }, (_, i) => ({
            principalId: guid(i, 1),
            principalType: i % 2 ? "Group" : "ServicePrincipal",
            ...(i % 3 === 0 ? { role: "Key Vault Reader" } : { access: "read" }),
            reason: `Generated grant number ${i} for the record`,
        })),
        maskinporten: { selfService: { adminClientId: guid(0, 9) } },
        maskinportenClients: Array.from({ length: 8 }, (_, i) => ({
            section: `Client${i}`,
            ...(i === 3 ? {} : { clientId: guid(i, 2) }),
            format: i % 2 === 0 ? "legacy" : "builtin",
            scope: "altinn:serviceowner/instances.read",
            keyGeneration: 1 + (i % 3),
            ...(i % 4 === 1 ? { nextKeyGeneration: 2 + (i % 3) } : {}),
            ...(i % 4 === 2 ? { register: false } : {}),
            apps: [`app-${i % 3}`, `app-${(i + 1) % 3}`],
        })),
        appSecrets: [
            { section: "ExternalApi", key: "ApiKey", apps: ["app-0"], generate: { length: 40 } },
            { section: "Other", key: "Token", apps: ["app-1", "app-2"], generate: { length: 32, generation: 2 } },
        ],
        redeploy: { enabled: true },
    };
}

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

/**
 * Offline key pairs come from a pool in whatever order the program asks for them: key material
 * (`kid`, `n`) is named by where it first appears in the record sorted by type and name.
 */
function withStableKeys(resources: Recorded[]): Recorded[] {
    const labels = new Map<string, string>();
    const collect = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(collect);
        else if (value && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) {
                if ((k === "kid" || k === "n") && typeof v === "string" && !labels.has(v)) labels.set(v, `<${k} ${labels.size + 1}>`);
                else collect(v);
            }
        }
    };
    collect(resources);
    return JSON.parse(JSON.stringify(resources), (_k, v: unknown) => (typeof v === "string" && labels.has(v) ? labels.get(v) : v)) as Recorded[];
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
            tt02: await record(ROOT, "tt02"),
            prod: await record(ROOT, "prod"),
            large: await record(generated, "large"),
        };
        const text = `${JSON.stringify(actual, null, 1)}\n`;
        if (process.env.UPDATE_RESOURCE_RECORD === "1") writeFileSync(RECORD_FILE, text);
        expect(existsSync(RECORD_FILE), "tests/support/fixtures/resource-record.json is missing").toBe(true);
        expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(RECORD_FILE, "utf8")));
    });
});
