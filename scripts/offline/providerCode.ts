/**
 * Pulumi writes each dynamic provider's code into its resource's `__provider` input, serialized
 * with the V8 inspector and TypeScript's parser: a third of what a one-client offline plan costs.
 * `npm run plan` shows nothing of that text, so it asks for none. Every other evaluation (the
 * review, the tests that load a provider from its serialized text) and `pulumi preview` serialize
 * it as always.
 */
import { createRequire } from "node:module";

/** What `__provider` holds when the plan asked for no provider code. */
export const PROVIDER_CODE_SKIPPED = "/* provider code not serialized by the offline plan */";

type SerializeFunction = (func: unknown, args?: unknown) => Promise<{ text: string; containsSecrets: boolean }>;

/** Until the returned function is called, dynamic resources get PROVIDER_CODE_SKIPPED as their provider code. */
export function skipProviderCode(): () => void {
    // The SDK's dynamic resources look serializeFunction up on this module each time they serialize.
    const closure = createRequire(__filename)("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction: SerializeFunction };
    const serialize = closure.serializeFunction;
    closure.serializeFunction = async () => ({ text: PROVIDER_CODE_SKIPPED, containsSecrets: false });
    return () => {
        closure.serializeFunction = serialize;
    };
}
