/** The `npm run docs` command's spec, apart from main.ts so that the reference can print its help. */
import { CliSpec } from "../cli/cli";
import { JSON_SCHEMA_FILE } from "./configDocs";

/** The generated reference, relative to the repository root. */
export const REFERENCE_FILE = "docs/reference.md";

export const DOCS_CLI: CliSpec = {
    command: "docs",
    summary: `Regenerate ${REFERENCE_FILE} (config keys, policy rules, commands, environment variables) and ${JSON_SCHEMA_FILE} from the code.`,
    options: {
        check: { type: "boolean", description: "change nothing; exit 1 when either file is stale, 0 when both are current" },
    },
    exitCodes: { 0: "current (or updated)", 1: "stale (with --check)" },
};
