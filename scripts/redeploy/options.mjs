// @ts-check
/**
 * The redeploy script's options: flags over environment variables, each checked with a message
 * that names the flag or variable. Pure but for reading the allowed Studio hosts (studioHosts.mjs),
 * so every rule is tested directly.
 */
import { parseArgs } from "node:util";
import { APP_NAME_PATTERN, APP_NAME_RULE, ORG_PATTERN, ORG_RULE, STUDIO_ENV_NAMES } from "../../core/altinn/names.js";
import { isLoopbackHost } from "../../core/loopback.js";
import { closest, terminalWidth, wrap } from "../../core/text.js";
import { DEFAULT_STUDIO_URL, UsageError } from "./core.mjs";
import { allowedStudioHosts } from "./studioHosts.mjs";

const OPTIONS = [
    ["--org <org>", "service owner code, e.g. ttd (ALTINN_ORG)"],
    ["--app <app>", "app name (ALTINN_APP)"],
    ["--env <env>", `tt02, or prod (Studio's "production") (ALTINN_ENV)`],
    ["--studio-url <url>", `Altinn Studio's origin, without a path (${DEFAULT_STUDIO_URL}) (ALTINN_STUDIO_URL); its host must be in policy/config.json allowedStudioHosts`],
    ["--dry-run", "read which tag runs (a GET, which takes the API key too) and say what would be deployed; send no deployment"],
    ["-h, --help", "print this and exit"],
];
const ENVIRONMENT = [
    ["ALTINN_STUDIO_API_KEY", "Altinn Studio API key (required, with --dry-run too; read from the environment only, never printed)"],
    ["REDEPLOY_TIMEOUT_MS", "time for each request, answer included (15000)"],
    ["REDEPLOY_ATTEMPTS", "attempts per request, and looks for a started deployment after an unknown outcome (4)"],
    ["REDEPLOY_BACKOFF_MS", "wait before the first retry, doubled each time (1000)"],
];
const EXIT_STATUS = [
    ["0", "redeployed, already started, never deployed there (nothing to redeploy), or a dry run"],
    ["1", "Altinn Studio failed, refused or answered nonsense"],
    ["2", "bad arguments or environment, a Studio host policy/config.json allowedStudioHosts does not list, or a policy/config.json that cannot be read; nothing sent"],
];

/**
 * Rows of `name  text`, the texts in one column; on a narrow terminal each text goes under its name.
 * @param {string[][]} rows @param {number} width
 */
function table(rows, width) {
    const column = Math.max(...rows.map(([name]) => name.length)) + 4;
    return rows.flatMap(([name, text]) =>
        column > width / 2 ? [`  ${name}`, ...wrap(text, "      ", 6, width)] : wrap(text, `  ${name}`.padEnd(column), column, width),
    );
}

/**
 * What --help prints, within `width` columns (the terminal's, or 100 when stdout is not one).
 * @param {number} [width]
 */
export function usage(width = terminalWidth()) {
    const para = (/** @type {string} */ text) => wrap(text, "", 0, width);
    return [
        ...wrap("usage: node scripts/redeploy.mjs [--org <org>] [--app <app>] [--env <tt02|prod>] [--studio-url <url>] [--dry-run]", "", 4, width),
        "",
        ...para("Redeploys the tag an Altinn app runs in an environment, so it restarts and reads its new Key Vault secret versions. When a deployment's outcome is unknown (timeout, dropped connection, 502/504), it asks Altinn Studio whether the deployment started before sending it again. Prints what it did in one sentence, within the terminal's width (100 columns when not a terminal, as in Pulumi's log)."),
        "",
        ...para("Options (each overrides its environment variable):"),
        ...table(OPTIONS, width),
        "",
        "Environment:",
        ...table(ENVIRONMENT, width),
        "",
        "Exit status:",
        ...table(EXIT_STATUS, width),
    ].join("\n");
}

/** @typedef {import("./core.mjs").RedeployOptions} RedeployOptions */

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

/** @type {Record<string, { type: "string" | "boolean", short?: string }>} */
const FLAGS = { org: { type: "string" }, app: { type: "string" }, env: { type: "string" }, "studio-url": { type: "string" }, "dry-run": { type: "boolean" }, help: { type: "boolean", short: "h" } };

/**
 * Options from the command line and the environment; `help` when --help was asked.
 * Messages name the flag or variable, and never hold a value that could be the key.
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} env
 * @param {string} [packConfigFile] the policy/config.json whose allowedStudioHosts the key may go to (default: the project's)
 * @returns {{ help: true } | { help: false, options: RedeployOptions }}
 */
export function optionsFrom(argv, env, packConfigFile) {
    /** @type {Record<string, string | boolean | undefined>} */
    let flags;
    try {
        flags = parseArgs({
            args: argv,
            options: FLAGS,
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
    const studioUrl = checkStudioUrl(url ?? DEFAULT_STUDIO_URL, urlFrom, allowedStudioHosts(packConfigFile));

    const apiKey = env.ALTINN_STUDIO_API_KEY;
    if (!apiKey) {
        throw new UsageError(
            "ALTINN_STUDIO_API_KEY is not set: every run reads Studio's deployments list with it, --dry-run too; by hand, export an Altinn Studio API key in this shell; under pulumi up, in the environment that runs pulumi up",
        );
    }
    return {
        help: false,
        options: {
            org: o, app: a, envName, studioUrl, apiKey,
            timeoutMs: whole(env, "REDEPLOY_TIMEOUT_MS", 15_000, 1, 600_000),
            attempts: whole(env, "REDEPLOY_ATTEMPTS", 4, 1, 10),
            backoffMs: whole(env, "REDEPLOY_BACKOFF_MS", 1_000, 0, 60_000),
            dryRun: flags["dry-run"] === true,
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
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
            const guess = option?.startsWith("--") ? closest(option.slice(2), Object.keys(FLAGS)) : undefined;
            return `unknown option ${option ?? ""}`.trim() + (guess ? ` (did you mean --${guess}?)` : "");
        }
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
 * The Studio origin, refused when the key would travel in clear text, to a URL that carries extras
 * or a path, or to a host not in `allowedHosts` (policy/config.json allowedStudioHosts): the script
 * checks the host itself, so a `pulumi up` without the policy pack cannot send the key elsewhere.
 * @param {string} text @param {string} from @param {string[]} allowedHosts
 */
export function checkStudioUrl(text, from, allowedHosts) {
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
    // The script adds /designer/api/...: a base with a path (https://altinn.studio/designer/) would call /designer/designer/api.
    if (url.pathname !== "/") throw new UsageError(`${from}: ${url.origin}${url.pathname} has a path; give Altinn Studio's origin only, ${url.origin}`);
    // The same list and test as the studio-host-allowed rule; loopback gets no pass (only plain http, above).
    if (!allowedHosts.includes(url.hostname)) {
        throw new UsageError(
            `${from}: ${url.hostname} is not an allowed Altinn Studio host (allowed: ${allowedHosts.join(", ")}); the API key is not sent there. To allow it, add it to allowedStudioHosts in policy/config.json (a change the code owners review)`,
        );
    }
    return url.origin;
}

