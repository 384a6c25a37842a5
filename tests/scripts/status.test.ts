/**
 * `npm run status` on saved outputs of both example stacks and of an adopted, a registering and a
 * rotating stack (tests/support/statusFixtures.ts), run in this process; the Mermaid text is
 * checked by a strict parser of the grammar it emits.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { executeCli } from "../../scripts/cli/cli";
import { STATUS_CLI, StatusDeps, statusMain } from "../../scripts/status/statusCli";
import { FIXTURE_DIR, FIXTURE_STACKS, FixtureStack, fixtureOutputs, STATUS_NOW } from "../support/statusFixtures";
import { EXAMPLE_STACKS, ROOT } from "../support/helpers";
import { parseGantt } from "../support/mermaidGantt";

const fixture = (stack: FixtureStack) => path.join(FIXTURE_DIR, `${stack}.outputs.json`);
/** Status in a project folder holding the example stack files (not the org's own at the root). */
const status = (args: string[], deps: StatusDeps = { now: STATUS_NOW, root: EXAMPLE_STACKS }) => executeCli(STATUS_CLI, (v) => statusMain(v, deps), args);
const on = (stack: FixtureStack, ...flags: string[]) => status(["--stack", stack, "--outputs", fixture(stack), ...flags]);

/** Every private JWK member and what a secret looks like in outputs: none may reach what status prints. */
const LEAKS = [/"(d|p|q|dp|dq|qi)":/, /\[secret\]/, /ciphertext/i, /PRIVATE KEY/];

describe.runIf(process.env.UPDATE_STATUS_FIXTURES === "1")("the status fixtures", () => {
    it("are regenerated from the program", async () => {
        for (const stack of FIXTURE_STACKS) writeFileSync(fixture(stack), `${JSON.stringify(await fixtureOutputs(stack), null, 1)}\n`);
    }, 120_000);
});

/** The keys and value kinds of a JSON value, not the values (kids and versions differ per evaluation). */
function shape(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(shape);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, shape(x)]));
    return typeof v;
}

describe("the status fixtures", () => {
    it("have the shape of what the program exports today (regenerate them when an output changes)", async () => {
        const saved = JSON.parse(readFileSync(fixture("tt02"), "utf8"));
        expect(shape(await fixtureOutputs("tt02"))).toEqual(shape(saved));
    }, 60_000);
});

describe("npm run status on saved outputs", () => {
    it.each(FIXTURE_STACKS)("%s: text within 100 columns, with every section, nothing secret", async (stack) => {
        expect(existsSync(fixture(stack)), "run UPDATE_STATUS_FIXTURES=1").toBe(true);
        const run = await on(stack);
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        for (const line of run.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
        for (const heading of ["Maskinporten clients (", "Apps (", "Access grants, by days left (", "Unmanaged access, found by the last pulumi up's vault audit ("]) expect(run.stdout).toContain(heading);
        for (const leak of LEAKS) expect(run.stdout).not.toMatch(leak);
    });

    it.each(FIXTURE_STACKS)("%s: Markdown whose Mermaid gantt parses", async (stack) => {
        const run = await on(stack, "--markdown");
        expect(run.code).toBe(0);
        const blocks = [...run.stdout.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
        const dated = JSON.parse(readFileSync(fixture(stack), "utf8")).grants.some((g: { expires?: string }) => g.expires) || stack === "registering" || stack === "rotating";
        expect(blocks).toHaveLength(dated ? 1 : 0);
        if (blocks.length) expect(() => parseGantt(blocks[0])).not.toThrow();
        for (const leak of LEAKS) expect(run.stdout).not.toMatch(leak);
    });

    it("tt02: keys registered by hand, redeploys that followed, grants without an end", async () => {
        const run = await on("tt02");
        expect(run.stdout).toContain("Status of stack tt02: org ttd, environment tt02, vault ttd-tt02-apps-kv (as of 2026-10-01");
        expect(run.stdout).toMatch(/ {6}active key \S+\n {10}in the vault; at Maskinporten: registered by hand \(expiry not known to this stack\)/);
        expect(run.stdout).toMatch(/ {6}staged key \S+\n {10}not in the vault; at Maskinporten: registered by hand/);
        expect(run.stdout).toContain("  app-a in tt02: its last redeploy followed the last change");
        expect(run.stdout).toMatch(/reads: ExternalApi--ApiKey \(version [0-9a-f]{8}\), MaskinportenClients--ServiceOwner--ClientId/);
        expect(run.stdout).toContain("  11111111-2222-3333-4444-555555555555: read (secrets: get, list); no end date");
    });

    it("adopted: the adopted key, manual redeploys, a grant ending in 3 days and unmanaged access", async () => {
        const run = await on("adopted");
        expect(run.stdout).toContain("      active key: the one already in the vault (adopted; its kid is not known to this stack)");
        expect(run.stdout).toContain("  app-a in tt02: redeployed by hand (redeploy.enabled is false): the stack cannot tell whether it\n    was");
        expect(run.stdout).toContain("  22222222-2222-4222-8222-222222222222: read (role Key Vault Secrets User); expires in 3 days\n    (2026-10-04)");
        expect(run.stdout).toContain("  88888888-8888-4888-8888-888888888888: role Key Vault Secrets Officer via\n    /subscriptions/");
        // grants by days left: the one that ends first, then those without an end
        expect(run.stdout.indexOf("22222222-2222")).toBeLessThan(run.stdout.indexOf("11111111-1111"));
    });

    it("registering: where each key is registered, when it expires, keys others registered, and an ended grant", async () => {
        const run = await on("registering");
        expect(run.stdout).toContain("  MaskinportenSettings, legacy, client 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f, self-service, client\n    created by this stack");
        expect(run.stdout).toMatch(/in the vault; at Maskinporten: expires 2027-09-30 \(364 days left\)\n/);
        expect(run.stdout).toMatch(/in the vault; at Maskinporten: expires 2026-10-31 \(30 days left\)\n/);
        expect(run.stdout).toMatch(/staged key \S+\n {10}not in the vault; at Maskinporten: NOT FOUND at the last refresh/);
        expect(run.stdout).toContain("      registered by others: hand-made-2025: expires 2026-10-06 (5 days left)\n");
        expect(run.stdout).toContain("  55555555-5555-4555-8555-555555555555: expired on 2026-09-20: removed by pulumi up; delete its");
        const json = JSON.parse((await on("registering", "--json")).stdout);
        expect(json.grants.map((g: { daysLeft?: number }) => g.daysLeft ?? null)).toEqual([-11, 44, null]);
    });

    it("rotating: retired, active and staged keys by role, and a redeploy that did not follow", async () => {
        const run = await on("rotating");
        expect(run.stdout).toMatch(/retired key \S+\n {10}not in the vault; at Maskinporten: expires 2026-10-08 \(7 days left; the next pulumi up\n {10}renews it\)/);
        expect(run.stdout).toMatch(/active key \S+\n {10}in the vault; at Maskinporten: expires 2026-10-29 \(28 days left;/);
        expect(run.stdout).toMatch(/staged key \S+\n {10}not in the vault; at Maskinporten: expires 2027-07-27 \(299 days left\)/);
        expect(run.stdout).toContain("  app-a in production: NOT redeployed since ExternalApi--ApiKey changed");
        const md = (await on("rotating", "--markdown")).stdout;
        const chart = parseGantt(/```mermaid\n([\s\S]*?)\n```/.exec(md)![1]);
        expect(chart.tasks.map((t) => `${t.section} | ${t.tags.join(" ")} | ${t.start} | ${t.end}`)).toEqual([
            "client MaskinportenSettings | crit | 2025-10-08 | 2026-10-08",
            "client MaskinportenSettings | crit | 2025-10-29 | 2026-10-29",
            "client MaskinportenSettings |  | 2026-07-27 | 2027-07-27",
            "access grants | crit | 2026-10-01 | 2026-10-03",
        ]);
        expect(md).toContain("| `77777777-7777-4777-8777-777777777777` | write (role Key Vault Secrets Officer) | **expires in 1 day (2026-10-02)** |");
    });
});

describe("docs/maskinporten-keys.md", () => {
    const GUIDE = path.join(ROOT, "docs", "maskinporten-keys.md");
    const [BEGIN, END] = ["<!-- status-example:begin -->", "<!-- status-example:end -->"];

    it("shows the Markdown status of the rotating fixture (headings moved under the guide's own)", async () => {
        const md = (await on("rotating", "--markdown")).stdout.trimEnd().replace(/^### /gm, "##### ").replace(/^## /gm, "#### ");
        const readme = readFileSync(GUIDE, "utf8");
        const start = readme.indexOf(BEGIN);
        const end = readme.indexOf(END);
        expect(start).toBeGreaterThan(0);
        const current = `${readme.slice(0, start + BEGIN.length)}\n${md}\n${readme.slice(end)}`;
        if (process.env.UPDATE_STATUS_FIXTURES === "1") return writeFileSync(GUIDE, current);
        expect(readme, "run UPDATE_STATUS_FIXTURES=1 npx vitest run tests/scripts/status.test.ts").toBe(current);
    });
});
