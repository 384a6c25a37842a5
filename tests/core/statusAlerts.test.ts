import { describe, expect, it } from "vitest";
import { announcedIn, announcedMarker, dueAlerts, Expiring } from "../../core/status/alerts";
import { ganttName, renderGantt } from "../../core/status/gantt";
import { isSecretMarker, statusFromOutputs } from "../../core/status/model";
import { parseGantt } from "../support/mermaidGantt";

const item = (daysLeft: number, id = "key:abc:2026-12-01"): Expiring => ({ id, kind: "key", label: "Maskinporten key abc", expires: "2026-12-01", daysLeft });

describe("expiry alerts: 30, 7 and 1 days left, once per threshold", () => {
    it("announces nothing above 30 days", () => {
        expect(dueAlerts([item(31)], new Set())).toEqual({ due: [], remember: [] });
    });

    it("announces a crossing once, at the lowest threshold crossed, and remembers the lowest crossed one", () => {
        const first = dueAlerts([item(30)], new Set());
        expect(first.due.map((d) => d.threshold)).toEqual([30]);
        expect(first.remember).toEqual(["key:abc:2026-12-01@30"]);
        // the next days: nothing new until 7
        expect(dueAlerts([item(29)], new Set(first.remember)).due).toEqual([]);
        expect(dueAlerts([item(8)], new Set(first.remember)).due).toEqual([]);
        const seven = dueAlerts([item(5)], new Set(first.remember));
        expect(seven.due.map((d) => d.threshold)).toEqual([7]);
        expect(seven.remember).toEqual(["key:abc:2026-12-01@7"]);
        const one = dueAlerts([item(1)], new Set(seven.remember));
        expect(one.due.map((d) => d.threshold)).toEqual([1]);
        expect(dueAlerts([item(-3)], new Set(one.remember)).due).toEqual([]);
    });

    it("announces only the most urgent threshold when a run was missed, and each item on its own", () => {
        const { due, remember } = dueAlerts([item(3), item(20, "grant:g:2026-10-21")], new Set());
        expect(due.map((d) => [d.item.id, d.threshold])).toEqual([["key:abc:2026-12-01", 7], ["grant:g:2026-10-21", 30]]);
        expect(remember).toEqual(["key:abc:2026-12-01@7", "grant:g:2026-10-21@30"]);
        // an issue body written when every crossed threshold had its own marker reads the same
        expect(dueAlerts([item(3)], new Set(["key:abc:2026-12-01@30", "key:abc:2026-12-01@7"])).due).toEqual([]);
    });

    it("starts afresh for a renewed key or a moved grant date (a new id), and forgets items that are gone", () => {
        const renewed = item(364, "key:abc:2027-09-30");
        expect(dueAlerts([renewed], new Set(["key:abc:2026-12-01@30"]))).toEqual({ due: [], remember: [] });
    });

    it("reads what was announced from hidden markers only, with a strict pattern", () => {
        const body = [
            "status text mentioning key:abc@30 in passing",
            announcedMarker("key:abc:2026-12-01@30"),
            "<!-- altinn-app-secrets:announced key:abc:2026-12-01@7 --> trailing text", // not alone on its line
            "<!-- altinn-app-secrets:announced key:abc:2026-12-01@5 -->", // not a threshold
            "<!-- altinn-app-secrets:announced $(rm -rf /)@1 -->", // not an id
            announcedMarker("grant:g:2026-10-21@1"),
        ].join("\n");
        expect([...announcedIn(body)]).toEqual(["key:abc:2026-12-01@30", "grant:g:2026-10-21@1"]);
    });
});

describe("the gantt chart's names", () => {
    it("keep only characters that cannot end a name, a statement or a line", () => {
        expect(ganttName("Ops: team; #1 <b>50%</b>\nnext")).toBe("Ops team 1 b 50 /b next");
        expect(ganttName("x".repeat(80))).toHaveLength(60);
        expect(ganttName(":;#")).toBe("unnamed");
    });

    it("a hostile reason still gives a chart the strict parser accepts", () => {
        const outputs = { grants: [{ principalId: "11111111-2222-3333-4444-555555555555", access: "read", reason: "x :crit, t9, 2020-01-01\n    section evil; click t1 call alert() %% #35;", expires: "2026-10-20" }] };
        const chart = renderGantt(statusFromOutputs(outputs, "tt02", Date.parse("2026-10-01T00:00:00Z")))!.text;
        const parsed = parseGantt(chart);
        expect(parsed.tasks).toHaveLength(1);
        expect(parsed.tasks[0]).toMatchObject({ section: "access grants", tags: [], start: "2026-10-01", end: "2026-10-21" });
    });

    it("the parser refuses what the chart must never hold", () => {
        const good = ["gantt", "    title t", "    dateFormat YYYY-MM-DD", "    section s", "    key a :t1, 2026-01-01, 2026-02-01"];
        expect(() => parseGantt(good.join("\n"))).not.toThrow();
        for (const bad of ["    key a: b :t2, 2026-01-01, 2026-02-01", "    key a; b :t2, 2026-01-01, 2026-02-01", "    key #a :t2, 2026-01-01, 2026-02-01", "    key a :t1, 2026-01-01, 2026-02-01", "    key a :t2, 2026-02-30, 2026-03-01", "    key a :t2, 2026-03-01, 2026-02-01", "    key a :bold, t2, 2026-01-01, 2026-02-01", "    click t1 call x()"]) {
            expect(() => parseGantt([...good, bad].join("\n")), bad).toThrow();
        }
    });
});

describe("status from outputs that hold secrets", () => {
    it("never reads a value the outputs mark secret, and says which outputs it could not show", () => {
        const cipher = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:AAAA" };
        const outputs = { maskinportenClients: "[secret]", grants: [{ principalId: "11111111-2222-3333-4444-555555555555", access: "read", reason: cipher }], redeploys: [], unmanagedAccess: [] };
        const status = statusFromOutputs(outputs, "tt02", Date.now());
        expect(status.notes).toEqual(["maskinportenClients: marked secret in the stack outputs; not shown"]);
        expect(status.grants[0].reason).toBe("");
        expect(JSON.stringify(status)).not.toMatch(/ciphertext|v1:AAAA|\[secret\]/);
        expect(isSecretMarker(cipher)).toBe(true);
    });

    it("strips control characters from what the outputs say", () => {
        const status = statusFromOutputs({ grants: [{ principalId: "p\u001b[31m", access: "read", reason: "line\none\u2028two" }] }, "tt02", Date.now());
        expect(status.grants[0]).toMatchObject({ principalId: "p [31m", reason: "line one two" });
    });
});
