#!/usr/bin/env node
// @ts-check
/**
 * Redeploy what runs now: find the tag an Altinn app runs in an environment and deploy it again,
 * so the app restarts and reads its new Key Vault secret versions. `--help` for usage.
 *
 * A deployment is not idempotent (every POST starts a pipeline run), so a POST whose outcome is
 * unknown (timeout, connection dropped after sending, 500/502/504, a 2xx other than 201) is never
 * simply sent again: the script first looks in Studio's deployments list for one of that tag
 * created since this run started, and sends again only when the last look found none.
 *
 * Inputs (environment, as @pulumi/command passes them; or flags): ALTINN_ORG, ALTINN_APP,
 * ALTINN_ENV, ALTINN_STUDIO_URL; ALTINN_STUDIO_API_KEY from the environment only, never printed.
 * Plain Node, no dependencies: it runs with whatever `npm ci` installed, or nothing at all.
 */
import {
    deploymentsUrl, lines, MAX_BODY_BYTES, messageLines, readDeployments, RedeployError, retryAfterMs, runningTag, runStartedAt, startedSince, UsageError,
} from "./redeploy/core.mjs";
import { optionsFrom, usage } from "./redeploy/options.mjs";
import { terminalWidth } from "../core/text.js";

export { RedeployError, UsageError };

/** @typedef {import("./redeploy/core.mjs").RedeployOptions} RedeployOptions */

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Backoff before retry `n` (1-based), with jitter so parallel redeploys spread out. @param {RedeployOptions} o @param {number} n */
const backoff = (o, n) => o.backoffMs * 2 ** (n - 1) * (0.75 + Math.random() / 2);

/** Connection errors that prove the request never reached a server: sending again is safe. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * What one request gave.
 * @typedef {{ kind: "answer", status: number, text: string, date: string | null, retryAfter: string | null }
 *   | { kind: "redirect", status: number, location: string }
 *   | { kind: "too-large" }
 *   | { kind: "failed", sent: boolean, problem: string }} Outcome
 */

/**
 * One request, its answer included, within the timeout. Redirects are not followed (the key would
 * go along); a body is read only for a 200 and only up to MAX_BODY_BYTES, counted as it streams.
 * @param {"GET" | "POST"} method
 * @param {string} url
 * @param {RedeployOptions} o
 * @param {string} [body]
 * @returns {Promise<Outcome>}
 */
async function send(method, url, o, body) {
    const signal = AbortSignal.timeout(o.timeoutMs);
    /** @type {Record<string, string>} */
    const headers = { "X-Api-Key": o.apiKey, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
        response = await fetch(url, { method, headers, body, signal, redirect: "manual" });
    } catch (e) {
        return failure(e, o, "no answer");
    }
    const { status } = response;
    const date = response.headers.get("date");
    const retryAfter = response.headers.get("retry-after");
    if (status >= 300 && status < 400) {
        await discard(response);
        const location = response.headers.get("location");
        return { kind: "redirect", status, location: location ? new URL(location, url).toString().slice(0, 300) : "(no Location)" };
    }
    if (status !== 200) {
        await discard(response);
        return { kind: "answer", status, text: "", date, retryAfter };
    }
    try {
        const text = await readCapped(response);
        return text === undefined ? { kind: "too-large" } : { kind: "answer", status, text, date, retryAfter };
    } catch (e) {
        return failure(e, o, "no complete answer");
    }
}

/** @param {Response} response */
async function discard(response) {
    await response.body?.cancel().catch(() => undefined);
}

/**
 * The body as text, or undefined (and the connection dropped) once it passes the cap.
 * @param {Response} response
 * @returns {Promise<string | undefined>}
 */
async function readCapped(response) {
    if (Number(response.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
        await discard(response);
        return undefined;
    }
    if (!response.body) return "";
    const reader = response.body.getReader();
    /** @type {Uint8Array[]} */
    const chunks = [];
    let size = 0;
    // Bounded: each read brings bytes (stopped at the cap) or ends; the timeout aborts a trickle.
    for (;;) {
        const { done, value } = await reader.read();
        if (done) return Buffer.concat(chunks).toString("utf8");
        size += value.byteLength;
        if (size > MAX_BODY_BYTES) {
            await reader.cancel().catch(() => undefined);
            return undefined;
        }
        chunks.push(value);
    }
}

/**
 * @param {unknown} e
 * @param {RedeployOptions} o
 * @param {string} timedOut what a timeout means here
 * @returns {Outcome}
 */
function failure(e, o, timedOut) {
    const err = /** @type {Error & { cause?: { code?: string, message?: string } }} */ (e);
    if (err?.name === "TimeoutError" || err?.name === "AbortError") return { kind: "failed", sent: true, problem: `${timedOut} within ${o.timeoutMs} ms` };
    const code = err?.cause?.code ?? err?.cause?.message ?? String(err?.message ?? e).split("\n")[0];
    return { kind: "failed", sent: !NOT_SENT.has(String(err?.cause?.code)), problem: `network error (${code})` };
}

/**
 * Turn an answer that no retry can change into a message that says what to do.
 * @param {Outcome} r
 * @param {string} what e.g. "GET https://altinn.studio/designer/api/ttd/app/deployments"
 * @param {RedeployOptions} o
 */
function refusal(r, what, o) {
    if (r.kind === "redirect") {
        return new RedeployError(`${what}: HTTP ${r.status} redirect to ${r.location}, not followed (the API key stays here); the Studio URL (ALTINN_STUDIO_URL or --studio-url) is probably wrong`);
    }
    if (r.kind === "too-large") return new RedeployError(`${what}: the answer is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB, refused without reading it; is the Studio URL Altinn Studio?`);
    const status = r.kind === "answer" ? r.status : 0;
    switch (status) {
        case 401:
            return new RedeployError(`${what}: HTTP 401, Altinn Studio did not accept the API key; check ALTINN_STUDIO_API_KEY (create one in Altinn Studio under your user's settings)`);
        case 403:
            return new RedeployError(`${what}: HTTP 403, the API key's user may not deploy ${o.org}/${o.app} to ${o.envName}; it needs the ${o.org} team Deploy-${o.envName} in Altinn Studio`);
        case 404:
            return new RedeployError(`${what}: HTTP 404, Altinn Studio knows no app ${o.org}/${o.app}; check the app name in the stack config`);
        default:
            return new RedeployError(`${what}: unexpected HTTP ${status}`);
    }
}

/**
 * Is it worth asking again? 429, 5xx and network trouble are; everything else is final.
 * @param {Outcome} r
 */
const transient = (r) => r.kind === "failed" || (r.kind === "answer" && (r.status === 429 || r.status >= 500));

/** @param {Outcome} r */
const problemOf = (r) => (r.kind === "failed" ? r.problem : r.kind === "answer" ? `HTTP ${r.status}` : r.kind);

/**
 * The deployments list, checked; throws on anything but a 200 with the documented object.
 * @param {Outcome} r
 * @param {string} url
 * @param {RedeployOptions} o
 */
function deploymentsFrom(r, url, o) {
    if (r.kind !== "answer" || r.status !== 200) throw refusal(r, `GET ${url}`, o);
    let body;
    try {
        body = JSON.parse(r.text.replace(/^\uFEFF/, ""));
    } catch {
        throw new RedeployError(`malformed answer to GET ${url}: not JSON`);
    }
    try {
        return readDeployments(body, o.envName);
    } catch (e) {
        throw new RedeployError(`malformed answer to GET ${url}: ${/** @type {Error} */ (e).message}`);
    }
}

/**
 * GET the deployments with bounded retries (a GET changes nothing, so retrying is always safe).
 * @param {string} url
 * @param {RedeployOptions} o
 */
async function getDeployments(url, o) {
    let last = "";
    for (let attempt = 1; attempt <= o.attempts; attempt++) {
        const r = await send("GET", url, o);
        if (!transient(r)) return { deployments: deploymentsFrom(r, url, o), date: r.kind === "answer" ? r.date : null };
        last = problemOf(r);
        if (attempt < o.attempts) await sleep((r.kind === "answer" && retryAfterMs(r.retryAfter)) || backoff(o, attempt));
    }
    throw new RedeployError(`GET ${url} failed after ${o.attempts} attempts: ${last}`);
}

/**
 * After a POST with an unknown outcome: look for a deployment of `tag` created since `since`, up to
 * `attempts` times with growing waits (Studio records it only once the pipeline is queued, so a slow
 * POST shows up late). Undefined only when the last look worked and found none.
 * @param {string} url
 * @param {RedeployOptions} o
 * @param {string} tag
 * @param {number} since
 * @param {string} postProblem
 */
async function lookForStarted(url, o, tag, since, postProblem) {
    let last = "";
    for (let look = 1; look <= o.attempts; look++) {
        await sleep(backoff(o, look));
        const r = await send("GET", url, o);
        if (transient(r)) {
            last = problemOf(r);
            continue;
        }
        const started = startedSince(deploymentsFrom(r, url, o), tag, since);
        if (started) return started;
        last = "";
    }
    if (last) {
        throw new RedeployError(`POST ${url}: ${lines.outcomeUnknown(o, tag, postProblem, last)}`);
    }
    return undefined;
}

/**
 * Redeploy the tag that runs now, at most once. Resolves to the line to print.
 * @param {RedeployOptions} o
 * @returns {Promise<string>}
 */
export async function redeploy(o) {
    const localStart = Date.now();
    const url = deploymentsUrl(o.studioUrl, o.org, o.app);
    const first = await getDeployments(url, o);
    const since = runStartedAt(first.date, localStart);
    const tag = runningTag(first.deployments);
    if (!tag || o.dryRun) return tag ? lines.wouldRedeploy(o, tag, url) : lines.neverDeployed(o);

    const body = JSON.stringify({ tagName: tag, envName: o.envName });
    let last = "";
    for (let attempt = 1; attempt <= o.attempts; attempt++) {
        const r = await send("POST", url, o, body);
        if (r.kind === "answer" && r.status === 201) return lines.redeployed(o, tag);
        // 429, 503 and a connection never made: Studio started nothing, so sending again is safe.
        const notStarted = r.kind === "answer" ? r.status === 429 || r.status === 503 : r.kind === "failed" && !r.sent;
        // No answer, a server error, or a success other than the documented 201: it may have started.
        const unknown = r.kind === "answer" ? r.status >= 500 || (r.status >= 200 && r.status < 300) : r.kind === "failed";
        if (!notStarted && !unknown) throw refusal(r, `POST ${url}`, o);
        last = r.kind === "answer" && r.status < 300 ? `HTTP ${r.status} instead of 201` : problemOf(r);
        if (notStarted) {
            if (attempt < o.attempts) await sleep((r.kind === "answer" && retryAfterMs(r.retryAfter)) || backoff(o, attempt));
            continue;
        }
        const started = await lookForStarted(url, o, tag, since, last);
        if (started) return lines.alreadyStarted(o, tag, started.created);
    }
    throw new RedeployError(`POST ${url} failed after ${o.attempts} attempts: ${last}`);
}

/**
 * The whole command: parse, redeploy, print what it did or why not. Resolves to the exit code.
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} env
 * @param {{ out: (line: string) => void, err: (line: string) => void, outWidth?: number, errWidth?: number, packConfigFile?: string }} io
 *   where lines go, the columns each may use (100 when not said: a pipe, Pulumi's log), a test's own policy/config.json
 * @returns {Promise<number>}
 */
export async function main(argv, env, io) {
    const print = (/** @type {(line: string) => void} */ to, /** @type {string} */ message, /** @type {number | undefined} */ width) =>
        messageLines(message, env.ALTINN_STUDIO_API_KEY, width).forEach((l) => to(l));
    try {
        const parsed = optionsFrom(argv, env, io.packConfigFile);
        if (parsed.help) {
            io.out(usage());
            return 0;
        }
        print(io.out, await redeploy(parsed.options), io.outWidth);
        return 0;
    } catch (e) {
        if (e instanceof UsageError) {
            print(io.err, e.message, io.errWidth);
            return 2;
        }
        const message = e instanceof RedeployError ? e.message : `redeploy failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
        print(io.err, message, io.errWidth);
        return 1;
    }
}

// Run when executed (node scripts/redeploy.mjs), not when imported by a test.
if (process.argv[1]?.endsWith("redeploy.mjs")) {
    void main(process.argv.slice(2), process.env, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
        outWidth: terminalWidth(process.stdout),
        errWidth: terminalWidth(process.stderr),
    }).then((code) => (process.exitCode = code));
}
