/**
 * Whether the outputs `npm run status` was given are this program's, and of the stack `--stack`
 * names, before anything is shown: other JSON (the plan's `--json`, `az keyvault show`) would
 * otherwise pass for a stack with nothing in it, and another stack's outputs for this one's.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { environmentNamedBy } from "../../core/altinn/environments";
import { isSecretMarker, text } from "../../core/status/model";
import { InputError } from "../cli/cli";

/** Where the outputs came from, as the one line about them names it. */
export interface OutputsSource {
    /** `--outputs <file>`, or `pulumi stack output --stack <name>`. */
    name: string;
    /** The saved file's (true), or what the Pulumi CLI printed (false). */
    file: boolean;
}

/** Exported by every deployment since this program's first version; later outputs may be missing from an older one (status notes those). */
const ALWAYS = ["org", "environment", "vault"] as const;

/** The outputs that are lists of entries. */
const LISTS = ["maskinportenClients", "redeploys", "grants", "expiredGrants", "unmanagedAccess"] as const;
const kindOf = (v: unknown) => (v === null ? "null" : typeof v === "object" ? "an object" : `a ${typeof v}`);

/** A value from the outputs, as an error line may quote it. */
const quoted = (v: unknown) => JSON.stringify((text(v) ?? "").slice(0, 100));

/** org and environment as `Pulumi.<stack>.yaml` in `root` writes them; none when it does not exist or cannot be read (the plan reports that). */
async function declaredByStackFile(root: string, stack: string): Promise<{ file: string; org?: unknown; environment?: unknown } | undefined> {
    const file = `Pulumi.${stack.split("/").pop()}.yaml`;
    if (!existsSync(path.join(root, file))) return undefined;
    const [{ readYaml, stackConfigOf }, { projectKeys }, { PROJECT }] = await Promise.all([import("../offline/stack"), import("../../core/config/rawConfig"), import("../../core/config/schema")]);
    try {
        const top = projectKeys(stackConfigOf(readYaml(path.join(root, file)), PROJECT).config);
        return { file, org: top.org, environment: top.environment };
    } catch (e) {
        if (e instanceof InputError) return undefined;
        throw e;
    }
}

/**
 * `outputs` as a JSON object, or one line naming `source` when they are not this program's (no org,
 * environment or vault) or not the stack's: another environment than the one a stack named after an
 * environment manages, or another org or environment than its stack file in `root` declares.
 */
export async function checkOutputs(outputs: unknown, stack: string, source: OutputsSource, root: string): Promise<Record<string, unknown>> {
    const save = `save the outputs of stack ${stack} with: pulumi stack output --json --stack ${stack} > outputs.json`;
    const refuse = (why: string, cliHint: string, fileHint = save) => new InputError([`${source.name}: ${why}; ${source.file ? fileHint : cliHint}`]);
    const notOurs = (why: string) => refuse(why, `is ${stack} a stack of this project, deployed with pulumi up?`);
    const notTheStack = (why: string) => refuse(why, "did the stack file change since the last pulumi up?", `pass the --stack they are from, or ${save}`);
    if (outputs === null || typeof outputs !== "object" || Array.isArray(outputs)) throw notOurs("not a JSON object, as pulumi stack output --json prints");
    const o = outputs as Record<string, unknown>;
    const vault = o.vault;
    const has = (key: (typeof ALWAYS)[number]) =>
        key === "vault" ? isSecretMarker(vault) || (vault !== null && typeof vault === "object" && text((vault as Record<string, unknown>).vaultName) !== undefined) : text(o[key]) !== undefined;
    const missing = ALWAYS.filter((k) => !has(k));
    if (missing.length) throw notOurs(`not the stack outputs of this program: no ${missing.length > 1 ? `${missing.slice(0, -1).join(", ")} or ${missing.at(-1)}` : missing[0]} output, and every deployment exports org, environment and vault`);
    // A list this program exports that is something else could only show as "none": refused, not read as empty.
    const notList = LISTS.find((k) => o[k] !== undefined && !isSecretMarker(o[k]) && !Array.isArray(o[k]));
    if (notList) throw notOurs(`${notList} is ${kindOf(o[notList])}, not the list this program exports`);
    const named = environmentNamedBy(stack.split("/").pop()!);
    if (named !== undefined && text(o.environment) !== named) throw notTheStack(`environment ${quoted(o.environment)} in the outputs, but stack ${stack} manages ${named}`);
    const declared = await declaredByStackFile(root, stack);
    for (const key of ["org", "environment"] as const) {
        const want = declared?.[key];
        if (typeof want === "string" && text(o[key]) !== want) throw notTheStack(`${key} ${quoted(o[key])} in the outputs, but ${declared!.file} declares ${key} ${JSON.stringify(want)}`);
    }
    return o;
}
