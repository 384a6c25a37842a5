/**
 * The redeploy script checks where the Studio API key goes itself: a `pulumi up` without
 * `--policy-pack` skips the studio-host-allowed rule, so the script refuses, before sending
 * anything, any host policy/config.json allowedStudioHosts does not list (default altinn.studio).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_STUDIO_HOSTS } from "../../core/altinn/studioHosts";
import { TYPES } from "../../core/resourceNames";
import { rule } from "../../policy/rules/studio-host-allowed";
import { main, UsageError } from "../../scripts/redeploy.mjs";
import { checkStudioUrl } from "../../scripts/redeploy/options.mjs";
import { DEFAULT_STUDIO_URL as SCRIPT_DEFAULT } from "../../scripts/redeploy/core.mjs";
import { DEFAULT_STUDIO_URL as CONFIG_DEFAULT } from "../../core/config/limits";
import { redeployScriptCopy, ROOT, runNode, writePackConfig } from "../support/helpers";

const KEY = "studio-api-key-host-check-7d41c0";
const DEPLOYMENTS = "/designer/api/ttd/app-a/deployments";
const LISTING = {
    pipelineDeploymentList: [{ tagName: "1.4.2", envName: "tt02", build: { result: "succeeded" }, created: "2026-10-15T10:00:00Z" }],
    kubernetesDeploymentList: [{ release: "ttd-app-a", version: "1.4.2", envName: "tt02" }],
};

/** Every request the fake Studio got, with the key it carried. */
let recorded: { method: string; path: string; apiKey: string | undefined }[] = [];
let server: Server;
/** The fake Studio's origin: http://127.0.0.1:<port>. */
let url: string;
/** Everything every run printed, to prove the key is in none. */
const allOutput: string[] = [];

beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
        recorded.push({ method: req.method ?? "", path: req.url ?? "", apiKey: req.headers["x-api-key"] as string | undefined });
        res.setHeader("Connection", "close");
        if (req.method === "GET") res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(LISTING));
        else res.writeHead(201).end();
    });
    url = await new Promise((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
});

afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
});

beforeEach(() => {
    recorded = [];
});

const env = (studioUrl: string) => ({ ALTINN_ORG: "ttd", ALTINN_APP: "app-a", ALTINN_ENV: "tt02", ALTINN_STUDIO_URL: studioUrl, ALTINN_STUDIO_API_KEY: KEY, REDEPLOY_ATTEMPTS: "1", REDEPLOY_TIMEOUT_MS: "2000" });

/** The script's main in this process, reading `packConfig` as its policy/config.json. */
async function run(packConfig: string, studioUrl = url, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, env(studioUrl), { out: (l: string) => out.push(l), err: (l: string) => err.push(l), packConfigFile: packConfig });
    allOutput.push(...out, ...err);
    const text = (lines: string[]) => (lines.length ? `${lines.join("\n").replaceAll("\n  ", " ")}\n` : "");
    return { code, stdout: text(out), stderr: text(err) };
}

const refusal = (from: string, host: string, allowed: string) =>
    `${from}: ${host} is not an allowed Altinn Studio host (allowed: ${allowed}); the API key is not sent there. To allow it, add it to allowedStudioHosts in policy/config.json (a change the code owners review)\n`;

describe("redeploy: the Studio host is checked before anything is sent", () => {
    it("refuses a host policy/config.json does not list: exit 2, one line naming the host and where to allow it, no request", async () => {
        for (const args of [[], ["--dry-run"]]) {
            const r = await run(writePackConfig(["altinn.studio"]), url, args);
            expect(r).toEqual({ code: 2, stdout: "", stderr: refusal("ALTINN_STUDIO_URL", "127.0.0.1", "altinn.studio") });
        }
        const flag = await run(writePackConfig(["altinn.studio", "studio.example.no"]), "https://altinn.studio", ["--studio-url", url]);
        expect(flag).toEqual({ code: 2, stdout: "", stderr: refusal("--studio-url", "127.0.0.1", "altinn.studio, studio.example.no") });
        expect(recorded).toEqual([]);
    });

    it("gives loopback no pass: only the listed host, not another name for the same machine", async () => {
        const port = new URL(url).port;
        const r = await run(writePackConfig(["127.0.0.1"]), `http://localhost:${port}`);
        expect(r).toEqual({ code: 2, stdout: "", stderr: refusal("ALTINN_STUDIO_URL", "localhost", "127.0.0.1") });
        expect(recorded).toEqual([]);
    });

    it("applies the default (altinn.studio) when there is no policy/config.json, as the policy pack does", async () => {
        const missing = path.join(mkdtempSync(path.join(tmpdir(), "no-pack-")), "config.json");
        const r = await run(missing);
        expect(r).toEqual({ code: 2, stdout: "", stderr: refusal("ALTINN_STUDIO_URL", "127.0.0.1", DEFAULT_STUDIO_HOSTS.join(", ")) });
        const absentKey = await run(writePackConfig(undefined));
        expect(absentKey.stderr).toBe(refusal("ALTINN_STUDIO_URL", "127.0.0.1", "altinn.studio"));
        expect(recorded).toEqual([]);
    });

    it("sends nothing when policy/config.json cannot be read as a list of hosts, and says which key", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "bad-pack-"));
        const cases: [string, string][] = [
            ["{not json", "policy/config.json: not valid JSON"],
            ['{"allowedStudioHosts": "127.0.0.1"}', 'policy/config.json: allowedStudioHosts must be a non-empty list of lower-case host names such as "altinn.studio" (no scheme, port or path)'],
            ['{"allowedStudioHosts": []}', "policy/config.json: allowedStudioHosts must be a non-empty list"],
            ["[]", "policy/config.json: must be a JSON object"],
        ];
        for (const [i, [text, message]] of cases.entries()) {
            const file = path.join(dir, `config-${i}.json`);
            writeFileSync(file, text);
            const r = await run(file);
            expect(r.code).toBe(2);
            expect(r.stderr).toContain(message);
            expect(r.stderr).toContain("so nothing is sent");
        }
        expect(recorded).toEqual([]);
    });

    it("still redeploys on a listed host: GET then POST, each with the key", async () => {
        const r = await run(writePackConfig(["altinn.studio", "127.0.0.1"]));
        expect(r).toEqual({ code: 0, stdout: "redeployed ttd/app-a 1.4.2 to tt02\n", stderr: "" });
        expect(recorded).toEqual([
            { method: "GET", path: DEPLOYMENTS, apiKey: KEY },
            { method: "POST", path: DEPLOYMENTS, apiKey: KEY },
        ]);
    });

    it("refuses as `pulumi up` runs it without the policy pack: the shipped script and policy/config.json, the command's environment", async () => {
        const shipped = await runNode([path.join(ROOT, "scripts", "redeploy.mjs")], { PATH: process.env.PATH ?? "", ...env(url) });
        allOutput.push(shipped.stdout, shipped.stderr);
        expect(shipped.code).toBe(2);
        expect(shipped.stdout).toBe("");
        expect(shipped.stderr.replaceAll("\n  ", " ")).toMatch(/^ALTINN_STUDIO_URL: 127\.0\.0\.1 is not an allowed Altinn Studio host \(allowed: [^)]*\); the API key is not sent there\. To allow it, add it to allowedStudioHosts in policy\/config\.json/);
        // The same from another working directory: the script reads the policy/config.json beside it.
        const copy = await runNode([redeployScriptCopy("shipped")], { PATH: process.env.PATH ?? "", ...env(url) });
        allOutput.push(copy.stdout, copy.stderr);
        expect(copy).toEqual(shipped);
        expect(recorded).toEqual([]);

        const allowed = await runNode([redeployScriptCopy(["127.0.0.1"])], { PATH: process.env.PATH ?? "", ...env(url) });
        allOutput.push(allowed.stdout, allowed.stderr);
        expect(allowed).toEqual({ code: 0, stdout: "redeployed ttd/app-a 1.4.2 to tt02\n", stderr: "" });
        expect(recorded.map((q) => [q.method, q.apiKey])).toEqual([["GET", KEY], ["POST", KEY]]);
    });

    it("accepts and refuses exactly the hosts the studio-host-allowed rule does, with the same list", () => {
        const hosts = ["altinn.studio", "studio.example.no"];
        const urls = [
            "https://altinn.studio",
            "https://ALTINN.studio",
            "https://altinn.studio:8443",
            "https://studio.example.no",
            "https://altinn.studio.evil.example",
            "https://evil-altinn.studio",
            "https://altinn.studio.",
            "https://studio-proxy.example",
            "http://127.0.0.1:8080",
            "http://localhost",
        ];
        const script = (u: string) => {
            try {
                checkStudioUrl(u, "--studio-url", hosts);
                return "allowed";
            } catch (e) {
                expect(e).toBeInstanceOf(UsageError);
                return "refused";
            }
        };
        const pack = (u: string) =>
            rule.check({ type: TYPES.command, name: "c", id: "c", protect: false, props: { environment: { ALTINN_STUDIO_URL: u } } }, { studioHosts: hosts }).status === "compliant" ? "allowed" : "refused";
        expect(urls.map(script)).toEqual(urls.map(pack));
        expect(urls.map(script)).toEqual(["allowed", "allowed", "allowed", "allowed", "refused", "refused", "refused", "refused", "refused", "refused"]);
    });

    it("never prints the key", () => {
        expect(allOutput.length).toBeGreaterThan(10);
        for (const out of allOutput) expect(out).not.toContain(KEY);
    });
});

describe("the default Studio", () => {
    it("is one and the same for the config, the redeploy script and the allowed hosts", () => {
        // Written twice (limits.ts has no imports; the script is plain Node): held equal here.
        expect(SCRIPT_DEFAULT).toBe(CONFIG_DEFAULT);
        expect(DEFAULT_STUDIO_HOSTS).toEqual([new URL(CONFIG_DEFAULT).hostname]);
    });
});
