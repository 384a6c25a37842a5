/**
 * `npm run docs [-- --check]`: regenerate README.md's config reference and the stack file's JSON
 * Schema from components/schema.ts. With --check, change nothing and exit 1 when either is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { JSON_SCHEMA_FILE, renderJsonSchema, withConfigReference } from "./lib/configDocs";

const USAGE = `usage: npm run docs [-- --check]

Regenerates README.md's config reference and ${JSON_SCHEMA_FILE} from components/schema.ts.
  --check     change nothing; exit 1 when either file is stale, 0 when both are current
  -h, --help  show this help`;

function main(argv: string[]): number {
    let values: { check?: boolean; help?: boolean };
    try {
        ({ values } = parseArgs({ args: argv, options: { check: { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false }));
    } catch (e) {
        process.stderr.write(`${(e as Error).message.split("\n")[0]}\n${USAGE}\n`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const root = path.resolve(__dirname, "..");
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
        if (stale.length === 0) process.stdout.write("README.md and the JSON Schema are current\n");
        else process.stderr.write(`stale: ${stale.join(", ")}; run npm run docs\n`);
        return stale.length === 0 ? 0 : 1;
    }
    process.stdout.write(stale.length === 0 ? "nothing changed: README.md and the JSON Schema were current\n" : `updated ${stale.join(", ")}\n`);
    return 0;
}

process.exitCode = main(process.argv.slice(2));
