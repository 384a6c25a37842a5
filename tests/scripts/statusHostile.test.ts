/**
 * `npm run status` against outputs a lying server or a hostile state could hold: expiry numbers
 * outside what a date can be, far-future dates, more keys and grants than an issue holds, and
 * text meant to reorder what a person reads. Run in this process.
 */
import { describe, expect, it } from "vitest";
import { statusFromOutputs } from "../../core/status/model";
import { renderStatusMarkdown, renderStatusText } from "../../scripts/status/render";
import { issueUpdate } from "../../scripts/status/issue";
import { parseGantt } from "../support/mermaidGantt";
import { STATUS_NOW } from "../support/statusFixtures";
import { keyStatus } from "../../core/maskinporten/keyStatus";
import { rule as keyExpiryRule } from "../../policy/rules/maskinporten-key-expiry";
import { TYPES } from "../../core/resourceNames";

const chartOf = (markdown: string) => /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1];

/** One self-service client whose only key (or a key others registered) expires at `exp` (unix seconds). */
function clientWithExp(exp: unknown, foreign = false) {
    const key = { kid: foreign ? "someone-elses-key" : "k1", exp };
    return {
        maskinportenClients: [
            { section: "MaskinportenSettings", activeKid: "k1", publicJwks: { keys: [{ kid: "k1" }] }, registration: { clientId: "c", keys: foreign ? [{ kid: "k1" }] : [key], foreignKeys: foreign ? [key] : [] } },
        ],
    };
}

describe("status with expiry numbers no date can hold", () => {
    it.each([
        ["beyond what a Date holds", 1e20, false],
        ["beyond year 9999", 253402300800 + 40 * 86_400, false],
        ["before 1970", -1e11, false],
        ["a key others registered, beyond what a Date holds", 1e20, true],
    ])("%s: shown as unknown, and every output still renders", (_what, exp, foreign) => {
        const status = statusFromOutputs(clientWithExp(exp, foreign), "prod", STATUS_NOW);
        const keys = [...status.clients[0].keys, ...status.clients[0].foreignKeys];
        for (const k of keys) expect(k.expires === undefined || /^\d{4}-\d{2}-\d{2}$/.test(k.expires), k.expires).toBe(true);
        expect(renderStatusText(status, STATUS_NOW)).toContain("expiry unknown");
        const markdown = renderStatusMarkdown(status, STATUS_NOW);
        const chart = chartOf(markdown);
        if (chart) expect(() => parseGantt(chart)).not.toThrow();
        expect(() => issueUpdate(status, "", STATUS_NOW)).not.toThrow();
    });
});

describe("the program and the policy pack with expiry numbers no date can hold", () => {
    it("keyStatus (the stack's registration output) reads them as not told", () => {
        expect(keyStatus([{ kid: "a", exp: 1e20 }, { kid: "b", exp: -1e20 }, { kid: "c", exp: 1_800_000_000 }], STATUS_NOW)).toEqual([
            { kid: "c", exp: 1_800_000_000, expires: "2027-01-15", daysLeft: 106 },
            { kid: "a" },
            { kid: "b" },
        ]);
    });

    it("maskinporten-key-expiry does not crash the pack on them", () => {
        const registration = {
            type: TYPES.maskinportenRegistration,
            name: "registration",
            id: "urn:registration",
            protect: false,
            props: { keys: [{ kid: "a" }, { kid: "b" }], registered: [{ kid: "a", exp: 1e20 }, { kid: "b", exp: -1e20 }] },
        };
        expect(keyExpiryRule.check(registration, { now: STATUS_NOW })).toEqual({ status: "not-applicable" });
    });
});

/** GitHub refuses an issue body or comment longer than this. */
const GITHUB_LIMIT = 65_536;
const DAY_MS = 86_400_000;
const guid = (i: number) => `11111111-2222-4333-8444-${String(i).padStart(12, "0")}`;

describe("the status issue of a stack with more than an issue holds", () => {
    // 500 grants ending within days and 500 ended ones: every one crossed every threshold.
    const grants = Array.from({ length: 500 }, (_, i) => ({ principalId: guid(i), access: "read", reason: "Developer debugging a problem for a while", expires: "2026-10-05" }));
    const expiredGrants = Array.from({ length: 500 }, (_, i) => ({ principalId: guid(1000 + i), reason: "Contractor who has left the project", expires: "2026-09-01" }));
    const outputs = { grants, expiredGrants };

    it("keeps the body within GitHub's limit, every code fence closed, and says what it cannot track", () => {
        const update = issueUpdate(statusFromOutputs(outputs, "prod", STATUS_NOW), "", STATUS_NOW);
        expect(update.body.length).toBeLessThanOrEqual(GITHUB_LIMIT);
        expect(update.comment!.length).toBeLessThanOrEqual(GITHUB_LIMIT);
        const fences = update.body.split("\n").filter((l) => l.startsWith("```"));
        expect(fences.length % 2, "every code fence is closed").toBe(0);
        expect(update.body.split("\n")[0]).toBe("<!-- altinn-app-secrets:status:prod -->");
        expect(update.body).toMatch(/\*\*\d+ more keys or grants within 30 days are too many for this issue to track\*\*/);
    });

    it("does not announce again the next day what it announced", () => {
        const first = issueUpdate(statusFromOutputs(outputs, "prod", STATUS_NOW), "", STATUS_NOW);
        const next = issueUpdate(statusFromOutputs(outputs, "prod", STATUS_NOW + DAY_MS), first.body, STATUS_NOW + DAY_MS);
        expect(next.announced).toEqual([]);
        expect(next.comment).toBeNull();
    });

    it("remembers an announcement whose id is longer than a marker holds", () => {
        const long = { grants: [{ principalId: `p${"x".repeat(300)}`, access: "read", reason: "A principal with a long id", expires: "2026-10-05" }] };
        const first = issueUpdate(statusFromOutputs(long, "prod", STATUS_NOW), "", STATUS_NOW);
        expect(first.announced).toHaveLength(1);
        expect(issueUpdate(statusFromOutputs(long, "prod", STATUS_NOW + DAY_MS), first.body, STATUS_NOW + DAY_MS).comment).toBeNull();
    });
});

describe("the gantt chart of a hostile or very large stack", () => {
    const grant = (i: number, expires: string) => ({ principalId: guid(i), access: "read", reason: "Developer debugging a problem", expires });

    it("draws a grant that ends in 9999 as running on, not as ending today", () => {
        const status = statusFromOutputs({ grants: [grant(1, "9999-12-31"), grant(2, "2026-10-20")] }, "prod", STATUS_NOW);
        const tasks = parseGantt(chartOf(renderStatusMarkdown(status, STATUS_NOW))!).tasks;
        expect(tasks.map((t) => [t.start, t.end])).toEqual([
            ["2026-10-01", "2026-10-21"],
            ["2026-10-01", "2028-09-30"],
        ]);
    });

    it("draws at most 100 lifetimes, the soonest ending, and says how many it left out", () => {
        // 500 grants (as many as status reads), ending 500 days down to 1 day from now
        const grants = Array.from({ length: 500 }, (_, i) => grant(i, new Date(STATUS_NOW + (500 - i) * DAY_MS).toISOString().slice(0, 10)));
        const markdown = renderStatusMarkdown(statusFromOutputs({ grants }, "prod", STATUS_NOW), STATUS_NOW);
        const chart = chartOf(markdown)!;
        expect(chart.length).toBeLessThan(50_000); // Mermaid's own limit on a diagram's text
        const tasks = parseGantt(chart).tasks;
        expect(tasks).toHaveLength(100);
        expect(tasks.every((t) => t.end <= "2027-01-10")).toBe(true);
        expect(markdown).toContain("The chart shows the 100 lifetimes that end soonest; 400 more are in the tables below.");
        const update = issueUpdate(statusFromOutputs({ grants }, "prod", STATUS_NOW), "", STATUS_NOW);
        expect(() => parseGantt(chartOf(update.body)!)).not.toThrow();
    });
});

describe("text that would reorder or hide what a person reads", () => {
    // Right-to-left override and isolates (Trojan Source), zero-width and invisible format characters.
    const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069]/;
    const sly = (s: string) => `${s}\u202e\u2066\u200b\u200f\u2060\u061c`;

    it("is stripped from every string status shows, in every format", () => {
        const outputs = {
            org: sly("ttd"),
            grants: [{ principalId: sly("11111111-2222-4333-8444-555555555555"), access: "read", reason: sly("Developer 1 day left"), expires: "2026-10-03" }],
            maskinportenClients: [{ section: sly("MaskinportenSettings"), activeKid: sly("k1"), publicJwks: { keys: [{ kid: sly("k1") }] }, registration: { clientId: sly("c"), keys: [{ kid: sly("k1"), exp: 1_790_000_000 }], foreignKeys: [] } }],
            unmanagedAccess: [{ principalId: sly("p"), access: "read", source: sly("portal") }],
        };
        const status = statusFromOutputs(outputs, "prod", STATUS_NOW);
        const update = issueUpdate(status, "", STATUS_NOW);
        for (const shown of [renderStatusText(status, STATUS_NOW), renderStatusMarkdown(status, STATUS_NOW), JSON.stringify(status), update.body, update.comment!]) {
            expect(shown).not.toMatch(INVISIBLE);
        }
    });
});
