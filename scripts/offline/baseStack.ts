/**
 * The stack file and policy/config.json as they were at a git ref (the pull request's base), for
 * `review --base` and `plan --base`: what a change is compared with.
 */
import { execFileSync } from "node:child_process";
import { parse } from "yaml";
import { ConfigError, parseStackConfig, PROJECT, StackConfig } from "../../core/config/parse";
import { LIMITS } from "../../core/config/limits";
import { DEFAULT_PACK_CONFIG, PackConfig, parsePackText } from "../../policy/packConfig";
import { firstLine, InputError } from "../cli/cli";
import { stackConfigOf } from "./stack";

export interface BaseStack {
    /** The config at the ref; undefined only when the file does not exist there (then `note` says so). */
    config?: StackConfig;
    /** The stack file at the ref as parsed, every top-level key; {} when there was none. */
    document: Record<string, unknown>;
    note?: string;
}

function git(cwd: string, args: string[]): string {
    // A stack file is at most LIMITS.stackFileBytes: a larger answer fails.
    return execFileSync("git", args, { cwd, stdio: "pipe", maxBuffer: LIMITS.stackFileBytes }).toString();
}

/** Refuses anything but a commit; throws InputError (exit 2). */
export function checkRef(configDir: string, ref: string): void {
    if (!/^[\w./~^@{}-]+$/.test(ref)) throw new InputError(`--base: ${JSON.stringify(ref)} is not a git ref`);
    try {
        git(configDir, ["rev-parse", "--is-inside-work-tree"]);
    } catch {
        throw new InputError(`--base: ${configDir} is not in a git repository, so there is no ${JSON.stringify(ref)} to compare with (commit the stack file, or leave out --base)`);
    }
    try {
        git(configDir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
        throw new InputError(`--base: ${JSON.stringify(ref)} is not a commit in the git repository at ${configDir}`);
    }
}

/**
 * `Pulumi.<stack>.yaml` at `ref`; none, with a note, only when the file does not exist there (a new
 * stack). A file that exists but is invalid is bad input (exit 2): compared with an empty stack,
 * every grant it has would pass the review as new, and its mistakes would go unseen.
 */
export function readBaseStack(configDir: string, stack: string, ref: string): BaseStack {
    checkRef(configDir, ref);
    const file = `Pulumi.${stack}.yaml`;
    try {
        git(configDir, ["cat-file", "-e", `${ref}:./${file}`]);
    } catch {
        return { document: {}, note: `${file} does not exist at ${ref}: everything in it is new.` };
    }
    const invalid = (why: string[]) => new InputError(why.map((w) => `--base: ${file} at ${ref} is invalid: ${w}`));
    let text: string;
    try {
        text = git(configDir, ["show", `${ref}:./${file}`]);
    } catch (e) {
        throw invalid([`git show failed (${firstLine(e)}; a stack file holds at most ${LIMITS.stackFileBytes} bytes)`]);
    }
    let doc: unknown;
    try {
        doc = parse(text);
    } catch (e) {
        throw invalid([`not valid YAML (${firstLine(e)})`]);
    }
    const document = doc !== null && typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
    try {
        const { config, secretKeys, plainTextPaths, secretPaths } = stackConfigOf(doc, PROJECT);
        return { config: parseStackConfig(config, { secretKeys, plainTextPaths, secretPaths }), document };
    } catch (e) {
        if (e instanceof ConfigError) throw invalid(e.errors);
        if (e instanceof InputError) throw invalid(e.lines);
        throw e;
    }
}

/**
 * policy/config.json at `ref`, parsed and as written, when the stack files and the policy live in
 * the same repository. The defaults only when the file does not exist at `ref`; one that exists but
 * cannot be read or parsed is bad input (exit 2): compared with the defaults, a pull request that
 * changes a rule's level or an allowed host would show a change it did not make, or hide one.
 */
export function readBasePack(root: string, configDir: string, ref: string): { pack?: PackConfig; document?: Record<string, unknown> } {
    const top = (cwd: string) => git(cwd, ["rev-parse", "--show-toplevel"]).trim();
    try {
        if (top(root) !== top(configDir)) return {};
    } catch {
        return {};
    }
    const file = "policy/config.json";
    try {
        git(root, ["cat-file", "-e", `${ref}:./${file}`]);
    } catch {
        return { pack: DEFAULT_PACK_CONFIG, document: {} };
    }
    const invalid = (why: string) => new InputError(`--base: ${why} (fix it there, or compare with another --base)`);
    let text: string;
    try {
        text = git(root, ["show", `${ref}:./${file}`]);
    } catch (e) {
        throw invalid(`${file} at ${ref} cannot be read: ${firstLine(e)}`);
    }
    let pack: PackConfig;
    try {
        pack = parsePackText(text, `${file} at ${ref}`);
    } catch (e) {
        throw invalid(firstLine(e));
    }
    return { pack, document: JSON.parse(text) as Record<string, unknown> };
}
