/**
 * Names that Azure Key Vault and .NET configuration agree on. Pure functions only.
 */

/** Key Vault secret names: 1-127 characters of `0-9a-zA-Z-`. */
export const SECRET_NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;
/** The .NET Key Vault configuration provider maps this separator to `:`. */
export const SECTION_SEPARATOR = "--";

/** One segment of a configuration path: letters and digits, single inner hyphens. */
const SEGMENT_SOURCE = "[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*";
const SEGMENT = new RegExp(`^${SEGMENT_SOURCE}$`);
/** A key inside a section: one segment (the JSON Schema's pattern; keyProblem says why not). */
export const KEY_PATTERN = SEGMENT;
/** A section, nested with `--` (the JSON Schema's pattern; sectionProblem says why not). */
export const SECTION_PATTERN = new RegExp(`^${SEGMENT_SOURCE}(?:--${SEGMENT_SOURCE})*$`);
/** Longest Key Vault secret name. */
export const MAX_SECRET_NAME_LENGTH = 127;

/**
 * Why `section` cannot be an appsettings section stored in Key Vault, or undefined when it can.
 * Nested sections use `--` (`Integrations--AppB` is `Integrations:AppB` to the app).
 */
export function sectionProblem(section: string): string | undefined {
    if (section.length === 0) return "is empty";
    if (!/^[0-9a-zA-Z-]+$/.test(section)) {
        return "may only contain letters, digits and hyphens (Key Vault secret names allow 0-9a-zA-Z-)";
    }
    const segments = section.split(SECTION_SEPARATOR);
    if (segments.some((s) => !SEGMENT.test(s))) {
        return 'has a leading, trailing or tripled hyphen that .NET configuration would read differently (nest sections with "--")';
    }
    return undefined;
}

/** Why `key` cannot be a configuration key inside a section, or undefined when it can. */
export function keyProblem(key: string): string | undefined {
    if (key.length === 0) return "is empty";
    if (!SEGMENT.test(key)) {
        return 'may only contain letters, digits and single inner hyphens (no "--", which nests a section)';
    }
    return undefined;
}

/** Why `name` is not a Key Vault secret name, or undefined when it is. */
export function secretNameProblem(name: string): string | undefined {
    if (!SECRET_NAME_PATTERN.test(name)) {
        return name.length > 127
            ? `is ${name.length} characters; Key Vault secret names are at most 127`
            : "may only contain 0-9a-zA-Z-";
    }
    return undefined;
}

/**
 * The Key Vault secret name the app reads as `<Section>:<Key>` in its configuration.
 * Throws when the pair cannot form such a name; config validation reports the same problems earlier.
 */
export function secretName(section: string, key: string): string {
    const problem =
        prefixed("section", sectionProblem(section)) ??
        prefixed("key", keyProblem(key)) ??
        prefixed("secret name", secretNameProblem(`${section}${SECTION_SEPARATOR}${key}`));
    if (problem) {
        throw new Error(`${JSON.stringify(section)} / ${JSON.stringify(key)}: ${problem}`);
    }
    return `${section}${SECTION_SEPARATOR}${key}`;
}

function prefixed(what: string, problem: string | undefined): string | undefined {
    return problem === undefined ? undefined : `${what} ${problem}`;
}

/** Vault name Altinn's own infrastructure uses for an org's apps in an environment. */
export function defaultVaultName(org: string, environment: string): string {
    return `${org}-${environment}-apps-kv`;
}

/** Resource group Altinn's own infrastructure puts that vault in. */
export function defaultResourceGroupName(org: string, environment: string): string {
    return `altinnapps-${org}-${environment}-rg`;
}

/** Key Vault names: 3-24 characters (the JSON Schema says it with these and VAULT_NAME_PATTERN). */
export const VAULT_NAME_LENGTH = { min: 3, max: 24 } as const;
/** A letter first, a letter or digit last, single hyphens between. */
export const VAULT_NAME_PATTERN = /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/;

/** Why `name` is not a Key Vault name (3-24 chars, letter first, no `--`), or undefined. */
export function vaultNameProblem(name: string): string | undefined {
    if (name.length < VAULT_NAME_LENGTH.min || name.length > VAULT_NAME_LENGTH.max) return `is ${name.length} characters; vault names are 3-24`;
    if (!VAULT_NAME_PATTERN.test(name)) {
        return "must start with a letter, end with a letter or digit, and contain only letters, digits and single hyphens";
    }
    return undefined;
}

/** Resource group names: 1-90 characters. */
export const RESOURCE_GROUP_NAME_LENGTH = { min: 1, max: 90 } as const;
/** Letters, digits, `-_.()`, not ending with `.`. */
export const RESOURCE_GROUP_NAME_PATTERN = /^[-\w.()]*[-\w()]$/u;

/** Why `name` is not a resource group name, or undefined. */
export function resourceGroupNameProblem(name: string): string | undefined {
    if (name.length < RESOURCE_GROUP_NAME_LENGTH.min || name.length > RESOURCE_GROUP_NAME_LENGTH.max) return `is ${name.length} characters; resource group names are 1-90`;
    if (!RESOURCE_GROUP_NAME_PATTERN.test(name)) {
        return "may only contain letters, digits, '-', '_', '.', '(' and ')', and may not end with '.'";
    }
    return undefined;
}
