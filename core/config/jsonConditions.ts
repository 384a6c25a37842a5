/**
 * What rules.ts and the objects' refinements check across keys, said in JSON Schema, for the stack
 * file's schema (`npm run docs`). Field patterns live beside their zod checks (schemaKit `withJson`);
 * these are the conditions between keys. What JSON Schema cannot say (uniqueness of one property
 * across list items, comparing two values, sums of lengths) stays in code only: the list with
 * reasons is in tests/repo/jsonSchemaMistakes.test.ts. Pure.
 */
import type { z } from "zod";
import { CLIENT_SECRET_KEYS, stackMaySuppress } from "./rules";
import { MAX_KEYS_PER_CLIENT, PERMISSION_KINDS } from "./limits";
import { AccessGrantSchema, AppSecretSchema, ENVIRONMENTS, MaskinportenClientSchema, PermissionsSchema, PROJECT, SuppressionSchema } from "./schema";
import { defaultVaultName, MAX_SECRET_NAME_LENGTH, SECTION_SEPARATOR, VAULT_NAME_LENGTH } from "../vault/naming";
import { RULE_IDS } from "../policy/ruleIds";

type Json = Record<string, unknown>;

/** An object schema; ajv's strict mode wants the type, and each required key among the properties. */
function obj(schema: Json): Json {
    const required = (schema.required as string[] | undefined) ?? [];
    const properties = { ...Object.fromEntries(required.map((k) => [k, true])), ...((schema.properties as Json | undefined) ?? {}) };
    return { type: "object", ...schema, ...(Object.keys(properties).length ? { properties } : {}) };
}
/** Exactly one of `keys` is present. */
const exactlyOne = (keys: readonly string[]): Json => ({ oneOf: keys.map((k) => obj({ required: [k] })) });
/** The object has `key` equal to `value`. */
const has = (key: string, value: unknown): Json => obj({ required: [key], properties: { [key]: { const: value } } });

/** The longest secret key a client format stores, for the room its section leaves. */
const longestKey = (format: keyof typeof CLIENT_SECRET_KEYS) => Math.max(...CLIENT_SECRET_KEYS[format].map((k) => k.length));
const sectionRoom = (format: keyof typeof CLIENT_SECRET_KEYS) => ({ type: "string", maxLength: MAX_SECRET_NAME_LENGTH - SECTION_SEPARATOR.length - longestKey(format) });

/** JSON Schema keywords per object schema: the conditions between its own keys. */
export function objectConditions(): [z.ZodType, Json][] {
    return [
        [PermissionsSchema, { anyOf: PERMISSION_KINDS.map((k) => obj({ required: [k], properties: { [k]: { type: "array", minItems: 1 } } })) }],
        [AccessGrantSchema, exactlyOne(["access", "permissions", "role"])],
        [
            MaskinportenClientSchema,
            {
                allOf: [
                    {
                        if: has("format", "builtin"),
                        then: obj({ properties: { section: sectionRoom("builtin") } }),
                        // legacy (the default) needs its scope, and leaves room for EncodedJwk.
                        else: obj({ required: ["scope"], properties: { section: sectionRoom("legacy"), scope: { type: "string", pattern: "\\S" } } }),
                    },
                    // Keys published: the active one, the staged one, the retired ones (Maskinporten's limit).
                    {
                        if: obj({ required: ["nextKeyGeneration"] }),
                        then: obj({ properties: { retiredKeyGenerations: { type: "array", maxItems: MAX_KEYS_PER_CLIENT - 2 } } }),
                        else: obj({ properties: { retiredKeyGenerations: { type: "array", maxItems: MAX_KEYS_PER_CLIENT - 1 } } }),
                    },
                ],
            },
        ],
        [AppSecretSchema, exactlyOne(["value", "generate"])],
        [SuppressionSchema, exactlyOne(["principalId", "secretName"])],
    ];
}

/** Conditions between the namespace's keys (`altinn-app-secrets:<key>` in the stack file's `config`). */
export function configConditions(): Json[] {
    const key = (k: string) => `${PROJECT}:${k}`;
    const items = (list: string, schema: Json): Json => obj({ properties: { [key(list)]: { type: "array", items: obj(schema) } } });
    const rbac = obj({ required: [key("keyVault")], properties: { [key("keyVault")]: has("authorization", "rbac") } });
    const selfService = obj({ required: [key("maskinporten")], properties: { [key("maskinporten")]: obj({ required: ["selfService"] }) } });
    const explicitVaultName = obj({ required: [key("keyVault")], properties: { [key("keyVault")]: obj({ required: ["name"] }) } });
    // The default vault name is `<org>-<environment>-apps-kv`: the org must leave it within 24 characters.
    const orgRoom = Math.min(...ENVIRONMENTS.map((env) => VAULT_NAME_LENGTH.max - defaultVaultName("", env).length));
    return [
        {
            // rbac: every grant names its principal type and has no access policy permissions;
            // accessPolicy (the default): no role, role assignment name or description.
            if: rbac,
            then: items("accessGrants", { required: ["principalType"], properties: { permissions: false } }),
            else: items("accessGrants", { properties: { role: false, roleAssignmentName: false, description: false } }),
        },
        { if: { not: explicitVaultName }, then: obj({ properties: { [key("org")]: { type: "string", maxLength: orgRoom } } }) },
        {
            // Without self-service, every client is registered by hand: it has its clientId and no register: true.
            if: selfService,
            then: items("maskinportenClients", { if: has("register", false), then: obj({ required: ["clientId"] }) }),
            else: items("maskinportenClients", { required: ["clientId"], properties: { register: { const: false } } }),
        },
        // A stack file suppresses only rules that are advisory in its environment (with keyVault.unmanagedAccess
        // left at warn: the program refuses a suppression of unmanaged-access with fail).
        ...ENVIRONMENTS.map((env) => ({
            if: obj({ required: [key("environment")], properties: { [key("environment")]: { const: env } } }),
            then: items("suppressions", { properties: { rule: { enum: RULE_IDS.filter((r) => stackMaySuppress(r, env)) } } }),
        })),
    ];
}
