/**
 * Provider SDKs give each resource type aliases: azure-native lists every API version a type had
 * (20 for a Key Vault Secret), merged into the resource options as `{ aliases: [{ type }, ...] }`.
 * They only tell the engine which older type tokens a resource may have been created under, so it
 * can move state. Nothing the offline plan shows depends on them, and Pulumi turns each alias into
 * URN outputs in the resource's constructor: more than half of what a 100-client plan costs. The
 * offline evaluation leaves them out; `pulumi preview` and `up` never load this module.
 */
import { createRequire } from "node:module";

type Options = Record<string, unknown>;
type MergeOptions = (a: Options | undefined, b: Options | undefined) => Options;

const WRAPPED = Symbol.for("altinn-app-secrets.withoutProviderAliases");

/** Options that are only a provider SDK's type aliases: `{ aliases: [{ type: "..." }, ...] }`. */
export function isProviderAliases(opts: Options | undefined): boolean {
    if (!opts || Object.keys(opts).length !== 1 || !Array.isArray(opts.aliases)) return false;
    return opts.aliases.every((a: unknown) => !!a && typeof a === "object" && Object.keys(a).length === 1 && typeof (a as Options).type === "string");
}

/** From now on in this process, `pulumi.mergeOptions` drops options that are only a provider SDK's type aliases. */
export function dropProviderAliases(): void {
    // Provider SDKs call pulumi.mergeOptions at each construction, through the SDK's index (which
    // copied the function from its resource module when it loaded).
    const pulumi = createRequire(__filename)("@pulumi/pulumi") as { mergeOptions: MergeOptions & { [WRAPPED]?: true } };
    if (pulumi.mergeOptions[WRAPPED]) return;
    const merge = pulumi.mergeOptions;
    pulumi.mergeOptions = Object.assign((a: Options | undefined, b: Options | undefined) => (isProviderAliases(b) ? merge(a, {}) : merge(a, b)), { [WRAPPED]: true as const });
}
