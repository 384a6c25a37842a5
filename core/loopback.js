// @ts-check
/**
 * Which hosts may be reached over plain http (local test fakes only): shared by the stack config
 * (TypeScript), the vault audit and the redeploy script (plain Node ESM). CommonJS, like
 * altinnNames.js, so all of them can load it. The Maskinporten provider keeps a copy of its own:
 * it is serialized into state and must require nothing of the project.
 */

/** @param {string} hostname a URL's hostname (IPv6 in brackets, as `new URL` gives it) */
exports.isLoopbackHost = (hostname) => ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
