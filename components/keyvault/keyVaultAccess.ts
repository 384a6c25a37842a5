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
    /**
     * Grants whose `expires` date has passed: not declared (the next `up` removes them), listed
     * in this component's inputs so the policy pack can ask for the stack-file entry to go. Defaults to none.
     */
    expiredGrants?: Pick<AccessGrantConfig, "principalId" | "expires" | "reason">[];
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
        const expired = (args.expiredGrants ?? []).map((g) => ({ principalId: g.principalId, expires: g.expires, reason: g.reason }));
        super(TYPES.keyVaultAccess, name, expired.length ? { expiredGrants: expired } : {}, opts);
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
                    // A grant that ends by itself is never protected (even in prod): the up after its date must remove it.
                    grant.expires === undefined ? { parent: this } : { parent: this, protect: false },
                ),
        );
        this.registerOutputs({ vaultId: this.vaultId });
    }
}
