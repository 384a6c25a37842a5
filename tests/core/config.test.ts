import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../core/config/parse";
import { AZURE_PERMISSIONS } from "../../core/config/limits";
import { ALL_RULES } from "../../policy/rules";
import { RULE_LEVELS } from "../../core/policy/ruleIds";
import { parseOptionsOf, readStackFiles } from "../../scripts/offline/stack";
import { configErrors, rawConfig, ROOT, runPlan, writeStacks } from "../support/helpers";

const GOOD_PRINCIPAL = "11111111-2222-3333-4444-555555555555";
const MISPLACED = "is a secure: value, and only appSecrets[].value may be one: anywhere else Pulumi decrypts it into outputs, state and Azure in plain text";
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

    it("names the stack in the command that sets an app secret's value, when the stack is known", () => {
        // Without -s, pulumi config set writes to whichever stack is selected, perhaps prod.
        const set = (stack: string) => `set it with: pulumi config set${stack} --secret --path 'appSecrets[0].value' (it prompts for the value, which keeps it out of shell history)`;
        const plain = rawConfig({ ...base, appSecrets: [appSecret({})] });
        expect(configErrors(plain, { secretKeys: [], stack: "tt02" })).toEqual([`appSecrets[0].value: is stored in plain text in the stack file; ${set(" -s tt02")}`]);
        expect(configErrors(plain, { secretKeys: [] })).toEqual([`appSecrets[0].value: is stored in plain text in the stack file; ${set("")}`]);
        const missing = rawConfig({ ...base, appSecrets: [appSecret({ value: undefined })] });
        expect(configErrors(missing, { stack: "ttd-tt02" })).toEqual([`appSecrets[0].value: is required; ${set(" -s ttd-tt02")}; or let the stack generate one: generate: { length: 32 }`]);
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
        ["negative generation", { maskinportenClients: [client({ keyGeneration: -1 })] }, "maskinportenClients[0].keyGeneration: must be a whole number >= 0, got number -1"],
        ["retiring the adopted generation 0", { maskinportenClients: [client({ keyGeneration: 1, retiredKeyGenerations: [0] })] }, "maskinportenClients[0].retiredKeyGenerations[0]: must be a whole number >= 1, got number 0"],
        ["app name Altinn would refuse", { maskinportenClients: [client({ apps: ["App_A"] })] }, 'maskinportenClients[0].apps[0]: "App_A" is not an Altinn app name (lower-case letters, digits and hyphens, 3-30, starting with a letter)'],
        ["unknown client key", { maskinportenClients: [client({ scopes: "x" })] }, "maskinportenClients[0].scopes: unknown key (expected one of section, clientId, format, scope, exchangeToAltinnToken, keyGeneration, nextKeyGeneration, retiredKeyGenerations, keySize, apps, register, clientName, description); did you mean scope?"],
        ["app secret colliding with a client secret", { maskinportenClients: [client({})], appSecrets: [appSecret({ section: "MaskinportenSettings", key: "clientid" })] }, 'appSecrets[0].key: secret name "MaskinportenSettings--clientid" is already used by maskinportenClients[0].section'],
        ["app secret key with --", { appSecrets: [appSecret({ key: "Api--Key" })] }, 'appSecrets[0].key: "Api--Key" may only contain letters, digits and single inner hyphens (no "--", which nests a section)'],
        ["app secret without value", { appSecrets: [appSecret({ value: undefined })] }, "appSecrets[0].value: is required; set it with: pulumi config set --secret --path 'appSecrets[0].value' (it prompts for the value, which keeps it out of shell history); or let the stack generate one: generate: { length: 32 }"],
    ];

    it.each(clientCases)("refuses %s", (_name, config, expected) => {
        expect(errorsOf({ ...base, ...config })).toContain(expected);
    });

    // Each bad input and the exact line it must produce.
    const cases: [string, Record<string, unknown>, string][] = [
        ["missing org", { environment: "tt02" }, "org: is required"],
        ["upper-case org", { ...base, org: "TTD" }, 'org: "TTD" is not a service owner code (lower-case letters and digits, 2-20, e.g. "ttd")'],
        ["unknown environment", { ...base, environment: "at22" }, 'environment: "at22" is not one of tt02, prod'],
        ["unknown top-level key", { ...base, acessGrants: [] }, "acessGrants: unknown key (expected one of org, environment, keyVault, accessGrants, maskinportenClients, appSecrets, suppressions, redeploy, maskinporten); did you mean accessGrants?"],
        ["unknown keyVault key", { ...base, keyVault: { nmae: "x" } }, "keyVault.nmae: unknown key (expected one of name, resourceGroupName, subscriptionId, tenantId, authorization, unmanagedAccess); did you mean name?"],
        ["keyVault not an object", { ...base, keyVault: "ttd-kv" }, 'keyVault: must be an object, got string "ttd-kv"'],
        ["invalid vault name", { ...base, keyVault: { name: "ttd_vault" } }, 'keyVault.name: "ttd_vault" must start with a letter, end with a letter or digit, and contain only letters, digits and single hyphens'],
        ["too long default vault name", { ...base, org: "averyveryverylongorg" }, 'keyVault.name: the default "averyveryverylongorg-tt02-apps-kv" is 33 characters; vault names are 3-24; set keyVault.name'],
        ["bad resource group", { ...base, keyVault: { resourceGroupName: "rg." } }, `keyVault.resourceGroupName: "rg." may only contain letters, digits, '-', '_', '.', '(' and ')', and may not end with '.'`],
        ["unknown authorization", { ...base, keyVault: { authorization: "RBAC" } }, 'keyVault.authorization: "RBAC" is not one of accessPolicy, rbac; did you mean rbac?'],
        ["non-GUID tenant", { ...base, keyVault: { tenantId: "altinn.no" } }, 'keyVault.tenantId: "altinn.no" is not an Entra tenant ID (GUID)'],
        ["grants not a list", { ...base, accessGrants: { principalId: GOOD_PRINCIPAL } }, "accessGrants: must be a list, got an object"],
        ["grant not an object", { ...base, accessGrants: ["bob"] }, 'accessGrants[0]: must be an object with principalId, access and reason, got string "bob"'],
        ["non-GUID principal", { ...base, accessGrants: [grant({}), grant({}), grant({ principalId: "bob" })] }, 'accessGrants[2].principalId: "bob" is not an Entra object ID (GUID)'],
        ["missing principal", { ...base, accessGrants: [grant({ principalId: undefined })] }, "accessGrants[0].principalId: is required"],
        ["missing reason", { ...base, accessGrants: [grant({ reason: undefined })] }, "accessGrants[0].reason: is required"],
        ["short reason", { ...base, accessGrants: [grant({ reason: "ops" })] }, 'accessGrants[0].reason: "ops" is shorter than 10 characters; say who this is and why they need access'],
        ["reason not a string", { ...base, accessGrants: [grant({ reason: 42 })] }, "accessGrants[0].reason: must be a string, got number 42"],
        ["both access and permissions", { ...base, accessGrants: [grant({ permissions: { secrets: ["get"] } })] }, "accessGrants[0]: only one of access and permissions can be specified"],
        ["neither access nor permissions", { ...base, accessGrants: [grant({ access: undefined })] }, "accessGrants[0]: needs access or permissions (one of them)"],
        ["unknown access", { ...base, accessGrants: [grant({ access: "admin" })] }, 'accessGrants[0].access: "admin" is not one of read, write'],
        ["unknown grant key", { ...base, accessGrants: [grant({ acess: "read" })] }, "accessGrants[0].acess: unknown key (expected one of principalId, principalType, access, permissions, role, roleAssignmentName, description, reason, expires); did you mean access?"],
        ["unknown permission kind", { ...base, accessGrants: [grant({ access: undefined, permissions: { secret: ["get"] } })] }, "accessGrants[0].permissions.secret: unknown key (expected one of secrets, keys, certificates, storage); did you mean secrets?"],
        ["permissions not a list", { ...base, accessGrants: [grant({ access: undefined, permissions: { secrets: "get" } })] }, 'accessGrants[0].permissions.secrets: must be a list, got string "get"'],
        ["empty permissions", { ...base, accessGrants: [grant({ access: undefined, permissions: { secrets: [] } })] }, "accessGrants[0].permissions: grants nothing; list at least one permission"],
        ["permissions in rbac mode", { ...base, keyVault: { authorization: "rbac" }, accessGrants: [grant({ access: undefined, permissions: { secrets: ["get"] } })] }, "accessGrants[0].permissions: is for keyVault.authorization accessPolicy; with rbac use access or role"],
        ["role in accessPolicy mode", { ...base, accessGrants: [grant({ access: undefined, role: "Key Vault Reader" })] }, "accessGrants[0].role: is for keyVault.authorization rbac; with accessPolicy use access or permissions"],
        ["description in accessPolicy mode", { ...base, accessGrants: [grant({ description: "From the portal" })] }, "accessGrants[0].description: is for keyVault.authorization rbac: access policies have none"],
        ["roleAssignmentName in accessPolicy mode", { ...base, accessGrants: [grant({ roleAssignmentName: "0a0a0a0a-0000-4000-8000-000000000001" })] }, "accessGrants[0].roleAssignmentName: is for keyVault.authorization rbac: access policies have none"],
        ["unknown role", { ...base, keyVault: { authorization: "rbac" }, accessGrants: [grant({ access: undefined, role: "Vault Boss" })] }, 'accessGrants[0].role: "Vault Boss" is neither a known built-in role name nor a role definition GUID'],
        ["rbac grant without principalType", { ...base, keyVault: { authorization: "rbac" }, accessGrants: [grant({})] }, "accessGrants[0].principalType: is required with keyVault.authorization rbac (User, Group or ServicePrincipal)"],
        ["unknown principal type", { ...base, accessGrants: [grant({ principalType: "Robot" })] }, 'accessGrants[0].principalType: "Robot" is not one of User, Group, ServicePrincipal'],
        ["duplicate principal", { ...base, accessGrants: [grant({}), grant({ access: "write" })] }, `accessGrants[1].principalId: ${GOOD_PRINCIPAL} is already granted in accessGrants[0]; merge the two grants`],
        ["redeploy.enabled not boolean", { ...base, redeploy: { enabled: "yes" } }, 'redeploy.enabled: must be true or false, got string "yes"'],
        ["http studio URL", { ...base, redeploy: { studioUrl: "http://altinn.studio" } }, 'redeploy.studioUrl: "http://altinn.studio" is not an https URL such as https://altinn.studio'],
        ["studio URL with a path", { ...base, redeploy: { studioUrl: "https://altinn.studio/designer/" } }, 'redeploy.studioUrl: "https://altinn.studio/designer/" has a path; give the origin only, https://altinn.studio (the redeploy adds /designer/api/...)'],
        [
            "scopes separated by commas",
            { ...base, maskinportenClients: [{ section: "Partner", clientId: "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b", scope: "altinn:serviceowner/instances.read,altinn:serviceowner/instances.write" }] },
            'maskinportenClients[0].scope: "altinn:serviceowner/instances.read,altinn:serviceowner/instances.write" separates scopes with commas; Maskinporten scopes are separated by spaces, e.g. "altinn:serviceowner/instances.read altinn:serviceowner/instances.write"',
        ],
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

describe("mistakes do not pass silently (issue 11)", () => {
    const P = "11111111-2222-3333-4444-555555555555";
    const readGrant = { principalId: P, access: "read", reason: "Operations team reads secrets" };
    const errorsWith = configErrors;

    it("refuses a misspelled namespace, suggesting the project's own", () => {
        const raw = { ...rawConfig(base), "altinn-app-secret:accessGrants": JSON.stringify([readGrant]) };
        expect(errorsWith(raw)).toEqual(['altinn-app-secret:accessGrants: unknown config namespace "altinn-app-secret"; did you mean altinn-app-secrets:accessGrants?']);
        expect(errorsWith({ ...rawConfig(base), "azure-natve:location": "norwayeast" })).toEqual(['azure-natve:location: unknown config namespace "azure-natve"; did you mean azure-native:location?']);
        expect(errorsWith({ ...rawConfig(base), "gcp:project": "x" })).toEqual(['gcp:project: unknown config namespace "gcp"; this program reads only altinn-app-secrets, azure-native, command, tls, random, pulumi']);
    });

    it("accepts the namespaces of the providers the program uses", () => {
        const raw = { ...rawConfig(base), "azure-native:location": "norwayeast", "pulumi:tags": "{}", "command:x": "1", "tls:x": "1", "random:x": "1" };
        expect(errorsWith(raw)).toEqual([]);
    });

    it("refuses a stack named after an environment that declares another one", () => {
        expect(errorsWith(rawConfig(base), { stack: "prod" })).toEqual(['environment: stack "prod" must declare environment prod, not tt02 (a stack named after an environment manages that environment)']);
        expect(errorsWith(rawConfig({ ...base, environment: "prod" }), { stack: "ttd-tt02" })).toHaveLength(1);
        expect(errorsWith(rawConfig(base), { stack: "tt02" })).toEqual([]);
        expect(errorsWith(rawConfig(base), { stack: "ttd-TT02" })).toEqual([]);
        expect(errorsWith(rawConfig(base), { stack: "dev" })).toEqual([]);
    });

    it("accepts only the permission names Azure defines, in any case, and keeps them as written", () => {
        const grant = (permissions: Record<string, unknown>) => rawConfig({ ...base, accessGrants: [{ principalId: P, permissions, reason: "Break-glass group, reviewed yearly" }] });
        expect(errorsWith(grant({ secrets: [" purge", "purge ", "get"] }))).toEqual([
            'accessGrants[0].permissions.secrets[0]: " purge" is not a secret permission Azure defines (one of all, get, list, set, delete, backup, restore, recover, purge)',
            'accessGrants[0].permissions.secrets[1]: "purge " is not a secret permission Azure defines (one of all, get, list, set, delete, backup, restore, recover, purge)',
        ]);
        expect(errorsWith(grant({ keys: ["sign", "wrap key"] }))).toEqual([expect.stringMatching(/^accessGrants\[0\]\.permissions\.keys\[1\]: "wrap key" is not a key permission Azure defines/)]);
        const c = parseStackConfig(grant({ secrets: ["Get", "LIST"], keys: ["WRAPKEY"] }));
        // Sent as written: azure-native compares exactly, so an adopted "Get" must stay "Get".
        expect(c.accessGrants[0].permissions).toEqual({ secrets: ["Get", "LIST"], keys: ["WRAPKEY"] });
    });

    it("treats __proto__ and constructor as unknown keys", () => {
        const grants = `[{"principalId":"${P}","access":"read","reason":"Operations team reads","__proto__":{"access":"write"},"constructor":1}]`;
        const errors = errorsWith({ ...rawConfig(base), "altinn-app-secrets:accessGrants": grants, "altinn-app-secrets:__proto__": '{"org":"evil"}', "altinn-app-secrets:constructor": "x" });
        expect(errors).toEqual(expect.arrayContaining([
            expect.stringMatching(/^accessGrants\[0\]\.__proto__: unknown key \(expected one of principalId, /),
            expect.stringMatching(/^accessGrants\[0\]\.constructor: unknown key/),
            expect.stringMatching(/^__proto__: unknown key \(expected one of org, /),
            expect.stringMatching(/^constructor: unknown key/),
        ]));
        expect(errors).toHaveLength(4);
    });

    it("refuses integers beyond the bound instead of reading 1e+23", () => {
        const raw = { ...rawConfig(base), "altinn-app-secrets:maskinportenClients": '[{"section":"A","clientId":"abc","scope":"s","keyGeneration":99999999999999999999999}]' };
        expect(errorsWith(raw)).toEqual(["maskinportenClients[0].keyGeneration: must be a whole number <= 2147483647, got number 1e+23"]);
        expect(errorsWith(rawConfig({ ...base, maskinportenClients: [{ section: "A", clientId: "abc", scope: "s", keyGeneration: 1.5 }] }))).toEqual(["maskinportenClients[0].keyGeneration: must be a whole number >= 0, got number 1.5"]);
    });

    it("refuses control characters in any string, naming the key", () => {
        const errors = errorsWith(rawConfig({ ...base, accessGrants: [{ ...readGrant, reason: "Operations team\r\n| ok | none |" }], maskinportenClients: [{ section: "A", clientId: "abc\t", scope: "s" }] }));
        expect(errors).toEqual([
            "accessGrants[0].reason: contains a control character (CR, LF, tab or another); write it as one line of printable text",
            "maskinportenClients[0].clientId: contains a control character (CR, LF, tab or another); write it as one line of printable text",
        ]);
        // Also the separators YAML 1.1 and terminals break lines at: NEL, LS, PS, and a stray BOM.
        for (const c of ["\u0085", "\u2028", "\u2029", "\ufeff"]) {
            expect(errorsWith(rawConfig({ ...base, accessGrants: [{ ...readGrant, reason: `Operations team${c}reads` }] }))).toEqual([
                "accessGrants[0].reason: contains a control character (CR, LF, tab or another); write it as one line of printable text",
            ]);
        }
        // A secret value is opaque: a PEM or multi-line value is the operator's business.
        expect(errorsWith(rawConfig({ ...base, appSecrets: [{ section: "A", key: "B", value: "line1\nline2" }] }), { secretKeys: ["altinn-app-secrets:appSecrets"] })).toEqual([]);
    });

    it("describes a secret in the wrong place by its kind, never by its value", () => {
        const secret = "hunter2-canary";
        const wrong = { ...rawConfig(base), "altinn-app-secrets:appSecrets": secret };
        expect(errorsWith(wrong, { secretKeys: ["altinn-app-secrets:appSecrets"] })).toEqual(["appSecrets: must be a list, got a secret value"]);
        const elsewhere = errorsWith({ ...rawConfig(base), "altinn-app-secrets:org": "Hunter2-canary", "altinn-app-secrets:keyVault": secret }, { secretKeys: ["altinn-app-secrets:org", "altinn-app-secrets:keyVault"] });
        // A secret anywhere but appSecrets[].value is refused as such, before anything else is said about the key.
        expect(elsewhere).toEqual([`org: ${MISPLACED}`, `keyVault: ${MISPLACED}`]);
        expect(elsewhere.join("\n").toLowerCase()).not.toContain("hunter2");
    });

    it("refuses a stack-file suppression of a rule that can be mandatory, naming it", () => {
        const suppress = (environment: string, rule: string) =>
            errorsWith(rawConfig({ ...base, environment, suppressions: [{ rule, principalId: P, reason: "Accepted by the security team" }] }));
        expect(suppress("prod", "write-access-reviewed")).toEqual([
            'suppressions[0].rule: "write-access-reviewed" can be a mandatory finding in prod; a stack file may suppress only advisory findings (a mandatory one is suppressed in policy/config.json, reviewed with the code)',
        ]);
        expect(suppress("prod", "rbac-secret-roles-at-vault-scope")).toHaveLength(1);
        expect(suppress("tt02", "access-policy-secrets-only")).toHaveLength(1);
        expect(suppress("tt02", "write-access-reviewed")).toEqual([]);
        expect(suppress("prod", "principal-allowlisted")).toEqual([]);
    });

    it("refuses a Studio URL with user info, query or fragment, without echoing credentials", () => {
        const studio = (studioUrl: string) => errorsWith(rawConfig({ ...base, redeploy: { studioUrl } }));
        const withPassword = studio("https://user:s3cret-pw@studio-proxy.example/x");
        expect(withPassword).toEqual(["redeploy.studioUrl: must not contain user info (user:password@); credentials come from the environment, never from config"]);
        expect(studio("https://altinn.studio/?next=evil.example")).toEqual(['redeploy.studioUrl: "https://altinn.studio/?next=evil.example" is not an https URL such as https://altinn.studio (no query or fragment)']);
        expect(studio("https://altinn.studio/#x")).toHaveLength(1);
        expect(studio("https://altinn.studio/")).toEqual([]);
    });
});

describe("keys for self-service registration and the unmanaged-access audit", () => {
    const client = (extra: Record<string, unknown>) => ({ section: "MaskinportenSettings", scope: "altinn:serviceowner/instances.read", ...extra });

    it("defaults the self-service API per environment and registers clients by default", () => {
        const c = parseStackConfig(rawConfig({ ...base, maskinporten: { selfService: { adminClientId: "admin-1" } }, maskinportenClients: [client({ clientName: "ttd app-a", description: "Reads instances" })] }));
        expect(c.maskinporten).toEqual({ selfService: { adminClientId: "admin-1", apiUrl: "https://api.test.samarbeid.digdir.no/api/v1" } });
        expect(c.maskinportenClients[0]).toMatchObject({ register: true, clientId: undefined, clientName: "ttd app-a", description: "Reads instances" });
        const prod = parseStackConfig(rawConfig({ ...base, environment: "prod", maskinporten: { selfService: { adminClientId: "admin-1" } } }));
        expect(prod.maskinporten.selfService?.apiUrl).toBe("https://api.samarbeid.digdir.no/api/v1");
    });

    it("needs selfService to register and a clientId when not registering", () => {
        expect(errorsOf({ ...base, maskinportenClients: [client({ register: true })] })).toEqual([
            "maskinportenClients[0].register: is true but maskinporten.selfService is not set; set it, or register the client by hand and give its clientId",
        ]);
        expect(errorsOf({ ...base, maskinportenClients: [client({})] })).toEqual(["maskinportenClients[0].clientId: is required (or register the client by self-service: maskinporten.selfService)"]);
        expect(errorsOf({ ...base, maskinporten: { selfService: { adminClientId: "a" } }, maskinportenClients: [client({ register: false })] })).toHaveLength(1);
        expect(errorsOf({ ...base, maskinporten: { selfService: {} } })).toEqual(["maskinporten.selfService.adminClientId: is required"]);
    });

    it("accepts plain http for the self-service API only on a loopback host", () => {
        const api = (apiUrl: string) => errorsOf({ ...base, maskinporten: { selfService: { adminClientId: "a", apiUrl } } });
        expect(api("http://127.0.0.1:8123/api/v1")).toEqual([]);
        expect(api("http://localhost:8123")).toEqual([]);
        expect(api("http://api.samarbeid.digdir.no/api/v1")).toEqual(['maskinporten.selfService.apiUrl: "http://api.samarbeid.digdir.no/api/v1" is not an https URL such as https://api.test.samarbeid.digdir.no/api/v1']);
    });

    it("takes warn or fail for unmanaged vault access, warn by default", () => {
        expect(parseStackConfig(rawConfig({ ...base, keyVault: { unmanagedAccess: "fail" } })).keyVault.unmanagedAccess).toBe("fail");
        expect(errorsOf({ ...base, keyVault: { unmanagedAccess: "block" } })).toEqual(['keyVault.unmanagedAccess: "block" is not one of warn, fail']);
    });
});

describe("stack files (the offline plan's reader)", () => {
    const P = "11111111-2222-3333-4444-555555555555";
    function stackDir(files: Record<string, string>): string {
        const dir = mkdtempSync(path.join(tmpdir(), "stack-files-"));
        for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);
        return dir;
    }
    const errorsOfStack = (stack: string, text: string): string[] => {
        try {
            const files = readStackFiles(ROOT, stack, stackDir({ [stack]: text }));
            parseStackConfig(files.config, parseOptionsOf(files));
        } catch (e) {
            if (e instanceof ConfigError) return e.errors;
            throw e;
        }
        return [];
    };
    const good = "config:\n  altinn-app-secrets:org: ttd\n  altinn-app-secrets:environment: tt02\n";

    it("refuses top-level keys Pulumi does not define, suggesting the right one", () => {
        expect(errorsOfStack("dev", `${good}confg:\n  altinn-app-secrets:accessGrants: []\nsecretsprovider: passphrase\n`)).toEqual([
            'Pulumi.dev.yaml: unknown top-level key "confg"; did you mean config? (Pulumi stack files have config, secretsprovider, encryptedkey, encryptionsalt, environment)',
        ]);
        expect(errorsOfStack("dev", `${good}encryptionsalt: v1:abc\n`)).toEqual([]);
    });

    it("says plainly that ESC environments cannot be evaluated offline and which keys are therefore missing", () => {
        expect(errorsOfStack("dev", "environment:\n  - ttd/tt02\nconfig:\n  altinn-app-secrets:keyVault:\n    authorization: rbac\n")).toEqual([
            "Pulumi.dev.yaml: imports Pulumi ESC environment(s) ttd/tt02, which the offline plan cannot evaluate; it therefore lacks org, environment. Set them in the stack file to plan offline, or use pulumi preview",
        ]);
        expect(errorsOfStack("dev", `environment: [ttd/azure]\n${good}`)).toEqual([]);
    });

    it("refuses Pulumi.prod.yaml declaring environment tt02", () => {
        expect(errorsOfStack("prod", good)).toEqual(['environment: stack "prod" must declare environment prod, not tt02 (a stack named after an environment manages that environment)']);
    });

    it("names a secret set in the wrong place without its value", () => {
        const errors = errorsOfStack("dev", `${good}  altinn-app-secrets:appSecrets:\n    secure: v1:hunter2-ciphertext\n`);
        expect(errors).toEqual([`appSecrets: ${MISPLACED}`]);
        expect(errors.join("\n")).not.toContain("offline-placeholder");
    });

    it("the plan exits 2 on a misspelled namespace, one line naming the key", async () => {
        const dir = writeStacks({ tt02: { org: "ttd", environment: "tt02", "altinn-app-secret:accessGrants": [{ principalId: P, access: "read", reason: "Operations team reads" }] } });
        const run = await runPlan(["--stack", "tt02", "--config-dir", dir]);
        expect(run.code).toBe(2);
        expect(run.stderr).toBe('altinn-app-secret:accessGrants: unknown config namespace "altinn-app-secret"; did you mean altinn-app-secrets:accessGrants?\n');
        expect(run.stdout).toBe("");
    });
});

describe("the pure tables the schema relies on", () => {
    it("lists the permission names of azure-native's Key Vault enums", async () => {
        const enums = await import("@pulumi/azure-native/types/enums/keyvault");
        expect(AZURE_PERMISSIONS).toEqual({
            secrets: Object.values(enums.SecretPermissions),
            keys: Object.values(enums.KeyPermissions),
            certificates: Object.values(enums.CertificatePermissions),
            storage: Object.values(enums.StoragePermissions),
        });
    });

    it("takes every rule's level from the one level table: no rule states one", () => {
        expect(ALL_RULES.map((r) => r.id).sort()).toEqual(Object.keys(RULE_LEVELS).sort());
        for (const r of ALL_RULES) expect(Object.keys(r), r.id).not.toContain("level");
    });
});

describe("config parsing stays light", () => {
    /** Modules `file` imports at run time (type-only imports are erased), following relative ones. */
    function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
        if (seen.has(file)) return seen;
        seen.add(file);
        const text = readFileSync(file, "utf8");
        for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)";/gms)) {
            const spec = m[1];
            const local = path.resolve(path.dirname(file), spec);
            // Plain-JS modules shared with the Node scripts (altinnNames.js) and folder indexes are followed too.
            const target = [`${local}.ts`, `${local}.js`, path.join(local, "index.ts")].find((f) => existsSync(f)) ?? `${local}.ts`;
            if (spec.startsWith(".")) runtimeImports(target, seen);
            else seen.add(spec);
        }
        return seen;
    }

    it.each(["core/config/parse.ts", "scripts/offline/stack.ts", "scripts/docs/configDocs.ts", "scripts/review/main.ts"])("%s loads neither the Pulumi SDK nor a provider", (file) => {
        const modules = [...runtimeImports(path.join(ROOT, file))];
        expect(modules.filter((m) => m.startsWith("@pulumi/"))).toEqual([]);
        expect(modules).toContain("zod");
    });
});
