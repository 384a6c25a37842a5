/**
 * `npm run docs [-- --check]`: regenerate README.md's config reference and the stack file's JSON
 * Schema from core/config/schema.ts. With --check, change nothing and exit 1 when either is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { CliResult, CliSpec, CliValues, runCli } from "../cli/cli";
import { JSON_SCHEMA_FILE, renderJsonSchema, withConfigReference } from "./configDocs";

export const DOCS_CLI: CliSpec = {
    command: "docs",
    summary: `Regenerate README.md's config reference and ${JSON_SCHEMA_FILE} from core/config/schema.ts.`,
    options: {
        check: { type: "boolean", description: "change nothing; exit 1 when either file is stale, 0 when both are current" },
    },
    exitCodes: { 0: "current (or updated)", 1: "stale (with --check)" },
};

/** The command, for tests: `root` holds README.md and the schema directory. */
export async function docsMain(values: CliValues, root = path.resolve(__dirname, "..", "..")): Promise<CliResult> {
    const files = [
        { name: "README.md", render: (old: string) => withConfigReference(old) },
        { name: JSON_SCHEMA_FILE, render: () => renderJsonSchema() },
    ];
    const stale: string[] = [];
    for (const f of files) {
        const file = path.join(root, f.name);
        const old = existsSync(file) ? readFileSync(file, "utf8") : "";
        const fresh = f.render(old);
        if (fresh === old) continue;
        stale.push(f.name);
        if (!values.check) {
            mkdirSync(path.dirname(file), { recursive: true });
            writeFileSync(file, fresh);
        }
    }
    if (values.check) {
        return stale.length === 0 ? { code: 0, output: "README.md and the JSON Schema are current" } : { code: 1, errors: [`stale: ${stale.join(", ")}; run npm run docs`] };
    }
    return { code: 0, output: stale.length === 0 ? "nothing changed: README.md and the JSON Schema were current" : `updated ${stale.join(", ")}` };
}

if (require.main === module) runCli(DOCS_CLI, (values) => docsMain(values));
