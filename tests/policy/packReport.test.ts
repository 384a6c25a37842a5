/**
 * What the policy pack hands to Pulumi, which prints it as it is, in a terminal and in a CI log: no
 * escape sequence, line break, bidirectional override or workflow command from a resource's props
 * (a scope from Azure, a value from a stack file) gets through. The pack is loaded with
 * PolicyPack replaced by a recorder, and its policies run as CrossGuard would run them.
 */
import { describe, expect, it, vi } from "vitest";
import type { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { reportable } from "../../policy/evaluate";
import { TYPES } from "../../core/resourceNames";

const packs: { policies: StackValidationPolicy[] }[] = [];
vi.mock("@pulumi/policy", () => ({
    PolicyPack: class {
        constructor(_name: string, args: { policies: StackValidationPolicy[] }) {
            packs.push(args);
        }
    },
}));

const HOSTILE = "x\u001b[31m\r\n::error title=pwned::forged\u202eevil";

describe("the policy pack's messages", () => {
    it("show control, line-breaking and bidirectional characters escaped, and defuse workflow commands", async () => {
        await import("../../policy/index");
        expect(packs).toHaveLength(1);
        const args = {
            resources: [
                { type: TYPES.reviewContext, name: "review", urn: "urn:review", props: { environment: "tt02" }, opts: { protect: false } },
                {
                    type: TYPES.maskinportenClient,
                    name: "maskinporten-Partner",
                    urn: "urn:client",
                    props: { section: "Partner", clientId: HOSTILE, format: "legacy", apps: ["app-a"] },
                    opts: { protect: false },
                },
            ],
        } as unknown as StackValidationArgs;
        const reported: string[] = [];
        for (const policy of packs[0].policies) policy.validateStack(args, (message: string) => reported.push(message));
        const found = reported.filter((m) => m.includes("maskinporten-client-id-format"));
        expect(found).toHaveLength(1);
        expect(found[0]).toContain("\\u001b[31m");
        expect(found[0]).not.toMatch(/[\u0000-\u001f\u202e]/);
        expect(found[0]).not.toMatch(/(^|\n)\s*::/);
    });

    it("reportable escapes each such character as \\uXXXX and leaves other text alone", () => {
        expect(reportable("plain text, æøå")).toBe("plain text, æøå");
        expect(reportable("a\nb\u202ec")).toBe("a\\u000ab\\u202ec");
    });
});
