/**
 * Text output fits the terminal, however narrow, with long names in it: a key path, a section of
 * 70 characters, its secret names. Only a command to copy (and a URL, resource ID or URN) stays
 * whole when it is longer than the line. The commands run in this process with stdout taken for a
 * terminal of that many columns, as `runCli` prints to one.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { executeCli, terminalWidth } from "../../scripts/cli/cli";
import { PLAN_CLI, planMain } from "../../scripts/plan/planCli";
import { REVIEW_CLI, reviewMain } from "../../scripts/review/reviewCli";
import { STATUS_CLI, statusMain } from "../../scripts/status/statusCli";
import { FIXTURE_DIR, STATUS_NOW } from "../support/statusFixtures";
import { EXAMPLE_STACKS, writeStacks } from "../support/helpers";

const LONG = "MaskinportenClients--ServiceOwnerForTheInstancesApiOfTheOrganisation";

/** The tt02 example with its first client's section 70 characters long. */
function longSectionStack(): string {
    const doc = parse(readFileSync(path.join(EXAMPLE_STACKS, "Pulumi.tt02.yaml"), "utf8")) as { config: Record<string, unknown> };
    const config = Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^altinn-app-secrets:/, ""), v]));
    const clients = config.maskinportenClients as { section: string }[];
    clients[0] = { ...clients[0], section: LONG };
    return writeStacks({ tt02: config });
}

const stdout = process.stdout as unknown as { isTTY?: boolean; columns?: number };
const before = { isTTY: stdout.isTTY, columns: stdout.columns };
afterEach(() => Object.assign(stdout, before));

/** `main` run as on a terminal `width` columns wide. */
async function on(width: number, spec: typeof PLAN_CLI, main: Parameters<typeof executeCli>[1], argv: string[]): Promise<string[]> {
    Object.assign(stdout, { isTTY: true, columns: width });
    expect(terminalWidth()).toBe(width);
    const run = await executeCli(spec, main, argv, { width, errorWidth: width });
    expect(run.stderr).toBe("");
    // Colour codes take no columns.
    return run.stdout.replace(/\x1b\[[0-9;]*m/g, "").split("\n");
}

/** Lines over the width, but for those that are a command to copy, kept whole by design. */
const over = (lines: string[], width: number) => lines.filter((l) => l.length > width && !/`(?:pulumi|npm|az) [^`]*`|^\s*(?:pulumi|npm|az) /.test(l));

describe("on a narrow terminal, with a section of 70 characters", () => {
    const dir = longSectionStack();

    it.each([60, 80, 100])("plan: every line within %i columns, the long names whole or cut after a . or -", async (width) => {
        const lines = await on(width, PLAN_CLI, planMain, ["--stack", "tt02", "--config-dir", dir]);
        expect(over(lines, width), lines.join("\n")).toEqual([]);
        // Whole where it fits; cut, never changed, where it does not.
        if (width > LONG.length + 4) expect(lines.join("\n")).toContain(LONG);
        else expect(lines.join("\n").replace(/\n\s*/g, "")).toContain(LONG);
        expect(lines.join(" ")).toMatch(/nextKeyGeneration/);
    });

    it.each([60, 100])("review --format text: every line within %i columns", async (width) => {
        const lines = await on(width, REVIEW_CLI, reviewMain, ["--stack", "tt02", "--config-dir", dir, "--format", "text"]);
        expect(over(lines, width), lines.join("\n")).toEqual([]);
        // A wrapped reason loses no word.
        expect(lines.join("\n").replace(/\s+/g, " ")).toContain("reason: Deploy pipeline identity that rotates Maskinporten keys in tt02");
    });

    it.each([40, 60])("status: every line within %i columns, the section headings too", async (width) => {
        const lines = await on(width, STATUS_CLI, (v) => statusMain(v, { now: STATUS_NOW, root: EXAMPLE_STACKS }), ["--stack", "tt02", "--outputs", path.join(FIXTURE_DIR, "tt02.outputs.json")]);
        expect(over(lines, width), lines.join("\n")).toEqual([]);
        expect(lines.join(" ")).toContain("Unmanaged access, found by the last pulumi up's vault audit");
    });
});
