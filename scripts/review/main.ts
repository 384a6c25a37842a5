/**
 * Grant review for reviewers: `npm run review -- --stack <name> [--base <git-ref>] [--config-dir <dir>]`.
 * Prints a Markdown table of every grant with its findings and, with --base, what the change
 * adds, removes or widens compared with the stack file at that ref, and every other change.
 * Exit 0: no mandatory finding; 1: a mandatory finding; 2: bad config or arguments.
 */
import { runCli } from "../cli/cli";
import { REVIEW_CLI, reviewMain } from "./reviewCli";

// As in the plan: Pulumi records a stack trace for every promise it makes, and the review never prints one.
Error.stackTraceLimit = 0;

runCli(REVIEW_CLI, reviewMain);
