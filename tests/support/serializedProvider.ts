/**
 * A dynamic provider as Pulumi's dynamic-provider host runs it: serialized with the closure
 * serializer Pulumi uses for `__provider`, the text required as a module, `.handler()` called.
 * Error classes, module bindings and anything else that does not survive serialization fail here
 * as they would in `pulumi up`.
 */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";

const requireFromPulumi = createRequire(require.resolve("@pulumi/pulumi"));

/** Load a provider from serialized text (what a resource's `__provider` input holds). */
export function providerFromText(text: string): dynamic.ResourceProvider {
    const requireFromString = requireFromPulumi("require-from-string") as (code: string) => { handler(): dynamic.ResourceProvider };
    return requireFromString(text).handler();
}

/** Serialize `provider` as `new pulumi.dynamic.Resource(provider, ...)` does, and load it back. */
export async function serializedProvider(provider: dynamic.ResourceProvider): Promise<{ provider: dynamic.ResourceProvider; text: string }> {
    const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return { provider: providerFromText(text), text };
}

/** protobuf's Struct, which the host sends every result through (it refuses undefined members). */
export const Struct = (requireFromPulumi("google-protobuf/google/protobuf/struct_pb") as { Struct: { fromJavaScript(v: unknown): unknown } }).Struct;
