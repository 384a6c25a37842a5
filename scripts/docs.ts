/**
 * `npm run docs [-- --check]`: regenerate README.md's config reference and the stack file's JSON
 * Schema from components/schema.ts. With --check, change nothing and exit 1 when either is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { JSON_SCHEMA_FILE, renderJsonSchema, withConfigReference } from "./lib/configDocs";

export interface DocsIo {
    out(text: string): void;
    err(text: string): void;
}
const STDIO: DocsIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

const USAGE = `usage: npm run docs [-- --check]

Regenerates README.md's config reference and ${JSON_SCHEMA_FILE} from components/schema.ts.
  --check     change nothing; exit 1 when either file is stale, 0 when both are current
  -h, --help  show this help`;

/** The whole CLI, for tests: `root` holds README.md and the schema directory. */
export function docsMain(argv: string[], root = path.resolve(__dirname, ".."), io: DocsIo = STDIO): number {
    let values: { check?: boolean; help?: boolean };
    try {
        ({ values } = parseArgs({ args: argv, options: { check: { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false }));
    } catch (e) {
        io.err(`${(e as Error).message.split("\n")[0]}\n${USAGE}\n`);
        return 2;
    }
    if (values.help) {
        io.out(`${USAGE}\n`);
        return 0;
    }
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
        if (stale.length === 0) io.out("README.md and the JSON Schema are current\n");
        else io.err(`stale: ${stale.join(", ")}; run npm run docs\n`);
        return stale.length === 0 ? 0 : 1;
    }
    io.out(stale.length === 0 ? "nothing changed: README.md and the JSON Schema were current\n" : `updated ${stale.join(", ")}\n`);
    return 0;
}

if (require.main === module) process.exitCode = docsMain(process.argv.slice(2));
