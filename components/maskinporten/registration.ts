/**
 * Registration of one Maskinporten client's public keys through Digdir's self-service API: a
 * `pulumi.dynamic.Resource` (the remote key set has state of its own that `refresh` reads), with
 * the provider in providers/maskinporten/provider.ts. Retained on delete by the component: removing
 * it forgets, the keys stay at Maskinporten. Pure helpers for names and for what people see.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Environment, MaskinportenClientConfig } from "../../core/config/parse";
import type { KeyExpiry } from "../../core/maskinporten/keyStatus";
import { createRegistrationProvider, PublicKey } from "../../providers/maskinporten/provider";

export { ADMIN_CERT_VARIABLE, ADMIN_KEY_VARIABLE } from "../../providers/maskinporten/client";
export type { PublicKey, RegistrationInputs, RegistrationState } from "../../providers/maskinporten/provider";

/** Shown by the offline plan where only `pulumi up` can know the value. */
export const ASSIGNED_CLIENT_ID_PLACEHOLDER = "(assigned by Maskinporten at pulumi up)";

/** The name and description of a client the stack creates: recognisable in Samarbeidsportalen. */
export function defaultClientDetails(org: string, environment: Environment, client: Pick<MaskinportenClientConfig, "section" | "apps">): { name: string; description: string } {
    const apps = client.apps.length ? client.apps.join(", ") : "no app yet";
    return {
        name: `${org} ${client.apps[0] ?? "apps"} ${client.section} (altinn-app-secrets ${environment})`,
        description: `Maskinporten client of ${org} for ${apps}, section ${client.section}; keys managed by altinn-app-secrets (${environment}). Do not edit keys by hand.`,
    };
}

export interface MaskinportenRegistrationArgs {
    /** Self-service API base URL (config `maskinporten.selfService.apiUrl`, defaulted per environment). */
    apiUrl: pulumi.Input<string>;
    /** Maskinporten authority, e.g. https://test.maskinporten.no/. */
    authority: pulumi.Input<string>;
    /** Altinn environment: the provider sends the admin token only to Digdir's hosts for it. */
    environment: string;
    /** Hosts besides Digdir's that policy/config.json allows (allowedMaskinportenHosts). */
    allowedHosts: string[];
    /** The org's self-service admin client id. */
    adminClientId: pulumi.Input<string>;
    /** Config path of the client, for messages. */
    label: string;
    /** An existing client; undefined: the stack creates one. */
    clientId?: pulumi.Input<string>;
    /** Name, description and scopes of a client the stack creates. */
    client: pulumi.Input<{ name: string; description: string; scopes: string[] }>;
    /** Every public key the stack publishes for the client. */
    keys: pulumi.Input<PublicKey[]>;
}

// One provider object: Pulumi serializes it once per program (it caches by object).
const provider = createRegistrationProvider();

/**
 * The client's key set at Maskinporten. No secret in or out: public JWKs, kids, expiry. The admin
 * credentials come from MASKINPORTEN_ADMIN_KEY / MASKINPORTEN_ADMIN_CERT when a request is made.
 */
export class MaskinportenRegistration extends pulumi.dynamic.Resource {
    /** The configured client id, or the one Maskinporten assigned to the client the stack created. */
    declare readonly clientId: pulumi.Output<string>;
    /** Whether this stack created the client (and deletes it with the stack). */
    declare readonly createdClient: pulumi.Output<boolean>;
    /** Declared keys Maskinporten holds, with `exp` (unix seconds). */
    declare readonly registered: pulumi.Output<KeyExpiry[] | undefined>;
    /** Keys registered by others on this client: kept, counted toward the limit of 5. */
    declare readonly foreign: pulumi.Output<KeyExpiry[] | undefined>;
    /** Declared kids Maskinporten does not hold. */
    declare readonly missing: pulumi.Output<string[] | undefined>;

    constructor(name: string, args: MaskinportenRegistrationArgs, opts?: pulumi.CustomResourceOptions) {
        const props: Record<string, unknown> = {
            apiUrl: args.apiUrl,
            authority: args.authority,
            environment: args.environment,
            allowedHosts: args.allowedHosts,
            adminClientId: args.adminClientId,
            label: args.label,
            clientId: args.clientId,
            client: args.client,
            keys: args.keys,
            // Outputs the provider fills in.
            createdClient: undefined,
            registered: undefined,
            foreign: undefined,
            missing: undefined,
            checkedAt: undefined,
        };
        super(provider, name, props, opts, "maskinporten", "Registration");
    }
}
