import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { APP_NAME_RULE, ORG_RULE } from "../../core/altinn/names";
import { main } from "../../scripts/redeploy.mjs";
import { parseInstant, readDeployments, retryAfterMs, RETRY_AFTER_CAP_MS, runningTag, runStartedAt, startedSince } from "../../scripts/redeploy/core.mjs";
import { studioEnvName, usage } from "../../scripts/redeploy/options.mjs";
import { redeployScriptCopy, runNode, writePackConfig } from "../support/helpers";

const KEY = "studio-api-key-0a9f8e7d6c5b4a39";
const DEPLOYMENTS = "/designer/api/ttd/app-a/deployments";
const MiB = 1024 * 1024;

interface Seen {
    method: string;
    path: string;
    apiKey: string | undefined;
    contentType: string | undefined;
    body: string;
}

/** Plays one situation: answers (or does not) as a misbehaving Studio would. */
type Handler = (req: Seen, res: ServerResponse, n: number) => void;

interface Pipeline {
    tagName: string;
    envName: string;
    build: { result: string } | null;
    created: string;
}

let server: Server;
let url: string;
let handler: Handler;
let seen: Seen[];
/** Timers a handler set (slow answers): cleared before the next test so no answer leaks into it. */
let timers: NodeJS.Timeout[];
/** Every line every run printed, to prove the key is in none. */
const allOutput: string[] = [];
/** A policy/config.json whose allowedStudioHosts lists the fake Studio's host (tests/scripts/redeployHost.test.ts: any other is refused). */
const PACK_CONFIG = writePackConfig(["127.0.0.1"]);

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed) return;
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
}

const later = (ms: number, f: () => void) => timers.push(setTimeout(f, ms));

/** What Studio lists for ttd/app-a: 1.4.2 runs in tt02 (also deployed there before this run), 9.9.9 in production. */
function listing(): { pipelineDeploymentList: Pipeline[]; kubernetesDeploymentList: unknown[] } {
    return {
        pipelineDeploymentList: [
            { tagName: "1.4.2", envName: "tt02", build: { result: "succeeded" }, created: "2026-10-15T10:00:00Z" },
            { tagName: "1.3.0", envName: "tt02", build: { result: "succeeded" }, created: "2026-10-01T10:00:00Z" },
            { tagName: "9.9.9", envName: "production", build: { result: "succeeded" }, created: "2026-11-01T10:00:00Z" },
        ],
        kubernetesDeploymentList: [
            { release: "ttd-app-a", version: "1.4.2", envName: "tt02" },
            { release: "ttd-app-a", version: "9.9.9", envName: "production" },
        ],
    };
}

/**
 * A Studio with a deployments list that POSTs add to, as the real one records them.
 * `post` decides each POST's fate: "ok" records and answers 201; the others play the faults.
 */
function fakeStudio(post: (n: number) => "ok" | "slow" | "reset-after-record" | "reset" | "hang" | number) {
    const state = listing();
    let posts = 0;
    const record = (tagName: string, envName: string) =>
        state.pipelineDeploymentList.unshift({ tagName, envName, build: { result: "none" }, created: new Date().toISOString() });
    const h: Handler = (req, res) => {
        if (req.method === "GET") return json(res, 200, state);
        const { tagName, envName } = JSON.parse(req.body) as { tagName: string; envName: string };
        const fate = post(++posts);
        if (fate === "ok") {
            record(tagName, envName);
            return json(res, 201, { tagName, envName });
        }
        if (fate === "slow") {
            // Studio queues the pipeline and records it after the client gave up, then answers 201.
            later(500, () => record(tagName, envName));
            return later(1500, () => json(res, 201, { tagName, envName }));
        }
        if (fate === "reset-after-record") {
            record(tagName, envName);
            return res.socket?.destroy();
        }
        if (fate === "reset") return res.socket?.destroy();
        if (fate === "hang") return undefined;
        // A status with nothing recorded (503, 500, 429); a 502 proxy answer comes after Studio recorded it.
        if (fate === 502) record(tagName, envName);
        json(res, fate, "fault", fate === 429 ? { "Retry-After": "1" } : {});
    };
    return { state, handler: h };
}

const studio = fakeStudio(() => "ok");

const ENV = () => ({
    ALTINN_ORG: "ttd",
    ALTINN_APP: "app-a",
    ALTINN_ENV: "tt02",
    ALTINN_STUDIO_URL: url,
    ALTINN_STUDIO_API_KEY: KEY,
    REDEPLOY_BACKOFF_MS: "5",
    REDEPLOY_ATTEMPTS: "3",
    // Generous for a loaded 2-core machine; the cases about timeouts set their own.
    REDEPLOY_TIMEOUT_MS: "2000",
});

interface Run {
    code: number;
    stdout: string;
    stderr: string;
    ms: number;
    posts: number;
}

/**
 * The script's main, in this process: same code path as `node scripts/redeploy.mjs`, no 100 ms spawn.
 * Every line it prints fits 100 columns (the width when not a terminal, and in Pulumi's log); stdout
 * and stderr come back with each message whole, its continued lines (indented by two) joined again.
 */
async function run(env: Record<string, string> = {}, args: string[] = []): Promise<Run & { lines: string[] }> {
    const started = Date.now();
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { ...ENV(), ...env }, { out: (l: string) => out.push(l), err: (l: string) => err.push(l), packConfigFile: PACK_CONFIG });
    allOutput.push(...out, ...err);
    const lines = [...out, ...err];
    for (const line of lines.flatMap((l) => l.split("\n"))) expect(line.length, line).toBeLessThanOrEqual(100);
    const whole = args.includes("--help") ? (t: string) => t : (t: string) => t.replaceAll("\n  ", " ");
    const text = (printed: string[]) => (printed.length ? `${whole(printed.join("\n"))}\n` : "");
    return { code, stdout: text(out), stderr: text(err), ms: Date.now() - started, posts: seen.filter((s) => s.method === "POST").length, lines };
}

const methods = () => seen.map((s) => s.method);

function listen(s: Server): Promise<string> {
    return new Promise((r) => s.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

async function close(s: Server): Promise<void> {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
}

beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
        // One connection per request, so a connection a fault left behind never carries into the next case.
        res.setHeader("Connection", "close");
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            const s: Seen = { method: req.method ?? "", path: req.url ?? "", apiKey: req.headers["x-api-key"] as string | undefined, contentType: req.headers["content-type"], body };
            seen.push(s);
            handler(s, res, seen.length);
        });
    });
    url = await listen(server);
});

afterAll(async () => {
    for (const t of timers) clearTimeout(t);
    await close(server);
});

beforeEach(() => {
    for (const t of timers ?? []) clearTimeout(t);
    timers = [];
    seen = [];
    handler = studio.handler;
});

describe("redeploy: the usual answers", () => {
    it("GETs the deployments, then POSTs the running tag with the API key, and prints one line", async () => {
        handler = fakeStudio(() => "ok").handler;
        const r = await run();
        expect(r).toMatchObject({ code: 0, stdout: "redeployed ttd/app-a 1.4.2 to tt02\n", stderr: "", posts: 1 });
        expect(seen).toEqual([
            { method: "GET", path: DEPLOYMENTS, apiKey: KEY, contentType: undefined, body: "" },
            { method: "POST", path: DEPLOYMENTS, apiKey: KEY, contentType: "application/json", body: JSON.stringify({ tagName: "1.4.2", envName: "tt02" }) },
        ]);
    });

    it("takes --env prod (and ALTINN_ENV=prod) as Studio's production, as the stacks do", async () => {
        for (const [env, args] of [[{}, ["--env", "prod"]], [{ ALTINN_ENV: "prod" }, []], [{}, ["--env", "production"]]] as const) {
            seen = [];
            const r = await run(env, [...args]);
            expect(r).toMatchObject({ code: 0, stdout: "redeployed ttd/app-a 9.9.9 to production\n", posts: 1 });
            expect(JSON.parse(seen[1].body)).toEqual({ tagName: "9.9.9", envName: "production" });
        }
    });

    it("prints the usage and the environment variables it reads on --help, and asks nothing", async () => {
        const r = await run({ ALTINN_STUDIO_API_KEY: "" }, ["--help"]);
        expect(r.code).toBe(0);
        for (const name of ["--org", "--app", "--env", "--studio-url", "ALTINN_ORG", "ALTINN_APP", "ALTINN_ENV", "ALTINN_STUDIO_URL", "ALTINN_STUDIO_API_KEY", "REDEPLOY_TIMEOUT_MS", "REDEPLOY_ATTEMPTS", "REDEPLOY_BACKOFF_MS"]) {
            expect(r.stdout).toContain(name);
        }
        expect(seen).toHaveLength(0);
    });

    it("--dry-run says what it would deploy (org, app, env, the running tag) and sends only the GET", async () => {
        handler = fakeStudio(() => "ok").handler;
        for (const [args, line] of [
            [["--dry-run"], `dry run: would redeploy ttd/app-a 1.4.2 to tt02 (POST ${url}${DEPLOYMENTS} with {"tagName":"1.4.2","envName":"tt02"}); nothing sent\n`],
            [["--dry-run", "--env", "prod"], `dry run: would redeploy ttd/app-a 9.9.9 to production (POST ${url}${DEPLOYMENTS} with {"tagName":"9.9.9","envName":"production"}); nothing sent\n`],
        ] as const) {
            seen = [];
            const r = await run({}, [...args]);
            expect(r).toMatchObject({ code: 0, stdout: line, stderr: "", posts: 0 });
            expect(methods()).toEqual(["GET"]);
        }
    });

    it("keeps what it prints within the width, 100 when not said: a long line continues indented, a URL whole", async () => {
        handler = fakeStudio(() => "ok").handler;
        const printed = async (width?: number) => {
            const out: string[] = [];
            const err: string[] = [];
            await main(["--dry-run"], ENV(), { out: (l: string) => out.push(l), err: (l: string) => err.push(l), outWidth: width, errWidth: width, packConfigFile: PACK_CONFIG });
            await main([], { ...ENV(), ALTINN_STUDIO_API_KEY: "" }, { out: (l: string) => out.push(l), err: (l: string) => err.push(l), outWidth: width, errWidth: width, packConfigFile: PACK_CONFIG });
            return [...out, ...err];
        };
        const wide = await printed();
        expect(wide.slice(0, 3)).toEqual([
            "dry run: would redeploy ttd/app-a 1.4.2 to tt02 (POST",
            `  ${url}${DEPLOYMENTS} with`,
            '  {"tagName":"1.4.2","envName":"tt02"}); nothing sent',
        ]);
        expect(wide.length).toBeGreaterThan(4);
        for (const line of wide) expect(line.length, line).toBeLessThanOrEqual(100);
        const narrow = await printed(40);
        expect(narrow).toContain(`  ${url}${DEPLOYMENTS}`);
        for (const line of narrow.filter((l) => !l.includes(url))) expect(line.length, line).toBeLessThanOrEqual(40);
    });

    it("keeps --help within the terminal's width, 100 when not a terminal", async () => {
        const r = await run({}, ["--help"]);
        for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
        for (const width of [80, 60, 40]) for (const line of usage(width).split("\n")) expect(line.length).toBeLessThanOrEqual(width);
        expect(r.stdout).toContain("--dry-run");
        // --dry-run reads Studio's deployments list, which takes the key: the help says so.
        expect(r.stdout.replace(/\s+/g, " ")).toContain("ALTINN_STUDIO_API_KEY Altinn Studio API key (required, with --dry-run too;");
    });

    it("runs as `node scripts/redeploy.mjs` with the environment the Pulumi command passes", async () => {
        handler = fakeStudio(() => "ok").handler;
        // The shipped script beside a policy/config.json that allows the fake's host.
        const r = await runNode([redeployScriptCopy(["127.0.0.1"])], { PATH: process.env.PATH ?? "", ...ENV() });
        allOutput.push(r.stdout, r.stderr);
        expect(r).toEqual({ code: 0, stdout: "redeployed ttd/app-a 1.4.2 to tt02\n", stderr: "" });
        expect(methods()).toEqual(["GET", "POST"]);
    });
});

describe("redeploy: never deploys blind, never twice", () => {
    it("a slow POST that succeeds after the timeout is sent once, and found in Studio's list", async () => {
        handler = fakeStudio(() => "slow").handler;
        const r = await run({ REDEPLOY_TIMEOUT_MS: "400", REDEPLOY_BACKOFF_MS: "50", REDEPLOY_ATTEMPTS: "4" });
        expect(r.posts).toBe(1);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^ttd\/app-a: deployment of 1\.4\.2 to tt02 already started at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z, not sent again\n$/);
        expect(r.stderr).toBe("");
    });

    it("a connection reset after the request: looks first, and does not send again when Studio has it", async () => {
        const fake = fakeStudio(() => "reset-after-record");
        handler = fake.handler;
        const r = await run();
        const created = fake.state.pipelineDeploymentList[0].created;
        expect(r).toMatchObject({ code: 0, posts: 1, stdout: `ttd/app-a: deployment of 1.4.2 to tt02 already started at ${created}, not sent again\n` });
        expect(methods()).toEqual(["GET", "POST", "GET"]);
    });

    it("a connection reset after the request: sends again only when the last look found nothing", async () => {
        handler = fakeStudio((n) => (n === 1 ? "reset" : "ok")).handler;
        const r = await run();
        expect(r).toMatchObject({ code: 0, posts: 2, stdout: "redeployed ttd/app-a 1.4.2 to tt02\n" });
        // Looks 3 times (REDEPLOY_ATTEMPTS) past the earlier 1.4.2 deployment, which predates this run.
        expect(methods()).toEqual(["GET", "POST", "GET", "GET", "GET", "POST"]);
    });

    it("a 502 from a proxy after Studio started the deployment is not sent again", async () => {
        handler = fakeStudio(() => 502).handler;
        const r = await run();
        expect(r).toMatchObject({ code: 0, posts: 1 });
        expect(r.stdout).toContain("ttd/app-a: deployment of 1.4.2 to tt02 already started at ");
    });

    it("a 2xx other than the documented 201 is looked up, not taken for failure nor sent again", async () => {
        const fake = fakeStudio(() => "ok");
        handler = (req, res, n) => {
            if (req.method !== "POST") return fake.handler(req, res, n);
            fake.state.pipelineDeploymentList.unshift({ tagName: "1.4.2", envName: "tt02", build: null, created: new Date().toISOString() });
            json(res, 200, "<html>deployed</html>");
        };
        const r = await run();
        expect(r).toMatchObject({ code: 0, posts: 1 });
        expect(r.stdout).toContain("ttd/app-a: deployment of 1.4.2 to tt02 already started at ");
    });

    it("a 500 with no deployment created is retried after looking", async () => {
        handler = fakeStudio((n) => (n === 1 ? 500 : "ok")).handler;
        const r = await run();
        expect(r).toMatchObject({ code: 0, posts: 2, stdout: "redeployed ttd/app-a 1.4.2 to tt02\n" });
    });

    it("a POST that never answers and never shows up is sent again, a bounded number of times", async () => {
        handler = fakeStudio(() => "hang").handler;
        const r = await run({ REDEPLOY_TIMEOUT_MS: "250", REDEPLOY_ATTEMPTS: "2" });
        expect(r).toMatchObject({ code: 1, posts: 2, stdout: "" });
        expect(r.stderr).toBe(`POST ${url}${DEPLOYMENTS} failed after 2 attempts: no answer within 250 ms\n`);
        expect(methods()).toEqual(["GET", "POST", "GET", "GET", "POST", "GET", "GET"]);
    });

    it("does not send again when Studio cannot be asked whether the deployment started", async () => {
        const fake = fakeStudio(() => "reset");
        handler = (req, res, n) => (n === 1 || req.method === "POST" ? fake.handler(req, res, n) : json(res, 503, "busy"));
        const r = await run();
        expect(r).toMatchObject({ code: 1, posts: 1, stdout: "" });
        expect(r.stderr).toBe(
            `POST ${url}${DEPLOYMENTS}: outcome unknown (network error (UND_ERR_SOCKET)) and Altinn Studio could not be asked whether the deployment of 1.4.2 to tt02 started (HTTP 503); not sent again: look in Altinn Studio before running again\n`,
        );
    });

    it("retries 503 (nothing started) with backoff, without looking, then succeeds", async () => {
        const fake = fakeStudio((n) => (n === 1 ? 503 : "ok"));
        handler = (req, res, n) => (n <= 2 ? json(res, 503, "busy") : fake.handler(req, res, n));
        const r = await run();
        expect(r).toMatchObject({ code: 0, posts: 2, stdout: "redeployed ttd/app-a 1.4.2 to tt02\n" });
        expect(methods()).toEqual(["GET", "GET", "GET", "POST", "POST"]);
    });

    it("honours Retry-After on 429, without looking", async () => {
        handler = fakeStudio((n) => (n === 1 ? 429 : "ok")).handler;
        const r = await run();
        expect(r).toMatchObject({ code: 0, posts: 2, stdout: "redeployed ttd/app-a 1.4.2 to tt02\n" });
        expect(r.ms).toBeGreaterThanOrEqual(950);
        expect(methods()).toEqual(["GET", "POST", "POST"]);
    });

    it("gives up on a POST that keeps answering 503, after the attempts", async () => {
        handler = fakeStudio(() => 503).handler;
        const r = await run();
        expect(r).toMatchObject({ code: 1, posts: 3, stderr: `POST ${url}${DEPLOYMENTS} failed after 3 attempts: HTTP 503\n` });
    });
});

describe("redeploy: which tag runs", () => {
    const only =
        (pipelineDeploymentList: Pipeline[], kubernetesDeploymentList: unknown[] = []): Handler =>
        (req, res) =>
            req.method === "GET" ? json(res, 200, { pipelineDeploymentList, kubernetesDeploymentList }) : json(res, 201, {});

    it("never picks a failed or running newest build: the newest succeeded one", async () => {
        handler = only([
            { tagName: "1.0.0", envName: "tt02", build: { result: "succeeded" }, created: "2026-01-01T00:00:00Z" },
            { tagName: "1.3.0", envName: "tt02", build: { result: "none" }, created: "2026-04-01T00:00:00Z" },
            { tagName: "1.2.0", envName: "tt02", build: { result: "failed" }, created: "2026-03-01T00:00:00Z" },
            { tagName: "1.1.0", envName: "tt02", build: { result: "Succeeded" }, created: "2026-02-01T00:00:00Z" },
        ]);
        const r = await run();
        expect(r).toMatchObject({ code: 0, posts: 1, stdout: "redeployed ttd/app-a 1.1.0 to tt02\n" });
    });

    it("compares created as instants: an offset is parsed, not compared as text", async () => {
        handler = only([
            // 2026-02-28T23:30Z: later as text, earlier as an instant.
            { tagName: "1.5.0", envName: "tt02", build: { result: "succeeded" }, created: "2026-03-01T01:30:00+02:00" },
            { tagName: "1.4.0", envName: "tt02", build: { result: "succeeded" }, created: "2026-02-28T23:45:00.1234567Z" },
        ]);
        const r = await run();
        expect(r).toMatchObject({ code: 0, posts: 1, stdout: "redeployed ttd/app-a 1.4.0 to tt02\n" });
    });

    it("the Kubernetes version wins over a newer succeeded build", async () => {
        handler = only([{ tagName: "2.0.0", envName: "tt02", build: { result: "succeeded" }, created: "2026-11-01T00:00:00Z" }], [{ release: "ttd-app-a", version: "1.9.0", envName: "tt02" }]);
        expect((await run()).stdout).toBe("redeployed ttd/app-a 1.9.0 to tt02\n");
    });

    it("prints a tag name from Studio clean: no line break of its own, workflow command or terminal escape", async () => {
        const hostile = `1.4.2\n::error file=README.md::pwned\r\n\u001b[2J\u001b]0;title\u0007\u009b${"x".repeat(500)}`;
        handler = only([], [{ release: "ttd-app-a", version: hostile, envName: "tt02" }]);
        const r = await run();
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(`redeployed ttd/app-a 1.4.2 ::error file=README.md::pwned ${"x".repeat(64)}... to tt02\n`);
        expect(r.stdout.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        // Studio gets its own tag back, as it gave it.
        expect(JSON.parse(seen[1].body)).toEqual({ tagName: hostile, envName: "tt02" });
    });

    it("starts no line with :: when a long line is continued (a CI log would run it as a workflow command)", async () => {
        handler = only([], [{ release: "ttd-app-a", version: `${"a".repeat(70)} ::error::pwned`, envName: "tt02" }]);
        const r = await run();
        expect(r.code).toBe(0);
        expect(r.lines).toEqual(["redeployed ttd/app-a", `  ${"a".repeat(70)} ::error::pwned to tt02`]);
    });

    it("an app never deployed to the environment: one line, exit 0, nothing sent", async () => {
        handler = only(
            [
                { tagName: "1.0.0", envName: "production", build: { result: "succeeded" }, created: "2026-01-01T00:00:00Z" },
                { tagName: "1.1.0", envName: "tt02", build: { result: "failed" }, created: "2026-02-01T00:00:00Z" },
            ],
            [{ release: "ttd-app-a", version: null, envName: "tt02" }],
        );
        const r = await run();
        expect(r).toEqual({ code: 0, stdout: "ttd/app-a: not deployed to tt02 yet, nothing to redeploy\n", stderr: "", posts: 0, ms: r.ms, lines: r.lines });
        expect(methods()).toEqual(["GET"]);
        const dry = await run({}, ["--dry-run"]);
        expect(dry).toMatchObject({ code: 0, stdout: "dry run: ttd/app-a: not deployed to tt02 yet, nothing to redeploy\n", posts: 0 });
    });
});

describe("redeploy: answers that are not what Studio documents", () => {
    it.each([
        ["[]", "expected a JSON object with pipelineDeploymentList and kubernetesDeploymentList, got a list"],
        ["null", "expected a JSON object with pipelineDeploymentList and kubernetesDeploymentList, got null"],
        ['"ok"', "expected a JSON object with pipelineDeploymentList and kubernetesDeploymentList, got a string"],
        ["{}", "pipelineDeploymentList is missing"],
        ['{"pipelineDeploymentList": []}', "kubernetesDeploymentList is missing"],
        ['{"pipelineDeploymentList": [], "kubernetesDeploymentList": "none"}', "kubernetesDeploymentList is a string, not a list"],
        ['{"pipelineDeploymentList": [null], "kubernetesDeploymentList": []}', "pipelineDeploymentList[0] is null, not an object"],
        ['{"pipelineDeploymentList": [{"tagName": "1.0.0"}], "kubernetesDeploymentList": []}', "pipelineDeploymentList[0].envName is a undefined, not a string"],
        ['{"pipelineDeploymentList": [{"envName": "tt02", "tagName": 7, "created": "2026-01-01T00:00:00Z"}], "kubernetesDeploymentList": []}', "pipelineDeploymentList[0].tagName is a number, not a tag"],
        ['{"pipelineDeploymentList": [{"envName": "tt02", "tagName": "1.0.0", "created": "yesterday"}], "kubernetesDeploymentList": []}', 'pipelineDeploymentList[0].created is "yesterday", not a date-time'],
        ['{"pipelineDeploymentList": [{"envName": "tt02", "tagName": "1.0.0", "created": "2026-01-01T00:00:00Z", "build": {"result": 2}}], "kubernetesDeploymentList": []}', "pipelineDeploymentList[0].build.result is a number, not a string"],
        ['{"pipelineDeploymentList": [], "kubernetesDeploymentList": [{"envName": "tt02", "version": 142}]}', "kubernetesDeploymentList[0].version is a number, not a string"],
        ["{not json", "not JSON"],
    ])("%s is one clear line, nothing sent", async (body, problem) => {
        handler = (_req, res) => json(res, 200, body);
        const r = await run();
        expect(r).toMatchObject({ code: 1, posts: 0, stdout: "", stderr: `malformed answer to GET ${url}${DEPLOYMENTS}: ${problem}\n` });
    });

    it("a 3xx is an error at once naming where it pointed; the key never goes there", async () => {
        const elsewhere: Seen[] = [];
        const target = createServer((req, res) => {
            elsewhere.push({ method: req.method ?? "", path: req.url ?? "", apiKey: req.headers["x-api-key"] as string | undefined, contentType: undefined, body: "" });
            json(res, 200, listing());
        });
        const targetUrl = await listen(target);
        try {
            handler = (_req, res) => (res.writeHead(302, { Location: `${targetUrl}/login?next=deployments` }), res.end());
            const r = await run();
            expect(r).toMatchObject({ code: 1, posts: 0, stdout: "" });
            expect(r.stderr).toBe(
                `GET ${url}${DEPLOYMENTS}: HTTP 302 redirect to ${targetUrl}/login?next=deployments, not followed (the API key stays here); the Studio URL (ALTINN_STUDIO_URL or --studio-url) is probably wrong\n`,
            );
            expect(methods()).toEqual(["GET"]);

            seen = [];
            handler = (req, res) => (req.method === "GET" ? json(res, 200, listing()) : (res.writeHead(307, { Location: `${targetUrl}${DEPLOYMENTS}` }), res.end()));
            const p = await run();
            expect(p).toMatchObject({ code: 1, posts: 1 });
            expect(p.stderr).toContain(`POST ${url}${DEPLOYMENTS}: HTTP 307 redirect to ${targetUrl}${DEPLOYMENTS}, not followed`);
            expect(elsewhere).toEqual([]);
        } finally {
            await close(target);
        }
    });

    it("refuses a body over 5 MiB without reading it all, whether announced or streamed", async () => {
        handler = (_req, res) => (res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(6 * MiB) }), res.write("{"));
        const announced = await run();
        expect(announced).toMatchObject({ code: 1, posts: 0, stderr: `GET ${url}${DEPLOYMENTS}: the answer is larger than 5 MiB, refused without reading it; is the Studio URL Altinn Studio?\n` });
        expect(methods()).toEqual(["GET"]);

        // Streamed without a length: the server offers up to 64 MiB and sees the client hang up early.
        let written = 0;
        let stopped = false;
        seen = [];
        handler = (_req, res) => {
            res.writeHead(200, { "Content-Type": "application/json" });
            res.on("close", () => (stopped = true));
            const chunk = Buffer.alloc(64 * 1024, 0x20);
            const pump = () => {
                while (!res.destroyed && written < 64 * MiB) {
                    written += chunk.length;
                    if (!res.write(chunk)) return void res.once("drain", pump);
                }
                res.end();
            };
            pump();
        };
        const streamed = await run({ REDEPLOY_TIMEOUT_MS: "5000" });
        expect(streamed).toMatchObject({ code: 1, posts: 0, stderr: announced.stderr });
        await expect.poll(() => stopped, { timeout: 2000, interval: 10 }).toBe(true);
        expect(written).toBeLessThan(64 * MiB);
    });

    it("a body that trickles past the timeout is a timeout (retried, then given up)", async () => {
        handler = (_req, res) => {
            res.writeHead(200, { "Content-Type": "application/json" });
            res.write("{");
            let ticks = 0;
            const t = setInterval(() => (res.destroyed || ++ticks > 200 ? clearInterval(t) : res.write(" ")), 10);
            timers.push(t);
        };
        const r = await run({ REDEPLOY_TIMEOUT_MS: "100", REDEPLOY_ATTEMPTS: "2" });
        expect(r).toMatchObject({ code: 1, posts: 0, stdout: "", stderr: `GET ${url}${DEPLOYMENTS} failed after 2 attempts: no complete answer within 100 ms\n` });
        expect(methods()).toEqual(["GET", "GET"]);
    });
});

describe("redeploy: refusals and faults", () => {
    it("names the API key on 401, without retrying", async () => {
        handler = (_req, res) => json(res, 401, {});
        const r = await run();
        expect(r).toMatchObject({ code: 1, posts: 0 });
        expect(r.stderr).toBe(`GET ${url}${DEPLOYMENTS}: HTTP 401, Altinn Studio did not accept the API key; check ALTINN_STUDIO_API_KEY (create one in Altinn Studio under your user's settings)\n`);
        expect(seen).toHaveLength(1);
    });

    it("names the Deploy-<env> team on 403", async () => {
        handler = (req, res) => (req.method === "GET" ? json(res, 200, listing()) : json(res, 403, {}));
        const r = await run();
        expect(r).toMatchObject({ code: 1, posts: 1 });
        expect(r.stderr).toBe(`POST ${url}${DEPLOYMENTS}: HTTP 403, the API key's user may not deploy ttd/app-a to tt02; it needs the ttd team Deploy-tt02 in Altinn Studio\n`);
    });

    it("says the app is unknown on 404", async () => {
        handler = (_req, res) => json(res, 404, {});
        const r = await run();
        expect(r.stderr).toContain("HTTP 404, Altinn Studio knows no app ttd/app-a");
        expect(r.code).toBe(1);
    });

    it("gives up a GET after the last attempt with one line", async () => {
        handler = (_req, res) => json(res, 502, "bad gateway");
        const r = await run();
        expect(r).toMatchObject({ code: 1, posts: 0, stderr: `GET ${url}${DEPLOYMENTS} failed after 3 attempts: HTTP 502\n` });
        expect(seen).toHaveLength(3);
    });

    it("reports a refused connection after retrying", async () => {
        const probe = createServer();
        const closed = await listen(probe);
        await close(probe);
        const r = await run({ ALTINN_STUDIO_URL: closed });
        expect(r).toMatchObject({ code: 1, stderr: `GET ${closed}${DEPLOYMENTS} failed after 3 attempts: network error (ECONNREFUSED)\n` });
    });
});

/** Said by hand and under pulumi up alike: which of the two runs it cannot know. */
const NO_KEY =
    "ALTINN_STUDIO_API_KEY is not set: every run reads Studio's deployments list with it, --dry-run too; by hand, export an Altinn Studio API key in this shell; under pulumi up, in the environment that runs pulumi up";

describe("redeploy: bad input is exit 2 with one line naming the flag or variable", () => {
    it.each([
        [{ ALTINN_STUDIO_API_KEY: "" }, [], NO_KEY],
        [{ ALTINN_STUDIO_API_KEY: "" }, ["--dry-run"], NO_KEY],
        [{ ALTINN_STUDIO_URL: "http://altinn.studio" }, [], "ALTINN_STUDIO_URL: http://altinn.studio is not https; the API key is never sent in clear text"],
        [{}, ["--studio-url", "https://user:pw@altinn.studio"], "--studio-url: a Studio URL has no user info, query or fragment"],
        [{ ALTINN_STUDIO_URL: "https://altinn.studio/designer/" }, [], "ALTINN_STUDIO_URL: https://altinn.studio/designer/ has a path; give Altinn Studio's origin only, https://altinn.studio"],
        [{}, ["--studio-url", "https://altinn.studio/designer"], "--studio-url: https://altinn.studio/designer has a path; give Altinn Studio's origin only, https://altinn.studio"],
        [{}, ["--studio-ur", "https://altinn.studio"], "unknown option --studio-ur (did you mean --studio-url?); see --help"],
        [{}, ["--dryrun"], "unknown option --dryrun (did you mean --dry-run?); see --help"],
        [{}, ["--env", "test"], '--env: "test" is not a known environment; known: tt02, prod (production)'],
        [{ ALTINN_ENV: "Prod" }, [], 'ALTINN_ENV: "Prod" is not a known environment; known: tt02, prod (production)'],
        [{}, ["--org", "TTD"], `--org: "TTD" is not ${ORG_RULE}`],
        [{ ALTINN_APP: "App_A" }, [], `ALTINN_APP: "App_A" is not ${APP_NAME_RULE}`],
        [{ ALTINN_APP: "datamodels" }, [], `ALTINN_APP: "datamodels" is not ${APP_NAME_RULE}`],
        [{ ALTINN_ORG: "" }, [], "ALTINN_ORG not set (pass --org, --app, --env or set ALTINN_ORG, ALTINN_APP, ALTINN_ENV); see --help"],
        [{ REDEPLOY_ATTEMPTS: "1000" }, [], 'REDEPLOY_ATTEMPTS: "1000" is not a whole number from 1 to 10'],
        [{}, ["--api-key", KEY], "unknown option --api-key; see --help"],
        [{}, [`--api-key=${KEY}`], "unknown option --api-key; see --help"],
        [{}, [KEY], "unexpected argument: every value follows its option (--org ttd); see --help"],
        [{}, ["--org"], "option --org needs a value; see --help"],
    ])("%j %j", async (env, args, message) => {
        const r = await run(env, args);
        expect(r).toMatchObject({ code: 2, stdout: "", stderr: `${message}\n` });
        expect(seen).toHaveLength(0);
    });
});

describe("redeploy core, pure", () => {
    it("parses created as an instant: Z, offsets, .NET's 7 fraction digits, and no offset as UTC", () => {
        expect(parseInstant("2026-03-01T01:30:00+02:00")).toBe(Date.parse("2026-02-28T23:30:00Z"));
        expect(parseInstant("2026-03-01T01:30:00-0130")).toBe(Date.parse("2026-03-01T03:00:00Z"));
        expect(parseInstant("2026-02-28T23:45:00.1234567Z")).toBe(Date.parse("2026-02-28T23:45:00.123Z"));
        expect(parseInstant("2026-02-28T23:45:00")).toBe(Date.parse("2026-02-28T23:45:00Z"));
        for (const bad of ["yesterday", "", "2026-13-45T99:00:00Z", 1_700_000_000, null]) expect(parseInstant(bad)).toBeUndefined();
    });

    it("reads Retry-After as seconds or an HTTP date, capped", () => {
        const now = Date.parse("2026-11-25T12:00:00Z");
        expect(retryAfterMs("2", now)).toBe(2000);
        expect(retryAfterMs("Wed, 25 Nov 2026 12:00:05 GMT", now)).toBe(5000);
        expect(retryAfterMs("86400", now)).toBe(RETRY_AFTER_CAP_MS);
        expect(retryAfterMs("soon", now)).toBeUndefined();
        expect(retryAfterMs(null, now)).toBeUndefined();
    });

    it("maps prod to production and knows nothing else", () => {
        expect([studioEnvName("prod"), studioEnvName("production"), studioEnvName("tt02"), studioEnvName("at22"), studioEnvName("toString")]).toEqual(["production", "production", "tt02", undefined, undefined]);
    });

    it("counts as started only a deployment of that tag created since the run started, in Studio's clock", () => {
        const d = readDeployments(
            {
                pipelineDeploymentList: [
                    { tagName: "1.4.2", envName: "tt02", build: { result: "succeeded" }, created: "2026-11-25T11:59:59.900Z" },
                    { tagName: "1.4.2", envName: "production", build: null, created: "2026-11-25T12:00:03Z" },
                    { tagName: "1.4.1", envName: "tt02", build: null, created: "2026-11-25T12:00:03Z" },
                    { tagName: "1.4.2", envName: "tt02", build: { result: "none" }, created: "2026-11-25T14:00:02+02:00" },
                ],
                kubernetesDeploymentList: [],
            },
            "tt02",
        );
        const since = runStartedAt("Wed, 25 Nov 2026 12:00:00 GMT", Date.parse("2026-11-25T12:00:30Z"));
        expect(since).toBe(Date.parse("2026-11-25T12:00:00Z"));
        expect(startedSince(d, "1.4.2", since)?.created).toBe(Date.parse("2026-11-25T12:00:02Z"));
        expect(startedSince(d, "1.4.2", since + 3000)).toBeUndefined();
        expect(runningTag(d)).toBe("1.4.2");
        expect(runStartedAt(null, 42)).toBe(42);
    });
});

describe("redeploy: the key", () => {
    it("is blanked even when Studio echoes it with escape codes inside, which cleaning removes", async () => {
        const split = `${KEY.slice(0, 10)}\u001b[0m${KEY.slice(10)}`;
        const listed = { pipelineDeploymentList: [{ tagName: split, envName: "tt02", build: { result: "succeeded" }, created: "2026-01-01T00:00:00Z" }], kubernetesDeploymentList: [{ release: "ttd-app-a", version: split, envName: "tt02" }] };
        handler = (_req, res) => json(res, 200, listed);
        const r = await run({}, ["--dry-run"]);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("***");
        expect(r.stdout + r.stderr).not.toContain(KEY);
    });

    it("never appears in any output, whatever happened", () => {
        expect(allOutput.length).toBeGreaterThan(40);
        for (const out of allOutput) expect(out).not.toContain(KEY);
    });
});
