// @ts-check
/**
 * Where the Altinn Studio API key may go: policy/config.json `allowedStudioHosts` (reviewed with
 * the code), default altinn.studio. Read the same way by the policy pack (TypeScript) and by the
 * redeploy script (plain Node ESM), which refuses any other host before sending the key.
 * CommonJS like names.js, so both can load it. Pure but for the file's path.
 */
const path = require("node:path");
const { HOSTNAME } = require("../hostname.js");

/** The project's policy/config.json, wherever the code is run from. */
exports.PACK_CONFIG_FILE = path.join(__dirname, "..", "..", "policy", "config.json");

/** Where Altinn Studio lives; the only Studio host allowed unless policy/config.json lists others. */
exports.DEFAULT_STUDIO_HOSTS = ["altinn.studio"];

/**
 * `allowedStudioHosts` of policy/config.json (absent: the default); throws one line naming the key.
 * @param {unknown} value
 * @param {string} [file]
 * @returns {string[]}
 */
exports.parseStudioHosts = (value, file = "policy/config.json") => {
    if (value === undefined) return [...exports.DEFAULT_STUDIO_HOSTS];
    if (!Array.isArray(value) || value.length === 0 || value.some((h) => typeof h !== "string" || !HOSTNAME.test(h))) {
        throw new Error(`${file}: allowedStudioHosts must be a non-empty list of lower-case host names such as "altinn.studio" (no scheme, port or path)`);
    }
    return [...value];
};

/**
 * `allowedStudioHosts` from the text of policy/config.json (absent file: the default); throws one line.
 * @param {string | undefined} text
 * @param {string} [file]
 * @returns {string[]}
 */
exports.studioHostsOfPackConfig = (text, file = "policy/config.json") => {
    if (text === undefined) return [...exports.DEFAULT_STUDIO_HOSTS];
    let json;
    try {
        json = JSON.parse(text);
    } catch {
        throw new Error(`${file}: not valid JSON`);
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Error(`${file}: must be a JSON object`);
    return exports.parseStudioHosts(/** @type {Record<string, unknown>} */ (json).allowedStudioHosts, file);
};
