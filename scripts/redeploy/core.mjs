// @ts-check
/**
 * The pure half of the redeploy script: options, the Studio deployments answer, which tag runs,
 * whether a deployment already started. No I/O here, so every rule is tested directly.
 */
import { parseArgs } from "node:util";
import { APP_NAME_PATTERN, APP_NAME_RULE, ORG_PATTERN, ORG_RULE, STUDIO_ENV_NAMES } from "../../core/altinn/names.js";
import { isLoopbackHost } from "../../core/loopback.js";

/** A failure with a one-line message meant for a person (exit 1). */
export class RedeployError extends Error {}
/** Bad arguments or environment variables (exit 2). */
export class UsageError extends Error {}

export const DEFAULT_STUDIO_URL = "https://altinn.studio";
/** Longest wait a Retry-After header can ask for. */
export const RETRY_AFTER_CAP_MS = 60_000;
/** Largest answer read from Studio; a deployments list is a few kB. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export const USAGE = `usage: node scripts/redeploy.mjs [--org <org>] [--app <app>] [--env <tt02|prod>] [--studio-url <url>]

Redeploys the tag an Altinn app runs in an environment, so it restarts and reads its new Key Vault
secret versions. When a deployment's outcome is unknown (timeout, dropped connection, 502/504), it
asks Altinn Studio whether the deployment started before sending it again. Prints one line.

Options (each overrides its environment variable):
  --org <org>         service owner code, e.g. ttd                      ALTINN_ORG
  --app <app>         app name                                          ALTINN_APP
  --env <env>         tt02, or prod (Studio's "production")             ALTINN_ENV
  --studio-url <url>  Altinn Studio base URL (${DEFAULT_STUDIO_URL})   ALTINN_STUDIO_URL
  -h, --help          print this and exit

Environment:
  ALTINN_STUDIO_API_KEY  Altinn Studio API key (required; read from the environment only, never printed)
  REDEPLOY_TIMEOUT_MS    time for each request, answer included (15000)
  REDEPLOY_ATTEMPTS      attempts per request, and looks for a started deployment after an unknown outcome (4)
  REDEPLOY_BACKOFF_MS    wait before the first retry, doubled each time (1000)

Exit status: 0 redeployed, already started, or never deployed there (nothing to redeploy);
1 Altinn Studio failed, refused or answered nonsense; 2 bad arguments or environment.`;

/**
 * @typedef {{ org: string, app: string, envName: string, studioUrl: string, apiKey: string,
 *   timeoutMs: number, attempts: number, backoffMs: number }} RedeployOptions
 */

/**
 * Studio's environment name for what a person or a stack calls it: prod means production.
 * @param {string} name
 * @returns {string | undefined}
 */
export function studioEnvName(name) {
    const names = /** @type {Record<string, string>} */ (STUDIO_ENV_NAMES);
    if (Object.hasOwn(names, name)) return names[name];
    return Object.values(names).includes(name) ? name : undefined;
}

const KNOWN_ENVS = Object.entries(STUDIO_ENV_NAMES)
    .map(([stack, studio]) => (stack === studio ? stack : `${stack} (${studio})`))
    .join(", ");

/**
 * Options from the command line and the environment; `help` when --help was asked.
 * Messages name the flag or variable, and never hold a value that could be the key.
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} env
 * @returns {{ help: true } | { help: false, options: RedeployOptions }}
 */
export function optionsFrom(argv, env) {
    /** @type {Record<string, string | boolean | undefined>} */
    let flags;
    try {
        flags = parseArgs({
            args: argv,
            options: { org: { type: "string" }, app: { type: "string" }, env: { type: "string" }, "studio-url": { type: "string" }, help: { type: "boolean", short: "h" } },
            strict: true,
            allowPositionals: false,
        }).values;
    } catch (e) {
        throw new UsageError(`${argumentProblem(e)}; see --help`);
    }
    if (flags.help) return { help: true };

    /** @param {string} flag @param {string} variable @returns {[string, string | undefined]} */
    const pick = (flag, variable) => {
        const fromFlag = flags[flag];
        return typeof fromFlag === "string" ? [`--${flag}`, fromFlag] : [variable, env[variable] || undefined];
    };
    const [orgFrom, org] = pick("org", "ALTINN_ORG");
    const [appFrom, app] = pick("app", "ALTINN_APP");
    const [envFrom, envGiven] = pick("env", "ALTINN_ENV");
    const [urlFrom, url] = pick("studio-url", "ALTINN_STUDIO_URL");

    const missing = [[orgFrom, org], [appFrom, app], [envFrom, envGiven]].filter(([, v]) => !v).map(([k]) => k);
    if (missing.length) throw new UsageError(`${missing.join(", ")} not set (pass --org, --app, --env or set ALTINN_ORG, ALTINN_APP, ALTINN_ENV); see --help`);
    const o = /** @type {string} */ (org), a = /** @type {string} */ (app), e = /** @type {string} */ (envGiven);
    if (!ORG_PATTERN.test(o)) throw new UsageError(`${orgFrom}: ${JSON.stringify(o)} is not ${ORG_RULE}`);
    if (!APP_NAME_PATTERN.test(a)) throw new UsageError(`${appFrom}: ${JSON.stringify(a)} is not ${APP_NAME_RULE}`);
    const envName = studioEnvName(e);
    if (!envName) throw new UsageError(`${envFrom}: ${JSON.stringify(e)} is not a known environment; known: ${KNOWN_ENVS}`);
    const studioUrl = checkStudioUrl(url ?? DEFAULT_STUDIO_URL, urlFrom);

    const apiKey = env.ALTINN_STUDIO_API_KEY;
    if (!apiKey) throw new UsageError("ALTINN_STUDIO_API_KEY is not set: export an Altinn Studio API key in the environment that runs pulumi up");
    return {
        help: false,
        options: {
            org: o, app: a, envName, studioUrl, apiKey,
            timeoutMs: whole(env, "REDEPLOY_TIMEOUT_MS", 15_000, 1, 600_000),
            attempts: whole(env, "REDEPLOY_ATTEMPTS", 4, 1, 10),
            backoffMs: whole(env, "REDEPLOY_BACKOFF_MS", 1_000, 0, 60_000),
        },
    };
}

/**
 * parseArgs' complaint without the argument's value (a key pasted on the command line stays unprinted).
 * @param {unknown} e
 */
function argumentProblem(e) {
    const err = /** @type {{ code?: string, message?: string }} */ (e);
    const option = /'(--?[a-zA-Z-]+)/.exec(err.message ?? "")?.[1];
    switch (err.code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
            return `unknown option ${option ?? ""}`.trim();
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
            return `option ${option ?? ""} needs a value`.replace("  ", " ");
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return "unexpected argument: every value follows its option (--org ttd)";
        default:
            return "bad arguments";
    }
}

/**
 * @param {Record<string, string | undefined>} env @param {string} name
 * @param {number} fallback @param {number} min @param {number} max
 */
function whole(env, name, fallback, min, max) {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name}: ${JSON.stringify(text)} is not a whole number from ${min} to ${max}`);
    return n;
}

/**
 * The Studio base URL, refused when the key would travel in clear text or to a URL that carries extras.
 * @param {string} text @param {string} from
 */
export function checkStudioUrl(text, from) {
    let url;
    try {
        url = new URL(text);
    } catch {
        throw new UsageError(`${from}: not a URL`);
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
        throw new UsageError(`${from}: ${url.protocol}//${url.host} is not https; the API key is never sent in clear text`);
    }
    if (url.username || url.password || url.search || url.hash) throw new UsageError(`${from}: a Studio URL has no user info, query or fragment`);
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

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

/** Lines printed on success, one per outcome. */
export const lines = {
    /** @param {RedeployOptions} o @param {string} tag */
    redeployed: (o, tag) => `redeployed ${o.org}/${o.app} ${tag} to ${o.envName}`,
    /** @param {RedeployOptions} o */
    neverDeployed: (o) => `${o.org}/${o.app}: not deployed to ${o.envName} yet, nothing to redeploy`,
    /** @param {RedeployOptions} o @param {string} tag @param {number} created */
    alreadyStarted: (o, tag, created) => `${o.org}/${o.app}: deployment of ${tag} to ${o.envName} already started at ${new Date(created).toISOString()}, not sent again`,
};
