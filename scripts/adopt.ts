/**
 * `npm run adopt -- --stack <name> [--out <dir>]`: know and adopt what the vault already has.
 * Exit 0: files written and summary printed; 2: bad input, one line per problem.
 */
import * as path from "node:path";
import { firstLine, writeOut } from "./lib/cli";
import { runAdopt } from "./lib/adoptCli";

runAdopt(process.argv.slice(2), { root: path.resolve(__dirname, "..") }).then(
    async (r) => {
        for (const line of r.stderr) process.stderr.write(`${line}\n`);
        if (r.stdout.length) await writeOut(r.stdout.join("\n"));
        process.exit(r.code);
    },
    (e: unknown) => {
        process.stderr.write(`adopt failed: ${firstLine(e)}\n`);
        process.exit(3);
    },
);
