import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";

import { MANAGED_BY } from "../../core/resourceNames";

export { MANAGED_BY } from "../../core/resourceNames";

export interface VaultSecretArgs {
    vaultName: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    /** `<Section>--<Key>`. */
    secretName: string;
    /** The value; always stored as a Pulumi secret. Undefined only for an adopted secret whose value is kept. */
    value?: pulumi.Input<string>;
    contentType: string;
    /** Metadata kept apart from the value. */
    tags: Record<string, pulumi.Input<string>>;
    /** The component that owns the secret; the secret inherits its `protect`. */
    parent: pulumi.Resource;
    /**
     * Adopted from the vault: never write it (no value, content type or tags), so the value running
     * apps read stays until the stack activates a key of its own. Defaults to false.
     */
    keepExisting?: boolean;
    /** Resources that must succeed before the secret is written (a key's proof). Defaults to none. */
    dependsOn?: pulumi.Resource[];
}

/** A Key Vault secret whose value is a Pulumi secret in state, outputs and exports. */
export function vaultSecret(name: string, args: VaultSecretArgs): keyvault.Secret {
    return new keyvault.Secret(
        name,
        {
            vaultName: args.vaultName,
            resourceGroupName: args.resourceGroupName,
            secretName: args.secretName,
            properties: args.value === undefined ? { contentType: args.contentType } : { value: pulumi.secret(args.value), contentType: args.contentType },
            tags: { "managed-by": MANAGED_BY, ...args.tags },
        },
        {
            parent: args.parent,
            additionalSecretOutputs: ["properties"],
            ...(args.keepExisting ? { ignoreChanges: ["properties", "tags"] } : {}),
            ...(args.dependsOn?.length ? { dependsOn: args.dependsOn } : {}),
        },
    );
}

/** The versioned URI of a secret: changes exactly when a new version is written. */
export function secretVersion(secret: keyvault.Secret): pulumi.Output<string> {
    return pulumi.unsecret(secret.properties.apply((p) => p.secretUriWithVersion));
}
