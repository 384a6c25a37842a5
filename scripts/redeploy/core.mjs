// @ts-check
/**
 * The pure half of the redeploy script: the Studio deployments answer, which tag runs, whether a
 * deployment already started, what a message prints as (options.mjs reads the options). No I/O
 * here, so every rule is tested directly.
 */

import { DEFAULT_WIDTH, defuseWorkflowCommands, wrapKeepingCommands } from "../../core/text.js";

/** A failure with a one-line message meant for a person (exit 1). */
export class RedeployError extends Error {}
/** Bad arguments or environment variables (exit 2). */
export class UsageError extends Error {}

export const DEFAULT_STUDIO_URL = "https://altinn.studio";
/** Longest wait a Retry-After header can ask for. */
export const RETRY_AFTER_CAP_MS = 60_000;
/** Largest answer read from Studio; a deployments list is a few kB. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * @typedef {{ org: string, app: string, envName: string, studioUrl: string, apiKey: string,
 *   timeoutMs: number, attempts: number, backoffMs: number, dryRun: boolean }} RedeployOptions
 */

/**
 * The Designer API deployments endpoint of one app.
 * @param {string} studioUrl checked base URL @param {string} org @param {string} app
 */
export function deploymentsUrl(studioUrl, org, app) {
    return `${studioUrl}/designer/api/${encodeURIComponent(org)}/${encodeURIComponent(app)}/deployments`;
}

/**
 * Milliseconds to wait as a Retry-After header asks (seconds or an HTTP date), capped.
 * @param {string | null | undefined} header
 * @param {number} [now]
 * @returns {number | undefined}
 */
export function retryAfterMs(header, now = Date.now()) {
    if (!header) return undefined;
    const text = header.trim();
    const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
    return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS) : undefined;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An ISO 8601 date-time as epoch milliseconds, its offset applied (no offset: UTC, as .NET writes
 * a UTC DateTime without a kind). Undefined when the text is not one.
 * @param {unknown} text
 * @returns {number | undefined}
 */
export function parseInstant(text) {
    if (typeof text !== "string") return undefined;
    const m = INSTANT.exec(text.trim());
    if (!m) return undefined;
    const [, date, time, fraction = "0", offset = "Z"] = m;
    const zone = offset.toUpperCase() === "Z" ? "Z" : `${offset.slice(0, 3)}:${offset.slice(-2)}`;
    const ms = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}.${fraction.padEnd(3, "0").slice(0, 3)}${zone}`);
    return Number.isFinite(ms) ? ms : undefined;
}

/**
 * @typedef {{ tagName: string, envName: string, succeeded: boolean, created: number }} PipelineDeployment
 * @typedef {{ version: string | undefined, envName: string }} KubernetesDeployment
 * @typedef {{ pipelines: PipelineDeployment[], running: KubernetesDeployment[] }} Deployments
 */

/** @param {unknown} v */
function kind(v) {
    if (v === null) return "null";
    if (Array.isArray(v)) return "a list";
    return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/**
 * Check Studio's deployments answer for one environment; the message names what was wrong.
 * Entries for other environments need only an envName.
 * @param {unknown} body parsed JSON
 * @param {string} envName
 * @returns {Deployments}
 */
export function readDeployments(body, envName) {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
        throw new RedeployError(`expected a JSON object with pipelineDeploymentList and kubernetesDeploymentList, got ${kind(body)}`);
    }
    const record = /** @type {Record<string, unknown>} */ (body);
    /** @param {string} name */
    const list = (name) => {
        const value = record[name];
        if (value === undefined) throw new RedeployError(`${name} is missing`);
        if (!Array.isArray(value)) throw new RedeployError(`${name} is ${kind(value)}, not a list`);
        return value.map((entry, i) => {
            const at = `${name}[${i}]`;
            if (entry === null || typeof entry !== "object" || Array.isArray(entry)) throw new RedeployError(`${at} is ${kind(entry)}, not an object`);
            if (typeof entry.envName !== "string") throw new RedeployError(`${at}.envName is ${kind(entry.envName)}, not a string`);
            return { at, entry: /** @type {Record<string, unknown>} */ (entry) };
        });
    };

    const pipelines = list("pipelineDeploymentList")
        .filter(({ entry }) => entry.envName === envName)
        .map(({ at, entry }) => {
            if (typeof entry.tagName !== "string" || entry.tagName === "") throw new RedeployError(`${at}.tagName is ${kind(entry.tagName)}, not a tag`);
            const created = parseInstant(entry.created);
            if (created === undefined) throw new RedeployError(`${at}.created is ${typeof entry.created === "string" ? JSON.stringify(entry.created) : kind(entry.created)}, not a date-time`);
            const build = entry.build ?? null;
            if (build !== null && (typeof build !== "object" || Array.isArray(build))) throw new RedeployError(`${at}.build is ${kind(build)}, not an object`);
            const result = /** @type {Record<string, unknown> | null} */ (build)?.result ?? null;
            if (result !== null && typeof result !== "string") throw new RedeployError(`${at}.build.result is ${kind(result)}, not a string`);
            return { tagName: entry.tagName, envName, succeeded: result?.toLowerCase() === "succeeded", created };
        });

    const running = list("kubernetesDeploymentList")
        .filter(({ entry }) => entry.envName === envName)
        .map(({ at, entry }) => {
            const version = entry.version ?? null;
            if (version !== null && typeof version !== "string") throw new RedeployError(`${at}.version is ${kind(version)}, not a string`);
            return { version: version || undefined, envName };
        });
    return { pipelines, running };
}

/**
 * The tag running in the environment: the Kubernetes deployment's version wins; else the newest
 * succeeded pipeline deployment there (by instant). Undefined when the app was never deployed there.
 * @param {Deployments} d
 * @returns {string | undefined}
 */
export function runningTag(d) {
    const live = d.running.find((k) => k.version !== undefined);
    if (live) return live.version;
    const succeeded = d.pipelines.filter((p) => p.succeeded).sort((a, b) => b.created - a.created);
    return succeeded[0]?.tagName;
}

/**
 * A deployment of `tag` created at or after `since` (whatever its build state): one this run, or
 * someone else just now, already started, so sending another would run the pipeline twice.
 * @param {Deployments} d
 * @param {string} tag
 * @param {number} since epoch ms, in Studio's clock
 * @returns {PipelineDeployment | undefined}
 */
export function startedSince(d, tag, since) {
    return d.pipelines.filter((p) => p.tagName === tag && p.created >= since).sort((a, b) => a.created - b.created)[0];
}

/**
 * When this run started, in Studio's clock: the Date header of its first answer, rounded down to
 * the second it names, so a local clock that runs ahead never hides the deployment this run sent.
 * @param {string | null} dateHeader
 * @param {number} localStart
 */
export function runStartedAt(dateHeader, localStart) {
    const serverTime = dateHeader ? Date.parse(dateHeader) : NaN;
    return Number.isFinite(serverTime) ? serverTime : localStart;
}

/** Longest tag name printed; a longer one is cut. */
const MAX_TAG_CHARS = 100;
/** Longest line printed: an error names URLs, so this is generous. */
export const MAX_LINE_CHARS = 1000;

/**
 * Text from Studio made safe for one line of a terminal or a CI log: escape sequences and control
 * characters (a newline would start a `::error` workflow command) become spaces, runs of space one,
 * and it is cut to `max` characters.
 * @param {unknown} value @param {number} max
 */
export function printable(value, max) {
    const text = String(value)
        .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "")
        .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, "")
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]+/g, " ")
        .replace(/\s+/g, " ")
        .trim();
    return text.length > max ? `${text.slice(0, max)}...` : text;
}

/**
 * A message as the lines to print. Belt and braces: none leaves with the key in it, whatever an error
 * or a server echoed (a key too short to be real is left alone), and the message holds no line break
 * of its own. Blanked before and after cleaning (which removes escape codes, so could join a key
 * echoed with one inside); cut; then within `width` (a pipe's or Pulumi's log's 100 when not said):
 * a long one continues on lines indented by two spaces, a URL or command whole.
 * @param {string} message @param {string | undefined} key @param {number} [width]
 * @returns {string[]}
 */
export function messageLines(message, key, width = DEFAULT_WIDTH) {
    const blank = (/** @type {string} */ text) => (key && key.length >= 8 ? text.split(key).join("***") : text);
    // `##[` runs anywhere in a line of a CI log (Pulumi's output under pulumi up too).
    return wrapKeepingCommands(printable(blank(printable(blank(message), Number.MAX_SAFE_INTEGER)), MAX_LINE_CHARS), "", 2, width).map((l) => defuseWorkflowCommands(l));
}

/** @param {string} tag */
const tagText = (tag) => printable(tag, MAX_TAG_CHARS);

/** Lines printed on success, one per outcome. */
export const lines = {
    /** @param {RedeployOptions} o @param {string} tag */
    redeployed: (o, tag) => `redeployed ${o.org}/${o.app} ${tagText(tag)} to ${o.envName}`,
    /** @param {RedeployOptions} o */
    neverDeployed: (o) => `${o.dryRun ? "dry run: " : ""}${o.org}/${o.app}: not deployed to ${o.envName} yet, nothing to redeploy`,
    /** `--dry-run`: what a run would send (it sends only the GET that read the tag). @param {RedeployOptions} o @param {string} tag @param {string} url */
    wouldRedeploy: (o, tag, url) => `dry run: would redeploy ${o.org}/${o.app} ${tag} to ${o.envName} (POST ${url} with ${JSON.stringify({ tagName: tag, envName: o.envName })}); nothing sent`,
    /** @param {RedeployOptions} o @param {string} tag @param {number} created */
    alreadyStarted: (o, tag, created) => `${o.org}/${o.app}: deployment of ${tagText(tag)} to ${o.envName} already started at ${new Date(created).toISOString()}, not sent again`,
    /** @param {RedeployOptions} o @param {string} tag @param {string} postProblem @param {string} last */
    outcomeUnknown: (o, tag, postProblem, last) =>
        `outcome unknown (${postProblem}) and Altinn Studio could not be asked whether the deployment of ${tagText(tag)} to ${o.envName} started (${last}); not sent again: look in Altinn Studio before running again`,
};
