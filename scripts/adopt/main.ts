/**
 * `npm run adopt -- --stack <name> [--out <dir>]`: know and adopt what the vault already has.
 * Exit 0: files written and summary printed; 2: bad input, one line per problem; 3: a bug.
 */
import * as path from "node:path";
import { runCli } from "../cli/cli";
import { ADOPT_CLI, adoptMain } from "./adoptCli";

runCli(ADOPT_CLI, (values) => adoptMain(values, { root: path.resolve(__dirname, "..", "..") }));
