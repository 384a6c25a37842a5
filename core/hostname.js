// @ts-check
/**
 * What a host name in policy/config.json looks like, shared by the pack (TypeScript) and the
 * redeploy script (plain Node ESM). CommonJS like loopback.js, so both can load it. Pure data.
 */

/** A lower-case DNS host name with at least one dot: no scheme, port or path. */
exports.HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
