// Types of hostname.js (plain CommonJS so the redeploy script can load it with plain Node).
// Keeps type-checked loaders without allowJs (the policy pack's tsconfig) able to import it.

/** A lower-case DNS host name with at least one dot: no scheme, port or path. */
export declare const HOSTNAME: RegExp;
