/**
 * Offline plan: `npm run plan -- --stack <name> [--json]`.
 * Evaluates index.ts under mocks and prints what `pulumi up` would declare.
 * Exit 0: no mandatory finding; 1: a mandatory finding; 2: bad config or arguments.
 */
import { runCli } from "../cli/cli";
import { PLAN_CLI, planMain } from "./planCli";

// Pulumi records a stack trace for every promise it makes; the plan never prints one (a bug shows
// its first line), so skip them.
Error.stackTraceLimit = 0;

runCli(PLAN_CLI, planMain);
