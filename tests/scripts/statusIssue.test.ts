/**
 * The daily status issue's body and comments (`--alerts-json`), and how `npm run status` gets the
 * outputs: a saved file, or the Pulumi CLI spawned without a shell (a fake one here), bounded.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { executeCli } from "../../scripts/cli/cli";
import { STATUS_CLI, StatusDeps, statusMain } from "../../scripts/status/statusCli";
import { issueMarker, issueUpdate } from "../../scripts/status/issue";
import { statusFromOutputs } from "../../core/status/model";
import { FIXTURE_DIR, STATUS_NOW } from "../support/statusFixtures";

const DAY = 86_400_000;
const ROTATING = path.join(FIXTURE_DIR, "rotating.outputs.json");
const outputs = JSON.parse(readFileSync(ROTATING, "utf8"));
const status = (args: string[], deps: StatusDeps = { now: STATUS_NOW }) => executeCli(STATUS_CLI, (v) => statusMain(v, deps), args);
const tmp = () => mkdtempSync(path.join(tmpdir(), "status-"));

describe("the status issue", () => {
    it("starts with the stack's marker, holds the status, and announces each crossing once", () => {
        const first = issueUpdate(statusFromOutputs(outputs, "rotating", STATUS_NOW), "", STATUS_NOW);
        expect(first.marker).toBe("<!-- altinn-app-secrets:status:rotating -->");
        expect(first.body.split("\n")[0]).toBe(first.marker);
        expect(first.body).toContain("## Status of stack `rotating`");
        expect(first.announced.map((a) => [a.id.split(":")[0], a.threshold, a.daysLeft])).toEqual([
            ["grant", 1, 1],
            ["key", 7, 7],
            ["key", 30, 28],
        ]);
        expect(first.comment).toContain("### Expiry alert: stack `rotating`");
        expect(first.comment).toContain("- access grant for 77777777-7777-4777-8777-777777777777 (Developer finishing the key rotation): **1 day left** (2026-10-02). The first `pulumi up` after that day removes the access");
        expect(first.comment).toMatch(/- Maskinporten key \S+ of client MaskinportenSettings \(retired\): \*\*7 days left\*\* \(2026-10-08\)\. Run the deploy workflow/);
        expect(first.comment).toMatch(/- Maskinporten key \S+ of client MaskinportenSettings \(active, in the vault\): \*\*28 days left\*\*/);

        // The next day, from the body the bot wrote: nothing new to say.
        const next = issueUpdate(statusFromOutputs(outputs, "rotating", STATUS_NOW + DAY), first.body, STATUS_NOW + DAY);
        expect(next.comment).toBeNull();
        expect(next.body).not.toBe(first.body);

        // Six days on the retired key has 1 day left: announced once more, the others not again.
        const later = issueUpdate(statusFromOutputs(outputs, "rotating", STATUS_NOW + 6 * DAY), next.body, STATUS_NOW + 6 * DAY);
        expect(later.announced.map((a) => [a.id.split(":")[0], a.threshold])).toEqual([["key", 1]]);
        // Forgetting the body (a new issue) announces again what is still crossing.
        expect(issueUpdate(statusFromOutputs(outputs, "rotating", STATUS_NOW + 6 * DAY), "", STATUS_NOW + 6 * DAY).announced).toHaveLength(3);
    });

    it("--alerts-json reads the current body from a file and prints one JSON object", async () => {
        const dir = tmp();
        const first = JSON.parse((await status(["--stack", "rotating", "--outputs", ROTATING, "--alerts-json"])).stdout);
        writeFileSync(path.join(dir, "body.md"), first.body);
        const run = await status(["--stack", "rotating", "--outputs", ROTATING, "--alerts-json", "--issue-body", path.join(dir, "body.md")]);
        expect(run.code).toBe(0);
        expect(JSON.parse(run.stdout)).toMatchObject({ marker: issueMarker("rotating"), comment: null, announced: [] });
    });

    it("escapes text from the outputs in the comment", () => {
        const hostile = { grants: [{ principalId: "11111111-2222-3333-4444-555555555555", access: "read", reason: "<!-- altinn-app-secrets:status:prod --> | **x**", expires: "2026-10-02" }] };
        const update = issueUpdate(statusFromOutputs(hostile, "tt02", STATUS_NOW), "", STATUS_NOW);
        expect(update.comment).not.toContain("<!--");
        expect(update.body.split("\n").filter((l) => l.startsWith("<!-- altinn-app-secrets:status:"))).toEqual([issueMarker("tt02")]);
    });
});

describe("npm run status: arguments and outputs", () => {
    it.each([
        [["--stack", "tt02", "--json", "--markdown", "--outputs", ROTATING], "--markdown and --json cannot be combined; choose one"],
        [["--stack", "tt02", "--issue-body", ROTATING, "--outputs", ROTATING], "--issue-body goes with --alerts-json"],
        [["--stack", "tt02;rm", "--outputs", ROTATING], '--stack: "tt02;rm" is not a stack name'],
        [["--stack", "tt02", "--outputs", "/nonexistent/outputs.json"], "--outputs: /nonexistent/outputs.json cannot be read"],
    ])("%j exits 2 with one line", async (args, line) => {
        const run = await status(args);
        expect(run.code).toBe(2);
        expect(run.stderr).toBe(`${line}\n`);
    });

    it("refuses a file that is not JSON or not an object", async () => {
        const dir = tmp();
        writeFileSync(path.join(dir, "a.json"), "not json");
        writeFileSync(path.join(dir, "b.json"), "[1]");
        expect((await status(["--stack", "tt02", "--outputs", path.join(dir, "a.json")])).stderr).toMatch(/^--outputs .*a\.json: not JSON; save the outputs with: pulumi stack output --json --stack <name> > outputs.json\n$/);
        expect((await status(["--stack", "tt02", "--outputs", path.join(dir, "b.json")])).stderr).toMatch(/^--outputs .*b\.json: not a JSON object, as pulumi stack output --json prints; save the outputs of stack tt02 with: pulumi stack output --json --stack tt02 > outputs.json\n$/);
    });
});

describe("npm run status with the Pulumi CLI", () => {
    /** A fake `pulumi`: records its arguments, then runs `body` (JavaScript). */
    function fakePulumi(body: string): { command: string; argsFile: string } {
        const dir = tmp();
        const argsFile = path.join(dir, "args.json");
        const command = path.join(dir, "pulumi");
        writeFileSync(command, `#!${process.execPath}\nrequire("fs").writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\n${body}\n`);
        chmodSync(command, 0o755);
        return { command, argsFile };
    }

    it("runs pulumi stack output --json --stack <name> (no shell, no --show-secrets) and shows the result", async () => {
        const fake = fakePulumi(`process.stdout.write(require("fs").readFileSync(${JSON.stringify(ROTATING)}, "utf8"));`);
        const run = await status(["--stack", "rotating"], { now: STATUS_NOW, pulumi: { command: fake.command } });
        expect(run.code).toBe(0);
        expect(run.stdout).toContain("Status of stack rotating: org ttd, environment prod");
        expect(JSON.parse(readFileSync(fake.argsFile, "utf8"))).toEqual(["stack", "output", "--json", "--stack", "rotating"]);
    });

    it("a stack that holds none of this program's outputs (never deployed, or another project's) is one line", async () => {
        const fake = fakePulumi(`process.stdout.write("{}");`);
        const run = await status(["--stack", "tt02"], { pulumi: { command: fake.command } });
        expect(run.code).toBe(2);
        expect(run.stderr).toBe("pulumi stack output --stack tt02: not the stack outputs of this program: no org, environment or vault output, and every deployment exports org, environment and vault; is tt02 a stack of this project, deployed with pulumi up?\n");
    });

    it("a missing CLI is one line suggesting --outputs", async () => {
        const run = await status(["--stack", "tt02"], { pulumi: { command: path.join(tmp(), "pulumi") } });
        expect(run.code).toBe(2);
        expect(run.stderr).toBe("the Pulumi CLI (pulumi) is not on PATH; install it and log in to the stack's backend, or pass a saved file: pulumi stack output --json --stack tt02 > outputs.json, then --outputs outputs.json\n");
    });

    it("a failing CLI gives its first line of error, without control characters", async () => {
        const fake = fakePulumi(`process.stderr.write("\\n\\u001b[31merror: no stack named 'tt02' found\\u001b[0m\\nmore detail\\n"); process.exit(255);`);
        const run = await status(["--stack", "tt02"], { pulumi: { command: fake.command } });
        expect(run.code).toBe(2);
        expect(run.stderr).toBe("pulumi stack output --stack tt02 failed: [31merror: no stack named 'tt02' found [0m\n");
    });

    it("is bounded in time and in what it may print", async () => {
        const hang = fakePulumi("setInterval(() => {}, 1000);");
        const slow = await status(["--stack", "tt02"], { pulumi: { command: hang.command, timeoutMs: 300 } });
        expect(slow.code).toBe(2);
        expect(slow.stderr).toMatch(/^pulumi stack output did not finish within 0.3 s; or pass a saved file/);
        const big = fakePulumi(`process.stdout.write("[" + "1,".repeat(5000) + "1]");`);
        const large = await status(["--stack", "tt02"], { pulumi: { command: big.command, maxBytes: 1000 } });
        expect(large.code).toBe(2);
        expect(large.stderr).toBe("pulumi stack output printed more than 1000 bytes; not the outputs of this program\n");
    });

    it("stops at its limits even when something pulumi started keeps its output open", async () => {
        // A plugin or shell child inherits stdout: killing pulumi itself does not close the pipe.
        const pidFile = path.join(tmp(), "grandchild.pid");
        const fake = fakePulumi(
            `const c = require("child_process").spawn(process.execPath, ["-e", "setTimeout(() => {}, 25000)"], { stdio: ["ignore", "inherit", "inherit"] }); require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); process.stdout.write("x".repeat(5000)); setInterval(() => {}, 1000);`,
        );
        const started = Date.now();
        try {
            const run = await status(["--stack", "tt02"], { pulumi: { command: fake.command, maxBytes: 1000, timeoutMs: 60_000 } });
            expect(run.stderr).toBe("pulumi stack output printed more than 1000 bytes; not the outputs of this program\n");
            expect(Date.now() - started, "answered before the grandchild exits").toBeLessThan(15_000);
        } finally {
            if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
        }
    }, 70_000);
});
