/**
 * A file a command writes where a person pointed it (review --full, adopt --out and --write, the
 * docs) that cannot be written there is one line naming the flag and the path, exit 2: the person's
 * to fix, not "failed: ENOENT…" with exit 3, the code for a bug. (Tests run as root in CI's
 * container, where permissions never refuse: the paths here fail for everyone.)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { executeCli } from "../../scripts/cli/cli";
import { runAdopt } from "../../scripts/adopt/adoptCli";
import { writeStackFile } from "../../scripts/adopt/mergeStackFile";
import { DOCS_CLI, docsMain } from "../../scripts/docs/main";
import { EXAMPLE_STACKS, ROOT, runReview } from "../support/helpers";

const tmp = () => mkdtempSync(path.join(tmpdir(), "write-files-"));

describe("review --full", () => {
    it("to a folder that does not exist, or to a folder: exit 2, one line naming --full and the path", async () => {
        const dir = tmp();
        for (const [file, why] of [
            ["/nonexistent/dir/x.md", "its folder does not exist"],
            [dir, "it is a folder"],
        ]) {
            const run = await runReview(["--stack", "tt02", "--config-dir", EXAMPLE_STACKS, "--full", file]);
            expect(run.code, file).toBe(2);
            expect(run.stderr).toBe(`--full: cannot write ${file} (${why})\n`);
        }
    }, 60_000);

    it("over a file it did not write (the stack file), or through a link: exit 2, the file kept; over its own review: written", async () => {
        const dir = tmp();
        const stackFile = path.join(dir, "Pulumi.tt02.yaml");
        writeFileSync(stackFile, "config:\n  altinn-app-secrets:appSecrets:\n    - value:\n        secure: v1:kept\n");
        symlinkSync(stackFile, path.join(dir, "review-full.md"));
        for (const [file, what] of [
            [stackFile, "other content"],
            [path.join(dir, "review-full.md"), "a link"],
        ]) {
            const run = await runReview(["--stack", "tt02", "--config-dir", EXAMPLE_STACKS, "--full", file]);
            expect(run.code, file).toBe(2);
            expect(run.stderr).toBe(`--full: ${file} exists and is not a review this command wrote (${what}); name another file or move it away\n`);
        }
        expect(readFileSync(stackFile, "utf8")).toContain("secure: v1:kept");
        const again = path.join(dir, "again.md");
        writeFileSync(again, "## Access review: an earlier one\n");
        expect((await runReview(["--stack", "tt02", "--config-dir", EXAMPLE_STACKS, "--full", again])).stderr).toBe("");
        expect(readFileSync(again, "utf8")).toMatch(/^## Access review: ttd tt02/);
    }, 60_000);
});

describe("adopt", () => {
    const vaultJson = () => {
        const dir = tmp();
        writeFileSync(path.join(dir, "v.json"), JSON.stringify({ id: "x", name: "ttd-tt02-apps-kv", properties: {} }));
        return path.join(dir, "v.json");
    };

    it("--out through a file: exit 2, one line naming --out, before reading the vault", async () => {
        const file = path.join(tmp(), "a-file");
        writeFileSync(file, "");
        const run = await runAdopt(["--stack", "tt02", "--config-dir", EXAMPLE_STACKS, "--out", path.join(file, "out"), "--vault-json", vaultJson()], { root: ROOT, env: {} });
        expect(run).toEqual({ code: 2, stdout: [], stderr: [`--out: cannot write ${path.join(file, "out")} (a part of the path is not a folder)`] });
    });

    it("--write where the stack file cannot be replaced: one line naming --write and the stack file, the stack file kept and nothing else left behind", () => {
        const dir = tmp();
        const file = path.join(dir, "Pulumi.tt02.yaml");
        writeFileSync(file, "config: {}\n");
        // What stands where the new file is written first.
        mkdirSync(`${file}.adopt-${process.pid}`);
        expect(() => writeStackFile(file, "config: {}\n", "config:\n  altinn-app-secrets:org: ttd\n")).toThrow(`--write: cannot write ${file} (a file stands in the way)`);
        expect(readdirSync(dir).sort()).toEqual(["Pulumi.tt02.yaml", "Pulumi.tt02.yaml.adopt-" + process.pid]);
    });
});

describe("npm run docs", () => {
    it("where a file stands in place of docs/: exit 2, one line naming the file", async () => {
        const root = tmp();
        writeFileSync(path.join(root, "docs"), "");
        const run = await executeCli(DOCS_CLI, (values) => docsMain(values, root), []);
        expect(run).toMatchObject({ code: 2, stderr: `cannot write ${path.join(root, "docs", "reference.md")} (a file stands in the way)\n` });
    });

    it("where a folder stands in place of a generated file: exit 2, one line naming it, with --check too", async () => {
        const root = tmp();
        mkdirSync(path.join(root, "docs", "reference.md"), { recursive: true });
        for (const argv of [[], ["--check"]]) {
            const run = await executeCli(DOCS_CLI, (values) => docsMain(values, root), argv);
            expect(run).toMatchObject({ code: 2, stderr: `cannot read ${path.join(root, "docs", "reference.md")} (it is a folder)\n` });
        }
    });
});
