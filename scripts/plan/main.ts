/**
 * Offline plan: `npm run plan -- --stack <name> [--json]`.
 * Evaluates index.ts under mocks and prints what `pulumi up` would declare.
 * Exit 0: no mandatory finding; 1: a mandatory finding; 2: bad config or arguments.
 */
import { runCli } from "../cli/cli";
import { PLAN_CLI, planMain } from "./planCli";

// Pulumi records a stack trace for every promise it makes, source-mapped under tsx: a fifth of a
// large plan's CPU. The plan never prints a stack trace (bugs show their first line), so skip them.
Error.stackTraceLimit = 0;

runCli(PLAN_CLI, planMain);
