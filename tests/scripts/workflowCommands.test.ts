/**
 * A pull request that changes only a stack file, or an answer from Studio, must not run a GitHub
 * Actions workflow command in the CI log the plan, the review and pulumi up print into: no line
 * starting with `::` (after white space), no `##[` anywhere, no lone CR.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { executeCli } from "../../scripts/cli/cli";
import { messageLines } from "../../scripts/redeploy/core.mjs";
import { STATUS_CLI, statusMain } from "../../scripts/status/statusCli";
import { runPlan, writeStacks } from "../support/helpers";

const runsAsCommand = (line: string) => /^[\s\u0085]*::/.test(line) || line.includes("##[");
const commandLines = (text: string) => text.split(/\r\n|\r|\n/).filter(runsAsCommand);

const BASE = { org: "ttd", environment: "tt02", keyVault: { authorization: "accessPolicy" } };

describe("the plan in a CI log", () => {
    it("runs nothing from a grant's reason, however it wraps", async () => {
        const dir = writeStacks({
            tt02: {
                ...BASE,
                accessGrants: [
                    { principalId: "11111111-2222-3333-4444-555555555555", access: "read", reason: `Operations team ${"a".repeat(62)} ::group::Nothing to see here` },
                    { principalId: "22222222-3333-4444-5555-666666666666", access: "read", reason: `Deploy pipeline ${"b".repeat(62)} \u00a0::add-mask::22222222-3333-4444-5555-666666666666` },
                ],
            },
        });
        const r = await runPlan(["--stack", "tt02", "--config-dir", dir]);
        expect(r.code).toBe(0);
        expect(commandLines(r.stdout)).toEqual([]);
        // The reader still sees every word of it.
        expect(r.stdout).toContain(" ::group::Nothing");
    });

    it("runs nothing from a config key echoed at the start of an error line", async () => {
        const dir = writeStacks({ tt02: { ...BASE, "::add-mask::config-key": 1, "::error title=Review::No access changes": 1 } });
        const r = await runPlan(["--stack", "tt02", "--config-dir", dir]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("add-mask::config-key");
        expect(commandLines(r.stderr)).toEqual([]);
    });

    it("refuses ##[ in the stack file: pulumi preview prints the values it sends to Azure into the log", async () => {
        const dir = writeStacks({ tt02: { ...BASE, accessGrants: [{ principalId: "33333333-4444-4555-8666-777777777777", access: "read", reason: "Break-glass group ##[add-mask]x" }] } });
        const r = await runPlan(["--stack", "tt02", "--config-dir", dir]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^accessGrants\[0\]\.reason: contains #\u200b#\[, which a GitHub Actions log/);
        expect(commandLines(r.stderr)).toEqual([]);
    });
});

describe("status --json", () => {
    it("keeps a reason from the outputs as it is, and runs nothing", async () => {
        const reason = "Break-glass group ##[add-mask]x, reviewed yearly";
        const file = path.join(mkdtempSync(path.join(tmpdir(), "status-")), "outputs.json");
        writeFileSync(file, JSON.stringify({ org: "ttd", environment: "tt02", vault: { vaultName: "kv" }, grants: [{ principalId: "33333333-4444-4555-8666-777777777777", access: "read", reason }] }));
        const r = await executeCli(STATUS_CLI, (v) => statusMain(v, { root: path.dirname(file) }), ["--stack", "tt02", "--outputs", file, "--json"]);
        expect(r.code).toBe(0);
        expect(commandLines(r.stdout)).toEqual([]);
        expect(JSON.parse(r.stdout).grants[0].reason).toBe(reason);
    });
});

describe("redeploy's lines", () => {
    it("run no ##[ command Studio put in a tag", () => {
        const lines = messageLines("redeployed ttd/app-a ##[add-mask]ttd to tt02", "a-key-long-enough", 100);
        expect(lines.filter(runsAsCommand)).toEqual([]);
        expect(lines.join(" ").replaceAll("\u200b", "")).toBe("redeployed ttd/app-a ##[add-mask]ttd to tt02");
    });
});
