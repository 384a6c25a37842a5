/**
 * Parse and validate the stack configuration into a typed model. Pure: no Pulumi calls,
 * so the same function serves `pulumi up`, the offline plan and the tests.
 * The contract itself is the zod schema in schema.ts; this module turns its issues into one
 * line per mistake (naming the key path, never a secret) and its output into the model.
 */
import type { z } from "zod";
import {
    AccessGrantSchema,
    AppSecretSchema,
    KeyVaultSchema,
    MaskinportenClientSchema,
    PermissionsSchema,
    PROJECT,
    PROVIDER_NAMESPACES,
    RedeploySchema,
    SELF_SERVICE_API_URLS,
    StackConfigInput,
    StackConfigSchema,
    SuppressionSchema,
} from "./schema";
import { pathText } from "./rules";
import { CONTROL_CHARACTER } from "./limits";
import { defaultResourceGroupName, defaultVaultName } from "../vault/naming";
import { roleId } from "../vault/roles";
import type { Suppression } from "../policy/rule";

export {
    AUTHORIZATION_MODES,
    CLIENT_FORMATS,
    ENVIRONMENTS,
    PERMISSION_KINDS,
    PRINCIPAL_TYPES,
    PROJECT,
    PROVIDER_NAMESPACES,
    SELF_SERVICE_API_URLS,
    UNMANAGED_ACCESS_MODES,
} from "./schema";
export { CLIENT_SECRET_KEYS } from "./rules";
export { APP_NAME_PATTERN, DEFAULT_STUDIO_URL, MASKINPORTEN_KEY_SIZE, MAX_KEYS_PER_CLIENT, MIN_REASON_LENGTH } from "./limits";

export type Environment = StackConfigInput["environment"];
export type AuthorizationMode = z.output<typeof KeyVaultSchema>["authorization"];
export type PrincipalType = NonNullable<z.output<typeof AccessGrantSchema>["principalType"]>;
export type Permissions = z.output<typeof PermissionsSchema>;
export type PermissionKind = keyof Permissions;
export type ClientFormat = z.output<typeof MaskinportenClientSchema>["format"];

export type KeyVaultConfig = z.output<typeof KeyVaultSchema> & {
    name: string;
    resourceGroupName: string;
};

/** One access grant, with exactly one of access, permissions or role set. */
export type AccessGrantConfig = Omit<z.output<typeof AccessGrantSchema>, "role"> & {
    /** Role definition GUID (friendly names are resolved while parsing). */
    roleId?: string;
    /**
     * `principalId` exactly as the stack file spells it: what Azure is sent, so an adopted entry
     * whose object ID Azure stores in upper case is not replaced. `principalId` is lower-cased for
     * names and comparisons. Defaults to `principalId`.
     */
    principalIdInAzure?: string;
};

export type RedeployConfig = z.output<typeof RedeploySchema>;

/** One Maskinporten client: its settings section, key generations and the apps that read it. */
export type MaskinportenClientConfig = Omit<z.output<typeof MaskinportenClientSchema>, "keySize" | "register"> & {
    /** Registered with Maskinporten's self-service API (then clientId may be absent). */
    register?: boolean;
};

/** Another app setting stored as a Key Vault secret. `value` is secret: never print it. */
export type AppSecretConfig = z.output<typeof AppSecretSchema>;

/** A policy finding silenced on purpose: the policy's own type, which the schema must produce. */
export type SuppressionConfig = Suppression;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const suppressionTypesAgree: Same<z.output<typeof SuppressionSchema>, Suppression> = true;
void suppressionTypesAgree;

export interface MaskinportenConfig {
    selfService?: { adminClientId: string; apiUrl: string };
}

export interface StackConfig {
    org: string;
    environment: Environment;
    keyVault: KeyVaultConfig;
    accessGrants: AccessGrantConfig[];
    maskinportenClients: MaskinportenClientConfig[];
    appSecrets: AppSecretConfig[];
    suppressions: SuppressionConfig[];
    redeploy: RedeployConfig;
    maskinporten: MaskinportenConfig;
}

/** Every mistake found in a stack configuration, one line each, naming the key path. */
export class ConfigError extends Error {
    constructor(public readonly errors: string[]) {
        super(errors.join("\n"));
        this.name = "ConfigError";
    }
}

/** Raw configuration as Pulumi hands it over: full key -> string (objects as JSON text). */
export type RawConfig = Record<string, string>;

export interface ParseOptions {
    /** Full keys Pulumi marks secret; when given, a plain-text appSecrets value is refused. */
    secretKeys?: string[];
    /**
     * Paths of values the stack file holds in plain text. Pulumi marks a whole key secret when any
     * part of it is, so only a reader of the file itself can tell one plain entry from the rest.
     */
    plainTextPaths?: string[];
    /** Paths (`appSecrets[0].value`, `appSecrets`) of `secure:` values, from a reader of the stack file. */
    secretPaths?: string[];
    /** The stack's name: `tt02`/`prod` and `*-tt02`/`*-prod` must declare that environment. */
    stack?: string;
    /** Pulumi ESC environments the stack file imports (the offline plan cannot evaluate them). */
    escEnvironments?: string[];
}

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

function levenshtein(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}

/** The closest of `candidates` to `word`, when it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = levenshtein(word.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) [best, bestDistance] = [c, d];
    }
    return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

/** Keys in namespaces the program does not read: a typo there would silently drop the key. */
function namespaceErrors(raw: RawConfig): string[] {
    const errors: string[] = [];
    for (const fullKey of Object.keys(raw)) {
        const colon = fullKey.indexOf(":");
        if (colon < 0) {
            errors.push(`${JSON.stringify(fullKey)}: config key without a namespace; write ${PROJECT}:${fullKey}`);
            continue;
        }
        const ns = fullKey.slice(0, colon);
        if (NAMESPACES.includes(ns)) continue;
        const guess = closest(ns, NAMESPACES);
        const shown = CONTROL_CHARACTER.test(fullKey) ? JSON.stringify(fullKey) : fullKey;
        errors.push(
            guess
                ? `${shown}: unknown config namespace ${JSON.stringify(ns)}; did you mean ${guess}:${fullKey.slice(colon + 1)}?`
                : `${shown}: unknown config namespace ${JSON.stringify(ns)}; this program reads only ${NAMESPACES.join(", ")}`,
        );
    }
    return errors;
}

/** Strings (and keys) holding CR, LF, tab or another control character; secret values are opaque and exempt. */
function controlCharacterErrors(value: unknown, path: (string | number)[] = [], out: string[] = []): string[] {
    const isSecretValue = path.length === 3 && path[0] === "appSecrets" && path[2] === "value";
    if (isSecretValue) return out;
    if (typeof value === "string" && CONTROL_CHARACTER.test(value)) {
        out.push(`${pathText(path)}: contains a control character (CR, LF, tab or another); write it as one line of printable text`);
    } else if (Array.isArray(value)) {
        value.forEach((v, i) => controlCharacterErrors(v, [...path, i], out));
    } else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
            if (CONTROL_CHARACTER.test(k)) out.push(`${pathText([...path, k])}: unknown key with a control character in its name`);
            else controlCharacterErrors(v, [...path, k], out);
        }
    }
    return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let v: unknown = root;
    for (const seg of path) {
        if (v === null || typeof v !== "object" || !Object.hasOwn(v, seg as string)) return undefined;
        v = (v as Record<PropertyKey, unknown>)[seg as string];
    }
    return v;
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "an object";
    return `${typeof value} ${JSON.stringify(value)}`;
}

/** The kind of a value without the value itself (for places that may hold a secret). */
function kindOf(value: unknown): string {
    return value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Decides, per key path, whether a value may be echoed in an error. */
function secrecy(top: Record<string, unknown>, opts: ParseOptions): (path: readonly PropertyKey[]) => boolean {
    const secretKeys = new Set((opts.secretKeys ?? []).filter((k) => k.startsWith(`${PROJECT}:`)).map((k) => k.slice(PROJECT.length + 1)));
    return (path) => {
        const text = pathText(path);
        if (path[0] === "appSecrets" && path.length >= 3 && path[2] === "value") return true;
        if (opts.secretPaths) return opts.secretPaths.some((p) => text === p || text.startsWith(`${p}.`) || text.startsWith(`${p}[`));
        const key = String(path[0] ?? "");
        if (!secretKeys.has(key)) return false;
        // Pulumi marks a whole key secret; in appSecrets only the values are meant to be.
        return !(key === "appSecrets" && Array.isArray(top.appSecrets) && path.length > 1);
    };
}

/** One line per zod issue, placeholders filled in; a value is shown only where it is not secret. */
function issueLines(issues: readonly z.core.$ZodIssue[], top: Record<string, unknown>, opts: ParseOptions): string[] {
    const isSecret = secrecy(top, opts);
    const lines: string[] = [];
    const line = (path: readonly PropertyKey[], template: string) => {
        const value = valueAt(top, path);
        const secret = isSecret(path);
        // An appSecrets item that is not an object may be a misplaced secret: show its kind only.
        const underAppSecrets = path[0] === "appSecrets" && path.length === 2;
        lines.push(
            `${pathText(path)}: ${template
                .replaceAll("{path}", pathText(path))
                .replaceAll("{value}", secret ? "the secret value" : JSON.stringify(value))
                .replaceAll("{got}", secret ? "a secret value" : underAppSecrets ? kindOf(value) : describe(value))
                .replaceAll("{kind}", secret ? "a secret value" : kindOf(value))}`,
        );
    };
    for (const iss of issues) {
        const templated = iss.message.includes("{") || iss.code === "custom";
        if (iss.code === "unrecognized_keys") {
            const known = /expected one of (.*)\)$/.exec(iss.message)?.[1].split(", ") ?? [];
            for (const key of iss.keys) {
                const guess = closest(key, known);
                line([...iss.path, key], guess ? `${iss.message}; did you mean ${guess}?` : iss.message);
            }
        } else if (iss.code === "invalid_type" && !templated) {
            const value = valueAt(top, iss.path);
            const expected: Record<string, string> = { string: "a string", array: "a list", object: "an object", boolean: "true or false" };
            line(iss.path, value === undefined ? "is required" : iss.expected === "boolean" ? "must be true or false, got {got}" : `must be ${expected[iss.expected] ?? iss.expected}, got {got}`);
        } else if (iss.code === "invalid_value" && !templated && valueAt(top, iss.path) === undefined) {
            line(iss.path, "is required");
        } else if (iss.code === "invalid_value" && !templated) {
            line(iss.path, `{value} is not one of ${iss.values.map(String).join(", ")}`);
        } else {
            line(iss.path, iss.message);
        }
    }
    return lines;
}

/** The first line per key path: one mistake per key, the most basic one first. */
function firstPerPath(lines: string[]): string[] {
    const seen = new Set<string>();
    return lines.filter((l) => {
        const key = l.slice(0, l.indexOf(": "));
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

/** Parse the project's keys out of `raw` (full keys `altinn-app-secrets:<key>`). */
function projectKeys(raw: RawConfig): Record<string, unknown> {
    const prefix = `${PROJECT}:`;
    const entries = Object.entries(raw)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), withoutNulls(decode(v))] as const)
        .filter(([, v]) => v !== undefined && v !== null);
    return Object.fromEntries(entries);
}

/** Checks that need more than the config itself: how the values were stored, the stack name, ESC. */
function contextErrors(top: Record<string, unknown>, lines: string[], opts: ParseOptions): string[] {
    const out: string[] = [];
    const appSecretsStoredSecret = opts.secretKeys === undefined || opts.secretKeys.includes(`${PROJECT}:appSecrets`);
    if (Array.isArray(top.appSecrets)) {
        top.appSecrets.forEach((a, i) => {
            const path = `appSecrets[${i}].value`;
            const v = a !== null && typeof a === "object" ? (a as Record<string, unknown>).value : undefined;
            const stored = appSecretsStoredSecret && !(opts.plainTextPaths ?? []).includes(path);
            if (typeof v === "string" && v !== "" && !stored) {
                out.push(`${path}: is stored in plain text in the stack file; set it with: pulumi config set --secret --path '${path}' (it prompts for the value, which keeps it out of shell history)`);
            }
        });
    }
    const env = top.environment;
    const named = opts.stack === undefined ? undefined : /(?:^|-)(tt02|prod)$/i.exec(opts.stack)?.[1]?.toLowerCase();
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

/**
 * Parse the project's keys out of `raw` (full keys `altinn-app-secrets:<key>`).
 * Throws `ConfigError` with every problem found, each naming its key path.
 */
export function parseStackConfig(raw: RawConfig, opts: ParseOptions = {}): StackConfig {
    const top = projectKeys(raw);
    const result = StackConfigSchema.safeParse(top);
    let lines = issueLines(result.success ? [] : result.error.issues, top, opts);
    const context = contextErrors(top, lines, opts);
    if (context.some((l) => l.includes("imports Pulumi ESC"))) lines = lines.filter((l) => l !== "org: is required" && l !== "environment: is required");
    const errors = firstPerPath([...namespaceErrors(raw), ...controlCharacterErrors(top), ...lines, ...context]);
    if (errors.length > 0 || !result.success) throw new ConfigError(errors.length > 0 ? errors : ["config: invalid"]);
    return toModel(result.data);
}

/** The validated namespace as the components use it: defaults derived, GUIDs lower-cased, names resolved. */
function toModel(d: StackConfigInput): StackConfig {
    const kv = d.keyVault ?? KeyVaultSchema.parse({});
    const keyVault: KeyVaultConfig = {
        ...kv,
        name: kv.name ?? defaultVaultName(d.org, d.environment),
        resourceGroupName: kv.resourceGroupName ?? defaultResourceGroupName(d.org, d.environment),
        tenantId: kv.tenantId?.toLowerCase(),
        subscriptionId: kv.subscriptionId?.toLowerCase(),
    };
    // Permission names and the principal go to Azure as written: azure-native compares them exactly,
    // so re-spelling what Azure holds would show an adopted entry as changed.
    const accessGrants = d.accessGrants.map(({ role, ...g }): AccessGrantConfig => ({
        ...g,
        principalId: g.principalId.toLowerCase(),
        principalIdInAzure: g.principalId,
        roleId: role === undefined ? undefined : roleId(role),
        reason: g.reason.trim(),
    }));
    const selfService = d.maskinporten?.selfService;
    const maskinportenClients = d.maskinportenClients.map(({ keySize: _keySize, register, ...c }): MaskinportenClientConfig => ({
        ...c,
        clientId: c.clientId?.trim(),
        retiredKeyGenerations: [...new Set(c.retiredKeyGenerations)],
        ...(selfService ? { register: register ?? true } : {}),
    }));
    return {
        org: d.org,
        environment: d.environment,
        keyVault,
        accessGrants,
        maskinportenClients,
        appSecrets: d.appSecrets,
        suppressions: d.suppressions.map((s) => ({ ...s, principalId: s.principalId?.toLowerCase(), reason: s.reason.trim() })),
        redeploy: (({ enabled, studioUrl }) => ({ enabled, studioUrl: studioUrl.replace(/\/+$/, "") }))(d.redeploy ?? RedeploySchema.parse({})),
        maskinporten: selfService
            ? { selfService: { adminClientId: selfService.adminClientId.trim(), apiUrl: (selfService.apiUrl ?? SELF_SERVICE_API_URLS[d.environment]).replace(/\/+$/, "") } }
            : {},
    };
}
