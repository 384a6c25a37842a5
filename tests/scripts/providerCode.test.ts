import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { PROVIDER_CODE_SKIPPED, skipProviderCode } from "../../scripts/offline/providerCode";

type Closure = { serializeFunction: (f: unknown, args?: unknown) => Promise<{ text: string }> };
const closure = () => createRequire(__filename)("@pulumi/pulumi/runtime/closure/serializeClosure") as Closure;

describe("the plan's dynamic-provider code", () => {
    it("is not serialized while skipped, and is again once restored", async () => {
        const restore = skipProviderCode();
        try {
            expect((await closure().serializeFunction(() => ({ handler: 1 }), { allowSecrets: true })).text).toBe(PROVIDER_CODE_SKIPPED);
        } finally {
            restore();
        }
        const real = await closure().serializeFunction(() => ({ answer: 42 }), { allowSecrets: true });
        expect(real.text).toContain("exports.handler");
        expect(real.text).toContain("42");
    });
});
