/**
 * An offline placeholder kid belongs to its client: the plan shows the same kid for a client
 * whatever other clients the stack declares before it, and matches clients by section.
 */
import { describe, expect, it, vi } from "vitest";
import { ROOT, writeStacks } from "../support/helpers";

const client = (section: string, i: number) => ({ section, clientId: `5f6e1b2c-0000-4000-8000-00000000000${i}`, scope: "altinn:serviceowner/instances.read", apps: ["app-a"] });

async function kidsBySection(dir: string, stack: string): Promise<Record<string, string | undefined>> {
    vi.resetModules();
    const { evaluateStack } = await import("../../scripts/offline/evaluate");
    const { buildReport } = await import("../../scripts/plan/report");
    // Kids only: the providers' serialized code is not needed.
    const report = buildReport(await evaluateStack(ROOT, stack, dir, { providerCode: "skip" }), []);
    return Object.fromEntries(report.clients.map((c) => [c.section, c.activeKid]));
}

describe("placeholder kids in the offline plan", () => {
    it("do not change for a client when another client is added before it", async () => {
        const dir = writeStacks({
            one: { org: "ttd", environment: "tt02", maskinportenClients: [client("Mine", 1)] },
            two: { org: "ttd", environment: "tt02", maskinportenClients: [client("Added", 2), client("Mine", 1)] },
        });
        const one = await kidsBySection(dir, "one");
        const two = await kidsBySection(dir, "two");
        expect(one.Mine).toMatch(/\S{20,}/);
        expect(two.Mine).toBe(one.Mine);
        expect(two.Added).not.toBe(two.Mine);
    });
});
