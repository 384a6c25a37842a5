/**
 * The stack configuration as Pulumi hands it over, before the schema: decoding, the project's keys,
 * and the checks the schema cannot make (namespaces, control characters, how values were stored).
 */
import { PROJECT, PROVIDER_NAMESPACES } from "./schema";
import { pathText, SET_VALUE, shownKey, stackFlag } from "./rules";
import { CONTROL_CHARACTER } from "./limits";
import { closest } from "./closest";
import { environmentNamedBy } from "../altinn/environments";
import type { ParseOptions, RawConfig } from "./model";

const NAMESPACES: readonly string[] = [PROJECT, ...PROVIDER_NAMESPACES];

/** Pulumi passes structured values as JSON text and plain ones as strings. */
function decode(raw: string | undefined): unknown {
    if (raw === undefined) return undefined;
    const t = raw.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
        try {
            return JSON.parse(t);
        } catch {
            return raw;
        }
    }
    if (t === "true") return true;
    if (t === "false") return false;
    return raw;
}

/** YAML `key:` with nothing after it is null: treat it as absent, as Pulumi does for optional keys. */
function withoutNulls(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (value !== null && typeof value === "object") {
        // fromEntries defines own properties, so `__proto__` stays a key (and is refused as unknown).
        return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
    }
    return value;
}

/** Keys in namespaces the program does not read: a typo there would silently drop the key. */
export function namespaceErrors(raw: RawConfig): string[] {
    const errors: string[] = [];
    for (const fullKey of Object.keys(raw)) {
        const colon = fullKey.indexOf(":");
        if (colon < 0) {
            errors.push(`${JSON.stringify(shownKey(fullKey))}: config key without a namespace; write ${PROJECT}:${shownKey(fullKey)}`);
            continue;
        }
        const ns = fullKey.slice(0, colon);
        if (NAMESPACES.includes(ns)) continue;
        const guess = closest(ns, NAMESPACES);
        const shown = CONTROL_CHARACTER.test(fullKey) ? JSON.stringify(shownKey(fullKey)) : shownKey(fullKey);
        errors.push(
            guess
                ? `${shown}: unknown config namespace ${JSON.stringify(shownKey(ns))}; did you mean ${guess}:${shownKey(fullKey.slice(colon + 1))}?`
                : `${shown}: unknown config namespace ${JSON.stringify(shownKey(ns))}; this program reads only ${NAMESPACES.join(", ")}`,
        );
    }
    return errors;
}

/**
 * `##[` anywhere in a line of a GitHub Actions log starts a workflow command (`##[add-mask]`), and
 * pulumi preview prints the values it sends to Azure (a grant's reason is an RBAC assignment's
 * description) into the pull request's log, where this program cannot defuse them.
 */
const WORKFLOW_COMMAND = "##[";
const RUNS_IN_CI = "contains ##[, which a GitHub Actions log (pulumi preview in CI) runs as a workflow command; write it without";

/** Strings (and keys) holding CR, LF, tab or another control character, or `##[`; secret values are opaque and exempt. */
export function controlCharacterErrors(value: unknown, path: (string | number)[] = [], out: string[] = []): string[] {
    const isSecretValue = path.length === 3 && path[0] === "appSecrets" && path[2] === "value";
    if (isSecretValue) return out;
    if (typeof value === "string" && CONTROL_CHARACTER.test(value)) {
        out.push(`${pathText(path)}: contains a control character (CR, LF, tab or another); write it as one line of printable text`);
    } else if (typeof value === "string" && value.includes(WORKFLOW_COMMAND)) {
        out.push(`${pathText(path)}: ${RUNS_IN_CI}`);
    } else if (Array.isArray(value)) {
        value.forEach((v, i) => controlCharacterErrors(v, [...path, i], out));
    } else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
            if (CONTROL_CHARACTER.test(k)) out.push(`${pathText([...path, k])}: unknown key with a control character in its name`);
            else if (k.includes(WORKFLOW_COMMAND)) out.push(`${pathText([...path, k])}: unknown key that ${RUNS_IN_CI}`);
            else controlCharacterErrors(v, [...path, k], out);
        }
    }
    return out;
}

/** Parse the project's keys out of `raw` (full keys `altinn-app-secrets:<key>`). */
export function projectKeys(raw: RawConfig): Record<string, unknown> {
    const prefix = `${PROJECT}:`;
    const entries = Object.entries(raw)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), withoutNulls(decode(v))] as const)
        .filter(([, v]) => v !== undefined && v !== null);
    return Object.fromEntries(entries);
}

/** Checks that need more than the config itself: how the values were stored, the stack name, ESC. */
export function contextErrors(top: Record<string, unknown>, lines: string[], opts: ParseOptions): string[] {
    const out: string[] = [];
    const appSecretsStoredSecret = opts.secretKeys === undefined || opts.secretKeys.includes(`${PROJECT}:appSecrets`);
    if (Array.isArray(top.appSecrets)) {
        top.appSecrets.forEach((a, i) => {
            const path = `appSecrets[${i}].value`;
            const v = a !== null && typeof a === "object" ? (a as Record<string, unknown>).value : undefined;
            const stored = appSecretsStoredSecret && !(opts.plainTextPaths ?? []).includes(path);
            if (typeof v === "string" && v !== "" && !stored) {
                out.push(`${path}: is stored in plain text in the stack file; ${SET_VALUE.replaceAll("{stack}", stackFlag(opts.stack)).replaceAll("{path}", path)}`);
            }
        });
    }
    const env = top.environment;
    const named = opts.stack === undefined ? undefined : environmentNamedBy(opts.stack);
    if (named !== undefined && (env === "tt02" || env === "prod") && env !== named) {
        out.push(`environment: stack ${JSON.stringify(opts.stack)} must declare environment ${named}, not ${env} (a stack named after an environment manages that environment)`);
    }
    if (opts.escEnvironments && opts.escEnvironments.length > 0) {
        const lacking = ["org", "environment"].filter((k) => lines.includes(`${k}: is required`));
        if (lacking.length > 0) {
            out.push(
                `Pulumi.${opts.stack ?? "<stack>"}.yaml: imports Pulumi ESC environment(s) ${opts.escEnvironments.join(", ")}, which the offline plan cannot evaluate; it therefore lacks ${lacking.join(", ")}. Set them in the stack file to plan offline, or use pulumi preview`,
            );
        }
    }
    return out;
}

/** Where a value may be `secure:`: an app secret's value. */
const SECRET_PATH = /^appSecrets\[\d+\]\.value$/;
const MISPLACED_SECRET = "is a secure: value, and only appSecrets[].value may be one: anywhere else Pulumi decrypts it into outputs, state and Azure in plain text";

/** `secure:` values outside appSecrets[].value, one line per key (the stack file's paths when known, else Pulumi's secret keys). */
export function misplacedSecretErrors(opts: ParseOptions): string[] {
    const out: string[] = [];
    for (const key of opts.secretKeys ?? []) {
        const ours = key.startsWith(`${PROJECT}:`);
        // Pulumi marks a whole key secret: inside appSecrets only the stack file's paths tell which entry.
        if (ours && (key === `${PROJECT}:appSecrets` || opts.secretPaths)) continue;
        out.push(`${ours ? key.slice(PROJECT.length + 1) : key}: ${MISPLACED_SECRET}`);
    }
    for (const p of opts.secretPaths ?? []) if (!SECRET_PATH.test(p)) out.push(`${p}: ${MISPLACED_SECRET}`);
    return out;
}
