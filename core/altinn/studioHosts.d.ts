// Types of studioHosts.js (plain CommonJS so the redeploy script can load it with plain Node).
// Keeps type-checked loaders without allowJs (the policy pack's tsconfig) able to import it.

/** Where Altinn Studio lives; the only Studio host allowed unless policy/config.json lists others. */
export declare const DEFAULT_STUDIO_HOSTS: string[];
/** `allowedStudioHosts` of policy/config.json (absent: the default); throws one line naming the key. */
export declare function parseStudioHosts(value: unknown, file?: string): string[];
/** `allowedStudioHosts` from the text of policy/config.json (absent file: the default); throws one line. */
export declare function studioHostsOfPackConfig(text: string | undefined, file?: string): string[];
/** The project's policy/config.json, wherever the code is run from. */
export declare const PACK_CONFIG_FILE: string;
