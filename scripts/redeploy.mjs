#!/usr/bin/env node
// @ts-check
/**
 * Redeploy what runs now: find the tag an Altinn app runs in an environment and deploy it again,
 * so the app restarts and reads its new Key Vault secret versions.
 *
 * Inputs (environment, as @pulumi/command passes them; or --org/--app/--env/--studio-url):
 *   ALTINN_ORG, ALTINN_APP, ALTINN_ENV (Studio env name: tt02, production, ...), ALTINN_STUDIO_URL
 *   ALTINN_STUDIO_API_KEY: from the environment of the `pulumi` process; never printed.
 * Tuning (tests): REDEPLOY_TIMEOUT_MS (15000), REDEPLOY_ATTEMPTS (4), REDEPLOY_BACKOFF_MS (1000).
 * Plain Node, no dependencies: it runs with whatever `npm ci` installed, or nothing at all.
 */

/** A failure with a one-line message meant for a person. */
export class RedeployError extends Error {}

const RETRY_AFTER_CAP_MS = 60_000;

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @typedef {{ org: string, app: string, envName: string, studioUrl: string, apiKey: string,
 *   timeoutMs?: number, attempts?: number, backoffMs?: number, log?: (line: string) => void }} RedeployOptions
 */

/**
 * Milliseconds to wait as a Retry-After header asks (seconds or an HTTP date), capped.
 * @param {string | null} header
 * @returns {number | undefined}
 */
export function retryAfterMs(header) {
    if (!header) return undefined;
    const seconds = Number(header);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
    return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS) : undefined;
}

/**
 * One HTTP request with a timeout and bounded retries on network errors, timeouts, 429 and 5xx.
 * @param {string} what  e.g. "GET https://altinn.studio/designer/api/ttd/app/deployments"
 * @param {string} url
 * @param {RequestInit} init
 * @param {Required<Pick<RedeployOptions, "timeoutMs" | "attempts" | "backoffMs">>} opts
 * @returns {Promise<Response>}
 */
async function request(what, url, init, opts) {
    let lastProblem = "";
    for (let attempt = 1; attempt <= opts.attempts; attempt++) {
        let wait = opts.backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
        try {
            const response = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs), redirect: "error" });
            if (response.status !== 429 && response.status < 500) return response;
            lastProblem = `HTTP ${response.status}`;
            wait = retryAfterMs(response.headers.get("retry-after")) ?? wait;
            await response.body?.cancel();
        } catch (e) {
            const err = /** @type {Error} */ (e);
            lastProblem = err.name === "TimeoutError" ? `no answer within ${opts.timeoutMs} ms` : `network error (${errorCode(err)})`;
        }
        if (attempt < opts.attempts) await sleep(wait);
    }
    throw new RedeployError(`${what} failed after ${opts.attempts} attempts: ${lastProblem}`);
}

/** @param {Error} err */
function errorCode(err) {
    const cause = /** @type {{ code?: string, message?: string } | undefined} */ (err.cause);
    return cause?.code ?? cause?.message ?? err.message.split("\n")[0];
}

/**
 * Turn an unexpected status into a message that says what to do.
 * @param {Response} response
 * @param {string} what
 * @param {RedeployOptions} o
 */
function statusError(response, what, o) {
    switch (response.status) {
        case 401:
            return new RedeployError(`${what}: HTTP 401, Altinn Studio did not accept the API key; check ALTINN_STUDIO_API_KEY (create one in Altinn Studio under your user's settings)`);
        case 403:
            return new RedeployError(`${what}: HTTP 403, the API key's user may not deploy ${o.org}/${o.app} to ${o.envName}; it needs the ${o.org} team Deploy-${o.envName} in Altinn Studio`);
        case 404:
            return new RedeployError(`${what}: HTTP 404, Altinn Studio knows no app ${o.org}/${o.app}; check the app name in the stack config`);
        default:
            return new RedeployError(`${what}: unexpected HTTP ${response.status}`);
    }
}

/**
 * The tag running in `envName`: the Kubernetes deployment's version, or else the newest
 * succeeded pipeline deployment there. Throws RedeployError on a malformed body.
 * @param {unknown} body
 * @param {string} envName
 * @returns {string | undefined}
 */
export function currentTag(body, envName) {
    if (!body || typeof body !== "object") throw new RedeployError("malformed response: the deployments answer is not a JSON object");
    const { kubernetesDeploymentList: running = [], pipelineDeploymentList: pipelines = [] } = /** @type {Record<string, unknown>} */ (body);
    if (!Array.isArray(running) || !Array.isArray(pipelines)) {
        throw new RedeployError("malformed response: kubernetesDeploymentList and pipelineDeploymentList must be lists");
    }
    const live = running.find((d) => d && d.envName === envName && typeof d.version === "string" && d.version !== "");
    if (live) return live.version;
    const succeeded = pipelines
        .filter((d) => d && d.envName === envName && typeof d.tagName === "string" && d.tagName !== "" && String(d.build?.result ?? "").toLowerCase() === "succeeded")
        .sort((a, b) => String(b.created ?? "").localeCompare(String(a.created ?? "")));
    return succeeded[0]?.tagName;
}

/**
 * Redeploy the tag that runs now. Resolves to the line to print.
 * @param {RedeployOptions} o
 * @returns {Promise<string>}
 */
export async function redeploy(o) {
    const opts = { timeoutMs: o.timeoutMs ?? 15_000, attempts: o.attempts ?? 4, backoffMs: o.backoffMs ?? 1_000 };
    const base = new URL(o.studioUrl);
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(base.hostname);
    if (base.protocol !== "https:" && !(base.protocol === "http:" && loopback)) {
        throw new RedeployError(`ALTINN_STUDIO_URL: ${base.origin} is not https; the API key is never sent in clear text`);
    }
    const url = new URL(`${base.pathname.replace(/\/+$/, "")}/designer/api/${encodeURIComponent(o.org)}/${encodeURIComponent(o.app)}/deployments`, base).toString();
    const headers = { "X-Api-Key": o.apiKey, Accept: "application/json" };

    const get = await request(`GET ${url}`, url, { method: "GET", headers }, opts);
    if (get.status !== 200) throw statusError(get, `GET ${url}`, o);
    let body;
    try {
        body = await get.json();
    } catch {
        throw new RedeployError(`malformed response: GET ${url} did not return JSON`);
    }
    const tag = currentTag(body, o.envName);
    if (!tag) {
        throw new RedeployError(`nothing to redeploy: ${o.org}/${o.app} has no earlier deployment to ${o.envName}; deploy it once from Altinn Studio`);
    }

    const post = await request(`POST ${url}`, url, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify({ tagName: tag, envName: o.envName }),
    }, opts);
    if (post.status !== 201) throw statusError(post, `POST ${url}`, o);
    await post.body?.cancel();
    return `redeployed ${o.org}/${o.app} ${tag} to ${o.envName}`;
}

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 */
export function optionsFrom(argv, env) {
    /** @type {Record<string, string | undefined>} */
    const flags = {};
    for (let i = 0; i < argv.length; i += 2) {
        if (!argv[i].startsWith("--") || argv[i + 1] === undefined) throw new RedeployError(`usage: redeploy.mjs --org <org> --app <app> --env <tt02|production> [--studio-url <url>]`);
        flags[argv[i].slice(2)] = argv[i + 1];
    }
    const org = flags.org ?? env.ALTINN_ORG;
    const app = flags.app ?? env.ALTINN_APP;
    const envName = flags.env ?? env.ALTINN_ENV;
    const studioUrl = flags["studio-url"] ?? env.ALTINN_STUDIO_URL ?? "https://altinn.studio";
    const missing = [["ALTINN_ORG", org], ["ALTINN_APP", app], ["ALTINN_ENV", envName]].filter(([, v]) => !v).map(([k]) => k);
    if (missing.length) throw new RedeployError(`${missing.join(", ")} not set (or pass --org, --app, --env)`);
    const apiKey = env.ALTINN_STUDIO_API_KEY;
    if (!apiKey) {
        throw new RedeployError("ALTINN_STUDIO_API_KEY is not set: export an Altinn Studio API key in the environment that runs pulumi up");
    }
    /** @param {string | undefined} v @param {number} d */
    const num = (v, d) => (v && Number.isFinite(Number(v)) ? Number(v) : d);
    return {
        org: /** @type {string} */ (org), app: /** @type {string} */ (app), envName: /** @type {string} */ (envName), studioUrl, apiKey,
        timeoutMs: num(env.REDEPLOY_TIMEOUT_MS, 15_000), attempts: num(env.REDEPLOY_ATTEMPTS, 4), backoffMs: num(env.REDEPLOY_BACKOFF_MS, 1_000),
    };
}

async function main() {
    try {
        const line = await redeploy(optionsFrom(process.argv.slice(2), process.env));
        process.stdout.write(`${line}\n`);
    } catch (e) {
        // One line, no stack trace; messages never hold the key.
        const message = e instanceof RedeployError ? e.message : `redeploy failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
        process.stderr.write(`${message}\n`);
        process.exitCode = 1;
    }
}

// Run when executed (node scripts/redeploy.mjs), not when imported by a test.
if (process.argv[1]?.endsWith("redeploy.mjs")) void main();
