/**
 * Adopt's config fragment: the keys it changes, refused where a `secure:` value would be lost, and
 * written as YAML that every reader of the stack file reads as the same text.
 */
import { Document, isScalar, parse, visit } from "yaml";
import { InputError } from "../cli/cli";
import { Adopting, AdoptionInput, rawList } from "./adoption";

/**
 * The fragment: each key adopt changes. A list left as it is stays out (rewriting it could only
 * lose what adopt cannot read), and a key holding a `secure:` value is refused: it reaches adopt as
 * a placeholder, and copying that would replace the value in the stack file.
 */
export function fragmentOf(ctx: Adopting, ns: (key: string) => string): Record<string, unknown> {
    const { input } = ctx;
    const fragment: Record<string, unknown> = {};
    if (ctx.keyVault.raw) fragment[ns("keyVault")] = ctx.keyVault.raw;
    for (const [key, list] of [["accessGrants", ctx.grants], ["maskinportenClients", ctx.clients]] as const) {
        if (JSON.stringify(list) !== JSON.stringify(rawList(input.rawConfig, ns(key)))) fragment[ns(key)] = list;
    }
    const rewritten = Object.keys(fragment).map(withoutNamespace);
    const lost = (input.secretPaths ?? []).flatMap((p) => {
        const key = rewritten.find((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`));
        return key
            ? [`Pulumi.${input.stack}.yaml: ${p} is a secure value; adopt rewrites ${key} and cannot carry it over (it never decrypts): make it plain text while adopting, or add the adopted entries to ${key} by hand`]
            : [];
    });
    if (lost.length) throw new InputError(lost);
    return fragment;
}

function withoutNamespace(key: string): string {
    return key.slice(key.indexOf(":") + 1);
}

/** Keys an imported ESC environment sets are invisible here, and the fragment's would replace them. */
export function escWarning(input: AdoptionInput, fragmentKeys: string[]): string[] {
    if (!input.escEnvironments?.length || !fragmentKeys.length) return [];
    return [
        `Pulumi.${input.stack}.yaml imports Pulumi ESC environment(s) ${input.escEnvironments.join(", ")}, which adopt cannot read: if they set ${fragmentKeys.map(withoutNamespace).join(", ")}, merge their entries into the fragment by hand (the stack file's key replaces the environment's, and up would remove what only the environment declares)`,
    ];
}

/**
 * Whether a string written plain would reach the program as something else. Pulumi reads stack
 * files with Go's yaml.v2 (YAML 1.1: `yes`, `On`, `2001-12-14`, and any number Go's ParseInt takes
 * once underscores are dropped, such as `1_000` or `0o17`), the offline plan with YAML 1.2.
 */
function readsAsNonString(text: string): boolean {
    const asString = (version: "1.1" | "1.2") => {
        try {
            return typeof parse(text, { version }) === "string";
        } catch {
            return false;
        }
    };
    return text === "<<" || text === "=" || !asString("1.1") || !asString("1.2") || /^[-+]?(?:0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text.replace(/_/g, ""));
}

export function fragmentYaml(input: AdoptionInput, config: Record<string, unknown>, comments: Map<string, string>, ns: (k: string) => string): string {
    const doc = new Document({ config });
    // Text Azure holds (descriptions, section names) stays text for every reader of the stack file.
    visit(doc, {
        Scalar(_key, node) {
            if (isScalar(node) && typeof node.value === "string" && node.value !== "" && readsAsNonString(node.value)) node.type = "QUOTE_DOUBLE";
        },
    });
    doc.commentBefore = [
        ` Written by npm run adopt -- --stack ${input.stack}: replace these keys in Pulumi.${input.stack}.yaml.`,
        " Lists hold the stack's own entries and the adopted ones. Write every empty reason (and clientId/scope)",
        " before committing: npm run plan refuses them until then.",
    ].join("\n");
    for (const [where, comment] of comments) {
        const [key, index] = where.split(":");
        const node = doc.getIn(["config", ns(key), Number(index)], true) as { commentBefore?: string } | undefined;
        if (node) node.commentBefore = comment;
    }
    return doc.toString({ lineWidth: 0 });
}

