import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../components/config";
import { rawConfig } from "./helpers";

const GOOD_PRINCIPAL = "11111111-2222-3333-4444-555555555555";
const base = { org: "ttd", environment: "tt02" };

function errorsOf(config: Record<string, unknown>): string[] {
    try {
        parseStackConfig(rawConfig(config));
    } catch (e) {
        if (e instanceof ConfigError) return e.errors;
        throw e;
    }
    return [];
}

function grant(extra: Record<string, unknown>): Record<string, unknown> {
    return { principalId: GOOD_PRINCIPAL, access: "read", reason: "Operations team reads secrets", ...extra };
}

describe("parseStackConfig", () => {
    it("derives the vault, resource group and authorization defaults from org and environment", () => {
        const c = parseStackConfig(rawConfig(base));
        expect(c.keyVault).toEqual({
            name: "ttd-tt02-apps-kv",
            resourceGroupName: "altinnapps-ttd-tt02-rg",
            tenantId: undefined,
            subscriptionId: undefined,
            authorization: "accessPolicy",
            unmanagedAccess: "warn",
        });
        expect(c.accessGrants).toEqual([]);
        expect(c.redeploy).toEqual({ enabled: true, studioUrl: "https://altinn.studio" });
    });

    it("keeps explicit vault settings and ignores other namespaces", () => {
        const c = parseStackConfig({
            ...rawConfig({ ...base, keyVault: { name: "my-vault", resourceGroupName: "my-rg", tenantId: GOOD_PRINCIPAL.toUpperCase(), authorization: "rbac" } }),
            "azure-native:location": "norwayeast",
        });
        expect(c.keyVault).toMatchObject({ name: "my-vault", resourceGroupName: "my-rg", tenantId: GOOD_PRINCIPAL, authorization: "rbac" });
    });

    it("resolves friendly role names to role IDs in rbac mode", () => {
        const c = parseStackConfig(rawConfig({ ...base, keyVault: { authorization: "rbac" }, accessGrants: [{ principalId: GOOD_PRINCIPAL, principalType: "Group", role: "Key Vault Reader", reason: "Auditors read metadata" }] }));
        expect(c.accessGrants[0].roleId).toBe("21090545-7ca7-4776-b22c-e363652d74d2");
    });

    const client = (extra: Record<string, unknown>) => ({ section: "MaskinportenSettings", clientId: "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b", format: "legacy", scope: "altinn:serviceowner/instances.read", apps: ["app-a"], ...extra });
    const appSecret = (extra: Record<string, unknown>) => ({ section: "ExternalApi", key: "ApiKey", value: "from-pulumi-config-secret", apps: ["app-a"], ...extra });

    it("defaults a client to legacy, generation 1, no staged or retired keys", () => {
        const c = parseStackConfig(rawConfig({ ...base, maskinportenClients: [{ section: "Integrations--AppB", clientId: "abc", scope: "s" }] }));
        expect(c.maskinportenClients[0]).toEqual({ section: "Integrations--AppB", clientId: "abc", format: "legacy", scope: "s", exchangeToAltinnToken: true, keyGeneration: 1, nextKeyGeneration: undefined, retiredKeyGenerations: [], apps: [] });
    });

    it("accepts app secrets whose key is stored as a Pulumi secret", () => {
        const c = parseStackConfig(rawConfig({ ...base, appSecrets: [appSecret({})] }), { secretKeys: ["altinn-app-secrets:appSecrets"] });
        expect(c.appSecrets).toEqual([{ section: "ExternalApi", key: "ApiKey", value: "from-pulumi-config-secret", apps: ["app-a"] }]);
    });

    const clientCases: [string, Record<string, unknown>, string][] = [
        ["section with underscore", { maskinportenClients: [client({}), client({ section: "Maskin_porten" })] }, 'maskinportenClients[1].section: "Maskin_porten" may only contain letters, digits and hyphens (Key Vault secret names allow 0-9a-zA-Z-)'],
        ["section with tripled hyphen", { maskinportenClients: [client({ section: "A---B" })] }, 'maskinportenClients[0].section: "A---B" has a leading, trailing or tripled hyphen that .NET configuration would read differently (nest sections with "--")'],
        ["section too long for a secret name", { maskinportenClients: [client({ section: "S".repeat(120) })] }, `maskinportenClients[0].section: secret name "${"S".repeat(120)}--ClientId" is 130 characters; Key Vault secret names are at most 127`],
        ["duplicate section", { maskinportenClients: [client({}), client({ section: "maskinportensettings" })] }, 'maskinportenClients[1].section: "maskinportensettings" is already used by maskinportenClients[0]'],
        ["empty client ID", { maskinportenClients: [client({ clientId: " " })] }, "maskinportenClients[0].clientId: is required and may not be empty"],
        ["missing scope for legacy", { maskinportenClients: [client({ scope: undefined })] }, "maskinportenClients[0].scope: is required"],
        ["unknown format", { maskinportenClients: [client({ format: "v2" })] }, 'maskinportenClients[0].format: "v2" is not one of legacy, builtin'],
        ["key size 4096", { maskinportenClients: [client({ keySize: 4096 })] }, "maskinportenClients[0].keySize: 4096 is not allowed; Maskinporten accepts only RS256 keys of 2048 bits"],
        ["too many keys", { maskinportenClients: [client({ keyGeneration: 6, nextKeyGeneration: 7, retiredKeyGenerations: [2, 3, 4, 5] })] }, "maskinportenClients[0]: publishes 6 keys (keyGeneration, nextKeyGeneration, retiredKeyGenerations); Maskinporten allows at most 5 per client"],
        ["staging the active generation", { maskinportenClients: [client({ keyGeneration: 2, nextKeyGeneration: 2 })] }, "maskinportenClients[0].nextKeyGeneration: 2 is the active keyGeneration; stage a new number"],
        ["retiring the active generation", { maskinportenClients: [client({ keyGeneration: 2, retiredKeyGenerations: [2] })] }, "maskinportenClients[0].retiredKeyGenerations: lists 2, which is also the active or staged generation"],
        ["generation zero", { maskinportenClients: [client({ keyGeneration: 0 })] }, "maskinportenClients[0].keyGeneration: must be a whole number >= 1, got number 0"],
        ["app name Altinn would refuse", { maskinportenClients: [client({ apps: ["App_A"] })] }, 'maskinportenClients[0].apps[0]: "App_A" is not an Altinn app name (lower-case letters, digits and hyphens, 3-30, starting with a letter)'],
        ["unknown client key", { maskinportenClients: [client({ scopes: "x" })] }, "maskinportenClients[0].scopes: unknown key (expected one of section, clientId, format, scope, exchangeToAltinnToken, keyGeneration, nextKeyGeneration, retiredKeyGenerations, keySize, apps, register, clientName, description)"],
        ["app secret colliding with a client secret", { maskinportenClients: [client({})], appSecrets: [appSecret({ section: "MaskinportenSettings", key: "clientid" })] }, 'appSecrets[0].key: secret name "MaskinportenSettings--clientid" is already used by maskinportenClients[0].section'],
        ["app secret key with --", { appSecrets: [appSecret({ key: "Api--Key" })] }, 'appSecrets[0].key: "Api--Key" may only contain letters, digits and single inner hyphens (no "--", which nests a section)'],
        ["app secret without value", { appSecrets: [appSecret({ value: undefined })] }, "appSecrets[0].value: is required; set it with: pulumi config set --secret --path 'appSecrets[0].value' (it prompts for the value, which keeps it out of shell history)"],
    ];

    it.each(clientCases)("refuses %s", (_name, config, expected) => {
        expect(errorsOf({ ...base, ...config })).toContain(expected);
    });

    // Each bad input and the exact line it must produce.
    const cases: [string, Record<string, unknown>, string][] = [
        ["missing org", { environment: "tt02" }, "org: is required"],
        ["upper-case org", { ...base, org: "TTD" }, 'org: "TTD" is not a service owner code (lower-case letters and digits, 2-20, e.g. "ttd")'],
        ["unknown environment", { ...base, environment: "at22" }, 'environment: "at22" is not one of tt02, prod'],
        ["unknown top-level key", { ...base, acessGrants: [] }, "acessGrants: unknown key (expected one of org, environment, keyVault, accessGrants, maskinportenClients, appSecrets, suppressions, redeploy, maskinporten)"],
        ["unknown keyVault key", { ...base, keyVault: { nmae: "x" } }, "keyVault.nmae: unknown key (expected one of name, resourceGroupName, subscriptionId, tenantId, authorization, unmanagedAccess)"],
        ["keyVault not an object", { ...base, keyVault: "ttd-kv" }, 'keyVault: must be an object, got string "ttd-kv"'],
        ["invalid vault name", { ...base, keyVault: { name: "ttd_vault" } }, 'keyVault.name: "ttd_vault" must start with a letter, end with a letter or digit, and contain only letters, digits and single hyphens'],
        ["too long default vault name", { ...base, org: "averyveryverylongorg" }, 'keyVault.name: the default "averyveryverylongorg-tt02-apps-kv" is 33 characters; vault names are 3-24; set keyVault.name'],
        ["bad resource group", { ...base, keyVault: { resourceGroupName: "rg." } }, `keyVault.resourceGroupName: "rg." may only contain letters, digits, '-', '_', '.', '(' and ')', and may not end with '.'`],
        ["unknown authorization", { ...base, keyVault: { authorization: "RBAC" } }, 'keyVault.authorization: "RBAC" is not one of accessPolicy, rbac'],
        ["non-GUID tenant", { ...base, keyVault: { tenantId: "altinn.no" } }, 'keyVault.tenantId: "altinn.no" is not an Entra tenant ID (GUID)'],
        ["grants not a list", { ...base, accessGrants: { principalId: GOOD_PRINCIPAL } }, "accessGrants: must be a list, got an object"],
        ["grant not an object", { ...base, accessGrants: ["bob"] }, 'accessGrants[0]: must be an object with principalId, access and reason, got string "bob"'],
        ["non-GUID principal", { ...base, accessGrants: [grant({}), grant({}), grant({ principalId: "bob" })] }, 'accessGrants[2].principalId: "bob" is not an Entra object ID (GUID)'],
        ["missing principal", { ...base, accessGrants: [grant({ principalId: undefined })] }, "accessGrants[0].principalId: is required"],
        ["missing reason", { ...base, accessGrants: [grant({ reason: undefined })] }, "accessGrants[0].reason: is required"],
        ["short reason", { ...base, accessGrants: [grant({ reason: "ops" })] }, 'accessGrants[0].reason: "ops" is shorter than 10 characters; say who this is and why they need access'],
        ["reason not a string", { ...base, accessGrants: [grant({ reason: 42 })] }, "accessGrants[0].reason: must be a string, got number 42"],
        ["both access and permissions", { ...base, accessGrants: [grant({ permissions: { secrets: ["get"] } })] }, "accessGrants[0]: only one of [access] and [permissions] can be specified"],
        ["neither access nor permissions", { ...base, accessGrants: [grant({ access: undefined })] }, "accessGrants[0]: one of [access] and [permissions] is required"],
        ["unknown access", { ...base, accessGrants: [grant({ access: "admin" })] }, 'accessGrants[0].access: "admin" is not one of read, write'],
        ["unknown grant key", { ...base, accessGrants: [grant({ acess: "read" })] }, "accessGrants[0].acess: unknown key (expected one of principalId, principalType, access, permissions, role, reason)"],
        ["unknown permission kind", { ...base, accessGrants: [grant({ access: undefined, permissions: { secret: ["get"] } })] }, "accessGrants[0].permissions.secret: unknown key (expected one of secrets, keys, certificates, storage)"],
        ["permissions not a list", { ...base, accessGrants: [grant({ access: undefined, permissions: { secrets: "get" } })] }, 'accessGrants[0].permissions.secrets: must be a list, got string "get"'],
        ["empty permissions", { ...base, accessGrants: [grant({ access: undefined, permissions: { secrets: [] } })] }, "accessGrants[0].permissions: grants nothing; list at least one permission"],
        ["permissions in rbac mode", { ...base, keyVault: { authorization: "rbac" }, accessGrants: [grant({ access: undefined, permissions: { secrets: ["get"] } })] }, "accessGrants[0].permissions: is for keyVault.authorization accessPolicy; with rbac use access or role"],
        ["role in accessPolicy mode", { ...base, accessGrants: [grant({ access: undefined, role: "Key Vault Reader" })] }, "accessGrants[0].role: is for keyVault.authorization rbac; with accessPolicy use access or permissions"],
        ["unknown role", { ...base, keyVault: { authorization: "rbac" }, accessGrants: [grant({ access: undefined, role: "Vault Boss" })] }, 'accessGrants[0].role: "Vault Boss" is neither a known built-in role name nor a role definition GUID'],
        ["rbac grant without principalType", { ...base, keyVault: { authorization: "rbac" }, accessGrants: [grant({})] }, "accessGrants[0].principalType: is required with keyVault.authorization rbac (User, Group or ServicePrincipal)"],
        ["unknown principal type", { ...base, accessGrants: [grant({ principalType: "Robot" })] }, 'accessGrants[0].principalType: "Robot" is not one of User, Group, ServicePrincipal'],
        ["duplicate principal", { ...base, accessGrants: [grant({}), grant({ access: "write" })] }, `accessGrants[1].principalId: ${GOOD_PRINCIPAL} is already granted in accessGrants[0]; merge the two grants`],
        ["redeploy.enabled not boolean", { ...base, redeploy: { enabled: "yes" } }, 'redeploy.enabled: must be true or false, got string "yes"'],
        ["http studio URL", { ...base, redeploy: { studioUrl: "http://altinn.studio" } }, 'redeploy.studioUrl: "http://altinn.studio" is not an https URL such as https://altinn.studio'],
    ];

    it.each(cases)("refuses %s", (_name, config, expected) => {
        expect(errorsOf(config)).toContain(expected);
    });

    it("reports every error at once, one line each", () => {
        const errors = errorsOf({
            org: "TTD",
            environment: "test",
            accessGrants: [grant({ principalId: "bob" }), grant({ reason: "x" })],
        });
        expect(errors).toEqual([
            'org: "TTD" is not a service owner code (lower-case letters and digits, 2-20, e.g. "ttd")',
            'environment: "test" is not one of tt02, prod',
            'accessGrants[0].principalId: "bob" is not an Entra object ID (GUID)',
            'accessGrants[1].reason: "x" is shorter than 10 characters; say who this is and why they need access',
        ]);
        expect(errors.every((e) => !e.includes("\n"))).toBe(true);
    });

    it("accepts both example stacks' shapes without error", () => {
        expect(errorsOf({ ...base, accessGrants: [grant({}), grant({ principalId: "22222222-3333-4444-5555-666666666666", access: undefined, permissions: { secrets: ["get", "list"] } })] })).toEqual([]);
    });
});
