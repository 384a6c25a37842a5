import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { Environment, MaskinportenClientConfig } from "../../core/config/parse";
import { CLIENT_SECRET_KEYS, MASKINPORTEN_KEY_SIZE } from "../../core/config/parse";
import { ENVIRONMENT_FACTS } from "../../core/altinn/environments";
import { encodeJwk, jwks, PrivateRsaJwk, privateJwkFromPem, publicJwk, PublicRsaJwk } from "../../core/maskinporten/jwk";
import { ADOPTED_GENERATION, appSettingsSection, clientProblem, keyProofPlan, RotationStatus, rotationStatus } from "../../core/maskinporten/settings";
import { defaultClientDetails, MaskinportenRegistration } from "./registration";
import { MaskinportenKeyProof } from "./keyProof";
import { secretName } from "../../core/vault/naming";
import { clientSecretResourceName, registrationName, TYPES } from "../../core/resourceNames";
import { secretVersion, vaultSecret } from "../keyvault/vaultSecret";

export { ADOPTED_GENERATION, appSettingsSection, clientProblem, rotationStatus } from "../../core/maskinporten/settings";
export type { RotationState, RotationStatus } from "../../core/maskinporten/settings";

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
    /** Self-service API settings: with `client.register`, the keys (and client) are registered. Defaults to none. */
    selfService?: { adminClientId: string; apiUrl: string };
    /** Hosts besides Digdir's that Maskinporten credentials may go to (policy/config.json allowedMaskinportenHosts). Defaults to none. */
    allowedHosts?: string[];
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
    /** kid of the active key (RFC 7638 thumbprint); undefined for an adopted key (keyGeneration 0). */
    public readonly activeKid: pulumi.Output<string | undefined>;
    /** kid of the staged key, when one is staged. */
    public readonly stagedKid?: pulumi.Output<string>;
    /** Every published public key (active, staged, retired): what Samarbeidsportalen should hold. */
    public readonly publicJwks: pulumi.Output<{ keys: PublicRsaJwk[] }>;
    /** The active public key alone, for the "JWK" field at Samarbeidsportalen. */
    public readonly activePublicJwk: pulumi.Output<PublicRsaJwk | undefined>;
    /** The active public key as PEM (SPKI), for the "PEM" option at Samarbeidsportalen. */
    public readonly activePublicKeyPem: pulumi.Output<string | undefined>;
    /** Where the client is in the rotation cycle and what to do next. */
    public readonly rotation: RotationStatus;
    /** Non-secret settings the app repository's appsettings needs in this section. */
    public readonly appSettings: Record<string, string | boolean>;
    /** The key set at Maskinporten, when the client is registered by self-service. */
    public readonly registration?: MaskinportenRegistration;
    /** A token got with the active key before the vault gets it (or why it is not proven). */
    public readonly keyProof: MaskinportenKeyProof;
    /** What `pulumi up` proves, from the config alone: for the plan. */
    public readonly keyProofPlan: string;

    constructor(name: string, args: MaskinportenClientArgs, opts?: pulumi.ComponentResourceOptions) {
        const { client } = args;
        super(TYPES.maskinportenClient, name, { section: client.section, clientId: client.clientId, format: client.format, apps: client.apps }, opts);
        const problem = clientProblem(client);
        if (problem) throw new pulumi.ResourceError(`maskinportenClients[section=${client.section}]: ${problem}`, this);
        if (client.register && !args.selfService) throw new pulumi.ResourceError(`maskinportenClients[section=${client.section}].register: needs maskinporten.selfService`, this);

        this.rotation = rotationStatus(client);
        this.appSettings = appSettingsSection(client, args.environment);
        const jwkOf = new Map<number, pulumi.Output<PrivateRsaJwk>>();
        const keyOf = new Map<number, tls.PrivateKey>();
        const adopted = client.keyGeneration === ADOPTED_GENERATION;
        // Generation 0 is the adopted key: its private half is only in the vault, never in state.
        for (const generation of this.rotation.published.filter((g) => g !== ADOPTED_GENERATION)) {
            // Never protected, even when the component is: a retired generation's key leaves state by design.
            const key = new tls.PrivateKey(`${name}-key-${generation}`, { algorithm: "RSA", rsaBits: MASKINPORTEN_KEY_SIZE }, { parent: this, protect: false });
            keyOf.set(generation, key);
            jwkOf.set(generation, pulumi.secret(key.privateKeyPemPkcs8.apply(privateJwkFromPem)));
        }
        const publicOf = (g: number) => pulumi.unsecret(jwkOf.get(g)!.apply(publicJwk));
        const active = jwkOf.get(client.keyGeneration);
        this.activePublicKeyPem = adopted ? pulumi.output<string | undefined>(undefined) : pulumi.unsecret(keyOf.get(client.keyGeneration)!.publicKeyPem);
        this.activePublicJwk = adopted ? pulumi.output<PublicRsaJwk | undefined>(undefined) : publicOf(client.keyGeneration);
        this.activeKid = this.activePublicJwk.apply((k) => k?.kid);
        if (client.nextKeyGeneration !== undefined) this.stagedKid = publicOf(client.nextKeyGeneration).apply((k) => k.kid);
        this.publicJwks = pulumi.all(this.rotation.published.filter((g) => g !== ADOPTED_GENERATION).map(publicOf)).apply(jwks);

        if (client.register && args.selfService) {
            const details = defaultClientDetails(args.org, args.environment, client);
            this.registration = new MaskinportenRegistration(
                registrationName(name),
                {
                    apiUrl: args.selfService.apiUrl,
                    authority: ENVIRONMENT_FACTS[args.environment].maskinportenAuthority,
                    environment: args.environment,
                    allowedHosts: args.allowedHosts ?? [],
                    adminClientId: args.selfService.adminClientId,
                    label: `maskinportenClients[section=${client.section}]`,
                    clientId: client.clientId,
                    client: { name: client.clientName ?? details.name, description: client.description ?? details.description, scopes: (client.scope ?? "").split(/\s+/).filter(Boolean) },
                    keys: this.publicJwks.apply((set) => set.keys),
                },
                // Removing the registration (register: false, no selfService, the client gone, a replace,
                // destroy) forgets it: the keys every app signs with stay registered at Maskinporten.
                { parent: this, retainOnDelete: true },
            );
        }
        // The configured id, or the one Maskinporten assigned to the client the registration created.
        const clientId: pulumi.Input<string> = client.clientId ?? this.registration!.clientId;

        // What each secret key holds; a format stores a subset (CLIENT_SECRET_KEYS).
        const encodedJwk = active?.apply(encodeJwk);
        // Maskinporten gives a token with the active key, or the up fails before any vault secret changes.
        this.keyProofPlan = keyProofPlan(client);
        this.keyProof = new MaskinportenKeyProof(
            `${name}-key-proof`,
            {
                label: `maskinportenClients[section=${client.section}]`,
                authority: ENVIRONMENT_FACTS[args.environment].maskinportenAuthority,
                environment: args.environment,
                allowedHosts: args.allowedHosts ?? [],
                clientId,
                scope: client.scope,
                kid: this.activeKid,
                privateJwk: encodedJwk,
                registeredBy: client.register ? "stack" : "hand",
            },
            // Never protected: it holds nothing to lose, and must not block removing or renaming a client.
            { parent: this, protect: false, dependsOn: this.registration ? [this.registration] : [] },
        );
        const jwkTags = { kid: this.activeKid.apply((k) => k ?? ""), "key-generation": String(client.keyGeneration) };
        const contents: Record<string, { value: pulumi.Input<string> | undefined; contentType: string; tags?: Record<string, pulumi.Input<string>> }> = {
            ClientId: { value: clientId, contentType: "text/plain" },
            Authority: { value: ENVIRONMENT_FACTS[args.environment].maskinportenAuthority, contentType: "text/plain" },
            EncodedJwk: { value: encodedJwk, contentType: "application/jwk+json;base64", tags: jwkTags },
            JwkBase64: { value: encodedJwk, contentType: "application/jwk+json;base64", tags: jwkTags },
        };
        this.secretNames = [];
        this.secretVersions = {};
        for (const key of CLIENT_SECRET_KEYS[client.format]) {
            const nameInVault = secretName(client.section, key);
            const secret = vaultSecret(clientSecretResourceName(name, key), {
                vaultName: args.vaultName,
                resourceGroupName: args.resourceGroupName,
                secretName: nameInVault,
                value: contents[key].value,
                contentType: contents[key].contentType,
                tags: { org: args.org, environment: args.environment, section: client.section, ...contents[key].tags },
                parent: this,
                keepExisting: adopted,
                dependsOn: [this.keyProof],
            });
            this.secretNames.push(nameInVault);
            this.secretVersions[nameInVault] = secretVersion(secret);
        }
        this.registerOutputs({ secretNames: this.secretNames, activeKid: this.activeKid, publicJwks: this.publicJwks, keyProof: this.keyProofPlan });
    }
}
