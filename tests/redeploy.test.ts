import { spawn } from "node:child_process";
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "./helpers";

const KEY = "studio-api-key-0a9f8e7d6c5b4a39";
const DEPLOYMENTS = "/designer/api/ttd/app-a/deployments";

interface Seen {
    method: string;
    path: string;
    apiKey: string | undefined;
    contentType: string | undefined;
    body: string;
}

type Handler = (req: Seen, res: ServerResponse, n: number) => void;

let server: Server;
let url: string;
let handler: Handler;
let seen: Seen[];
const allOutput: string[] = [];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
}

const running = {
    pipelineDeploymentList: [
        { tagName: "1.3.0", envName: "tt02", build: { result: "succeeded" }, created: "2026-10-01T10:00:00Z" },
        { tagName: "9.9.9", envName: "production", build: { result: "succeeded" }, created: "2026-11-01T10:00:00Z" },
    ],
    kubernetesDeploymentList: [
        { release: "ttd-app-a", version: "1.4.2", envName: "tt02" },
        { release: "ttd-app-a", version: "9.9.9", envName: "production" },
    ],
};

/** The usual Studio: GET lists deployments, POST answers 201. */
const studio: Handler = (req, res) => (req.method === "GET" ? json(res, 200, running) : json(res, 201, { tagName: "x" }));

function run(env: Record<string, string>, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(ROOT, "scripts", "redeploy.mjs"), ...args], {
            env: {
                PATH: process.env.PATH ?? "",
                ALTINN_ORG: "ttd",
                ALTINN_APP: "app-a",
                ALTINN_ENV: "tt02",
                ALTINN_STUDIO_URL: url,
                ALTINN_STUDIO_API_KEY: KEY,
                REDEPLOY_BACKOFF_MS: "10",
                REDEPLOY_ATTEMPTS: "3",
                REDEPLOY_TIMEOUT_MS: "2000",
                ...env,
            },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => {
            allOutput.push(stdout, stderr);
            resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
        });
    });
}

beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            const s: Seen = { method: req.method ?? "", path: req.url ?? "", apiKey: req.headers["x-api-key"] as string | undefined, contentType: req.headers["content-type"], body };
            seen.push(s);
            handler(s, res, seen.length);
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
});

beforeEach(() => {
    seen = [];
    handler = studio;
});

describe("redeploy script against a local Studio", () => {
    it("GETs the deployments, then POSTs the running tag with the API key, and prints one line", async () => {
        const r = await run({});
        expect(r.code).toBe(0);
        expect(r.stdout).toBe("redeployed ttd/app-a 1.4.2 to tt02\n");
        expect(r.stderr).toBe("");
        expect(seen).toEqual([
            { method: "GET", path: DEPLOYMENTS, apiKey: KEY, contentType: undefined, body: "" },
            { method: "POST", path: DEPLOYMENTS, apiKey: KEY, contentType: "application/json", body: JSON.stringify({ tagName: "1.4.2", envName: "tt02" }) },
        ]);
    });

    it("uses the production env name and its own running version", async () => {
        const r = await run({}, ["--env", "production"]);
        expect(r.stdout).toBe("redeployed ttd/app-a 9.9.9 to production\n");
        expect(JSON.parse(seen[1].body)).toEqual({ tagName: "9.9.9", envName: "production" });
    });

    it("falls back to the newest succeeded pipeline deployment when nothing runs", async () => {
        handler = (req, res) =>
            req.method === "GET"
                ? json(res, 200, {
                      kubernetesDeploymentList: [],
                      pipelineDeploymentList: [
                          { tagName: "1.0.0", envName: "tt02", build: { result: "succeeded" }, created: "2026-01-01T00:00:00Z" },
                          { tagName: "1.2.0", envName: "tt02", build: { result: "failed" }, created: "2026-03-01T00:00:00Z" },
                          { tagName: "1.1.0", envName: "tt02", build: { result: "Succeeded" }, created: "2026-02-01T00:00:00Z" },
                      ],
                  })
                : json(res, 201, {});
        const r = await run({});
        expect(r.stdout).toBe("redeployed ttd/app-a 1.1.0 to tt02\n");
    });

    it("retries 5xx with backoff, then succeeds", async () => {
        handler = (req, res, n) => (n <= 2 ? json(res, 503, "busy") : studio(req, res, n));
        const r = await run({});
        expect(r.code).toBe(0);
        expect(seen.map((s) => s.method)).toEqual(["GET", "GET", "GET", "POST"]);
    });

    it("honours Retry-After on 429", async () => {
        handler = (req, res, n) => (n === 1 ? json(res, 429, "slow down", { "Retry-After": "1" }) : studio(req, res, n));
        const r = await run({});
        expect(r.code).toBe(0);
        expect(r.ms).toBeGreaterThanOrEqual(900);
        expect(seen).toHaveLength(3);
    });

    it("gives up after the last attempt with one line", async () => {
        handler = (_req, res) => json(res, 502, "bad gateway");
        const r = await run({});
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(`GET ${url}${DEPLOYMENTS} failed after 3 attempts: HTTP 502\n`);
        expect(seen).toHaveLength(3);
    });

    it("names the API key on 401", async () => {
        handler = (_req, res) => json(res, 401, {});
        const r = await run({});
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(`GET ${url}${DEPLOYMENTS}: HTTP 401, Altinn Studio did not accept the API key; check ALTINN_STUDIO_API_KEY (create one in Altinn Studio under your user's settings)\n`);
        expect(seen).toHaveLength(1);
    });

    it("names the Deploy-<env> team on 403", async () => {
        handler = (req, res) => (req.method === "GET" ? json(res, 200, running) : json(res, 403, {}));
        const r = await run({});
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(`POST ${url}${DEPLOYMENTS}: HTTP 403, the API key's user may not deploy ttd/app-a to tt02; it needs the ttd team Deploy-tt02 in Altinn Studio\n`);
    });

    it("says the app is unknown on 404", async () => {
        handler = (_req, res) => json(res, 404, {});
        const r = await run({});
        expect(r.stderr).toContain("HTTP 404, Altinn Studio knows no app ttd/app-a");
        expect(r.code).toBe(1);
    });

    it("says there is nothing to redeploy when the app never ran in the environment", async () => {
        handler = (_req, res) => json(res, 200, { kubernetesDeploymentList: [], pipelineDeploymentList: [{ tagName: "1.0.0", envName: "production", build: { result: "succeeded" } }] });
        const r = await run({});
        expect(r.code).toBe(1);
        expect(r.stderr).toBe("nothing to redeploy: ttd/app-a has no earlier deployment to tt02; deploy it once from Altinn Studio\n");
        expect(seen.map((s) => s.method)).toEqual(["GET"]);
    });

    it("times out every request and retries", async () => {
        handler = () => undefined; // never answers
        const r = await run({ REDEPLOY_TIMEOUT_MS: "200", REDEPLOY_ATTEMPTS: "2" });
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(`GET ${url}${DEPLOYMENTS} failed after 2 attempts: no answer within 200 ms\n`);
        expect(seen).toHaveLength(2);
    });

    it("reports malformed JSON and a malformed shape", async () => {
        handler = (_req, res) => json(res, 200, "{not json");
        expect((await run({})).stderr).toBe(`malformed response: GET ${url}${DEPLOYMENTS} did not return JSON\n`);
        handler = (_req, res) => json(res, 200, { kubernetesDeploymentList: "none" });
        expect((await run({})).stderr).toBe("malformed response: kubernetesDeploymentList and pipelineDeploymentList must be lists\n");
    });

    it("reports a network error after retrying", async () => {
        // A port that was free a moment ago: nothing listens there.
        const probe = createServer();
        await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
        const closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
        await new Promise((r) => probe.close(r));
        const r = await run({ ALTINN_STUDIO_URL: closed });
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(`GET ${closed}${DEPLOYMENTS} failed after 3 attempts: network error (ECONNREFUSED)\n`);
    });

    it("refuses to run without an API key, and to send it over plain http off this machine", async () => {
        const none = await run({ ALTINN_STUDIO_API_KEY: "" });
        expect(none.stderr).toBe("ALTINN_STUDIO_API_KEY is not set: export an Altinn Studio API key in the environment that runs pulumi up\n");
        const http = await run({ ALTINN_STUDIO_URL: "http://altinn.studio" });
        expect(http.stderr).toBe("ALTINN_STUDIO_URL: http://altinn.studio is not https; the API key is never sent in clear text\n");
        expect(seen).toHaveLength(0);
    });

    it("never prints the API key, whatever happened", () => {
        expect(allOutput.length).toBeGreaterThan(20);
        for (const out of allOutput) expect(out).not.toContain(KEY);
    });
});
