// @ts-check
/**
 * Where the redeploy script may send the Studio API key: the hosts policy/config.json lists in
 * allowedStudioHosts (default altinn.studio), read from the project beside the script, the list the
 * studio-host-allowed rule reads. The script checks the host itself, so a `pulumi up` without
 * `--policy-pack` cannot send the key elsewhere. Not a command input: a change to the redeploy
 * command re-runs every app's redeploy, and a change to this list must not.
 */
import { readFileSync } from "node:fs";
import { PACK_CONFIG_FILE, studioHostsOfPackConfig } from "../../core/altinn/studioHosts.js";
import { UsageError } from "./core.mjs";

/**
 * The allowed Studio hosts in `file` (no file: the default, as in the pack); one line, exit 2, when
 * they cannot be read.
 * @param {string} [file] the project's policy/config.json, or a test's own
 * @returns {string[]}
 */
export function allowedStudioHosts(file = PACK_CONFIG_FILE) {
    let text;
    try {
        text = readFileSync(file, "utf8");
    } catch {
        text = undefined;
    }
    try {
        return studioHostsOfPackConfig(text);
    } catch (e) {
        throw new UsageError(`${/** @type {Error} */ (e).message}; the Studio hosts the API key may go to cannot be read, so nothing is sent`);
    }
}
