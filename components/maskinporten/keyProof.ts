/**
 * The proof that a client's active key works before the vault gets it: a `pulumi.dynamic.Resource`
 * whose provider (providers/maskinporten/keyProof.ts) asks Maskinporten for a token with the key.
 * The client's vault secrets depend on it, so a refused key fails the `up` with the vault untouched.
 */
import * as pulumi from "@pulumi/pulumi";
import { createKeyProofProvider } from "../../providers/maskinporten/keyProof";

export interface MaskinportenKeyProofArgs {
    /** Config path of the client, for messages. */
    label: string;
    /** Maskinporten authority, e.g. https://test.maskinporten.no/. */
    authority: string;
    /** Altinn environment: the grant goes only to Digdir's hosts for it. */
    environment: string;
    /** Hosts besides Digdir's that policy/config.json allows (allowedMaskinportenHosts). */
    allowedHosts: string[];
    /** The client the key belongs to (configured, or assigned at registration). */
    clientId: pulumi.Input<string>;
    /** The client's scopes from the stack, space separated; none: the key cannot be proven. */
    scope?: string;
    /** kid of the active key; undefined for an adopted key. */
    kid: pulumi.Input<string | undefined>;
    /** The active private JWK, base64, as the vault gets it: kept secret, never an output. */
    privateJwk?: pulumi.Input<string>;
    /** Who registers the keys: this stack ("stack") or a person at Samarbeidsportalen ("hand"). */
    registeredBy: "stack" | "hand";
}

// One provider object: Pulumi serializes it once per program (it caches by object).
const provider = createKeyProofProvider();

export class MaskinportenKeyProof extends pulumi.dynamic.Resource {
    /** True when Maskinporten gave a token with the active key. */
    declare readonly proven: pulumi.Output<boolean>;
    /** How the key was proven, or why it was not. */
    declare readonly note: pulumi.Output<string>;

    constructor(name: string, args: MaskinportenKeyProofArgs, opts?: pulumi.CustomResourceOptions) {
        const props: Record<string, unknown> = {
            label: args.label,
            authority: args.authority,
            environment: args.environment,
            allowedHosts: args.allowedHosts,
            clientId: args.clientId,
            scope: args.scope,
            kid: args.kid,
            privateJwk: args.privateJwk === undefined ? undefined : pulumi.secret(args.privateJwk),
            registeredBy: args.registeredBy,
            // Outputs the provider fills in.
            proven: undefined,
            note: undefined,
        };
        // The private key must never be an output in the clear, whatever a provider returns.
        super(provider, name, props, { ...opts, additionalSecretOutputs: ["privateJwk", ...(opts?.additionalSecretOutputs ?? [])] }, "maskinporten", "KeyProof");
    }
}
