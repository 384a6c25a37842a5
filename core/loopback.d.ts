// Types of loopback.js (plain CommonJS so the redeploy script can load it with plain Node).
// Keeps type-checked loaders without allowJs (the policy pack's tsconfig) able to import it.

/** True for the hosts that may be reached over plain http: localhost, 127.0.0.1, [::1]. */
export declare function isLoopbackHost(hostname: string): boolean;
