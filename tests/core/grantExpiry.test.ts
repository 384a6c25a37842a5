import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../../core/config/parse";
import { expiryEnd, expiryText, grantDaysLeft, isExpired, normalizeExpires, partitionByExpiry } from "../../core/vault/grantExpiry";
import { configErrors, rawConfig } from "../support/helpers";

const P = "11111111-2222-3333-4444-555555555555";
const at = (iso: string) => new Date(iso).getTime();

function errorsOf(expires: unknown): string[] {
    return configErrors(rawConfig({ org: "ttd", environment: "tt02", accessGrants: [{ principalId: P, access: "read", reason: "Developer debugging a problem", expires }] }));
}

describe("accessGrants[].expires in the stack file", () => {
    it("accepts a date and keeps it as YYYY-MM-DD", () => {
        const c = parseStackConfig(rawConfig({ org: "ttd", environment: "tt02", accessGrants: [{ principalId: P, access: "read", reason: "Developer debugging a problem", expires: "2027-01-31" }] }));
        expect(c.accessGrants[0].expires).toBe("2027-01-31");
    });

    it("accepts what a YAML 1.1 reader makes of an unquoted date once it went through JSON (midnight UTC)", () => {
        // Pulumi reads stack files as YAML 1.1; the offline plan as 1.2. Both must arrive at the same day.
        const yaml11 = parse("expires: 2027-01-31", { version: "1.1" }) as { expires: unknown };
        expect(yaml11.expires).toBeInstanceOf(Date);
        expect(normalizeExpires(yaml11.expires)).toBe("2027-01-31");
        expect(normalizeExpires(JSON.parse(JSON.stringify(yaml11)).expires)).toBe("2027-01-31");
        expect(errorsOf(JSON.parse(JSON.stringify(yaml11)).expires)).toEqual([]);
        expect((parse("expires: 2027-01-31") as { expires: unknown }).expires).toBe("2027-01-31");
    });

    it.each([
        ["2027-02-30", 'accessGrants[0].expires: "2027-02-30" is not a real date; write YYYY-MM-DD, e.g. 2027-01-31 (the grant ends at the end of that day, UTC)'],
        ["2027-13-01", 'accessGrants[0].expires: "2027-13-01" is not a real date; write YYYY-MM-DD, e.g. 2027-01-31 (the grant ends at the end of that day, UTC)'],
        ["31.01.2027", 'accessGrants[0].expires: "31.01.2027" is not a date; write YYYY-MM-DD, e.g. 2027-01-31 (the grant ends at the end of that day, UTC)'],
        ["2027-01-31T12:00:00Z", 'accessGrants[0].expires: "2027-01-31T12:00:00Z" is not a date; write YYYY-MM-DD, e.g. 2027-01-31 (the grant ends at the end of that day, UTC)'],
        [20270131, "accessGrants[0].expires: must be a date YYYY-MM-DD, got number 20270131"],
    ])("refuses %j with one line naming the key", (value, line) => {
        expect(errorsOf(value)).toEqual([line]);
    });
});

describe("when a grant ends", () => {
    it("ends at the end of its day, UTC", () => {
        expect(expiryEnd("2027-01-31")).toBe(at("2027-02-01T00:00:00Z"));
        expect(isExpired("2027-01-31", at("2027-01-31T23:59:59Z"))).toBe(false);
        expect(isExpired("2027-01-31", at("2027-02-01T00:00:00Z"))).toBe(true);
    });

    it("counts whole days left: 0 on the last day, negative after", () => {
        expect(grantDaysLeft("2027-01-31", at("2027-01-31T08:00:00Z"))).toBe(0);
        expect(grantDaysLeft("2027-01-31", at("2027-01-30T08:00:00Z"))).toBe(1);
        expect(grantDaysLeft("2027-01-31", at("2027-01-01T00:00:00Z"))).toBe(31);
        expect(grantDaysLeft("2027-01-31", at("2027-02-01T08:00:00Z"))).toBe(-1);
    });

    it("leaves grants without expires declared, and moves ended ones out", () => {
        const grants = [{ id: "a" }, { id: "b", expires: "2027-01-31" }, { id: "c", expires: "2027-01-30" }];
        const { declared, expired } = partitionByExpiry(grants, at("2027-01-31T10:00:00Z"));
        expect(declared.map((g) => g.id)).toEqual(["a", "b"]);
        expect(expired.map((g) => g.id)).toEqual(["c"]);
    });

    it("reads as a person says it", () => {
        const now = at("2027-01-29T10:00:00Z");
        expect(expiryText(undefined, now)).toBeUndefined();
        expect(expiryText("2027-01-28", now)).toBe("expired on 2027-01-28: removed at the next pulumi up");
        expect(expiryText("2027-01-29", now)).toBe("expires today (2027-01-29, end of day UTC)");
        expect(expiryText("2027-01-30", now)).toBe("expires in 1 day (2027-01-30)");
        expect(expiryText("2027-02-05", now)).toBe("expires in 7 days (2027-02-05)");
        expect(expiryText("2027-03-01", now)).toBe("expires 2027-03-01 (31 days left)");
    });
});
