import * as pulumi from "@pulumi/pulumi";
import type { AccessGrantConfig, AuthorizationMode } from "../../core/config/parse";
import { AccessGrant } from "./accessGrant";
import { grantName, TYPES } from "../../core/resourceNames";
import { vaultResourceId } from "../../core/vault/roles";

export interface KeyVaultAccessArgs {
    /** Name of the existing Key Vault. */
    vaultName: pulumi.Input<string>;
    /** Resource group of the vault. */
    resourceGroupName: pulumi.Input<string>;
    /** Subscription of the vault. */
    subscriptionId: pulumi.Input<string>;
    /** Entra tenant of the principals. */
    tenantId: pulumi.Input<string>;
    /** Access policies or Azure RBAC (plain: it decides which resources are declared). Defaults to "accessPolicy". */
    authorization?: AuthorizationMode;
    /** Who gets access, one child per grant (plain list). Defaults to none. */
    grants?: AccessGrantConfig[];
    /** Altinn environment, passed to each grant for the policy pack. */
    environment?: string;
}

/** The org's access to its existing Key Vault: one `AccessGrant` per principal. */
export class KeyVaultAccess extends pulumi.ComponentResource {
    /** ARM ID of the vault. */
    public readonly vaultId: pulumi.Output<string>;
    /** The declared grants, by principal. */
    public readonly grants: AccessGrant[];

    constructor(name: string, args: KeyVaultAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPES.keyVaultAccess, name, {}, opts);
        const authorization = args.authorization ?? "accessPolicy";
        this.vaultId = pulumi
            .all([args.subscriptionId, args.resourceGroupName, args.vaultName])
            .apply(([sub, rg, vault]) => vaultResourceId(sub, rg, vault));
        this.grants = (args.grants ?? []).map(
            (grant) =>
                new AccessGrant(
                    grantName(name, grant.principalId),
                    {
                        grant,
                        authorization,
                        vaultName: args.vaultName,
                        resourceGroupName: args.resourceGroupName,
                        vaultId: this.vaultId,
                        subscriptionId: args.subscriptionId,
                        tenantId: args.tenantId,
                        environment: args.environment,
                    },
                    { parent: this },
                ),
        );
        this.registerOutputs({ vaultId: this.vaultId });
    }
}
