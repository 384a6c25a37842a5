/**
 * Values as the mocks record them: Pulumi's secret wrappers become `Secret`. No Pulumi import,
 * so the CLIs can report bad input before loading the SDK.
 */

/** A value Pulumi marked secret. Serializes as "[secret]" so it cannot leak into JSON by accident. */
export class Secret {
    constructor(public readonly value: unknown) {}
    toJSON(): string {
        return "[secret]";
    }
    toString(): string {
        return "[secret]";
    }
}

export interface RecordedResource {
    type: string;
    name: string;
    /** True for custom (cloud) resources, false for components. */
    custom: boolean;
    /** URN of the parent, if any. */
    parent?: string;
    urn: string;
    protect: boolean;
    /** The `ignoreChanges` resource option, when set. */
    ignoreChanges?: string[];
    /** The `retainOnDelete` resource option, when true: a delete leaves the resource where it is. */
    retainOnDelete?: boolean;
    /** The `additionalSecretOutputs` resource option, when set. */
    additionalSecretOutputs?: string[];
    /** URNs of the resources this one waits for (dependsOn and those its inputs came from), when any. */
    dependsOn?: string[];
    /** Inputs as the engine received them; secret values are `Secret` instances. */
    inputs: Record<string, unknown>;
    /** Outputs the mocks returned. */
    state: Record<string, unknown>;
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Replace Pulumi's secret wrappers with `Secret`, recursively. */
export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) return new Secret(plain(o.value));
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** The value with every secret wrapper removed (for computing mock outputs). */
export function plain(value: unknown): unknown {
    if (value instanceof Secret) return plain(value.value);
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) return plain(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

/**
 * A recorded Key Vault secret's `properties` and whether its value is a Pulumi secret.
 * azure-native applies defaults to `properties` in an apply, which makes the whole object secret.
 */
export function secretProperties(r: RecordedResource): { properties: Record<string, unknown>; valueIsSecret: boolean } {
    const props = r.inputs.properties;
    const inner = ((props instanceof Secret ? props.value : props) ?? {}) as Record<string, unknown>;
    // No value at all (an adopted secret whose value the stack keeps) puts nothing in plain text.
    return { properties: inner, valueIsSecret: props instanceof Secret || inner.value instanceof Secret || !("value" in inner) };
}
