import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { diffGrants, GrantRow } from "../scripts/lib/grantReview";
import { RunResult, runScript } from "./helpers";

const OPS = "11111111-2222-3333-4444-555555555555";
const NEW = "22222222-3333-4444-5555-666666666666";
const GONE = "66666666-7777-8888-9999-000000000000";

function stack(grants: unknown[]): string {
    return stringify({ config: { "altinn-app-secrets:org": "ttd", "altinn-app-secrets:environment": "tt02", "altinn-app-secrets:accessGrants": grants } });
}

function git(dir: string, ...args: string[]): string {
    return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd: dir }).toString().trim();
}

let review: RunResult;
let sameAsBase: RunResult;
let badRef: RunResult;

beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "altinn-review-"));
    git(dir, "init", "-q", "-b", "main");
    writeFileSync(path.join(dir, "Pulumi.tt02.yaml"), stack([
        { principalId: OPS, access: "read", reason: "Operations team reads secrets" },
        { principalId: GONE, access: "read", reason: "Former contractor, leaving" },
    ]));
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "grants");
    writeFileSync(path.join(dir, "Pulumi.tt02.yaml"), stack([
        { principalId: OPS, access: "write", reason: "Operations team now rotates secrets" },
        { principalId: NEW, access: "read", reason: "New monitoring identity" },
    ]));
    git(dir, "commit", "-q", "-am", "widen");
    [review, sameAsBase, badRef] = await Promise.all([
        runScript("scripts/review.ts", ["--stack", "tt02", "--config-dir", dir, "--base", "HEAD~1"]),
        runScript("scripts/review.ts", ["--stack", "tt02", "--config-dir", dir, "--base", "HEAD"]),
        runScript("scripts/review.ts", ["--stack", "tt02", "--config-dir", dir, "--base", "no-such-branch"]),
    ]);
});

describe("npm run review against a real git history", () => {
    it("prints every grant with access, reason and findings as a Markdown table", () => {
        expect(review.code).toBe(0);
        expect(review.stdout).toContain("| vault | principal | access | reason | findings |");
        expect(review.stdout).toContain(`| ttd-tt02-apps-kv | \`${OPS}\` | write (secrets: get, list, set, delete) | Operations team now rotates secrets | **advisory** write-access-reviewed: Access::write |`);
        expect(review.stdout).toContain(`| ttd-tt02-apps-kv | \`${NEW}\` | read (secrets: get, list) | New monitoring identity | none |`);
    });

    it("shows the widening, the addition and the removal compared with the base", () => {
        expect(review.stdout).toContain("### Changes compared with `HEAD~1`");
        expect(review.stdout).toContain(`| **widened** | ttd-tt02-apps-kv | \`${OPS}\` | read (secrets: get, list) | write (secrets: get, list, set, delete) | secrets:delete, secrets:set |  |`);
        expect(review.stdout).toContain(`| **added** | ttd-tt02-apps-kv | \`${NEW}\` |  | read (secrets: get, list) | secrets:get, secrets:list |  |`);
        expect(review.stdout).toContain(`| removed | ttd-tt02-apps-kv | \`${GONE}\` | read (secrets: get, list) |  |  | secrets:get, secrets:list |`);
    });

    it("says so when nothing changed, and refuses an unknown ref in one line", () => {
        expect(sameAsBase.stdout).toContain("No grant is added, removed or changed.");
        expect(badRef.code).toBe(2);
        expect(badRef.stderr.trim().split("\n")).toHaveLength(1);
        expect(badRef.stderr).toContain('--base: "no-such-branch" is not a commit');
    });
});

describe("diffGrants", () => {
    const row = (capabilities: string[], access = "x", reason = "Some reason here"): GrantRow => ({ vault: "v", principalId: OPS, access, capabilities, reason });
    it("calls a role swap that gains and loses 'changed', and a reason-only edit 'reason changed'", () => {
        expect(diffGrants([row(["a"])], [row(["b"])])[0]).toMatchObject({ kind: "changed", gained: ["b"], lost: ["a"] });
        expect(diffGrants([row(["a", "b"])], [row(["a"])])[0].kind).toBe("narrowed");
        expect(diffGrants([row(["a"])], [row(["a"], "x", "Another reason")])[0].kind).toBe("reason changed");
        expect(diffGrants([row(["a"])], [row(["a"])])).toEqual([]);
    });
});
