/**
 * `npm run status --outputs <file>` takes only this program's stack outputs, of the stack --stack
 * names: other JSON a person has at hand (the plan's --json, `az keyvault show`) and another stack's
 * outputs are one line naming --outputs, exit 2; an older deployment's outputs still show, with notes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { executeCli } from "../../scripts/cli/cli";
import { STATUS_CLI, statusMain } from "../../scripts/status/statusCli";
import type { PlanReport } from "../../scripts/plan/model";
import { TYPES } from "../../core/resourceNames";
import { FIXTURE_DIR, STATUS_NOW } from "../support/statusFixtures";
import { EXAMPLE_STACKS, writeStacks } from "../support/helpers";

const TT02 = JSON.parse(readFileSync(path.join(FIXTURE_DIR, "tt02.outputs.json"), "utf8")) as Record<string, unknown>;
const SAVE_PROD = "save the outputs of stack prod with: pulumi stack output --json --stack prod > outputs.json";

/** `value` saved as a file, and status run on it with `--stack <stack>` in the project folder `root` (the example stack files' by default). */
async function statusOf(value: unknown, stack: string, root = EXAMPLE_STACKS) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "status-outputs-")), "outputs.json");
    writeFileSync(file, JSON.stringify(value));
    const run = await executeCli(STATUS_CLI, (v) => statusMain(v, { now: STATUS_NOW, root }), ["--stack", stack, "--outputs", file]);
    return { ...run, stderr: run.stderr.replaceAll(file, "<file>") };
}

/** What `npm run plan -- --stack tt02 --json` prints, in its shape (the type keeps it honest). */
const PLAN: PlanReport = {
    stack: "tt02",
    org: "ttd",
    environment: "tt02",
    resources: [{ type: TYPES.keyVaultAccess, name: "vault", protect: false }],
    secrets: [],
    grants: [{ vault: "ttd-tt02-apps-kv", principalId: "11111111-2222-3333-4444-555555555555", authorization: "accessPolicy", access: "read", reason: "Operations team", resource: "vault-1", protect: false }],
    redeploys: [{ app: "app-a", envName: "tt02", secrets: ["ExternalApi--ApiKey"], triggers: [], automatic: true }],
    findings: [],
    clients: [],
    appSettings: [],
    studioUrl: "https://altinn.studio",
};

/** What `az keyvault show` prints (abridged). */
const AZ_KEYVAULT_SHOW = {
    id: "/subscriptions/00000000-0000-0000-0000-00000000bbbb/resourceGroups/altinnapps-ttd-tt02-rg/providers/Microsoft.KeyVault/vaults/ttd-tt02-apps-kv",
    location: "norwayeast",
    name: "ttd-tt02-apps-kv",
    properties: { enableRbacAuthorization: false, tenantId: "00000000-0000-0000-0000-00000000aaaa", vaultUri: "https://ttd-tt02-apps-kv.vault.azure.net/" },
    resourceGroup: "altinnapps-ttd-tt02-rg",
    tags: {},
    type: "Microsoft.KeyVault/vaults",
};

describe("status --outputs with JSON that is not this program's stack outputs", () => {
    it.each([
        ["the plan's --json", PLAN, "no vault output"],
        ["az keyvault show", AZ_KEYVAULT_SHOW, "no org, environment or vault output"],
        ["an empty object", {}, "no org, environment or vault output"],
        ["a vault that is no object", { ...TT02, vault: "ttd-tt02-apps-kv" }, "no vault output"],
    ])("%s: exit 2, one line naming --outputs", async (_what, value, missing) => {
        const run = await statusOf(value, "prod");
        expect(run).toMatchObject({ code: 2, stdout: "" });
        expect(run.stderr).toBe(`--outputs <file>: not the stack outputs of this program: ${missing}, and every deployment exports org, environment and vault; ${SAVE_PROD}\n`);
    });
});

describe("status --outputs with another stack's outputs", () => {
    it("refuses tt02's outputs for a stack named after prod, whatever its prefix", async () => {
        for (const stack of ["prod", "ttd-prod", "acme/altinn-app-secrets/prod"]) {
            const run = await statusOf(TT02, stack);
            expect(run.code, stack).toBe(2);
            expect(run.stderr).toBe(
                `--outputs <file>: environment "tt02" in the outputs, but stack ${stack} manages prod; pass the --stack they are from, or save the outputs of stack ${stack} with: pulumi stack output --json --stack ${stack} > outputs.json\n`,
            );
        }
    });

    it("refuses outputs whose org or environment is not what the stack file declares", async () => {
        const root = writeStacks({ digdir: { org: "digdir", environment: "tt02" }, moved: { org: "ttd", environment: "prod" } });
        expect((await statusOf(TT02, "digdir", root)).stderr).toBe(
            '--outputs <file>: org "ttd" in the outputs, but Pulumi.digdir.yaml declares org "digdir"; pass the --stack they are from, or save the outputs of stack digdir with: pulumi stack output --json --stack digdir > outputs.json\n',
        );
        const moved = await statusOf(TT02, "moved", root);
        expect(moved.code).toBe(2);
        expect(moved.stderr).toMatch(/^--outputs <file>: environment "tt02" in the outputs, but Pulumi\.moved\.yaml declares environment "prod"; /);
    });

    it("shows them when the stack file agrees, says nothing of org or environment, or does not exist", async () => {
        const root = writeStacks({ mine: { org: "ttd", environment: "tt02" }, esc: { keyVault: { authorization: "rbac" } } });
        for (const stack of ["mine", "esc", "no-stack-file"]) {
            const run = await statusOf(TT02, stack, root);
            expect(run.stderr, stack).toBe("");
            expect(run.stdout).toContain(`Status of stack ${stack}: org ttd, environment tt02`);
        }
    });
});

describe("status --outputs of an older deployment", () => {
    it("shows them, with a note per output a later version added", async () => {
        // What the first version of the program exported.
        const first = { org: TT02.org, environment: TT02.environment, vault: TT02.vault, grants: TT02.grants };
        const run = await statusOf(first, "tt02");
        expect(run.code).toBe(0);
        expect(run.stderr).toBe("");
        expect(run.stdout).toContain("Status of stack tt02: org ttd, environment tt02, vault ttd-tt02-apps-kv");
        for (const key of ["maskinportenClients", "redeploys", "unmanagedAccess"]) expect(run.stdout).toContain(`note: ${key}: not in the stack outputs (deployed by an older version of this program?)`);
    });
});

describe("status --outputs with a list that cannot be read", () => {
    it("refuses a list output that is no list, rather than show none", async () => {
        const run = await statusOf({ ...TT02, grants: { "11111111-2222-3333-4444-555555555555": { access: "write" } } }, "tt02");
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/^--outputs <file>: grants is an object, not the list this program exports; /);
    });

    it("says how many entries it does not show", async () => {
        const grants = [...(TT02.grants as unknown[]), "a string", { access: "write", reason: "no principalId" }];
        const run = await statusOf({ ...TT02, grants, maskinportenClients: [[[]]] }, "tt02");
        expect(run.code).toBe(0);
        expect(run.stdout).toContain(`note: grants: 2 of ${grants.length} entries not shown (an entry must be an object with a principalId)`);
        expect(run.stdout).toContain("note: maskinportenClients: 1 of 1 entries not shown (an entry must be an object)");
    });
});
