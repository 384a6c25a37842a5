import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { Environment, MaskinportenClientConfig } from "./config";
import { CLIENT_SECRET_KEYS, MASKINPORTEN_KEY_SIZE, MAX_KEYS_PER_CLIENT } from "./config";
import { ENVIRONMENT_FACTS } from "./environments";
import { encodeJwk, jwks, PrivateRsaJwk, privateJwkFromPem, publicJwk, PublicRsaJwk } from "./jwk";
import { secretName } from "./naming";
import { secretVersion, vaultSecret } from "./vaultSecret";

export interface MaskinportenClientArgs {
    /** The client as parsed from `maskinportenClients[i]` (plain: it decides what is declared). */
    client: MaskinportenClientConfig;
    /** Service owner code, for tags. */
    org: string;
    /** Altinn environment (plain): picks the Maskinporten authority and legacy Environment. */
    environment: Environment;
    /** Name of the existing Key Vault. */
    vaultName: pulumi.Input<string>;
    /** Resource group of the vault. */
    resourceGroupName: pulumi.Input<string>;
    /** Protect the secrets against deletion (prod). Defaults to false. */
    protect?: boolean;
}

export type RotationState = "active" | "staged" | "rotated";

export interface RotationStatus {
    state: RotationState;
    /** Generations whose public keys are published, active first. */
    published: number[];
    /** What the operator does next, in one sentence. */
    nextStep: string;
}

/** Where a client is in the stage -> activate -> retire cycle, from its config alone. Pure. */
export function rotationStatus(client: MaskinportenClientConfig): RotationStatus {
    const { keyGeneration: active, nextKeyGeneration: next, retiredKeyGenerations: retired } = client;
    const published = [active, ...(next !== undefined ? [next] : []), ...retired];
    const at = `maskinportenClients[section=${client.section}]`;
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

/** Why the client cannot be declared, or undefined. Config parsing reports the same earlier. */
export function clientProblem(client: MaskinportenClientConfig): string | undefined {
    const status = rotationStatus(client);
    if (new Set(status.published).size !== status.published.length) return "key generations must be distinct";
    if (status.published.length > MAX_KEYS_PER_CLIENT) return `at most ${MAX_KEYS_PER_CLIENT} keys may be published`;
    // A registered client without clientId gets its ID from the self-service registration (issue 13).
    if ((client.clientId ?? "").trim() === "") return "[clientId] is required";
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
 * One Maskinporten client's credentials: an RSA key pair per published generation (kept in
 * state by @pulumi/tls), the active one stored in the vault as a private JWK next to the
 * client ID (and, for builtin, the authority), and the public keys exported for registration.
 */
export class MaskinportenClient extends pulumi.ComponentResource {
    /** The Key Vault secret names, `<Section>--<Key>`. */
    public readonly secretNames: string[];
    /** Versioned URI per secret name: what a redeploy is triggered by. */
    public readonly secretVersions: Record<string, pulumi.Output<string>>;
    /** kid of the active key (RFC 7638 thumbprint). */
    public readonly activeKid: pulumi.Output<string>;
    /** kid of the staged key, when one is staged. */
    public readonly stagedKid?: pulumi.Output<string>;
    /** Every published public key (active, staged, retired): what Samarbeidsportalen should hold. */
    public readonly publicJwks: pulumi.Output<{ keys: PublicRsaJwk[] }>;
    /** The active public key alone, for the "JWK" field at Samarbeidsportalen. */
    public readonly activePublicJwk: pulumi.Output<PublicRsaJwk>;
    /** The active public key as PEM (SPKI), for the "PEM" option at Samarbeidsportalen. */
    public readonly activePublicKeyPem: pulumi.Output<string>;
    /** Where the client is in the rotation cycle and what to do next. */
    public readonly rotation: RotationStatus;
    /** Non-secret settings the app repository's appsettings needs in this section. */
    public readonly appSettings: Record<string, string | boolean>;

    constructor(name: string, args: MaskinportenClientArgs, opts?: pulumi.ComponentResourceOptions) {
        const { client } = args;
        super("altinn:maskinporten:MaskinportenClient", name, { section: client.section, clientId: client.clientId, format: client.format, apps: client.apps }, opts);
        const problem = clientProblem(client);
        if (problem) throw new pulumi.ResourceError(`maskinportenClients[section=${client.section}]: ${problem}`, this);

        this.rotation = rotationStatus(client);
        this.appSettings = appSettingsSection(client, args.environment);
        const jwkOf = new Map<number, pulumi.Output<PrivateRsaJwk>>();
        const keyOf = new Map<number, tls.PrivateKey>();
        for (const generation of this.rotation.published) {
            const key = new tls.PrivateKey(`${name}-key-${generation}`, { algorithm: "RSA", rsaBits: MASKINPORTEN_KEY_SIZE }, { parent: this });
            keyOf.set(generation, key);
            jwkOf.set(generation, pulumi.secret(key.privateKeyPemPkcs8.apply(privateJwkFromPem)));
        }
        this.activePublicKeyPem = pulumi.unsecret(keyOf.get(client.keyGeneration)!.publicKeyPem);
        const publicOf = (g: number) => pulumi.unsecret(jwkOf.get(g)!.apply(publicJwk));
        const active = jwkOf.get(client.keyGeneration)!;
        this.activePublicJwk = publicOf(client.keyGeneration);
        this.activeKid = this.activePublicJwk.apply((k) => k.kid);
        if (client.nextKeyGeneration !== undefined) this.stagedKid = publicOf(client.nextKeyGeneration).apply((k) => k.kid);
        this.publicJwks = pulumi.all(this.rotation.published.map(publicOf)).apply(jwks);

        // What each secret key holds; a format stores a subset (CLIENT_SECRET_KEYS).
        const encodedJwk = active.apply(encodeJwk);
        const jwkTags = { kid: this.activeKid, "key-generation": String(client.keyGeneration) };
        const contents: Record<string, { value: pulumi.Input<string>; contentType: string; tags?: Record<string, pulumi.Input<string>> }> = {
            ClientId: { value: client.clientId ?? "", contentType: "text/plain" },
            Authority: { value: ENVIRONMENT_FACTS[args.environment].maskinportenAuthority, contentType: "text/plain" },
            EncodedJwk: { value: encodedJwk, contentType: "application/jwk+json;base64", tags: jwkTags },
            JwkBase64: { value: encodedJwk, contentType: "application/jwk+json;base64", tags: jwkTags },
        };
        this.secretNames = [];
        this.secretVersions = {};
        for (const key of CLIENT_SECRET_KEYS[client.format]) {
            const nameInVault = secretName(client.section, key);
            const secret = vaultSecret(`${name}-${key}`, {
                vaultName: args.vaultName,
                resourceGroupName: args.resourceGroupName,
                secretName: nameInVault,
                value: contents[key].value,
                contentType: contents[key].contentType,
                tags: { org: args.org, environment: args.environment, section: client.section, ...contents[key].tags },
                protect: args.protect ?? false,
                parent: this,
            });
            this.secretNames.push(nameInVault);
            this.secretVersions[nameInVault] = secretVersion(secret);
        }
        this.registerOutputs({ secretNames: this.secretNames, activeKid: this.activeKid, publicJwks: this.publicJwks });
    }
}
