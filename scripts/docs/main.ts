/**
 * `npm run docs [-- --check]`: regenerate docs/reference.md and the stack file's JSON Schema from
 * the code. With --check, change nothing and exit 1 when either is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { CliResult, CliValues, InputError, runCli } from "../cli/cli";
import { cannotWrite, whyNot } from "../cli/files";
import { JSON_SCHEMA_FILE, renderJsonSchema } from "./configDocs";
import { DOCS_CLI, REFERENCE_FILE } from "./docsCli";
import { renderReference } from "./reference";

export { DOCS_CLI, REFERENCE_FILE };

/** The generated files, relative to the repository root, each with its fresh text. */
export function generatedFiles(): { name: string; render: () => string }[] {
    return [
        { name: REFERENCE_FILE, render: renderReference },
        { name: JSON_SCHEMA_FILE, render: renderJsonSchema },
    ];
}

/** The command, for tests: `root` is the repository root the files are under. */
export async function docsMain(values: CliValues, root = path.resolve(__dirname, "..", "..")): Promise<CliResult> {
    const stale: string[] = [];
    for (const f of generatedFiles()) {
        const file = path.join(root, f.name);
        let old = "";
        try {
            if (existsSync(file)) old = readFileSync(file, "utf8");
        } catch (e) {
            throw new InputError([`cannot read ${file} (${whyNot(e)})`]);
        }
        const fresh = f.render();
        if (fresh === old) continue;
        stale.push(f.name);
        if (!values.check) {
            try {
                mkdirSync(path.dirname(file), { recursive: true });
                writeFileSync(file, fresh);
            } catch (e) {
                throw cannotWrite(file, e);
            }
        }
    }
    const names = `${REFERENCE_FILE} and ${JSON_SCHEMA_FILE}`;
    if (values.check) {
        return stale.length === 0 ? { code: 0, output: `${names} are current` } : { code: 1, errors: [`stale: ${stale.join(", ")}; run npm run docs`] };
    }
    return { code: 0, output: stale.length === 0 ? `nothing changed: ${names} were current` : `updated ${stale.join(", ")}` };
}

if (require.main === module) runCli(DOCS_CLI, (values) => docsMain(values));
