/**
 * A Maskinporten client's rotation status and the non-secret appsettings its apps need, from its
 * config alone. Pure (no Pulumi): the CLIs that only read config use it without loading the SDK.
 */
import type { ClientFormat, Environment, MaskinportenClientConfig } from "../config/parse";
import { MAX_KEYS_PER_CLIENT } from "../config/limits";
import { ENVIRONMENT_FACTS } from "../altinn/environments";
import { SECTION_SEPARATOR } from "../vault/naming";

export type RotationState = "adopted" | "active" | "staged" | "rotated";

/** `keyGeneration: 0`: the key already in the vault, made outside this stack, kept until a key of its own is activated. */
export const ADOPTED_GENERATION = 0;

export interface RotationStatus {
    state: RotationState;
    /** Generations whose public keys are published, active first (0: adopted, published by hand). */
    published: number[];
    /** What the operator does next, in one sentence. */
    nextStep: string;
}

/** The secret key of a client's private JWK, by format. */
export const JWK_KEY = { legacy: "EncodedJwk", builtin: "JwkBase64" } as const satisfies Record<ClientFormat, string>;

/** The Key Vault secret that holds a client's private JWK: `<section>--EncodedJwk` (legacy) or `--JwkBase64` (builtin). */
export function jwkSecretName(client: Pick<MaskinportenClientConfig, "section" | "format">): string {
    return `${client.section}${SECTION_SEPARATOR}${JWK_KEY[client.format]}`;
}

/** Where a client is in the stage -> activate -> retire cycle, from its config alone. Pure. */
export function rotationStatus(client: MaskinportenClientConfig): RotationStatus {
    const { keyGeneration: active, nextKeyGeneration: next, retiredKeyGenerations: retired } = client;
    const published = [active, ...(next !== undefined ? [next] : []), ...retired];
    const at = `maskinportenClients[section=${client.section}]`;
    const jwkSecret = jwkSecretName(client);
    if (active === ADOPTED_GENERATION && next !== undefined) {
        return {
            state: "staged",
            published,
            nextStep: `register the public key of generation ${next} for client ${client.clientId} at Samarbeidsportalen next to the existing one, then set ${at}.keyGeneration: ${next} and remove nextKeyGeneration (the vault's ${jwkSecret} gets the new key and the apps are redeployed); once every app runs with it, delete the adopted key at Samarbeidsportalen`,
        };
    }
    if (active === ADOPTED_GENERATION) {
        return {
            state: "adopted",
            published,
            nextStep: `the vault's existing ${jwkSecret} stays in use: this stack does not write the client's secrets while keyGeneration is 0; to rotate, set ${at}.nextKeyGeneration: 1`,
        };
    }
    if (client.register) return registeredRotationStatus(client, at, published);
    if (next !== undefined) {
        return {
            state: "staged",
            published,
            nextStep: `register the public key of generation ${next} for client ${client.clientId} at Samarbeidsportalen, then set ${at}.keyGeneration: ${next}, move ${active} to retiredKeyGenerations and remove nextKeyGeneration`,
        };
    }
    if (retired.length > 0) {
        return {
            state: "rotated",
            published,
            nextStep: `once every app in [${client.apps.join(", ")}] runs with generation ${active}, delete the keys of generation ${retired.join(", ")} at Samarbeidsportalen and remove them from ${at}.retiredKeyGenerations`,
        };
    }
    return {
        state: "active",
        published,
        nextStep: `make sure the public key of generation ${active} is registered for client ${client.clientId}; to rotate, set ${at}.nextKeyGeneration: ${active + 1}`,
    };
}

/** The same cycle when the stack registers the keys through the self-service API: no portal step. */
function registeredRotationStatus(client: MaskinportenClientConfig, at: string, published: number[]): RotationStatus {
    const { keyGeneration: active, nextKeyGeneration: next, retiredKeyGenerations: retired } = client;
    if (next !== undefined) {
        return {
            state: "staged",
            published,
            nextStep: `pulumi up registers generation ${next} next to ${active} at Maskinporten; then set ${at}.keyGeneration: ${next}, move ${active} to retiredKeyGenerations and remove nextKeyGeneration`,
        };
    }
    if (retired.length > 0) {
        return {
            state: "rotated",
            published,
            nextStep: `once every app in [${client.apps.join(", ")}] runs with generation ${active}, remove ${retired.join(", ")} from ${at}.retiredKeyGenerations; pulumi up then removes those keys at Maskinporten`,
        };
    }
    return {
        state: "active",
        published,
        nextStep: `pulumi up keeps generation ${active} registered and renews it within 30 days of expiry; to rotate, set ${at}.nextKeyGeneration: ${active + 1}`,
    };
}

/** Why the client cannot be declared, or undefined. Config parsing reports the same earlier. */
export function clientProblem(client: MaskinportenClientConfig): string | undefined {
    const status = rotationStatus(client);
    if (new Set(status.published).size !== status.published.length) return "key generations must be distinct";
    if (status.published.length > MAX_KEYS_PER_CLIENT) return `at most ${MAX_KEYS_PER_CLIENT} keys may be published`;
    // A registered client without clientId is created by the self-service registration.
    if ((client.clientId ?? "").trim() === "" && !client.register) return "[clientId] is required";
    if (client.format === "legacy" && !client.scope) return "[scope] is required for the legacy format";
    return undefined;
}

/** The non-secret appsettings section the app repository needs beside the vault secrets. */
export function appSettingsSection(client: MaskinportenClientConfig, environment: Environment): Record<string, string | boolean> {
    if (client.format === "builtin") return {};
    return {
        Environment: ENVIRONMENT_FACTS[environment].legacyEnvironment,
        Scope: client.scope ?? "",
        ExhangeToAltinnToken: client.exchangeToAltinnToken,
    };
}

/**
 * What `pulumi up` proves before the vault gets a client's active key (a token from Maskinporten
 * with it), from the config alone. A client registered by hand is the one gap: its first key is
 * made at its first up, so nobody can have registered it yet.
 */
export function keyProofPlan(client: MaskinportenClientConfig): string {
    const at = `maskinportenClients[section=${client.section}]`;
    if (client.keyGeneration === ADOPTED_GENERATION) return "the active key is the adopted one: nothing to prove; the activation of a key of the stack's own is proven";
    if (!client.scope) return `not proven: no scope in the stack to ask a token for (set ${at}.scope)`;
    const proof = `pulumi up gets a token for ${client.scope} with the active key (retrying for about 2 minutes while Maskinporten takes a new key in) before the vault gets it`;
    if (client.register) return proof;
    return `registered by hand: a new client's first key is made at its first pulumi up and cannot be proven there (register it, then the next activation is proven); otherwise ${proof}`;
}
