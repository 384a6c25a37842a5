/** `pulumi up` checks what `pulumi.runtime.allConfig()` holds the way the offline plan checks the stack file. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { installMocks } from "../../scripts/offline/mocks";
import { rawConfig } from "../support/helpers";

describe("the program under pulumi up", () => {
    it("refuses a misspelled namespace and a stack whose name disagrees with its environment", async () => {
        const resources = installMocks({
            project: "altinn-app-secrets",
            stack: "ttd-prod",
            config: {
                ...rawConfig({ org: "ttd", environment: "tt02" }),
                "altinn-app-secret:accessGrants": JSON.stringify([{ principalId: "11111111-2222-3333-4444-555555555555", access: "read", reason: "Operations team" }]),
                "azure-native:location": "norwayeast",
            },
        });
        const error = await import("../../index").then(() => undefined, (e: unknown) => e);
        expect(pulumi.RunError.isInstance(error)).toBe(true);
        expect((error as Error).message).toBe(
            [
                "invalid stack configuration:",
                'altinn-app-secret:accessGrants: unknown config namespace "altinn-app-secret"; did you mean altinn-app-secrets:accessGrants?',
                'environment: stack "ttd-prod" must declare environment prod, not tt02 (a stack named after an environment manages that environment)',
            ].join("\n"),
        );
        expect(resources).toHaveLength(0);
    });
});
