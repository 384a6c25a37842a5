import { describe, expect, it } from "vitest";
import type { PolicyResource, ReviewContext, Rule } from "../../core/policy/rule";
import { parsePackConfig } from "../../policy/packConfig";
import { ALL_RULES } from "../../policy/rules";
import { TYPES } from "../../core/resourceNames";
import { levelOf } from "../../core/policy/ruleIds";

const P = "11111111-2222-3333-4444-555555555555";
const NOW = new Date("2027-01-29T10:00:00Z").getTime();
const prod: ReviewContext = { environment: "prod", now: NOW };
const tt02: ReviewContext = { environment: "tt02", now: NOW };

const rule = (id: string): Rule => ALL_RULES.find((r) => r.id === id)!;
const res = (type: string, props: Record<string, unknown>, extra: Partial<PolicyResource> = {}): PolicyResource => ({ type, name: "r", id: `${type}::r`, props, protect: false, ...extra });
const grant = (props: Record<string, unknown>) => res(TYPES.accessGrant, { principalId: P, reason: "Developer debugging a problem", ...props });

function details(r: Rule, resource: PolicyResource, context: ReviewContext): string[] | string {
    const v = r.check(resource, context);
    return v.status === "non-compliant" ? v.findings.map((f) => `${levelOf(r.id, f.environment ?? context.environment, f.case)} ${f.detail}`) : v.status;
}

describe("prod-resources-protected", () => {
    const r = rule("prod-resources-protected");
    const policy = (parent?: PolicyResource["parent"]) => res(TYPES.accessPolicy, { policy: { objectId: P } }, parent ? { parent } : {});
    it("accepts an unprotected grant whose AccessGrant has expires, and nothing else unprotected", () => {
        expect(details(r, policy({ type: TYPES.accessGrant, props: { principalId: P, expires: "2027-03-01" } }), prod)).toBe("compliant");
        expect(details(r, policy({ type: TYPES.accessGrant, props: { principalId: P } }), prod)).toEqual(["mandatory Protect::false"]);
        expect(details(r, policy(), prod)).toEqual(["mandatory Protect::false"]);
        const secret = res(TYPES.secret, { secretName: "S--K", tags: { environment: "prod" } }, { parent: { type: TYPES.accessGrant, props: { expires: "2027-03-01" } } });
        expect(details(r, secret, prod)).toEqual(["mandatory Protect::false"]);
    });
});

describe("grant-expiry", () => {
    const r = rule("grant-expiry");
    it("asks for an ended grant's entry to be deleted (listed on KeyVaultAccess)", () => {
        const access = res(TYPES.keyVaultAccess, { expiredGrants: [{ principalId: P, expires: "2027-01-20", reason: "x" }] });
        expect(details(r, access, tt02)).toEqual(["advisory Expired::2027-01-20"]);
        expect(details(r, res(TYPES.keyVaultAccess, {}), tt02)).toBe("compliant");
    });

    it("points out a grant within 7 days of its end, and not earlier", () => {
        expect(details(r, grant({ expires: "2027-02-05" }), prod)).toEqual(["advisory Expires::2027-02-05"]);
        expect(details(r, grant({ expires: "2027-02-06" }), prod)).toBe("compliant");
        expect(details(r, grant({}), prod)).toBe("not-applicable");
    });
});

describe("write-grant-expires", () => {
    const r = rule("write-grant-expires");
    it("applies to prod write grants only", () => {
        expect(details(r, grant({ access: "write" }), tt02)).toBe("not-applicable");
        expect(details(r, grant({ access: "read" }), prod)).toBe("not-applicable");
        expect(details(r, grant({ roleId: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7" }), prod)).toEqual(["mandatory Expires::never"]);
        expect(details(r, grant({ permissions: { secrets: ["get", "set"] } }), prod)).toEqual(["mandatory Expires::never"]);
    });

    it("accepts an end within maxWriteGrantDays (90 unless policy/config.json says otherwise)", () => {
        // 2027-01-29 + 90 days = 2027-04-29
        expect(details(r, grant({ access: "write", expires: "2027-04-29" }), prod)).toBe("compliant");
        expect(details(r, grant({ access: "write", expires: "2027-04-30" }), prod)).toEqual(["mandatory Expires::2027-04-30 (91 days ahead; the limit is 90)"]);
        expect(details(r, grant({ access: "write", expires: "2027-02-28" }), { ...prod, maxWriteGrantDays: 14 })).toEqual(["mandatory Expires::2027-02-28 (30 days ahead; the limit is 14)"]);
    });

    it("lets a long-lived principal listed in policy/config.json keep write access", () => {
        expect(details(r, grant({ access: "write" }), { ...prod, longLivedPrincipals: [{ principalId: P.toUpperCase(), reason: "Deploy pipeline of the org" }] })).toBe("compliant");
    });
});

describe("policy/config.json: maxWriteGrantDays and longLivedPrincipals", () => {
    it("reads both, lower-casing principals", () => {
        const c = parsePackConfig({ maxWriteGrantDays: 30, longLivedPrincipals: [{ principalId: P.toUpperCase(), reason: "Deploy pipeline of the org" }] });
        expect(c.maxWriteGrantDays).toBe(30);
        expect(c.longLivedPrincipals).toEqual([{ principalId: P, reason: "Deploy pipeline of the org" }]);
        expect(parsePackConfig({}).maxWriteGrantDays).toBe(90);
    });

    it("names the bad key in one line", () => {
        expect(() => parsePackConfig({ maxWriteGrantDays: 0 })).toThrow("policy/config.json: maxWriteGrantDays must be a whole number of days from 1 to 3650 (default 90)");
        expect(() => parsePackConfig({ maxWriteGrantDays: "90" })).toThrow("maxWriteGrantDays must be a whole number");
        expect(() => parsePackConfig({ longLivedPrincipals: [P] })).toThrow("policy/config.json: longLivedPrincipals[0] must be an object with principalId and reason");
        expect(() => parsePackConfig({ longLivedPrincipals: [{ principalId: "bob", reason: "Deploy pipeline of the org" }] })).toThrow("longLivedPrincipals[0].principalId must be an Entra object ID (GUID)");
        expect(() => parsePackConfig({ longLivedPrincipals: [{ principalId: P, reason: "ci" }] })).toThrow("longLivedPrincipals[0].reason is shorter than 10 characters");
        expect(() => parsePackConfig({ longLivedPrincipals: [{ principalId: P, reason: "Deploy pipeline", until: "x" }] })).toThrow("longLivedPrincipals[0].until is not a key");
    });
});
