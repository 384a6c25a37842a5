import { describe, expect, it } from "vitest";
import { useColor } from "../../scripts/cli/cli";
import type { PlanReport } from "../../scripts/plan/model";
import { renderText } from "../../scripts/plan/renderText";
import { TYPES } from "../../core/resourceNames";

const PRINCIPAL = "22222222-3333-4444-5555-666666666666";

/** A small report by hand: renderText is pure, no plan needed. */
function report(): PlanReport {
    return {
        stack: "prod",
        org: "ttd",
        environment: "prod",
        studioUrl: "https://altinn.studio",
        resources: [],
        secrets: [],
        grants: [],
        redeploys: [],
        clients: [],
        appSettings: [{ app: "app-b", appsettings: {}, vaultSecrets: ["Builtin--ClientId", "Builtin--JwkBase64"] }],
        findings: [
            { policy: "write-access-reviewed", level: "mandatory", resource: `${TYPES.accessGrant}::vault-${PRINCIPAL}`, message: `The grant allows changing or deleting secrets. Access::write (principal ${PRINCIPAL})`, principalId: PRINCIPAL },
            { policy: "prod-resources-protected", level: "advisory", resource: `${TYPES.secret}::maskinporten-Builtin-ClientId`, message: "Not protected. Protect::missing (secret Builtin--ClientId)", secretName: "Builtin--ClientId" },
        ],
    };
}

describe("renderText", () => {
    it("colours mandatory findings only, and only when asked", () => {
        const plain = renderText(report());
        const coloured = renderText(report(), { color: true });
        expect(plain).not.toContain("\x1b[");
        expect(coloured).toContain(`\x1b[1;31m[mandatory]\x1b[0m write-access-reviewed: grant for ${PRINCIPAL}`);
        expect(coloured).toContain("  [advisory] prod-resources-protected: secret Builtin--ClientId");
        expect(coloured.match(/\x1b\[/g)).toHaveLength(2);
    });

    it("names the subject once, with no resource URN", () => {
        const text = renderText(report());
        expect(text.split(PRINCIPAL)).toHaveLength(2);
        expect(text).not.toMatch(/[\w-]+:[\w/]+:\w+::/);
        expect(text).toContain("\n      The grant allows changing or deleting secrets. Access::write\n");
        expect(text).toContain("  [advisory] prod-resources-protected: secret Builtin--ClientId\n      Not protected. Protect::missing");
    });

    it("does not print an empty appsettings section", () => {
        const text = renderText(report());
        expect(text).toContain("Key Vault secrets: Builtin--ClientId, Builtin--JwkBase64");
        expect(text).not.toContain("appsettings.json");
    });
});

describe("useColor", () => {
    it("is on for a terminal, off for a pipe, off whenever NO_COLOR is set", () => {
        expect(useColor({ isTTY: true }, {})).toBe(true);
        expect(useColor({ isTTY: false }, {})).toBe(false);
        expect(useColor({}, {})).toBe(false);
        expect(useColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
        expect(useColor({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    });
});
