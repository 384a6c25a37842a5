// @ts-check
/**
 * Altinn's naming rules, shared by the stack config (TypeScript) and the redeploy script (plain
 * Node ESM), so both refuse the same names with the same words. CommonJS so that ts-node, tsx and
 * `node scripts/redeploy.mjs` can all load it. Pure data.
 */

/** A service owner code, e.g. "ttd". */
exports.ORG_PATTERN = /^[a-z][a-z0-9]{1,19}$/;
exports.ORG_RULE = 'a service owner code (lower-case letters and digits, 2-20, e.g. "ttd")';

/** Altinn Studio's app (repository) name rule. */
exports.APP_NAME_PATTERN = /^(?!datamodels$)[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
exports.APP_NAME_RULE = "an Altinn app name (lower-case letters, digits and hyphens, 3-30, starting with a letter)";

/** Altinn Studio's name of each Altinn environment in the deployments API (the stacks say prod). */
exports.STUDIO_ENV_NAMES = Object.freeze({ tt02: "tt02", prod: "production" });
