/**
 * Grants that end by themselves (`accessGrants[].expires`), through the real program under mocks:
 * an ended grant is no longer declared, an ending one is declared without protect even in prod,
 * and the policy says what to do about each.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Evaluation } from "../../scripts/offline/evaluate";
import type { Finding } from "../../policy/evaluate";
import { MOCK_CLIENT_CONFIG } from "../../scripts/offline/mocks";
import { ROOT, writeStacks } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

const NOW = new Date("2027-01-29T12:00:00Z");
const ENDED = "11111111-1111-4111-8111-111111111111";
const ENDING = "22222222-2222-4222-8222-222222222222";
const WRITER_OK = "33333333-3333-4333-8333-333333333333";
const WRITER_FOREVER = "44444444-4444-4444-8444-444444444444";
const WRITER_TOO_LONG = "55555555-5555-4555-8555-555555555555";
const PERMANENT = "66666666-6666-4666-8666-666666666666";

const stack = {
    org: "ttd",
    environment: "prod",
    keyVault: { authorization: "accessPolicy" },
    accessGrants: [
        { principalId: ENDED, access: "read", reason: "Developer debugging a token problem", expires: "2027-01-28" },
        { principalId: ENDING, access: "read", reason: "Developer checking the new client", expires: "2027-02-01" },
        { principalId: WRITER_OK, access: "write", reason: "Developer rotating a key by hand", expires: "2027-03-31" },
        { principalId: WRITER_FOREVER, access: "write", reason: "Developer who asked for write access" },
        { principalId: WRITER_TOO_LONG, access: "write", reason: "Developer with a long write grant", expires: "2027-12-31" },
        { principalId: PERMANENT, access: "read", reason: "Operations team, reviewed yearly" },
    ],
};

let ev: Evaluation;
let findings: Finding[];

beforeAll(async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    const { evaluateStack } = await import("../../scripts/offline/evaluate");
    const { planFindings } = await import("../../scripts/offline/findings");
    // The vault as Azure has it before this up: every grant, the ended one included.
    const tenantId = MOCK_CLIENT_CONFIG.tenantId;
    const accessPolicies = stack.accessGrants.map((g) => ({ tenantId, objectId: g.principalId, permissions: { secrets: g.access === "write" ? ["get", "list", "set", "delete"] : ["get", "list"] } }));
    ev = await evaluateStack(ROOT, "prod", writeStacks({ prod: stack }), { vault: { tenantId, enableRbacAuthorization: false, accessPolicies } });
    findings = planFindings(ev);
});
afterAll(() => {
    vi.useRealTimers();
});

const grantComponent = (principalId: string) => ev.resources.find((r) => r.type === TYPES.accessGrant && r.inputs.principalId === principalId);
const childOf = (principalId: string) => ev.resources.find((r) => r.parent === grantComponent(principalId)?.urn);
const of = (policy: string, principalId: string) => findings.filter((f) => f.policy === policy && f.principalId === principalId);

describe("a grant whose expires date has passed", () => {
    it("is no longer declared, so the next up removes it, and is listed for the policy and in the outputs", () => {
        expect(grantComponent(ENDED)).toBeUndefined();
        expect(ev.resources.filter((r) => r.type === TYPES.accessPolicy)).toHaveLength(5);
        const access = ev.resources.find((r) => r.type === TYPES.keyVaultAccess)!;
        expect(access.inputs.expiredGrants).toEqual([{ principalId: ENDED, expires: "2027-01-28", reason: "Developer debugging a token problem" }]);
        expect(ev.outputs.expiredGrants).toEqual([{ principalId: ENDED, expires: "2027-01-28", reason: "Developer debugging a token problem" }]);
        expect((ev.outputs.grants as { principalId: string }[]).map((g) => g.principalId)).not.toContain(ENDED);
    });

    it("gets an advisory finding asking for the entry to be deleted", () => {
        expect(of("grant-expiry", ENDED)).toEqual([expect.objectContaining({ level: "advisory", detail: "Expired::2027-01-28" })]);
        expect(of("grant-expiry", ENDED)[0].message).toContain(`removed at the next pulumi up. (principal ${ENDED}) To fix: delete its accessGrants entry`);
    });

    it("leaves access in the vault that the audit shows with the grant's date, advisory: never counted as managed", () => {
        // Until the up removes it, and if it is found again after that up (granted again in the
        // portal), the access is shown; it never blocks the up that removes it.
        expect(ev.resources.find((r) => r.type === TYPES.vaultAudit)!.inputs.status).not.toBe("offline");
        expect(ev.outputs.unmanagedAccess).toEqual([{ principalId: ENDED, permissions: { secrets: ["get", "list"] }, source: "accessPolicy", expiredGrant: "2027-01-28" }]);
        expect(findings.filter((f) => f.policy === "unmanaged-access")).toEqual([
            expect.objectContaining({
                level: "advisory",
                principalId: ENDED,
                detail: "Access::access policy (secrets: get,list) of a grant that expired on 2027-01-28: the next pulumi up removes it; found after that up, it was granted again outside the stack",
            }),
        ]);
    });
});

describe("a grant that ends by itself, in prod", () => {
    it("is declared without protect (component and Azure resource), while a permanent grant stays protected", () => {
        for (const id of [ENDING, WRITER_OK, WRITER_TOO_LONG]) {
            expect(grantComponent(id)!.protect, id).toBe(false);
            expect(childOf(id)!.protect, id).toBe(false);
            expect(grantComponent(id)!.inputs.expires, id).toMatch(/^2027-/);
        }
        expect(grantComponent(PERMANENT)!.protect).toBe(true);
        expect(childOf(PERMANENT)!.protect).toBe(true);
        expect(grantComponent(PERMANENT)!.inputs).not.toHaveProperty("expires");
    });

    it("is accepted by prod-resources-protected, which still flags nothing else", () => {
        expect(findings.filter((f) => f.policy === "prod-resources-protected")).toEqual([]);
    });

    it("is pointed out within 7 days of its end", () => {
        expect(of("grant-expiry", ENDING)).toEqual([expect.objectContaining({ level: "advisory", detail: "Expires::2027-02-01" })]);
        expect(of("grant-expiry", ENDING)[0].message).toContain("expires in 3 days (2027-02-01, end of day UTC)");
        expect(of("grant-expiry", WRITER_OK)).toEqual([]);
    });

    it("exports its expiry with the grant", () => {
        expect((ev.outputs.grants as { principalId: string; expires?: string }[]).find((g) => g.principalId === ENDING)!.expires).toBe("2027-02-01");
    });
});

describe("write grants in prod", () => {
    it("must end within maxWriteGrantDays (90): none or a later date is mandatory", () => {
        expect(of("write-grant-expires", WRITER_OK)).toEqual([]);
        expect(of("write-grant-expires", WRITER_FOREVER)).toEqual([expect.objectContaining({ level: "mandatory", detail: "Expires::never" })]);
        expect(of("write-grant-expires", WRITER_TOO_LONG)).toEqual([
            expect.objectContaining({ level: "mandatory", detail: "Expires::2027-12-31 (336 days ahead; the limit is 90)" }),
        ]);
        expect(of("write-grant-expires", WRITER_FOREVER)[0].message).toContain("or list the principal in policy/config.json longLivedPrincipals with a reason");
        expect(of("write-grant-expires", PERMANENT)).toEqual([]);
    });
});

describe("the plan and the review", () => {
    it("show an ended grant as removed at the next up, and an ending one with its days left and why it is unprotected", async () => {
        const { buildReport } = await import("../../scripts/plan/report");
        const { renderText } = await import("../../scripts/plan/renderText");
        const report = buildReport(ev, findings);
        expect(report.expiredGrants).toEqual([{ principalId: ENDED, expires: "2027-01-28", reason: "Developer debugging a token problem" }]);
        expect(report.grants.find((g) => g.principalId === ENDING)).toMatchObject({ expires: "2027-02-01", protect: false });
        const text = renderText(report);
        expect(text).toContain(`  ended: ${ENDED}: expired on 2027-01-28: removed at the next pulumi up;\n    delete its accessGrants entry`);
        expect(text).toContain("        expires in 3 days (2027-02-01); not protected, so that up can remove it");
        expect(text).toContain("        expires 2027-03-31 (61 days left); not protected, so that up can remove it");
        for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    });

    it("review: each grant's expiry in its row, with the finding and why prod does not protect it", async () => {
        const { grantRows } = await import("../../scripts/review/grantReview");
        const { renderReview } = await import("../../scripts/review/render");
        const md = renderReview({ stack: "prod", org: "ttd", environment: "prod", rows: grantRows(ev.config), findings });
        const row = (id: string) => md.split("\n").find((l) => l.includes(`\`${id}\``))!;
        const finding = (rule: string, id: string) => md.split("\n").find((l) => l.includes(`| ${rule} | principal ${id} |`))!;
        expect(row(ENDED)).toContain("expired on 2027-01-28: removed at the next pulumi up");
        expect(row(ENDED)).toContain("**advisory** grant-expiry");
        expect(finding("grant-expiry", ENDED)).toContain("It expired on 2027-01-28: removed at the next pulumi up.");
        expect(row(ENDING)).toContain("expires in 3 days (2027-02-01)<br>not protected: the up after that date removes it");
        expect(row(PERMANENT)).not.toContain("expires");
        expect(row(WRITER_FOREVER)).toContain("**mandatory** write-grant-expires");
        expect(finding("write-grant-expires", WRITER_FOREVER)).toContain("It has no expires.");
    });
});

describe("the review's comparison", () => {
    it("shows an expiry added, moved or removed as its own change, a later or no end in bold", async () => {
        const { diffGrants } = await import("../../scripts/review/grantReview");
        const row = (expires?: string) => ({ vault: "v", principalId: ENDING, access: "read", capabilities: ["secrets:get"], reason: "Developer checking", ...(expires ? { expires } : {}) });
        expect(diffGrants([row()], [row("2027-02-01")])[0].kind).toBe("expiry shortened");
        expect(diffGrants([row("2027-02-01")], [row("2027-01-30")])[0].kind).toBe("expiry shortened");
        expect(diffGrants([row("2027-02-01")], [row("2027-03-01")])[0].kind).toBe("expiry extended");
        expect(diffGrants([row("2027-02-01")], [row()])[0].kind).toBe("expiry extended");
        expect(diffGrants([row("2027-02-01")], [row("2027-02-01")])).toEqual([]);
        const { renderReview } = await import("../../scripts/review/render");
        const md = renderReview({ stack: "prod", org: "ttd", environment: "prod", rows: [row()], findings: [], base: { ref: "main", rows: [row("2027-02-01")] } });
        expect(md).toContain(`| **expiry extended** | v | \`${ENDING}\` | read<br>expires 2027-02-01 | read<br>no expiry |`);
    });

    it("does not let a small narrowing hide a later or no end: the change is bold and says both", async () => {
        const { diffGrants } = await import("../../scripts/review/grantReview");
        const { renderReview } = await import("../../scripts/review/render");
        const before = { vault: "v", principalId: ENDING, access: "custom (secrets: get, list)", capabilities: ["secrets:get", "secrets:list"], reason: "Developer checking", expires: "2027-02-01" };
        const after = { ...before, access: "custom (secrets: get)", capabilities: ["secrets:get"], expires: undefined };
        expect(diffGrants([before], [after])[0].kind).toBe("narrowed, expiry extended");
        const md = renderReview({ stack: "prod", org: "ttd", environment: "prod", rows: [after], findings: [], base: { ref: "main", rows: [before] } });
        expect(md).toContain(`| **narrowed, expiry extended** | v | \`${ENDING}\` | custom (secrets: get, list)<br>expires 2027-02-01 | custom (secrets: get)<br>no expiry |`);
    });
});
