/**
 * `npm run review -- --base <ref>` when the base's stack file is invalid (exit 2, not "new"), and
 * the review's output forms: Markdown, terminal text (no Markdown escapes), and --json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { RunResult, runPlan, runReview } from "../support/helpers";
import { fitWidth, InputError } from "../../scripts/cli/cli";
import { readBasePack } from "../../scripts/offline/baseStack";
import { DEFAULT_PACK_CONFIG } from "../../policy/packConfig";
import { markdownToText } from "../../scripts/review/terminalText";

const OPS = "11111111-2222-3333-4444-555555555555";
const NEW = "22222222-3333-4444-5555-666666666666";

const stack = (org: string, grants: unknown[]) =>
    stringify({ config: { "altinn-app-secrets:org": org, "altinn-app-secrets:environment": "tt02", "altinn-app-secrets:accessGrants": grants } });
const grant = (principalId: string, reason: string) => ({ principalId, access: "read", reason });

function git(dir: string, ...args: string[]): void {
    execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd: dir });
}

/** A repository whose history holds `base` as Pulumi.tt02.yaml (or no file), then `head`. */
function history(base: string | undefined, head: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "altinn-review-base-"));
    git(dir, "init", "-q", "-b", "main");
    writeFileSync(path.join(dir, "README"), "x\n");
    if (base !== undefined) writeFileSync(path.join(dir, "Pulumi.tt02.yaml"), base);
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "base");
    writeFileSync(path.join(dir, "Pulumi.tt02.yaml"), head);
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "head");
    return dir;
}

const HEAD = stack("ttd", [grant(OPS, "Operations team reads secrets"), grant(NEW, "Uses `kubectl` and [brackets] | pipes")]);

let invalidConfig: RunResult;
let invalidYaml: RunResult;
let noFile: RunResult;
let asText: RunResult;
let asMarkdown: RunResult;
let asJson: RunResult;

beforeAll(async () => {
    const review = (dir: string, ...extra: string[]) => runReview(["--stack", "tt02", "--config-dir", dir, "--base", "HEAD~1", ...extra]);
    const fine = history(stack("ttd", [grant(OPS, "Operations team reads secrets")]), HEAD);
    [invalidConfig, invalidYaml, noFile, asText, asMarkdown, asJson] = await Promise.all([
        review(history(stack("TTD", [grant("bob", "Operations team reads secrets")]), HEAD)),
        review(history("config: [unclosed\n", HEAD)),
        review(history(undefined, HEAD), "--format", "text"),
        review(fine, "--format", "text"),
        review(fine, "--format", "markdown"),
        review(fine, "--json"),
    ]);
}, 60_000);

describe("review --base that cannot be compared", () => {
    it("says so when the stack file is in no git repository at all, and refuses --json with --format", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "no-git-"));
        writeFileSync(path.join(dir, "Pulumi.tt02.yaml"), HEAD);
        const run = await runReview(["--stack", "tt02", "--config-dir", dir, "--base", "main"]);
        expect(run.code).toBe(2);
        expect(run.stderr.trim()).toBe(`--base: ${dir} is not in a git repository, so there is no "main" to compare with (commit the stack file, or leave out --base)`);
        const both = await runReview(["--stack", "tt02", "--config-dir", dir, "--json", "--format", "text"]);
        expect(both.code).toBe(2);
        expect(JSON.parse(both.stdout)).toEqual({ exitCode: 2, errors: ["--format and --json cannot be combined; choose one"] });
    });
});

describe("review --base with an invalid stack file at the base", () => {
    it("exits 2 saying the base's stack file is invalid and why, every problem on its own line", () => {
        expect(invalidConfig.code).toBe(2);
        expect(invalidConfig.stdout).toBe("");
        expect(invalidConfig.stderr.trim().split("\n")).toEqual([
            '--base: Pulumi.tt02.yaml at HEAD~1 is invalid: org: "TTD" is not a service owner code (lower-case letters and digits, 2-20, e.g. "ttd")',
            '--base: Pulumi.tt02.yaml at HEAD~1 is invalid: accessGrants[0].principalId: "bob" is not an Entra object ID (GUID)',
        ]);
        expect(invalidYaml.code).toBe(2);
        expect(invalidYaml.stderr).toMatch(/^--base: Pulumi\.tt02\.yaml at HEAD~1 is invalid: not valid YAML \(/);
    });

    it("compares with an empty stack only when the file does not exist at the base", () => {
        expect(noFile.code).toBe(0);
        expect(noFile.stdout).toContain("Pulumi.tt02.yaml does not exist at HEAD~1: everything in it is new.");
    });
});

describe("review output", () => {
    it("escapes user text as entities only in Markdown; a terminal gets the text itself", () => {
        expect(asMarkdown.stdout).toContain("Uses &#96;kubectl&#96; and &#91;brackets&#93; &#124; pipes");
        expect(asText.code).toBe(0);
        expect(asText.stdout).not.toMatch(/&#\d+;|\*\*|<br>/);
        expect(asText.stdout).toContain(`- vault: ttd-tt02-apps-kv\n  principal: \`${NEW}\`\n  access: read (secrets: get, list)\n  reason: Uses \`kubectl\` and [brackets] | pipes\n  findings: none`);
    });

    it("as text, it fits a narrow terminal once wrapped (tables become short blocks)", () => {
        for (const width of [100, 60]) expect(fitWidth(markdownToText(asMarkdown.stdout), width).split("\n").filter((l) => l.length > width)).toEqual([]);
    });

    it("--json prints the review as one object: grants, findings and the change against the base", () => {
        expect(asJson.code).toBe(0);
        const review = JSON.parse(asJson.stdout) as { stack: string; rows: { principalId: string }[]; base: { ref: string; rows: unknown[] } };
        expect(review.stack).toBe("tt02");
        expect(review.rows.map((r) => r.principalId)).toEqual([OPS, NEW]);
        expect(review.base.ref).toBe("HEAD~1");
        expect(review.base.rows).toHaveLength(1);
    });
});

describe("review --base with policy/config.json at the base", () => {
    /** A repository whose first commit holds `pack` as policy/config.json (or none), then a second commit. */
    function packHistory(pack: string | undefined): string {
        const dir = mkdtempSync(path.join(tmpdir(), "altinn-review-pack-"));
        git(dir, "init", "-q", "-b", "main");
        mkdirSync(path.join(dir, "policy"));
        writeFileSync(path.join(dir, "README"), "x\n");
        if (pack !== undefined) writeFileSync(path.join(dir, "policy", "config.json"), pack);
        git(dir, "add", ".");
        git(dir, "commit", "-q", "-m", "base");
        writeFileSync(path.join(dir, "policy", "config.json"), "{}\n");
        git(dir, "add", ".");
        git(dir, "commit", "-q", "-m", "head");
        return dir;
    }

    it("refuses one that is not valid JSON or not a valid config, exit 2: the defaults would show changes nobody made", () => {
        for (const [pack, why] of [
            ["{ not json", "policy/config.json at HEAD~1: not valid JSON"],
            ['{"maxWriteGrantDays": -3}', "policy/config.json at HEAD~1: maxWriteGrantDays must be a whole number"],
        ]) {
            const dir = packHistory(pack);
            let error: unknown;
            try {
                readBasePack(dir, dir, "HEAD~1");
            } catch (e) {
                error = e;
            }
            expect(error).toBeInstanceOf(InputError);
            expect((error as InputError).lines[0]).toContain(`--base: ${why}`);
            expect((error as InputError).lines[0]).toContain("compare with another --base");
        }
    });

    it("reads a valid one, and takes the defaults only when there was none", () => {
        const valid = packHistory('{"maxWriteGrantDays": 30}\n');
        expect(readBasePack(valid, valid, "HEAD~1").pack?.maxWriteGrantDays).toBe(30);
        const none = packHistory(undefined);
        expect(readBasePack(none, none, "HEAD~1")).toEqual({ pack: DEFAULT_PACK_CONFIG, document: {} });
    });
});

describe("a config key given both bare and with its namespace", () => {
    const both = [
        "config:",
        "  altinn-app-secrets:org: ttd",
        "  altinn-app-secrets:environment: tt02",
        "  altinn-app-secrets:accessGrants:",
        `    - { principalId: ${OPS}, access: read, reason: Operations team reads secrets }`,
        `    - { principalId: ${NEW}, access: write, reason: Someone who should not write }`,
        "  accessGrants:",
        `    - { principalId: ${OPS}, access: read, reason: Operations team reads secrets }`,
        "",
    ].join("\n");
    const line = 'config: "altinn-app-secrets:accessGrants" and "accessGrants" are the same key, given twice; keep one';

    it("is refused by the plan and the review, exit 2, naming both spellings (neither reading is guessed)", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "altinn-both-"));
        writeFileSync(path.join(dir, "Pulumi.tt02.yaml"), both);
        const [plan, review] = await Promise.all([runPlan(["--stack", "tt02", "--config-dir", dir]), runReview(["--stack", "tt02", "--config-dir", dir])]);
        for (const run of [plan, review]) {
            expect(run.code).toBe(2);
            expect(run.stderr.trim()).toBe(line);
        }
    });

    it("at the base, makes the base invalid: the review does not compare with one reading of it", async () => {
        const run = await runReview(["--stack", "tt02", "--config-dir", history(both, HEAD), "--base", "HEAD~1"]);
        expect(run.code).toBe(2);
        expect(run.stderr.trim()).toBe(`--base: Pulumi.tt02.yaml at HEAD~1 is invalid: ${line}`);
    });
});
