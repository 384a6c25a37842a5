/**
 * The stack configuration contract, once: a zod schema of the `altinn-app-secrets:` namespace.
 * The TypeScript types (z.infer), the validation (parse.ts), the README's config reference and
 * the JSON Schema for editors (`npm run docs`) all come from it. Pure: no Pulumi imports.
 *
 * Messages may hold placeholders that issueLines.ts fills in per issue, so that a value is echoed
 * only where it is not a secret: `{value}` (the value, quoted), `{got}` (its kind and value),
 * `{kind}` (its kind only), `{path}` (the key path) and `{stack}` (` -s <stack>` when known).
 */
import { z } from "zod";
import { ACCESS_PRESETS, BUILTIN_ROLES, roleId } from "../vault/roles";
import { crossFieldRules, SET_VALUE } from "./rules";
import {
    KEY_PATTERN,
    keyProblem,
    RESOURCE_GROUP_NAME_LENGTH,
    RESOURCE_GROUP_NAME_PATTERN,
    resourceGroupNameProblem,
    VAULT_NAME_LENGTH,
    VAULT_NAME_PATTERN,
    vaultNameProblem,
} from "../vault/naming";
import { AZURE_PERMISSIONS, DEFAULT_STUDIO_URL, LIMITS, MASKINPORTEN_KEY_SIZE, MIN_REASON_LENGTH, ORG_PATTERN, ORG_RULE, PERMISSION_KINDS } from "./limits";
import { RULE_IDS } from "../policy/ruleIds";
import { didYouMean } from "./closest";
import { anyCase, anyCaseSource, appList, bounded, checked, doc, guid, GUID_SOURCE, list, reason, secretValue, section, strict, text, visible, webUrl, wholeNumber, withJson } from "./schemaKit";
import { EXPIRES_PATTERN, expiresProblem } from "../vault/grantExpiry";

export { keyDocs } from "./schemaKit";
export type { KeyDoc } from "./schemaKit";

export const PROJECT = "altinn-app-secrets";
/** Config namespaces the program reads besides its own: the providers it uses, and Pulumi's. */
export const PROVIDER_NAMESPACES = ["azure-native", "command", "tls", "random", "pulumi"] as const;
/** Top-level keys Pulumi defines for a stack file. */
export const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"] as const;

export const ENVIRONMENTS = ["tt02", "prod"] as const;
export const AUTHORIZATION_MODES = ["accessPolicy", "rbac"] as const;
export const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal"] as const;
export const CLIENT_FORMATS = ["legacy", "builtin"] as const;
export const UNMANAGED_ACCESS_MODES = ["warn", "fail"] as const;
/** Digdir's self-service (admin) API per environment. */
export const SELF_SERVICE_API_URLS = {
    tt02: "https://api.test.samarbeid.digdir.no/api/v1",
    prod: "https://api.samarbeid.digdir.no/api/v1",
} as const;


const GENERATED_LENGTH = { min: 16, max: 1024 } as const;
const lengthError = () => `must be a whole number from ${GENERATED_LENGTH.min} to ${GENERATED_LENGTH.max}, got {got}`;
export const GenerateSchema = strict({
    length: doc(
        z.int({ error: lengthError }).min(GENERATED_LENGTH.min, { error: lengthError }).max(GENERATED_LENGTH.max, { error: lengthError }).default(32),
        `Length of the generated value (${GENERATED_LENGTH.min}-${GENERATED_LENGTH.max}).`,
        { type: "integer" },
    ),
    generation: doc(wholeNumber(1).default(1), "Bump it to generate a new value (and redeploy the apps that read it).", { type: "integer >= 1" }),
});

const permissionList = (kind: (typeof PERMISSION_KINDS)[number], what: string, description: string) =>
    doc(
        z
            .array(
                z.string().regex(anyCase(AZURE_PERMISSIONS[kind]), {
                    error: `{value} is not a ${what} permission Azure defines (one of ${AZURE_PERMISSIONS[kind].join(", ")})`,
                }),
            )
            .optional(),
        description,
        { type: "list of strings" },
    );

export const KeyVaultSchema = strict({
    name: doc(checked(vaultNameProblem, z.string(), { minLength: VAULT_NAME_LENGTH.min, maxLength: VAULT_NAME_LENGTH.max, pattern: VAULT_NAME_PATTERN.source }).optional(), "Vault name.", {
        default: "`<org>-<environment>-apps-kv`",
    }),
    resourceGroupName: doc(
        checked(resourceGroupNameProblem, z.string(), { minLength: RESOURCE_GROUP_NAME_LENGTH.min, maxLength: RESOURCE_GROUP_NAME_LENGTH.max, pattern: RESOURCE_GROUP_NAME_PATTERN.source }).optional(),
        "Resource group of the vault.",
        { default: "`altinnapps-<org>-<environment>-rg`" },
    ),
    subscriptionId: doc(guid("an Azure subscription ID").optional(), "Subscription of the vault (used for RBAC scopes).", { type: "GUID", default: "the deploying identity's subscription" }),
    tenantId: doc(guid("an Entra tenant ID").optional(), "Entra tenant of the grant principals (access policies).", { type: "GUID", default: "the deploying identity's tenant" }),
    authorization: doc(z.enum(AUTHORIZATION_MODES).default("accessPolicy"), "How the vault authorizes data access: vault access policies or Azure RBAC."),
    unmanagedAccess: doc(
        z.enum(UNMANAGED_ACCESS_MODES).default("warn"),
        "What to do about principals that have access to the vault without being in `accessGrants` (listed in the `unmanagedAccess` output): `warn` reports them, `fail` makes them a mandatory finding.",
    ),
});

export const PermissionsSchema = strict({
    secrets: permissionList("secrets", "secret", "Secret permissions, e.g. `[get, list]`."),
    keys: permissionList("keys", "key", "Key permissions (flagged by the policy pack)."),
    certificates: permissionList("certificates", "certificate", "Certificate permissions (flagged by the policy pack)."),
    storage: permissionList("storage", "storage", "Storage permissions (flagged by the policy pack)."),
}).superRefine((p, ctx) => {
    if (Object.values(p).every((l) => l === undefined || l.length === 0)) {
        ctx.addIssue({ code: "custom", message: "grants nothing; list at least one permission", input: p });
    }
});

export const AccessGrantSchema = strict(
    {
        principalId: doc(guid("an Entra object ID"), "Entra object ID of the user, group or service principal; Azure is sent it as written, everything else ignores case.", { type: "GUID" }),
        principalType: doc(z.enum(PRINCIPAL_TYPES).optional(), "Principal type. Required with rbac: the Azure SDK otherwise sends `User`, which Azure refuses for groups and service principals."),
        access: doc(
            z.enum(Object.keys(ACCESS_PRESETS) as [keyof typeof ACCESS_PRESETS]).optional(),
            "Preset. read: secrets get, list (access policy) or Key Vault Secrets User (rbac). write: + set, delete (access policy) or Key Vault Secrets Officer (rbac), which also allows recover, backup, restore and purge; only the vault's purge protection stops a purge. One of access, permissions, role.",
        ),
        permissions: doc(
            PermissionsSchema.optional(),
            "accessPolicy mode only: explicit permission lists (`secrets`, `keys`, `certificates`, `storage`) of the names Azure defines, in any case; Azure is sent them as written.",
        ),
        role: doc(
            withJson(
                z.string().refine((r) => roleId(r) !== undefined, {
                    error: (iss) => `{value} is neither a known built-in role name nor a role definition GUID${didYouMean(iss.input, Object.keys(BUILTIN_ROLES))}`,
                }),
                // A built-in role by its exact name, a role definition GUID, or a role definition's ID.
                { anyOf: [{ enum: Object.keys(BUILTIN_ROLES) }, { pattern: `^${GUID_SOURCE}$` }, { pattern: `/${anyCaseSource("roleDefinitions")}/${GUID_SOURCE}$` }] },
            ).optional(),
            "rbac mode only: a built-in role name (`Key Vault Reader`) or role definition GUID.",
        ),
        roleAssignmentName: doc(
            guid("a role assignment name").optional(),
            "rbac mode only: the name of an existing role assignment this grant adopts (written by `npm run adopt`), so importing it does not replace it.",
            { type: "GUID", default: "derived from vault, principal and role" },
        ),
        description: doc(
            visible(LIMITS.reason).optional(),
            "rbac mode only: the role assignment's description in Azure; `\"\"` for none. `npm run adopt` writes an existing assignment's description here so importing it changes nothing; delete the key to store the reason instead.",
            { default: "the reason" },
        ),
        reason: doc(reason("say who this is and why they need access"), "Why the principal needs access; shown to reviewers and stored with the grant.", { type: `string (${MIN_REASON_LENGTH}+ chars)` }),
        expires: doc(
            withJson(
                z
                    .string({ error: "must be a date YYYY-MM-DD, got {got}" })
                    .regex(EXPIRES_PATTERN, { error: `{value} ${expiresProblem("")}` })
                    .superRefine((s, ctx) => {
                        const p = expiresProblem(s);
                        if (p) ctx.addIssue({ code: "custom", message: `{value} ${p}`, input: s });
                    }),
                // A day that month has (February 29 in any year: leap years are beyond a pattern worth reading), from year 100 on.
                { pattern: "^(?!00)\\d{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31|02-29)(?:T|$)" },
            ).optional(),
            "The last day of the grant (UTC). From the next day the program no longer declares it, so the next `pulumi up` removes the access; in prod the grant is not protected, so that `up` can. Prod write grants must have one (policy/config.json `maxWriteGrantDays`).",
            { type: "date (YYYY-MM-DD)", default: "never expires" },
        ),
    },
    "principalId, access and reason",
);

export const MaskinportenClientSchema = strict(
    {
        section: doc(
            section(),
            "appsettings section the app reads, e.g. `MaskinportenClients--Partner` (nest with `--`); the secret name prefix. Not `MaskinportenSettings`, which Altinn Studio provisions for the app's own client (advisory finding `maskinporten-own-section`).",
        ),
        clientId: doc(
            withJson(text(), { pattern: "^\\S+$" }).optional(),
            "Client ID from Samarbeidsportalen. Required unless the client is registered by self-service (`register`), which then creates the client and learns its ID.",
        ),
        format: doc(
            z.enum(CLIENT_FORMATS).default("legacy"),
            "legacy (Altinn.ApiClients.Maskinporten, any app-lib version): secrets ClientId, EncodedJwk. builtin (app-lib v8's IMaskinportenClient, manual Key Vault setup only): Authority, ClientId, JwkBase64; v8 only, since in v9 the built-in client reads no settings from Key Vault, and with Studio's scope setup (v8.3+) Studio provisions the built-in client itself.",
        ),
        scope: doc(
            bounded(LIMITS.text)
                .regex(/^[^,]*$/, { error: '{value} separates scopes with commas; Maskinporten scopes are separated by spaces, e.g. "altinn:serviceowner/instances.read altinn:serviceowner/instances.write"' })
                .optional(),
            "Scopes, space separated; required for legacy (goes into the app's non-secret settings).",
        ),
        exchangeToAltinnToken: doc(z.boolean().default(true), "legacy only: the section's `ExhangeToAltinnToken` (sic) setting."),
        keyGeneration: doc(
            wholeNumber(0).default(1),
            "The active key pair; its private JWK is in the vault. Change it to activate a staged key. `0`: keep the key already in the vault (adopted, see docs/adopt.md) until generation 1 is staged, registered and activated.",
            { type: "integer >= 0" },
        ),
        nextKeyGeneration: doc(wholeNumber(1).optional(), "A staged key pair: generated and published for registration, not yet in the vault.", { type: "integer >= 1" }),
        retiredKeyGenerations: doc(withJson(z.array(wholeNumber(1)), { uniqueItems: true }).default([]), "Earlier key pairs whose public halves stay published until removed here.", { type: "list of integers" }),
        keySize: doc(
            withJson(
                wholeNumber(1).refine((n) => n === MASKINPORTEN_KEY_SIZE, { error: `{value} is not allowed; Maskinporten accepts only RS256 keys of ${MASKINPORTEN_KEY_SIZE} bits` }),
                { const: MASKINPORTEN_KEY_SIZE },
            ).optional(),
            `RSA key size; Maskinporten accepts only ${MASKINPORTEN_KEY_SIZE}.`,
            { type: "integer", default: `\`${MASKINPORTEN_KEY_SIZE}\`` },
        ),
        apps: appList("Apps that read this section: redeployed when its secrets change."),
        register: doc(
            z.boolean().optional(),
            "Register the client and its public keys with Maskinporten's self-service API (needs `maskinporten.selfService`). Turning it off forgets: the keys stay registered at Maskinporten.",
            { default: "`true` when `maskinporten.selfService` is set, else `false`" },
        ),
        clientName: doc(visible(LIMITS.text).optional(), "Registered clients: the client's name at Maskinporten.", { default: "derived from org and section" }),
        description: doc(visible(LIMITS.reason).optional(), "Registered clients: the client's description at Maskinporten."),
    },
    "section, clientId and format",
);

export const AppSecretSchema = strict(
    {
        section: doc(section(), "appsettings section (nest with `--`)."),
        key: doc(checked(keyProblem, text(), { pattern: KEY_PATTERN.source }), "Key in the section."),
        value: doc(
            secretValue.refine((v) => v !== "", { error: `is required; ${SET_VALUE}` }).optional(),
            "Set with `pulumi config set --secret --path 'appSecrets[<i>].value'`; never stored in plain text. One of value, generate.",
            { type: "secret string", secret: true },
        ),
        generate: doc(
            GenerateSchema.optional(),
            "Let the stack generate the value (letters and digits, kept secret in state), e.g. a secret two apps share. One of value, generate.",
        ),
        apps: appList("Apps that read this secret: redeployed when it changes."),
    },
    "section, key, value and apps",
);

export const SuppressionSchema = strict(
    {
        rule: doc(
            withJson(
                text().refine((r) => (RULE_IDS as readonly string[]).includes(r), {
                    error: (iss) => `{value} is not a rule id${didYouMean(iss.input, RULE_IDS) || ` (one of ${RULE_IDS.join(", ")})`}`,
                }),
                { enum: [...RULE_IDS] },
            ),
            "The policy rule, e.g. `principal-allowlisted`. Only rules whose findings are advisory in this environment; mandatory ones are suppressed in `policy/config.json`.",
            { type: "rule id" },
        ),
        principalId: doc(guid("an Entra object ID").optional(), "The principal whose finding is silenced (grant rules). One of principalId, secretName.", { type: "GUID" }),
        secretName: doc(bounded(LIMITS.text).optional(), "The secret whose finding is silenced (secret rules). One of principalId, secretName."),
        reason: doc(reason("say why this finding is acceptable"), "Why this finding is acceptable.", { type: `string (${MIN_REASON_LENGTH}+ chars)` }),
    },
    "rule, principalId or secretName, and reason",
);

export const RedeploySchema = strict({
    enabled: doc(z.boolean().default(true), "`false`: declare no redeploy; the plan lists the manual redeploys instead."),
    studioUrl: doc(webUrl(DEFAULT_STUDIO_URL, false, true).default(DEFAULT_STUDIO_URL), "Altinn Studio's origin for the Designer API, without a path (no user info, query or fragment).", { type: "https URL" }),
});

export const SelfServiceSchema = strict({
    adminClientId: doc(text(), "Client ID of the org's admin client (scopes `idporten:dcr.read idporten:dcr.write`); its key and certificate come from MASKINPORTEN_ADMIN_KEY and MASKINPORTEN_ADMIN_CERT."),
    apiUrl: doc(webUrl(SELF_SERVICE_API_URLS.tt02, true).optional(), "Base URL of Digdir's self-service API (gets the admin token): Digdir's host for the environment unless policy/config.json allowedMaskinportenHosts lists another (plain http only for loopback hosts).", {
        type: "https URL",
        default: `\`${SELF_SERVICE_API_URLS.tt02}\` (tt02), \`${SELF_SERVICE_API_URLS.prod}\` (prod)`,
    }),
});

export const MaskinportenSchema = strict({
    selfService: doc(SelfServiceSchema.optional(), "Register Maskinporten clients and their keys through Digdir's self-service API instead of by hand at Samarbeidsportalen."),
});

/** The project namespace, one key per property (the stack file's `altinn-app-secrets:<key>`). */
export const StackConfigSchema = strict({
    org: doc(
        text().regex(ORG_PATTERN, { error: `{value} is not ${ORG_RULE}` }),
        "Service owner code in lower case, e.g. `ttd`.",
    ),
    environment: doc(z.enum(ENVIRONMENTS), "Altinn environment this stack manages."),
    keyVault: doc(KeyVaultSchema.optional(), "The org's existing Key Vault.", { default: "derived from org and environment" }),
    accessGrants: doc(list(AccessGrantSchema, LIMITS.accessGrants, "grant a group instead of each of its members").default([]), "Who may use the vault's secrets."),
    maskinportenClients: doc(list(MaskinportenClientSchema, LIMITS.maskinportenClients, "split the clients over more stacks").default([]), "Maskinporten clients whose credentials this stack generates and stores in the vault."),
    appSecrets: doc(list(AppSecretSchema, LIMITS.appSecrets, "split the secrets over more stacks").default([]), "Other app settings stored as Key Vault secrets `<section>--<key>`."),
    suppressions: doc(list(SuppressionSchema, LIMITS.suppressions, "fix the findings instead of silencing them").default([]), "Advisory policy findings silenced on purpose; still reported, as suppressed, with the reason."),
    redeploy: doc(RedeploySchema.optional(), "Redeploy of apps whose secrets changed.", { default: "enabled" }),
    maskinporten: doc(MaskinportenSchema.optional(), "Maskinporten settings shared by all clients."),
}).superRefine(crossFieldRules, { when: () => true });

/** The validated namespace, defaults applied (parse.ts turns it into the model the components use). */
export type StackConfigInput = z.output<typeof StackConfigSchema>;
