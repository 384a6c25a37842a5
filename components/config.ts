/**
 * Parse and validate the stack configuration into a typed model. Pure: no Pulumi calls,
 * so the same function serves `pulumi up`, the offline plan and the tests.
 */
import { childKeys, PROJECT } from "./schema";
import {
    defaultResourceGroupName,
    defaultVaultName,
    resourceGroupNameProblem,
    vaultNameProblem,
} from "./naming";
import { ACCESS_PRESETS, AccessPreset, GUID_PATTERN, roleId } from "./roles";

export const ENVIRONMENTS = ["tt02", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const AUTHORIZATION_MODES = ["accessPolicy", "rbac"] as const;
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];
export const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal"] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];
export const PERMISSION_KINDS = ["secrets", "keys", "certificates", "storage"] as const;
export type PermissionKind = (typeof PERMISSION_KINDS)[number];
export type Permissions = Partial<Record<PermissionKind, string[]>>;

export const MIN_REASON_LENGTH = 10;
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

export interface StackConfig {
    org: string;
    environment: Environment;
    keyVault: KeyVaultConfig;
    accessGrants: AccessGrantConfig[];
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
export function parseStackConfig(raw: RawConfig): StackConfig {
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
    if (org !== undefined && !/^[a-z][a-z0-9]{1,19}$/.test(org)) {
        c.fail("org", `${JSON.stringify(org)} is not a service owner code (lower-case letters and digits, 2-20, e.g. "ttd")`);
    }
    const environment = c.oneOf(top.environment, "environment", ENVIRONMENTS, true);
    const keyVault = parseKeyVault(c, top.keyVault, org ?? "org", environment ?? "env", org !== undefined && environment !== undefined);
    const accessGrants = parseGrants(c, top.accessGrants, keyVault.authorization);
    const redeploy = parseRedeploy(c, top.redeploy);

    if (c.errors.length > 0 || org === undefined || environment === undefined) throw new ConfigError(c.errors);
    return { org, environment, keyVault, accessGrants, redeploy };
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
        if (item === null || typeof item !== "object" || Array.isArray(item)) {
            c.fail(path, `must be an object with principalId, access and reason, got ${describe(item)}`);
            return;
        }
        const g = c.object(item, path, "accessGrants[]") ?? {};
        const principalId = c.guid(g.principalId, `${path}.principalId`, true, "an Entra object ID");
        const principalType = c.oneOf(g.principalType, `${path}.principalType`, PRINCIPAL_TYPES, false);
        if (mode === "rbac" && (g.principalType === undefined || g.principalType === null)) {
            // azure-native sends "User" when it is left out, and Azure refuses that for groups and service principals.
            c.fail(`${path}.principalType`, "is required with keyVault.authorization rbac (User, Group or ServicePrincipal)");
        }
        const reason = c.string(g.reason, `${path}.reason`, true);
        if (reason !== undefined && reason.trim().length > 0 && reason.trim().length < MIN_REASON_LENGTH) {
            c.fail(`${path}.reason`, `${JSON.stringify(reason)} is shorter than ${MIN_REASON_LENGTH} characters; say who this is and why they need access`);
        }

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
