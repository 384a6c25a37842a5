/**
 * Hostile stack-file changes that must not pass the review unseen (issue 20, second pass): each
 * builds a real git history and runs `npm run review -- --base` in-process.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runReview } from "../support/helpers";

function git(dir: string, ...args: string[]): void {
    execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd: dir });
}

/** A repository whose history holds `base`, then `head`, as Pulumi.<stack>.yaml (YAML text). */
function history(stack: string, base: string, head: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "altinn-review-hostile-"));
    git(dir, "init", "-q", "-b", "main");
    writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), base);
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "base");
    writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), head);
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "head");
    return dir;
}

const review = (stack: string, base: string, head: string) => runReview(["--stack", stack, "--config-dir", history(stack, base, head), "--base", "HEAD~1", "--format", "markdown"]);
const stackText = (config: Record<string, unknown>) => stringify({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `altinn-app-secrets:${k}`, v])) });
const guid = (i: number) => `${i.toString(16).padStart(8, "0")}-2222-4333-8444-555555555555`;
const LAST = "ffffffff-2222-4333-8444-555555555555";

describe("a change that pushes the review past one comment", () => {
    it("still names a widened grant before the cut", async () => {
        // 99 grants whose reasons each escape to some 2,500 characters of Markdown: the full grant table alone is past the cut.
        const grants = Array.from({ length: 99 }, (_, i) => ({ principalId: guid(i), access: "read", reason: `Team ${i} ${"_".repeat(480)}` }));
        const base = stackText({ org: "ttd", environment: "tt02", accessGrants: [...grants, { principalId: LAST, access: "read", reason: "Operations team reads secrets" }] });
        const head = stackText({ org: "ttd", environment: "tt02", accessGrants: [...grants, { principalId: LAST, access: "write", reason: "Operations team reads secrets" }] });
        const r = await review("tt02", base, head);
        expect(r.stderr).toBe("");
        expect(r.stdout).toContain("The review is cut here");
        expect(r.stdout).toContain(LAST);
        expect(r.stdout).toMatch(/widened/);
    }, 60_000);
});

describe("a flood of rows in the summary", () => {
    it("lists a stack-wide setting before a hundred new grants and suppressions and forty secrets", async () => {
        const grants = Array.from({ length: 100 }, (_, i) => ({ principalId: guid(i), access: "read", reason: `Team ${i} reads the secrets` }));
        const suppressions = grants.map((g) => ({ rule: "principal-allowlisted", principalId: g.principalId, reason: "Known team, ticket 1234" }));
        const base = stackText({ org: "ttd", environment: "tt02" });
        const appSecrets = Array.from({ length: 40 }, (_, i) => ({ section: `Generated${i}`, key: "Value", generate: {}, apps: ["app-a"] }));
        const head = stackText({ org: "ttd", environment: "tt02", keyVault: { tenantId: LAST }, accessGrants: grants, suppressions, appSecrets });
        const r = await review("tt02", base, head);
        expect(r.stderr).toBe("");
        const summary = r.stdout.slice(0, r.stdout.indexOf("### Findings"));
        expect(summary).toContain("changed: keyVault.tenantId");
    }, 60_000);
});

describe("a principal spelled in another case", () => {
    it("is a row, and in prod a replaced protected role assignment", async () => {
        const grant = (principalId: string) => ({ principalId, principalType: "Group", access: "read", reason: "Operations team reads secrets" });
        const prod = (principalId: string) => stackText({ org: "ttd", environment: "prod", keyVault: { authorization: "rbac" }, accessGrants: [grant(principalId)] });
        const r = await review("prod", prod("abcdef11-2222-4333-8444-555555555555"), prod("ABCDEF11-2222-4333-8444-555555555555"));
        expect(r.stderr).toBe("");
        expect(r.stdout).toContain("principalId as sent to Azure");
        expect(r.stdout).toContain("Deletions under protect");
    }, 60_000);
});
