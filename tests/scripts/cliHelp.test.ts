/**
 * Every command's `--help` and text output: within the terminal's width, exit codes that the
 * command returns, a "did you mean" for a mistyped flag, and JSON errors with `--json`. In-process.
 */
import { describe, expect, it } from "vitest";
import { CliSpec, executeCli, exitCodesOf, fitWidth, problemLines, terminalWidth, usage, wrap } from "../../scripts/cli/cli";
import { PLAN_CLI } from "../../scripts/plan/planCli";
import { REVIEW_CLI } from "../../scripts/review/reviewCli";
import { ADOPT_CLI } from "../../scripts/adopt/adoptCli";
import { DOCS_CLI } from "../../scripts/docs/main";
import { BENCH_CLI } from "../../scripts/bench/main";
import { STATUS_CLI, statusMain } from "../../scripts/status/statusCli";
import { runPlan, runReview } from "../support/helpers";

const SPECS: CliSpec[] = [PLAN_CLI, REVIEW_CLI, ADOPT_CLI, DOCS_CLI, BENCH_CLI, STATUS_CLI];

const longest = (text: string) => Math.max(...text.split("\n").map((l) => l.length));

describe("--help", () => {
    it.each([100, 80, 60, 40])("fits %i columns for every command", (width) => {
        for (const spec of SPECS) expect(longest(usage(spec, width)), spec.command).toBeLessThanOrEqual(width);
    });

    it("uses the terminal's width, and 100 when stdout is not a terminal", () => {
        expect(terminalWidth({ isTTY: true, columns: 72 })).toBe(72);
        expect(terminalWidth({ isTTY: false, columns: 72 })).toBe(100);
        expect(terminalWidth({})).toBe(100);
        expect(longest(wrap("word ".repeat(40).trim(), "  lead: ", 8, 50).join("\n"))).toBeLessThanOrEqual(50);
    });

    it("lists every exit code the command returns, once, and no other", async () => {
        for (const spec of SPECS) {
            const text = usage(spec, 100);
            const listed = text.slice(text.indexOf("\nexit codes:\n")).split("\n").map((l) => /^ {2}(\d) {2}/.exec(l)?.[1]).filter(Boolean).map(Number);
            expect(listed, spec.command).toEqual(exitCodesOf(spec).map(([code]) => code));
            expect(listed.filter((c) => c === 1).length, spec.command).toBe(spec.exitCodes[1] === undefined ? 0 : 1);
            expect(text.match(/exit codes/g), spec.command).toHaveLength(1);
        }
        // 2 and 3 are what executeCli itself returns for every command.
        const spec: CliSpec = { command: "x", summary: "x", options: {}, exitCodes: { 0: "ok" } };
        expect((await executeCli(spec, async () => ({ code: 0 }), ["--nope"])).code).toBe(2);
        expect((await executeCli(spec, async () => Promise.reject(new Error("boom")), [])).code).toBe(3);
    });

    it("ends with no code its --help does not list: one that would is reported as the bug it is, exit 3", async () => {
        const spec: CliSpec = { command: "npm run x", summary: "x", options: {}, exitCodes: { 0: "ok" } };
        const one = await executeCli(spec, async () => ({ code: 1, output: "findings" }), []);
        expect(one.code).toBe(3);
        expect(one.stderr.trim()).toBe("npm run x failed: it ended with exit code 1, which its --help does not list (a bug; please report it)");
        expect(one.stdout).toBe("");
        const withOne: CliSpec = { ...spec, exitCodes: { 0: "ok", 1: "findings" } };
        expect(await executeCli(withOne, async () => ({ code: 1, output: "findings" }), [])).toEqual({ code: 1, stdout: "findings\n", stderr: "" });
    });
});

describe("a mistyped flag", () => {
    it("gets a did-you-mean naming the closest flag of that command", async () => {
        const run = await executeCli(PLAN_CLI, async () => ({ code: 0 }), ["--stak", "tt02"]);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/^Unknown option '--stak' \(did you mean --stack\?\); usage: npm run plan -- /);
        const far = await executeCli(PLAN_CLI, async () => ({ code: 0 }), ["--colour"]);
        expect(far.stderr).not.toContain("did you mean");
        const adopt = await executeCli(ADOPT_CLI, async () => ({ code: 0 }), ["--stack", "tt02", "--vault-jsn", "v.json"]);
        expect(adopt.stderr).toContain("(did you mean --vault-json?)");
    });
});

describe("text output", () => {
    it("wraps a long line at the width, keeping its indent and list marker", () => {
        const out = fitWidth(`short\n  1. ${"word ".repeat(30).trim()}\n    ${"x".repeat(10)}`, 40);
        expect(longest(out)).toBeLessThanOrEqual(40);
        expect(out.split("\n")[1]).toMatch(/^ {2}1\. word/);
        expect(out.split("\n")[2]).toMatch(/^ {5}word/);
    });

    it("keeps a diff's + or - on every part of a wrapped change, and no marker on context or on a list outside a hunk", () => {
        const words = "word ".repeat(12).trim();
        const out = fitWidth(`@@ line 7\n  ${words}\n-     reason: ${words}\n+     reason: ${words}\n\n- ${words}`, 40).split("\n");
        expect(out.every((l) => l.length <= 40)).toBe(true);
        const part = (marker: string) => out.filter((l) => l.startsWith(marker) && !l.startsWith(`${marker}     reason:`));
        expect(part("-").length + part("+").length).toBeGreaterThan(2);
        // The continuation of reason's value is indented under it, marked like its first line.
        expect(part("+").every((l) => /^\+ {7}word/.test(l))).toBe(true);
        expect(out.slice(out.indexOf("")).filter((l) => l.startsWith("-"))).toHaveLength(1);
        expect(out[2]).toMatch(/^ {2}word/);
    });

    it("never breaks a command to copy: it moves whole to the next line, the prose around it still wraps", () => {
        const command = "pulumi config set --secret --path 'appSecrets[0].value'";
        const out = fitWidth(`${"word ".repeat(6)}set it with: ${command} (it prompts for the value, which keeps it out of history)`, 60).split("\n");
        expect(out.some((l) => l.trim().startsWith(command))).toBe(true);
        expect(out.every((l) => l.length <= 60)).toBe(true);
        // Ended by ": " too; a synopsis with <placeholders> is no command, and wraps like prose.
        const preview = fitWidth(`${"word ".repeat(8)}then run pulumi preview -s tt02: no change to existing access or secret values`, 60).split("\n");
        expect(preview.every((l) => l.length <= 60)).toBe(true);
        expect(preview.some((l) => l.includes("pulumi preview -s tt02:"))).toBe(true);
        const problems = problemLines([`Unknown option '--colour'; usage: npm run plan -- --stack <name> [--json] [--config-dir <dir>] [--color]`], 60);
        expect(problems[0]).toBe("Unknown option '--colour'; usage: npm run plan -- --stack");
        expect(problems.slice(1).every((l) => l.startsWith("  ") && l.length <= 60)).toBe(true);
    });
});

describe("--json errors", () => {
    it("plan: a bad argument and a bad stack are one JSON object on stdout, exit code unchanged", async () => {
        const badFlag = await runPlan(["--stak", "tt02", "--json"]);
        expect(badFlag.code).toBe(2);
        expect(JSON.parse(badFlag.stdout)).toEqual({ exitCode: 2, errors: [expect.stringContaining("did you mean --stack?")] });
        expect(badFlag.stderr).toContain("Unknown option '--stak'");
        const missing = await runPlan(["--stack", "nosuchstack", "--json"]);
        expect(missing.code).toBe(2);
        expect(JSON.parse(missing.stdout)).toEqual({ exitCode: 2, errors: [expect.stringContaining("Pulumi.nosuchstack.yaml")] });
        // Without --json, stdout stays empty as before.
        expect((await runPlan(["--stack", "nosuchstack"])).stdout).toBe("");
    });

    it("status: the same", async () => {
        const run = await executeCli(STATUS_CLI, (v) => statusMain(v), ["--stack", "tt02", "--outputs", "/nonexistent/outputs.json", "--json"]);
        expect(run.code).toBe(2);
        expect(JSON.parse(run.stdout)).toEqual({ exitCode: 2, errors: [expect.stringContaining("--outputs")] });
    });

    it("review: the same", async () => {
        const run = await runReview(["--stack", "nosuchstack", "--json"]);
        expect(run.code).toBe(2);
        expect(JSON.parse(run.stdout)).toEqual({ exitCode: 2, errors: [expect.stringContaining("Pulumi.nosuchstack.yaml")] });
    });

});
