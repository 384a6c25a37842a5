/**
 * Read a stack's configuration the way the Pulumi CLI hands it to the program:
 * `Pulumi.yaml` for the project, `Pulumi.<stack>.yaml` for the values.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** A stack file problem: missing, unreadable or not YAML. */
export class StackFileError extends Error {}

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

function readYaml(file: string): unknown {
    try {
        return parse(readFileSync(file, "utf8"));
    } catch (e) {
        throw new StackFileError(`${path.basename(file)}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
    }
}

/** Replace `{secure: ...}` leaves with the placeholder; report whether any were found. */
function withoutCiphertext(value: unknown): { value: unknown; secret: boolean } {
    if (Array.isArray(value)) {
        const items = value.map(withoutCiphertext);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure") return { value: offlinePlaceholder(entries[0][1]), secret: true };
        const mapped = entries.map(([k, v]) => [k, withoutCiphertext(v)] as const);
        return { value: Object.fromEntries(mapped.map(([k, v]) => [k, v.value])), secret: mapped.some(([, v]) => v.secret) };
    }
    return { value, secret: false };
}

/** `root` holds Pulumi.yaml; `configDir` holds the stack files (Pulumi's stackConfigDir). */
export function readStackFiles(root: string, stack: string, configDir = root): StackFiles {
    if (!/^[\w.-]+$/.test(stack)) throw new StackFileError(`--stack: ${JSON.stringify(stack)} is not a stack name`);
    const projectFile = path.join(root, "Pulumi.yaml");
    const stackFile = path.join(configDir, `Pulumi.${stack}.yaml`);
    if (!existsSync(projectFile)) throw new StackFileError(`Pulumi.yaml not found in ${root}`);
    if (!existsSync(stackFile)) throw new StackFileError(`Pulumi.${stack}.yaml not found: no stack named ${JSON.stringify(stack)} in ${configDir}`);
    const project = (readYaml(projectFile) as { name?: unknown } | null)?.name;
    if (typeof project !== "string") throw new StackFileError("Pulumi.yaml: name is missing");
    return { project, stack, ...stackConfigOf(readYaml(stackFile), project) };
}

/** The config map of a parsed stack file, as Pulumi would pass it to the program. */
export function stackConfigOf(doc: unknown, project: string): Required<Pick<StackFiles, "config" | "secretKeys" | "plainTextPaths" | "placeholderPaths">> {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const plainTextPaths: string[] = [];
    const placeholderPaths: string[] = [];
    for (const [key, raw] of Object.entries(((doc ?? {}) as { config?: Record<string, unknown> }).config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        const { value, secret } = withoutCiphertext(raw);
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
    return { config, secretKeys, plainTextPaths, placeholderPaths };
}
