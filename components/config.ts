/**
 * Parse and validate the stack configuration into a typed model. Pure: no Pulumi calls,
 * so the same function serves `pulumi up`, the offline plan and the tests.
 */
import { childKeys, PROJECT } from "./schema";
import {
    defaultResourceGroupName,
    defaultVaultName,
    keyProblem,
    resourceGroupNameProblem,
    sectionProblem,
    secretNameProblem,
    SECTION_SEPARATOR,
    vaultNameProblem,
} from "./naming";
import { ACCESS_PRESETS, AccessPreset, GUID_PATTERN, roleId } from "./roles";
import { RULE_IDS } from "../policy/ruleIds";
import { APP_NAME_PATTERN, APP_NAME_RULE, ORG_PATTERN, ORG_RULE } from "./altinnNames";

export const ENVIRONMENTS = ["tt02", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const AUTHORIZATION_MODES = ["accessPolicy", "rbac"] as const;
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];
export const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal"] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];
export const PERMISSION_KINDS = ["secrets", "keys", "certificates", "storage"] as const;
export type PermissionKind = (typeof PERMISSION_KINDS)[number];
export type Permissions = Partial<Record<PermissionKind, string[]>>;

export const CLIENT_FORMATS = ["legacy", "builtin"] as const;
export type ClientFormat = (typeof CLIENT_FORMATS)[number];

export const MIN_REASON_LENGTH = 10;
/** Maskinporten accepts only RS256 keys of this size. */
export const MASKINPORTEN_KEY_SIZE = 2048;
/** Maskinporten keeps at most this many keys on a client. */
export const MAX_KEYS_PER_CLIENT = 5;
export { APP_NAME_PATTERN } from "./altinnNames";
export const DEFAULT_STUDIO_URL = "https://altinn.studio";

export interface KeyVaultConfig {
    name: string;
    resourceGroupName: string;
    /** Undefined: the deploying identity's subscription. */
    subscriptionId?: string;
    /** Undefined: the deploying identity's tenant. */
    tenantId?: string;
    authorization: AuthorizationMode;
}

/** One access grant, with exactly one of access, permissions or role set. */
export interface AccessGrantConfig {
    principalId: string;
    principalType?: PrincipalType;
    access?: AccessPreset;
    permissions?: Permissions;
    /** Role definition GUID (friendly names are resolved while parsing). */
    roleId?: string;
    reason: string;
}

export interface RedeployConfig {
    enabled: boolean;
    studioUrl: string;
}

/** One Maskinporten client: its settings section, key generations and the apps that read it. */
export interface MaskinportenClientConfig {
    section: string;
    clientId: string;
    format: ClientFormat;
    /** Space-separated scopes (legacy settings). */
    scope?: string;
    exchangeToAltinnToken: boolean;
    /** The active key pair, whose private JWK is in the vault. */
    keyGeneration: number;
    /** A staged key pair, published but not yet in the vault. */
    nextKeyGeneration?: number;
    /** Earlier key pairs still published. */
    retiredKeyGenerations: number[];
    apps: string[];
}

/** Another app setting stored as a Key Vault secret. `value` is secret: never print it. */
export interface AppSecretConfig {
    section: string;
    key: string;
    value: string;
    apps: string[];
}

/** A policy finding silenced on purpose. */
export interface SuppressionConfig {
    rule: string;
    principalId?: string;
    secretName?: string;
    reason: string;
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

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** Collects errors with their key path while walking the raw values. */
class Checker {
    readonly errors: string[] = [];

    fail(path: string, message: string): undefined {
        this.errors.push(`${path}: ${message}`);
        return undefined;
    }

    object(value: Json | undefined, path: string, schemaPath: string): Obj | undefined {
        if (value === undefined || value === null) return undefined;
        if (typeof value !== "object" || Array.isArray(value)) return this.fail(path, `must be an object, got ${describe(value)}`);
        const allowed = childKeys(schemaPath);
        for (const key of Object.keys(value)) {
            if (!allowed.includes(key)) {
                this.fail(`${path}.${key}`, `unknown key (expected one of ${allowed.join(", ")})`);
            }
        }
        return value;
    }

    /**
     * One item of a list of objects: the object, or undefined after reporting what it should be.
     * `mayHoldSecret`: describe the wrong value by its kind only, never by its content.
     */
    entry(item: Json, path: string, schemaPath: string, expected: string, mayHoldSecret = false): Obj | undefined {
        if (item === null || typeof item !== "object" || Array.isArray(item)) {
            return this.fail(path, `must be an object with ${expected}, got ${mayHoldSecret ? kindOf(item) : describe(item)}`);
        }
        return this.object(item, path, schemaPath) ?? {};
    }

    list(value: Json | undefined, path: string): Json[] {
        if (value === undefined || value === null) return [];
        if (!Array.isArray(value)) {
            this.fail(path, `must be a list, got ${describe(value)}`);
            return [];
        }
        return value;
    }

    string(value: Json | undefined, path: string, required: boolean): string | undefined {
        if (value === undefined || value === null) return required ? this.fail(path, "is required") : undefined;
        if (typeof value !== "string") return this.fail(path, `must be a string, got ${describe(value)}`);
        if (required && value.trim() === "") return this.fail(path, "is required and may not be empty");
        return value;
    }

    oneOf<T extends string>(value: Json | undefined, path: string, allowed: readonly T[], required: boolean): T | undefined {
        const s = this.string(value, path, required);
        if (s === undefined) return undefined;
        if (!(allowed as readonly string[]).includes(s)) {
            return this.fail(path, `${JSON.stringify(s)} is not one of ${allowed.join(", ")}`);
        }
        return s as T;
    }

    boolean(value: Json | undefined, path: string): boolean | undefined {
        if (value === undefined || value === null) return undefined;
        if (typeof value !== "boolean") return this.fail(path, `must be true or false, got ${describe(value)}`);
        return value;
    }

    guid(value: Json | undefined, path: string, required: boolean, what: string): string | undefined {
        const s = this.string(value, path, required);
        if (s === undefined) return undefined;
        if (!GUID_PATTERN.test(s)) return this.fail(path, `${JSON.stringify(s)} is not ${what} (GUID)`);
        return s.toLowerCase();
    }

    /** A required reason of at least MIN_REASON_LENGTH characters; `hint` says what a good one holds. */
    reason(value: Json | undefined, path: string, hint: string): string | undefined {
        const reason = this.string(value, path, true);
        if (reason !== undefined && reason.trim().length > 0 && reason.trim().length < MIN_REASON_LENGTH) {
            this.fail(path, `${JSON.stringify(reason)} is shorter than ${MIN_REASON_LENGTH} characters; ${hint}`);
        }
        return reason;
    }

    integer(value: Json | undefined, path: string, min: number): number | undefined {
        if (value === undefined || value === null) return undefined;
        if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
            return this.fail(path, `must be a whole number >= ${min}, got ${describe(value)}`);
        }
        return value;
    }

    stringList(value: Json | undefined, path: string): string[] | undefined {
        if (value === undefined || value === null) return undefined;
        const items = this.list(value, path);
        const out: string[] = [];
        items.forEach((item, i) => {
            const s = this.string(item, `${path}[${i}]`, true);
            if (s !== undefined) out.push(s);
        });
        return out;
    }
}

function describe(value: Json): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "an object";
    return `${typeof value} ${JSON.stringify(value)}`;
}

/** The kind of a value without the value itself (for places that may hold a secret). */
function kindOf(value: Json): string {
    return value === null ? "null" : Array.isArray(value) ? "a list" : `a ${typeof value}`;
}

/** Pulumi passes structured values as JSON text and plain ones as strings. */
function decode(raw: string | undefined): Json | undefined {
    if (raw === undefined) return undefined;
    const t = raw.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
        try {
            return JSON.parse(t) as Json;
        } catch {
            return raw;
        }
    }
    if (t === "true") return true;
    if (t === "false") return false;
    return raw;
}

/**
 * Parse the project's keys out of `raw` (full keys `altinn-app-secrets:<key>`).
 * Throws `ConfigError` with every problem found, each naming its key path.
 */
export function parseStackConfig(raw: RawConfig, opts: ParseOptions = {}): StackConfig {
    const c = new Checker();
    const prefix = `${PROJECT}:`;
    const top: Obj = {};
    for (const [fullKey, value] of Object.entries(raw)) {
        if (!fullKey.startsWith(prefix)) continue; // other namespaces (azure-native:location, ...) are not ours
        const decoded = decode(value);
        if (decoded !== undefined) top[fullKey.slice(prefix.length)] = decoded;
    }
    c.object(top, "config", "");
    // Unknown top-level keys are reported by their own name, not as config.<key>.
    c.errors.forEach((e, i) => (c.errors[i] = e.replace(/^config\./, "")));

    const org = c.string(top.org, "org", true);
    if (org !== undefined && !ORG_PATTERN.test(org)) {
        c.fail("org", `${JSON.stringify(org)} is not ${ORG_RULE}`);
    }
    const environment = c.oneOf(top.environment, "environment", ENVIRONMENTS, true);
    const keyVault = parseKeyVault(c, top.keyVault, org ?? "org", environment ?? "env", org !== undefined && environment !== undefined);
    const accessGrants = parseGrants(c, top.accessGrants, keyVault.authorization);
    const names = new SecretNames(c);
    const maskinportenClients = parseClients(c, top.maskinportenClients, names);
    const appSecretsStoredSecret = opts.secretKeys === undefined || opts.secretKeys.includes(`${prefix}appSecrets`);
    const appSecrets = parseAppSecrets(c, top.appSecrets, names, (i) => appSecretsStoredSecret && !(opts.plainTextPaths ?? []).includes(`appSecrets[${i}].value`));
    const suppressions = parseSuppressions(c, top.suppressions);
    const redeploy = parseRedeploy(c, top.redeploy);

    if (c.errors.length > 0 || org === undefined || environment === undefined) throw new ConfigError(c.errors);
    return { org, environment, keyVault, accessGrants, maskinportenClients, appSecrets, suppressions, redeploy };
}

export interface ParseOptions {
    /** Full keys Pulumi marks secret; when given, a plain-text appSecrets value is refused. */
    secretKeys?: string[];
    /**
     * Paths of values the stack file holds in plain text. Pulumi marks a whole key secret when any
     * part of it is, so only a reader of the file itself can tell one plain entry from the rest.
     */
    plainTextPaths?: string[];
}

/** The secret names every client and app secret would create, to refuse collisions. */
class SecretNames {
    private readonly taken = new Map<string, string>();
    constructor(private readonly c: Checker) {}

    /** Record `<section>--<key>`; report a collision or an over-long name at `path`. */
    claim(section: string, key: string, path: string): void {
        const name = `${section}${SECTION_SEPARATOR}${key}`;
        const problem = secretNameProblem(name);
        if (problem) {
            this.c.fail(path, `secret name ${JSON.stringify(name)} ${problem}`);
            return;
        }
        // Key Vault secret names are case-insensitive.
        const earlier = this.taken.get(name.toLowerCase());
        if (earlier !== undefined) {
            this.c.fail(path, `secret name ${JSON.stringify(name)} is already used by ${earlier}`);
            return;
        }
        this.taken.set(name.toLowerCase(), path);
    }
}

/** The secret keys each client format stores. */
export const CLIENT_SECRET_KEYS: Record<ClientFormat, readonly string[]> = {
    legacy: ["ClientId", "EncodedJwk"],
    builtin: ["Authority", "ClientId", "JwkBase64"],
};

function parseSection(c: Checker, value: Json | undefined, path: string): string | undefined {
    const section = c.string(value, path, true);
    if (section === undefined) return undefined;
    const problem = sectionProblem(section);
    return problem ? c.fail(path, `${JSON.stringify(section)} ${problem}`) : section;
}

function parseApps(c: Checker, value: Json | undefined, path: string): string[] {
    const apps = c.stringList(value, path) ?? [];
    apps.forEach((app, i) => {
        if (!APP_NAME_PATTERN.test(app)) {
            c.fail(`${path}[${i}]`, `${JSON.stringify(app)} is not ${APP_NAME_RULE}`);
        }
    });
    const dupes = apps.filter((a, i) => apps.indexOf(a) !== i);
    if (dupes.length) c.fail(path, `lists ${JSON.stringify(dupes[0])} twice`);
    return [...new Set(apps)];
}

function parseClients(c: Checker, value: Json | undefined, names: SecretNames): MaskinportenClientConfig[] {
    const clients: MaskinportenClientConfig[] = [];
    const sections = new Map<string, number>();
    c.list(value, "maskinportenClients").forEach((item, i) => {
        const path = `maskinportenClients[${i}]`;
        const m = c.entry(item, path, "maskinportenClients[]", "section, clientId and format");
        if (m === undefined) return;
        const section = parseSection(c, m.section, `${path}.section`);
        if (section !== undefined) {
            const earlier = sections.get(section.toLowerCase());
            if (earlier !== undefined) c.fail(`${path}.section`, `${JSON.stringify(section)} is already used by maskinportenClients[${earlier}]`);
            else sections.set(section.toLowerCase(), i);
        }
        const clientId = c.string(m.clientId, `${path}.clientId`, true);
        if (clientId !== undefined && clientId.trim() !== "" && /\s/.test(clientId)) {
            c.fail(`${path}.clientId`, `${JSON.stringify(clientId)} contains white space; copy the client ID from Samarbeidsportalen`);
        }
        const format = c.oneOf(m.format, `${path}.format`, CLIENT_FORMATS, false) ?? "legacy";
        const scope = c.string(m.scope, `${path}.scope`, format === "legacy");
        const exchangeToAltinnToken = c.boolean(m.exchangeToAltinnToken, `${path}.exchangeToAltinnToken`) ?? true;
        const keySize = c.integer(m.keySize, `${path}.keySize`, 1);
        if (keySize !== undefined && keySize !== MASKINPORTEN_KEY_SIZE) {
            c.fail(`${path}.keySize`, `${keySize} is not allowed; Maskinporten accepts only RS256 keys of ${MASKINPORTEN_KEY_SIZE} bits`);
        }
        const keyGeneration = c.integer(m.keyGeneration, `${path}.keyGeneration`, 1) ?? 1;
        const nextKeyGeneration = c.integer(m.nextKeyGeneration, `${path}.nextKeyGeneration`, 1);
        const retired = (m.retiredKeyGenerations === undefined || m.retiredKeyGenerations === null ? [] : c.list(m.retiredKeyGenerations, `${path}.retiredKeyGenerations`))
            .map((g, j) => c.integer(g, `${path}.retiredKeyGenerations[${j}]`, 1))
            .filter((g): g is number => g !== undefined);
        if (nextKeyGeneration !== undefined && nextKeyGeneration === keyGeneration) {
            c.fail(`${path}.nextKeyGeneration`, `${nextKeyGeneration} is the active keyGeneration; stage a new number`);
        }
        const clash = retired.find((g) => g === keyGeneration || g === nextKeyGeneration);
        if (clash !== undefined) c.fail(`${path}.retiredKeyGenerations`, `lists ${clash}, which is also the active or staged generation`);
        if (new Set(retired).size !== retired.length) c.fail(`${path}.retiredKeyGenerations`, "lists a generation twice");
        const published = 1 + (nextKeyGeneration !== undefined ? 1 : 0) + new Set(retired).size;
        if (published > MAX_KEYS_PER_CLIENT) {
            c.fail(path, `publishes ${published} keys (keyGeneration, nextKeyGeneration, retiredKeyGenerations); Maskinporten allows at most ${MAX_KEYS_PER_CLIENT} per client`);
        }
        const apps = parseApps(c, m.apps, `${path}.apps`);
        if (section !== undefined) {
            for (const key of CLIENT_SECRET_KEYS[format]) names.claim(section, key, `${path}.section`);
        }
        if (section !== undefined && clientId !== undefined) {
            clients.push({ section, clientId: clientId.trim(), format, scope, exchangeToAltinnToken, keyGeneration, nextKeyGeneration, retiredKeyGenerations: [...new Set(retired)], apps });
        }
    });
    return clients;
}

function parseAppSecrets(c: Checker, value: Json | undefined, names: SecretNames, storedSecret: (index: number) => boolean): AppSecretConfig[] {
    const secrets: AppSecretConfig[] = [];
    c.list(value, "appSecrets").forEach((item, i) => {
        const path = `appSecrets[${i}]`;
        const a = c.entry(item, path, "appSecrets[]", "section, key, value and apps", true);
        if (a === undefined) return;
        const section = parseSection(c, a.section, `${path}.section`);
        const key = c.string(a.key, `${path}.key`, true);
        const keyIssue = key !== undefined ? keyProblem(key) : undefined;
        if (keyIssue) c.fail(`${path}.key`, `${JSON.stringify(key)} ${keyIssue}`);
        // Never echo the value: describe only what is wrong with it.
        const setIt = `set it with: pulumi config set --secret --path '${path}.value' (it prompts for the value, which keeps it out of shell history)`;
        let secretValue: string | undefined;
        if (a.value === undefined || a.value === null || a.value === "") c.fail(`${path}.value`, `is required; ${setIt}`);
        else if (typeof a.value !== "string") c.fail(`${path}.value`, `must be a string; ${setIt}`);
        else if (!storedSecret(i)) c.fail(`${path}.value`, `is stored in plain text in the stack file; ${setIt}`);
        else secretValue = a.value;
        const apps = parseApps(c, a.apps, `${path}.apps`);
        if (section !== undefined && key !== undefined && !keyIssue) names.claim(section, key, `${path}.key`);
        if (section !== undefined && key !== undefined && secretValue !== undefined) secrets.push({ section, key, value: secretValue, apps });
    });
    return secrets;
}

function parseKeyVault(c: Checker, value: Json | undefined, org: string, env: string, checkDefaults: boolean): KeyVaultConfig {
    const kv = c.object(value, "keyVault", "keyVault") ?? {};
    const explicitName = c.string(kv.name, "keyVault.name", false);
    const name = explicitName ?? defaultVaultName(org, env);
    if (explicitName !== undefined || checkDefaults) {
        const problem = vaultNameProblem(name);
        if (problem) {
            c.fail("keyVault.name", explicitName !== undefined
                ? `${JSON.stringify(name)} ${problem}`
                : `the default ${JSON.stringify(name)} ${problem}; set keyVault.name`);
        }
    }
    const explicitGroup = c.string(kv.resourceGroupName, "keyVault.resourceGroupName", false);
    const resourceGroupName = explicitGroup ?? defaultResourceGroupName(org, env);
    const groupProblem = explicitGroup !== undefined ? resourceGroupNameProblem(explicitGroup) : undefined;
    if (groupProblem) c.fail("keyVault.resourceGroupName", `${JSON.stringify(explicitGroup)} ${groupProblem}`);
    const tenantId = c.guid(kv.tenantId, "keyVault.tenantId", false, "an Entra tenant ID");
    const subscriptionId = c.guid(kv.subscriptionId, "keyVault.subscriptionId", false, "an Azure subscription ID");
    const authorization = c.oneOf(kv.authorization, "keyVault.authorization", AUTHORIZATION_MODES, false) ?? "accessPolicy";
    return { name, resourceGroupName, tenantId, subscriptionId, authorization };
}

function parseGrants(c: Checker, value: Json | undefined, mode: AuthorizationMode): AccessGrantConfig[] {
    const grants: AccessGrantConfig[] = [];
    const seen = new Map<string, number>();
    c.list(value, "accessGrants").forEach((item, i) => {
        const path = `accessGrants[${i}]`;
        const g = c.entry(item, path, "accessGrants[]", "principalId, access and reason");
        if (g === undefined) return;
        const principalId = c.guid(g.principalId, `${path}.principalId`, true, "an Entra object ID");
        const principalType = c.oneOf(g.principalType, `${path}.principalType`, PRINCIPAL_TYPES, false);
        if (mode === "rbac" && (g.principalType === undefined || g.principalType === null)) {
            // azure-native sends "User" when it is left out, and Azure refuses that for groups and service principals.
            c.fail(`${path}.principalType`, "is required with keyVault.authorization rbac (User, Group or ServicePrincipal)");
        }
        const reason = c.reason(g.reason, `${path}.reason`, "say who this is and why they need access");

        const given = (["access", "permissions", "role"] as const).filter((k) => g[k] !== undefined && g[k] !== null);
        if (given.length > 1) {
            c.fail(path, `only one of [${given.join("] and [")}] can be specified`);
        } else if (given.length === 0) {
            c.fail(path, mode === "rbac" ? "one of [access] and [role] is required" : "one of [access] and [permissions] is required");
        }
        const access = c.oneOf(g.access, `${path}.access`, Object.keys(ACCESS_PRESETS) as AccessPreset[], false);

        let permissions: Permissions | undefined;
        if (g.permissions !== undefined && g.permissions !== null) {
            if (mode === "rbac") {
                c.fail(`${path}.permissions`, "is for keyVault.authorization accessPolicy; with rbac use access or role");
            }
            const p = c.object(g.permissions, `${path}.permissions`, "accessGrants[].permissions");
            if (p) {
                permissions = {};
                for (const kind of PERMISSION_KINDS) {
                    const list = c.stringList(p[kind], `${path}.permissions.${kind}`);
                    if (list !== undefined) permissions[kind] = list;
                }
                if (Object.values(permissions).every((l) => l.length === 0)) {
                    c.fail(`${path}.permissions`, "grants nothing; list at least one permission");
                }
            }
        }

        let grantRole: string | undefined;
        const role = c.string(g.role, `${path}.role`, false);
        if (role !== undefined) {
            if (mode !== "rbac") c.fail(`${path}.role`, "is for keyVault.authorization rbac; with accessPolicy use access or permissions");
            grantRole = roleId(role);
            if (grantRole === undefined) c.fail(`${path}.role`, `${JSON.stringify(role)} is neither a known built-in role name nor a role definition GUID`);
        }

        if (principalId !== undefined) {
            const earlier = seen.get(principalId);
            if (earlier !== undefined) {
                c.fail(`${path}.principalId`, `${principalId} is already granted in accessGrants[${earlier}]; merge the two grants`);
            } else {
                seen.set(principalId, i);
            }
        }
        if (principalId !== undefined && reason !== undefined) {
            grants.push({ principalId, principalType, access, permissions, roleId: grantRole, reason: reason.trim() });
        }
    });
    return grants;
}

function parseSuppressions(c: Checker, value: Json | undefined): SuppressionConfig[] {
    const out: SuppressionConfig[] = [];
    c.list(value, "suppressions").forEach((item, i) => {
        const path = `suppressions[${i}]`;
        const s = c.entry(item, path, "suppressions[]", "rule, principalId or secretName, and reason");
        if (s === undefined) return;
        const rule = c.string(s.rule, `${path}.rule`, true);
        if (rule !== undefined && rule.trim() !== "" && !(RULE_IDS as readonly string[]).includes(rule)) {
            c.fail(`${path}.rule`, `${JSON.stringify(rule)} is not a rule id (one of ${RULE_IDS.join(", ")})`);
        }
        const principalId = c.guid(s.principalId, `${path}.principalId`, false, "an Entra object ID");
        const secretName = c.string(s.secretName, `${path}.secretName`, false);
        if ((s.principalId === undefined) === (s.secretName === undefined)) {
            c.fail(path, "exactly one of [principalId] and [secretName] must be specified");
        }
        const reason = c.reason(s.reason, `${path}.reason`, "say why this finding is acceptable");
        if (rule !== undefined && reason !== undefined) out.push({ rule, principalId, secretName, reason: reason.trim() });
    });
    return out;
}

function parseRedeploy(c: Checker, value: Json | undefined): RedeployConfig {
    const r = c.object(value, "redeploy", "redeploy") ?? {};
    const enabled = c.boolean(r.enabled, "redeploy.enabled") ?? true;
    const studioUrl = c.string(r.studioUrl, "redeploy.studioUrl", false) ?? DEFAULT_STUDIO_URL;
    let url: URL | undefined;
    try {
        url = new URL(studioUrl);
    } catch {
        url = undefined;
    }
    if (!url || url.protocol !== "https:" || url.search !== "" || url.hash !== "") {
        c.fail("redeploy.studioUrl", `${JSON.stringify(studioUrl)} is not an https URL such as ${DEFAULT_STUDIO_URL}`);
    }
    return { enabled, studioUrl: studioUrl.replace(/\/+$/, "") };
}
