/**
 * Render the config reference (docs/reference.md) and the stack file's JSON Schema from the one zod
 * schema in core/config/schema.ts.
 */
import { z } from "zod";
import { keyDocs, PROJECT, StackConfigSchema } from "../../core/config/schema";

/** The JSON Schema file, relative to the repository root. */
export const JSON_SCHEMA_FILE = "schema/stack-config.schema.json";

/** One row of the config reference. */
export interface ConfigKeyDoc {
    /** Key path under the project namespace; `[]` marks the items of a list. */
    path: string;
    type: string;
    required: boolean;
    default?: string;
    description: string;
}

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType>; entries?: Record<string, string>; defaultValue?: unknown; in?: z.ZodType };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Strip optional/default wrappers, remembering what they say. */
function unwrap(s: z.ZodType): { core: z.ZodType; optional: boolean; defaultValue?: unknown; wrappers: z.ZodType[] } {
    const wrappers: z.ZodType[] = [];
    let optional = false;
    let defaultValue: unknown;
    let cur = s;
    for (;;) {
        wrappers.push(cur);
        const def = defOf(cur);
        if (def.type === "optional") optional = true;
        else if (def.type === "default") {
            optional = true;
            defaultValue = typeof def.defaultValue === "function" ? (def.defaultValue as () => unknown)() : def.defaultValue;
        } else break;
        cur = def.innerType!;
    }
    return { core: cur, optional, defaultValue, wrappers };
}

function typeLabel(core: z.ZodType): string {
    const def = defOf(core);
    switch (def.type) {
        case "enum":
            return Object.values(def.entries!).map((v) => `\`${v}\``).join(" \\| ");
        case "array":
            return "list";
        case "int":
        case "number":
            return "integer";
        default:
            return def.type;
    }
}

/** Every key of the namespace, depth first, with what the reference says about it. */
export function configKeyDocs(schema: z.ZodType = StackConfigSchema, prefix = ""): ConfigKeyDoc[] {
    const rows: ConfigKeyDoc[] = [];
    const shape = defOf(unwrap(schema).core).shape ?? {};
    for (const [key, field] of Object.entries(shape)) {
        const path = prefix ? `${prefix}.${key}` : key;
        const { core, optional, defaultValue, wrappers } = unwrap(field);
        const meta = wrappers.map((w) => keyDocs.get(w)).find((m) => m !== undefined) ?? {};
        const description = wrappers.map((w) => w.description).find((d) => d !== undefined) ?? core.description ?? "";
        const shown = defaultValue === undefined ? undefined : `\`${Array.isArray(defaultValue) ? "[]" : String(defaultValue)}\``;
        rows.push({ path, type: meta.type ?? typeLabel(core), required: !optional, default: meta.default ?? shown, description });
        const def = defOf(core);
        if (def.type === "object") rows.push(...configKeyDocs(core, path));
        if (def.type === "array" && defOf(unwrap(def.element!).core).type === "object") rows.push(...configKeyDocs(def.element!, `${path}[]`));
    }
    return rows;
}

/** The config keys section of docs/reference.md. */
export function renderConfigReference(): string {
    const rows = configKeyDocs().map((k) => {
        const need = k.required ? "required" : (k.default ?? "optional");
        return `| \`${k.path}\` | ${k.type} | ${need} | ${k.description.replaceAll("|", "\\|")} |`;
    });
    return [
        "## Configuration keys",
        "",
        `Keys live under the \`${PROJECT}:\` namespace of \`Pulumi.<stack>.yaml\`. \`[]\` marks the items of a list. Editors with the YAML language server check stack files against [\`${JSON_SCHEMA_FILE}\`](../${JSON_SCHEMA_FILE}) as you type: it refuses the mistakes the plan refuses, except the few JSON Schema cannot express (a principal or section listed twice, two generations that must differ, names built from two keys), which only the plan reports.`,
        "",
        "| key | type | required / default | what it does |",
        "| --- | --- | --- | --- |",
        ...rows,
    ].join("\n");
}

export { renderJsonSchema } from "./jsonSchema";
