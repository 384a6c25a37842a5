/**
 * The stack file's JSON Schema (what an editor checks as you type) refuses the mistakes the plan
 * refuses: every entry below is refused by parseStackConfig, and by the JSON Schema too unless it
 * is listed in INEXPRESSIBLE with the reason JSON Schema cannot say it.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../core/config/parse";
import { JSON_SCHEMA_FILE } from "../../scripts/docs/configDocs";
import { rawConfig, ROOT } from "../support/helpers";

const P = "11111111-2222-3333-4444-555555555555";
const Q = "22222222-3333-4444-5555-666666666666";
const CLIENT_ID = "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b";
const base = { org: "ttd", environment: "tt02" };
const rbac = { keyVault: { authorization: "rbac" } };
const grant = (extra: Record<string, unknown> = {}) => ({ principalId: P, access: "read", reason: "Operations team reads secrets", ...extra });
const rbacGrant = (extra: Record<string, unknown> = {}) => grant({ principalType: "Group", ...extra });
const client = (extra: Record<string, unknown> = {}) => ({ section: "Partner", clientId: CLIENT_ID, scope: "altinn:serviceowner/instances.read", apps: ["app-a"], ...extra });
const appSecret = (extra: Record<string, unknown> = {}) => ({ section: "ExternalApi", key: "ApiKey", value: { secure: "v1:abc" }, apps: ["app-a"], ...extra });
const suppression = (extra: Record<string, unknown> = {}) => ({ rule: "principal-allowlisted", principalId: P, reason: "Known contractor, reviewed", ...extra });
const selfService = { maskinporten: { selfService: { adminClientId: CLIENT_ID } } };

type Config = Record<string, unknown>;

/** Mistakes the plan refuses, each as the config keys it changes. */
const MISTAKES: [string, Config][] = [
    ["org in upper case", { org: "TTD" }],
    ["org missing", { org: undefined }],
    ["unknown environment", { environment: "at22" }],
    ["unknown top-level key", { acessGrants: [] }],
    ["vault name with an underscore", { keyVault: { name: "ttd_vault" } }],
    ["vault name with two hyphens", { keyVault: { name: "ttd--vault" } }],
    ["vault name too long", { keyVault: { name: "a".repeat(25) } }],
    ["vault name ending in a hyphen", { keyVault: { name: "ttd-vault-" } }],
    ["default vault name too long (long org, no keyVault.name)", { org: "averyveryverylongorg" }],
    ["resource group ending in a dot", { keyVault: { resourceGroupName: "rg." } }],
    ["resource group with a slash", { keyVault: { resourceGroupName: "rg/x" } }],
    ["unknown authorization", { keyVault: { authorization: "RBAC" } }],
    ["non-GUID tenant", { keyVault: { tenantId: "altinn.no" } }],
    ["non-GUID subscription", { keyVault: { subscriptionId: "my-sub" } }],
    ["unknown unmanagedAccess", { keyVault: { unmanagedAccess: "ignore" } }],
    ["grants not a list", { accessGrants: { principalId: P } }],
    ["non-GUID principal", { accessGrants: [grant({ principalId: "bob" })] }],
    ["missing reason", { accessGrants: [grant({ reason: undefined })] }],
    ["short reason", { accessGrants: [grant({ reason: "ops" })] }],
    ["reason of spaces", { accessGrants: [grant({ reason: "            " })] }],
    ["reason short once trimmed", { accessGrants: [grant({ reason: "   ops team   " })] }],
    ["reason with a line break", { accessGrants: [grant({ reason: "Operations team\nreads secrets" })] }],
    ["both access and permissions", { accessGrants: [grant({ permissions: { secrets: ["get"] } })] }],
    ["neither access nor permissions", { accessGrants: [grant({ access: undefined })] }],
    ["unknown access", { accessGrants: [grant({ access: "admin" })] }],
    ["unknown grant key", { accessGrants: [grant({ acess: "read" })] }],
    ["unknown permission kind", { accessGrants: [grant({ access: undefined, permissions: { secret: ["get"] } })] }],
    ["unknown permission", { accessGrants: [grant({ access: undefined, permissions: { secrets: ["read"] } })] }],
    ["empty permissions", { accessGrants: [grant({ access: undefined, permissions: { secrets: [] } })] }],
    ["permissions with no list", { accessGrants: [grant({ access: undefined, permissions: {} })] }],
    ["permissions in rbac mode", { ...rbac, accessGrants: [rbacGrant({ access: undefined, permissions: { secrets: ["get"] } })] }],
    ["role in accessPolicy mode", { accessGrants: [grant({ access: undefined, role: "Key Vault Reader" })] }],
    ["description in accessPolicy mode", { accessGrants: [grant({ description: "From the portal" })] }],
    ["roleAssignmentName in accessPolicy mode", { accessGrants: [grant({ roleAssignmentName: "0a0a0a0a-0000-4000-8000-000000000001" })] }],
    ["unknown role", { ...rbac, accessGrants: [rbacGrant({ access: undefined, role: "Vault Boss" })] }],
    ["role name in the wrong case", { ...rbac, accessGrants: [rbacGrant({ access: undefined, role: "key vault reader" })] }],
    ["both access and role", { ...rbac, accessGrants: [rbacGrant({ role: "Key Vault Reader" })] }],
    ["rbac grant without principalType", { ...rbac, accessGrants: [grant()] }],
    ["unknown principal type", { accessGrants: [grant({ principalType: "Robot" })] }],
    ["non-GUID roleAssignmentName", { ...rbac, accessGrants: [rbacGrant({ roleAssignmentName: "mine" })] }],
    ["expires in another date format", { accessGrants: [grant({ expires: "31.01.2027" })] }],
    ["expires on a day the month does not have", { accessGrants: [grant({ expires: "2027-04-31" })] }],
    ["expires on February 30", { accessGrants: [grant({ expires: "2027-02-30" })] }],
    ["expires with a time other than midnight", { accessGrants: [grant({ expires: "2027-01-31T12:00:00Z" })] }],
    ["client without section", { maskinportenClients: [client({ section: undefined })] }],
    ["section with an underscore", { maskinportenClients: [client({ section: "Maskin_porten" })] }],
    ["section with a tripled hyphen", { maskinportenClients: [client({ section: "Maskin---porten" })] }],
    ["section with a leading hyphen", { maskinportenClients: [client({ section: "-Maskinporten" })] }],
    ["section too long for a secret name", { maskinportenClients: [client({ section: "S".repeat(120) })] }],
    ["builtin section too long for a secret name", { maskinportenClients: [client({ format: "builtin", scope: undefined, section: "S".repeat(117) })] }],
    ["client without clientId (no self-service)", { maskinportenClients: [client({ clientId: undefined })] }],
    ["clientId with white space", { maskinportenClients: [client({ clientId: "5f6e1b2c 0d3a" })] }],
    ["blank clientId", { maskinportenClients: [client({ clientId: "  " })] }],
    ["register without self-service", { maskinportenClients: [client({ register: true })] }],
    ["register: false under self-service, without clientId", { ...selfService, maskinportenClients: [client({ register: false, clientId: undefined })] }],
    ["unknown client format", { maskinportenClients: [client({ format: "v9" })] }],
    ["legacy client without scope", { maskinportenClients: [client({ scope: undefined })] }],
    ["legacy client with a blank scope", { maskinportenClients: [client({ scope: "  " })] }],
    ["scopes separated by commas", { maskinportenClients: [client({ scope: "a:b,c:d" })] }],
    ["negative keyGeneration", { maskinportenClients: [client({ keyGeneration: -1 })] }],
    ["keyGeneration not whole", { maskinportenClients: [client({ keyGeneration: 1.5 })] }],
    ["huge keyGeneration", { maskinportenClients: [client({ keyGeneration: 1e23 })] }],
    ["nextKeyGeneration 0", { maskinportenClients: [client({ nextKeyGeneration: 0 })] }],
    ["retired generation listed twice", { maskinportenClients: [client({ keyGeneration: 3, retiredKeyGenerations: [1, 1] })] }],
    ["more than 5 keys published", { maskinportenClients: [client({ keyGeneration: 6, retiredKeyGenerations: [1, 2, 3, 4, 5] })] }],
    ["5 retired plus a staged key", { maskinportenClients: [client({ keyGeneration: 6, nextKeyGeneration: 7, retiredKeyGenerations: [1, 2, 3, 4] })] }],
    ["keySize 4096", { maskinportenClients: [client({ keySize: 4096 })] }],
    ["app name with an underscore", { maskinportenClients: [client({ apps: ["App_A"] })] }],
    ["app named datamodels", { maskinportenClients: [client({ apps: ["datamodels"] })] }],
    ["app listed twice", { maskinportenClients: [client({ apps: ["app-a", "app-a"] })] }],
    ["exchangeToAltinnToken not boolean", { maskinportenClients: [client({ exchangeToAltinnToken: "yes" })] }],
    ["app secret in plain text", { appSecrets: [appSecret({ value: "hunter2" })] }],
    ["app secret with neither value nor generate", { appSecrets: [appSecret({ value: undefined })] }],
    ["app secret with both value and generate", { appSecrets: [appSecret({ generate: { length: 32 } })] }],
    ["app secret key with two hyphens", { appSecrets: [appSecret({ key: "Api--Key" })] }],
    ["app secret key with a dot", { appSecrets: [appSecret({ key: "Api.Key" })] }],
    ["generated length 8", { appSecrets: [appSecret({ value: undefined, generate: { length: 8 } })] }],
    ["generated length 5000", { appSecrets: [appSecret({ value: undefined, generate: { length: 5000 } })] }],
    ["generation 0", { appSecrets: [appSecret({ value: undefined, generate: { generation: 0 } })] }],
    ["suppression of an unknown rule", { suppressions: [suppression({ rule: "no-such-rule" })] }],
    ["suppression with both principalId and secretName", { suppressions: [suppression({ secretName: "A--B" })] }],
    ["suppression with neither principalId nor secretName", { suppressions: [suppression({ principalId: undefined })] }],
    ["suppression with a short reason", { suppressions: [suppression({ reason: "ok" })] }],
    ["stack-file suppression of a rule mandatory in tt02", { suppressions: [suppression({ rule: "grant-has-reason" })] }],
    ["stack-file suppression of a rule mandatory in prod", { environment: "prod", suppressions: [suppression({ rule: "write-access-reviewed" })] }],
    ["redeploy.enabled not boolean", { redeploy: { enabled: "yes" } }],
    ["http Studio URL", { redeploy: { studioUrl: "http://altinn.studio" } }],
    ["Studio URL with a path", { redeploy: { studioUrl: "https://altinn.studio/designer/" } }],
    ["Studio URL with user info", { redeploy: { studioUrl: "https://user:pw@altinn.studio" } }],
    ["Studio URL with a query", { redeploy: { studioUrl: "https://altinn.studio/?next=evil.example" } }],
    ["Studio URL not a URL", { redeploy: { studioUrl: "altinn.studio" } }],
    ["self-service without adminClientId", { maskinporten: { selfService: {} } }],
    ["self-service API over http to a real host", { maskinporten: { selfService: { adminClientId: CLIENT_ID, apiUrl: "http://api.samarbeid.digdir.no/api/v1" } } }],
    ["self-service API URL with a fragment", { maskinporten: { selfService: { adminClientId: CLIENT_ID, apiUrl: "https://api.samarbeid.digdir.no/api/v1#x" } } }],
    ["unknown key under maskinporten", { maskinporten: { selfservice: {} } }],
    ["a tab in a description", { ...rbac, accessGrants: [rbacGrant({ description: "From\tthe portal" })] }],
    ["a bidirectional override in a reason", { accessGrants: [grant({ reason: "Operations team \u202Esterces sdaer" })] }],
    ["a bidirectional isolate in a description", { ...rbac, accessGrants: [rbacGrant({ description: "From \u2066the portal" })] }],
    ["a bidirectional override in a suppression's reason", { suppressions: [suppression({ reason: "Known contractor \u202Edeweiver" })] }],
    ["an empty secure value", { appSecrets: [appSecret({ value: { secure: "" } })] }],
    ["expires in year 0", { accessGrants: [grant({ expires: "0000-01-01" })] }],
];

/** Mistakes the plan refuses that JSON Schema cannot express, and why. */
const INEXPRESSIBLE: [string, string, Config][] = [
    ["the same principal granted twice", "uniqueness of one property across list items (uniqueItems compares whole items)", { accessGrants: [grant(), grant({ access: "write" })] }],
    ["the same principal twice, in other case", "comparison across list items, ignoring case", { accessGrants: [grant(), grant({ principalId: P.toUpperCase() })] }],
    ["two clients with one section", "uniqueness of one property across list items", { maskinportenClients: [client(), client({ clientId: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d" })] }],
    ["an app secret that takes a client's secret name", "names built from two keys of items in two lists", { maskinportenClients: [client()], appSecrets: [appSecret({ section: "Partner", key: "ClientId" })] }],
    ["nextKeyGeneration equal to keyGeneration", "comparing two values of one object ($data is not standard JSON Schema)", { maskinportenClients: [client({ keyGeneration: 2, nextKeyGeneration: 2 })] }],
    ["a retired generation that is the active one", "comparing a list's items with another key's value", { maskinportenClients: [client({ keyGeneration: 2, retiredKeyGenerations: [2] })] }],
    ["expires on February 29 of a year that is not a leap year", "leap years (a pattern could, at a length nobody would read; February 29 passes the schema in any year)", { accessGrants: [grant({ expires: "2027-02-29" })] }],
    ["an app secret whose section and key together pass 127 characters", "a limit on the sum of two strings' lengths", { appSecrets: [appSecret({ section: "S".repeat(100), key: "K".repeat(30) })] }],
];

function stackFile(config: Config): Record<string, unknown> {
    const all = { ...base, ...config };
    const entries = Object.entries(all).filter(([, v]) => v !== undefined);
    return { config: Object.fromEntries(entries.map(([k, v]) => [`altinn-app-secrets:${k}`, v])) };
}

/** What the plan says about it: the config as Pulumi passes it, `secure:` values as the ciphertext. */
function planErrors(config: Config): string[] {
    const all = Object.fromEntries(Object.entries({ ...base, ...config }).filter(([, v]) => v !== undefined));
    const plain = JSON.parse(JSON.stringify(all), (_k, v: unknown) => (v && typeof v === "object" && "secure" in v ? (v as { secure: string }).secure : v)) as Config;
    const plainTextPaths = ((all.appSecrets as unknown as Config[] | undefined) ?? []).flatMap((a, i) => (typeof a.value === "string" ? [`appSecrets[${i}].value`] : []));
    try {
        parseStackConfig(rawConfig(plain), { stack: String(all.environment), plainTextPaths });
    } catch (e) {
        if (e instanceof ConfigError) return e.errors;
        throw e;
    }
    return [];
}

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(path.join(ROOT, JSON_SCHEMA_FILE), "utf8")));

describe("the JSON Schema refuses what the plan refuses", () => {
    it("accepts a stack that uses every key well", () => {
        const good = stackFile({
            keyVault: { name: "ttd-tt02-kv", resourceGroupName: "rg-(ttd).x_1", subscriptionId: Q, tenantId: Q, authorization: "rbac", unmanagedAccess: "fail" },
            accessGrants: [rbacGrant({ description: "", expires: "2028-02-29" }), rbacGrant({ principalId: Q, access: undefined, role: "Key Vault Reader", roleAssignmentName: Q, expires: "2027-12-31T00:00:00Z" })],
            maskinportenClients: [client({ keyGeneration: 3, nextKeyGeneration: 4, retiredKeyGenerations: [1, 2], keySize: 2048 }), client({ section: "Integrations--AppB", format: "builtin", scope: undefined, register: true, clientId: undefined })],
            appSecrets: [appSecret(), appSecret({ key: "Other", value: undefined, generate: { length: 64, generation: 2 } })],
            suppressions: [suppression({ rule: "write-access-reviewed" }), suppression({ principalId: undefined, secretName: "ExternalApi--ApiKey", rule: "secret-value-not-placeholder" })],
            redeploy: { enabled: false, studioUrl: "https://altinn.studio/" },
            maskinporten: { selfService: { adminClientId: CLIENT_ID, apiUrl: "http://127.0.0.1:8080/api/v1" } },
        });
        expect(planErrors(Object.fromEntries(Object.entries(good.config as Config).map(([k, v]) => [k.replace(/^altinn-app-secrets:/, ""), v])))).toEqual([]);
        expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    });

    it("accepts a URL's scheme and host in any case, as the plan does", () => {
        const config = { redeploy: { studioUrl: "HTTPS://Altinn.Studio" }, maskinporten: { selfService: { adminClientId: CLIENT_ID, apiUrl: "HTTP://LOCALHOST:8080/api/v1" } } };
        expect(planErrors(config)).toEqual([]);
        expect(validate(stackFile(config)), JSON.stringify(validate.errors)).toBe(true);
    });

    it("refuses a stack file without config, as the plan does (org is required)", () => {
        expect(validate({ secretsprovider: "passphrase" })).toBe(false);
        expect(validate({ config: {} })).toBe(false);
    });

    it.each(MISTAKES)("%s", (_name, config) => {
        expect(planErrors(config), "the plan refuses it").not.toEqual([]);
        expect(validate(stackFile(config)), "the JSON Schema refuses it").toBe(false);
    });

    it.each(INEXPRESSIBLE)("%s: refused by the plan only (JSON Schema cannot express %s)", (_name, _why, config) => {
        expect(planErrors(config), "the plan refuses it").not.toEqual([]);
        expect(validate(stackFile(config)), JSON.stringify(validate.errors)).toBe(true);
    });
});
