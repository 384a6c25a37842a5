// Types of altinnNames.js (plain CommonJS so the redeploy script can load it with plain Node).
// Keeps type-checked loaders without allowJs (the policy pack's tsconfig) able to import it.

/** A service owner code, e.g. "ttd". */
export declare const ORG_PATTERN: RegExp;
export declare const ORG_RULE: string;
/** Altinn Studio's app (repository) name rule. */
export declare const APP_NAME_PATTERN: RegExp;
export declare const APP_NAME_RULE: string;
/** Altinn Studio's name of each Altinn environment in the deployments API (the stacks say prod). */
export declare const STUDIO_ENV_NAMES: Readonly<Record<"tt02" | "prod", string>>;
