/**
 * Parse and validate the stack configuration into a typed model. Pure: no Pulumi calls,
 * so the same function serves `pulumi up`, the offline plan and the tests.
 * The contract itself is the zod schema in schema.ts; issueLines.ts turns its issues into one
 * line per mistake (naming the key path, never a secret), and this module its output into the model.
 */
import { KeyVaultSchema, RedeploySchema, SELF_SERVICE_API_URLS, StackConfigInput, StackConfigSchema } from "./schema";
import { defaultResourceGroupName, defaultVaultName } from "../vault/naming";
import { roleId } from "../vault/roles";
import type { AccessGrantConfig, KeyVaultConfig, MaskinportenClientConfig, ParseOptions, RawConfig, StackConfig } from "./model";
import { contextErrors, controlCharacterErrors, misplacedSecretErrors, namespaceErrors, projectKeys } from "./rawConfig";
import { firstPerPath, issueLines, withoutSecretValues } from "./issueLines";
import { normalizeExpires } from "../vault/grantExpiry";

export {
    AUTHORIZATION_MODES,
    CLIENT_FORMATS,
    ENVIRONMENTS,
    PRINCIPAL_TYPES,
    PROJECT,
    PROVIDER_NAMESPACES,
    SELF_SERVICE_API_URLS,
    UNMANAGED_ACCESS_MODES,
} from "./schema";
export { CLIENT_SECRET_KEYS } from "./rules";
export { APP_NAME_PATTERN, DEFAULT_STUDIO_URL, MASKINPORTEN_KEY_SIZE, MAX_KEYS_PER_CLIENT, MIN_REASON_LENGTH, PERMISSION_KINDS } from "./limits";
export type {
    AccessGrantConfig,
    AppSecretConfig,
    AuthorizationMode,
    ClientFormat,
    Environment,
    KeyVaultConfig,
    MaskinportenClientConfig,
    MaskinportenConfig,
    ParseOptions,
    PermissionKind,
    Permissions,
    PrincipalType,
    RawConfig,
    RedeployConfig,
    StackConfig,
    SuppressionConfig,
} from "./model";

/** Every mistake found in a stack configuration, one line each, naming the key path. */
export class ConfigError extends Error {
    constructor(public readonly errors: string[]) {
        super(errors.join("\n"));
        this.name = "ConfigError";
    }
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
    const errors = firstPerPath([...namespaceErrors(raw), ...misplacedSecretErrors(opts), ...controlCharacterErrors(top), ...lines, ...context]);
    if (errors.length > 0 || !result.success) throw new ConfigError(errors.length > 0 ? withoutSecretValues(errors, raw, top, opts) : ["config: invalid"]);
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
        ...(g.expires === undefined ? {} : { expires: normalizeExpires(g.expires) }),
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
