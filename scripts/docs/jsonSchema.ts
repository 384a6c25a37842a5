/**
 * The stack file's JSON Schema, for editors (`npm run docs` writes it to schema/): generated from
 * the zod schema in core/config/schema.ts, with the JSON Schema keywords its refinements register
 * (schemaKit `withJson`) and the conditions between keys (core/config/jsonConditions.ts).
 */
import { z } from "zod";
import { keyDocs, PROJECT, PROVIDER_NAMESPACES, STACK_FILE_KEYS, StackConfigSchema } from "../../core/config/schema";
import { jsonExtras } from "../../core/config/schemaKit";
import { configConditions, objectConditions } from "../../core/config/jsonConditions";
import { CONTROL_CHARACTER } from "../../core/config/limits";

type Json = Record<string, unknown>;

/** Add `extra` to `schema`; a keyword it already has with another value joins an `allOf`. */
function merge(schema: Json, extra: Json): void {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    for (const [k, v] of Object.entries(extra)) {
        const allOf = (schema.allOf as Json[] | undefined) ?? [];
        if (schema[k] === undefined) schema[k] = v;
        else if (!same(schema[k], v) && !allOf.some((s) => same(s, { [k]: v }))) schema.allOf = [...allOf, { [k]: v }];
    }
}

/** A `secure:` value as `pulumi config set --secret` writes it. */
const SECURE = {
    type: "object",
    description: "Encrypted by `pulumi config set --secret`.",
    properties: { secure: { type: "string", minLength: 1 } },
    required: ["secure"],
    additionalProperties: false,
};

/** The JSON Schema of a whole stack file `Pulumi.<stack>.yaml`, as text (stable, ends with a newline). */
export function renderJsonSchema(): string {
    const objects = new Map(objectConditions());
    const namespace = z.toJSONSchema(StackConfigSchema, {
        io: "input",
        unrepresentable: "any",
        override: (ctx) => {
            const json = ctx.jsonSchema as Json;
            // Where the program expects a secret, the stack file must hold `{secure: ...}`.
            if (keyDocs.get(ctx.zodSchema)?.secret) {
                const { description } = json;
                for (const k of Object.keys(json)) delete json[k];
                Object.assign(json, SECURE, description ? { description } : {});
                return;
            }
            const extra = jsonExtras.get(ctx.zodSchema);
            if (extra) merge(json, extra);
            const conditions = objects.get(ctx.zodSchema as unknown as z.ZodType);
            if (conditions) merge(json, conditions);
            // Every text is one line of printable characters (rawConfig.ts refuses control characters).
            if (json.type === "string" && json.not === undefined) json.not = { pattern: CONTROL_CHARACTER.source };
        },
    }) as { properties: Record<string, unknown>; required?: string[] };
    const $defs: Record<string, unknown> = {};
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(namespace.properties)) {
        $defs[key] = schema;
        properties[`${PROJECT}:${key}`] = { $ref: `#/$defs/${key}` };
    }
    const providers = PROVIDER_NAMESPACES.join("|");
    const doc = {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: `Pulumi stack file of ${PROJECT} (Pulumi.<stack>.yaml)`,
        description: `Generated from core/config/schema.ts by npm run docs; do not edit.`,
        type: "object",
        properties: {
            config: {
                type: "object",
                description: `Stack configuration: the ${PROJECT}: keys, and provider settings (${PROVIDER_NAMESPACES.join(", ")}).`,
                properties,
                required: (namespace.required ?? []).map((k) => `${PROJECT}:${k}`),
                patternProperties: { [`^(?:${providers}):.+$`]: {} },
                additionalProperties: false,
                allOf: configConditions(),
            },
            secretsprovider: { type: "string", description: "Pulumi: the secrets provider of this stack." },
            encryptedkey: { type: "string", description: "Pulumi: the stack's data key, encrypted by the secrets provider." },
            encryptionsalt: { type: "string", description: "Pulumi: salt of the passphrase secrets provider." },
            environment: {
                type: "array",
                items: { type: "string" },
                description: "Pulumi ESC environments to import (the offline plan cannot evaluate them).",
            },
        },
        required: ["config"],
        additionalProperties: false,
        $defs,
    };
    // Keep STACK_FILE_KEYS and this document's top-level keys one list.
    if (Object.keys(doc.properties).join() !== STACK_FILE_KEYS.join()) throw new Error("stack file keys out of step with STACK_FILE_KEYS");
    return `${JSON.stringify(doc, null, 2)}\n`;
}
