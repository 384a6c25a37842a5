/**
 * Status of a deployed stack: `npm run status -- --stack <name> [--outputs <file>] [--markdown|--json]`.
 * Reads the stack's outputs (the Pulumi CLI, or a saved file) and shows keys, redeploys, grants
 * by days left and unmanaged access. Exit 0: shown; 2: bad arguments, unreadable outputs, or
 * outputs that are not this program's or not the stack's.
 */
import { runCli } from "../cli/cli";
import { STATUS_CLI, statusMain } from "./statusCli";

runCli(STATUS_CLI, (values) => statusMain(values));
