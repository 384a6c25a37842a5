/**
 * Read a stack's configuration the way the Pulumi CLI hands it to the program:
 * `Pulumi.yaml` for the project, `Pulumi.<stack>.yaml` for the values.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError, ParseOptions } from "../../core/config/parse";
import { closest } from "../../core/config/closest";
import { pathText, shownKey } from "../../core/config/rules";
import { STACK_FILE_KEYS } from "../../core/config/schema";
import { LIMITS } from "../../core/config/limits";
import { InputError } from "../cli/cli";


export interface StackFiles {
    project: string;
    stack: string;
    /** Full key -> value as Pulumi passes it (objects as JSON text). */
    config: Record<string, string>;
    /** Full keys holding at least one `secure:` value. */
    secretKeys: string[];
    /** `appSecrets[i].value` paths written in plain text (a mistake the parser refuses). */
    plainTextPaths?: string[];
    /** Paths (`appSecrets[0].value`) whose `secure:` value is a placeholder, not a real ciphertext. */
    placeholderPaths?: string[];
    /** Paths under the project namespace (`appSecrets[0].value`) that hold `secure:` values. */
    secretPaths?: string[];
    /** Pulumi ESC environments the stack file imports (`environment:`). */
    escEnvironments?: string[];
    /** The stack file as parsed, every top-level key (`secure:` values still ciphertext): what the review compares. */
    document?: Record<string, unknown>;
}

/** What the config parser needs to know about how the stack file stored its values. */
export function parseOptionsOf(files: StackFiles): ParseOptions {
    return {
        secretKeys: files.secretKeys,
        plainTextPaths: files.plainTextPaths,
        secretPaths: files.secretPaths,
        stack: files.stack,
        escEnvironments: files.escEnvironments,
    };
}

/** The example's `secure:` text and the like: words no real ciphertext holds. */
export function isPlaceholderCiphertext(ciphertext: unknown): boolean {
    return typeof ciphertext === "string" && /replace[-_]?me|example|placeholder|change[-_]?me/i.test(ciphertext);
}

/**
 * Stand-in for a `secure:` value: the offline plan has no key to decrypt it. Derived from the
 * ciphertext, so a changed secret still looks changed (and triggers its redeploys) offline.
 */
export function offlinePlaceholder(ciphertext: unknown): string {
    return `offline-placeholder-${createHash("sha256").update(String(ciphertext)).digest("hex").slice(0, 16)}`;
}

/** A YAML file, bounded like a stack file; bad YAML or a file too large is one line naming it. */
export function readYaml(file: string): unknown {
    const size = statSync(file).size;
    if (size > LIMITS.stackFileBytes) throw new InputError(`${path.basename(file)}: ${size} bytes; a stack file may hold at most ${LIMITS.stackFileBytes} (split the stack)`);
    try {
        return parse(readFileSync(file, "utf8"));
    } catch (e) {
        throw new InputError(`${path.basename(file)}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
    }
}

/** Replace `{secure: ...}` leaves with the placeholder; collect the paths where they were. */
function withoutCiphertext(value: unknown, path: (string | number)[] = [], secretPaths: string[] = []): { value: unknown; secret: boolean } {
    if (Array.isArray(value)) {
        const items = value.map((v, i) => withoutCiphertext(v, [...path, i], secretPaths));
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure") {
            secretPaths.push(pathText(path));
            return { value: offlinePlaceholder(entries[0][1]), secret: true };
        }
        const mapped = entries.map(([k, v]) => [k, withoutCiphertext(v, [...path, k], secretPaths)] as const);
        return { value: Object.fromEntries(mapped.map(([k, v]) => [k, v.value])), secret: mapped.some(([, v]) => v.secret) };
    }
    return { value, secret: false };
}

/**
 * Problems with the stack file's own shape (one line each): top-level keys Pulumi does not define
 * (a typo there silently drops the config), and an `environment:` that is not a list of ESC names.
 */
export function stackFileProblems(doc: unknown, file: string): string[] {
    if (doc === null || doc === undefined) return [];
    if (typeof doc !== "object" || Array.isArray(doc)) return [`${file}: must be a YAML mapping with a config: key`];
    const problems: string[] = [];
    for (const [key, value] of Object.entries(doc)) {
        if (!(STACK_FILE_KEYS as readonly string[]).includes(key)) {
            const guess = closest(key, STACK_FILE_KEYS);
            problems.push(`${file}: unknown top-level key ${JSON.stringify(shownKey(key))}${guess ? `; did you mean ${guess}?` : ""} (Pulumi stack files have ${STACK_FILE_KEYS.join(", ")})`);
        } else if (key === "environment" && value !== null && !(Array.isArray(value) && value.every((e) => typeof e === "string"))) {
            problems.push(`${file}: environment: must be a list of Pulumi ESC environment names`);
        } else if (key === "config" && value !== null && (typeof value !== "object" || Array.isArray(value))) {
            problems.push(`${file}: config: must be a mapping of config keys`);
        }
    }
    return problems;
}

const MAX_STACKS_LISTED = 10;
const MAX_NAME_SHOWN = 60;

/** For a stack that is not there: ` (did you mean tt02? stacks here: prod, tt02)`, or what is there. */
function otherStacks(stack: string, configDir: string): string {
    let names: string[];
    try {
        names = readdirSync(configDir)
            .map((f) => /^Pulumi\.([\w.-]+)\.yaml$/.exec(f)?.[1])
            .filter((s): s is string => s !== undefined)
            .sort();
    } catch {
        return "";
    }
    if (names.length === 0) return " (no Pulumi.<stack>.yaml there)";
    const guess = closest(stack, names);
    // One line whatever the folder holds: a few names, each cut, and how many more.
    const shown = names.slice(0, MAX_STACKS_LISTED).map((n) => (n.length > MAX_NAME_SHOWN ? `${n.slice(0, MAX_NAME_SHOWN)}...` : n));
    const more = names.length > shown.length ? ` and ${names.length - shown.length} more` : "";
    return ` (${guess ? `did you mean ${guess}? ` : ""}stacks here: ${shown.join(", ")}${more})`;
}

/** `root` holds Pulumi.yaml; `configDir` holds the stack files (Pulumi's stackConfigDir). */
export function readStackFiles(root: string, stack: string, configDir = root): StackFiles {
    if (!/^[\w.-]+$/.test(stack)) throw new InputError(`--stack: ${JSON.stringify(stack)} is not a stack name`);
    const projectFile = path.join(root, "Pulumi.yaml");
    const stackFile = path.join(configDir, `Pulumi.${stack}.yaml`);
    if (!existsSync(projectFile)) throw new InputError(`Pulumi.yaml not found in ${root}`);
    if (!existsSync(stackFile)) throw new InputError(`Pulumi.${stack}.yaml not found: no stack named ${JSON.stringify(stack)} in ${configDir}${otherStacks(stack, configDir)}`);
    const project = (readYaml(projectFile) as { name?: unknown } | null)?.name;
    if (typeof project !== "string") throw new InputError("Pulumi.yaml: name is missing");
    const doc = readYaml(stackFile);
    const problems = stackFileProblems(doc, path.basename(stackFile));
    if (problems.length > 0) throw new ConfigError(problems);
    return { project, stack, ...stackConfigOf(doc, project), document: (doc ?? {}) as Record<string, unknown> };
}

/** The config map of a parsed stack file, as Pulumi would pass it to the program. */
export function stackConfigOf(doc: unknown, project: string): Required<Pick<StackFiles, "config" | "secretKeys" | "plainTextPaths" | "secretPaths" | "placeholderPaths">> & Pick<StackFiles, "escEnvironments"> {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const plainTextPaths: string[] = [];
    const secretPaths: string[] = [];
    const placeholderPaths: string[] = [];
    const file = (doc ?? {}) as { config?: Record<string, unknown>; environment?: unknown };
    // `accessGrants` and `altinn-app-secrets:accessGrants` are one key: given both ways, which one
    // Pulumi uses is not for the plan to guess, and the review would show only one of them.
    const spelled = new Map<string, string>();
    const twice: string[] = [];
    for (const [key, raw] of Object.entries(file.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        const before = spelled.get(fullKey);
        if (before !== undefined) twice.push(`config: ${JSON.stringify(shownKey(before))} and ${JSON.stringify(shownKey(key))} are the same key, given twice; keep one`);
        spelled.set(fullKey, key);
        const ours = fullKey.startsWith(`${project}:`);
        const { value, secret } = withoutCiphertext(raw, [fullKey.slice(fullKey.indexOf(":") + 1)], ours ? secretPaths : []);
        config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
        if (secret) secretKeys.push(fullKey);
        if (fullKey === `${project}:appSecrets` && Array.isArray(raw)) {
            raw.forEach((entry, i) => {
                const v = (entry as Record<string, unknown> | null)?.value;
                if (v !== undefined && v !== null && !(typeof v === "object" && "secure" in v)) plainTextPaths.push(`appSecrets[${i}].value`);
                if (v && typeof v === "object" && isPlaceholderCiphertext((v as Record<string, unknown>).secure)) placeholderPaths.push(`appSecrets[${i}].value`);
            });
        }
    }
    if (twice.length > 0) throw new ConfigError(twice);
    const escEnvironments = Array.isArray(file.environment) ? file.environment.map(String) : undefined;
    return { config, secretKeys, plainTextPaths, secretPaths, placeholderPaths, ...(escEnvironments ? { escEnvironments } : {}) };
}
