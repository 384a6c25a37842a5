import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type { AccessGrantConfig, AuthorizationMode } from "../../core/config/parse";
import { grantPermissions, grantProblem, grantRoleId } from "../../core/vault/grants";
import { grantResourceName, TYPES } from "../../core/resourceNames";
import { roleAssignmentName, roleDefinitionResourceId } from "../../core/vault/roles";

export { grantPermissions, grantProblem, grantRoleId } from "../../core/vault/grants";

export interface AccessGrantArgs {
    /** The grant as parsed from `accessGrants[i]` (plain: it decides which resource is declared). */
    grant: AccessGrantConfig;
    /** How the vault authorizes data access (plain: it decides which resource is declared). */
    authorization: AuthorizationMode;
    /** Name of the existing Key Vault. */
    vaultName: pulumi.Input<string>;
    /** Resource group of the vault. */
    resourceGroupName: pulumi.Input<string>;
    /** ARM ID of the vault: the scope of a role assignment. */
    vaultId: pulumi.Input<string>;
    /** Subscription holding the role definitions. */
    subscriptionId: pulumi.Input<string>;
    /** Entra tenant of the principal (access policies). */
    tenantId: pulumi.Input<string>;
    /** Altinn environment, for the policy pack (write access is mandatory-reviewed in prod). */
    environment?: string;
}

/**
 * One principal's access to the vault: an access policy entry or an RBAC role assignment at the
 * vault's scope. The component's own inputs carry the reason, so the policy pack and reviewers see
 * it; a role assignment also stores it in Azure as its description, unless the grant gives one.
 */
export class AccessGrant extends pulumi.ComponentResource {
    /** The Azure resource that grants the access. */
    public readonly resource: keyvault.AccessPolicy | authorization.RoleAssignment;

    constructor(name: string, args: AccessGrantArgs, opts?: pulumi.ComponentResourceOptions) {
        const { grant } = args;
        super(
            TYPES.accessGrant,
            name,
            {
                vaultName: args.vaultName,
                environment: args.environment,
                authorization: args.authorization,
                principalId: grant.principalId,
                access: grant.access,
                permissions: grant.permissions,
                roleId: grant.roleId,
                reason: grant.reason,
                // Only when set, so that a grant without one declares exactly what it did before.
                ...(grant.expires === undefined ? {} : { expires: grant.expires }),
            },
            opts,
        );
        const problem = grantProblem(grant, args.authorization);
        if (problem) throw new pulumi.ResourceError(`grant for ${grant.principalId}: ${problem}`, this);

        // protect comes from this component's options (set where it is declared), inherited by the child.
        const childOpts = { parent: this };
        if (args.authorization === "accessPolicy") {
            this.resource = new keyvault.AccessPolicy(
                grantResourceName(name, "accessPolicy"),
                {
                    vaultName: args.vaultName,
                    resourceGroupName: args.resourceGroupName,
                    policy: { tenantId: args.tenantId, objectId: grant.principalIdInAzure ?? grant.principalId, permissions: grantPermissions(grant) },
                },
                childOpts,
            );
        } else {
            const id = grantRoleId(grant);
            this.resource = new authorization.RoleAssignment(
                grantResourceName(name, "rbac"),
                {
                    scope: args.vaultId,
                    principalId: grant.principalIdInAzure ?? grant.principalId,
                    principalType: grant.principalType,
                    roleDefinitionId: pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionResourceId(sub, id)),
                    roleAssignmentName: grant.roleAssignmentName ?? pulumi.output(args.vaultId).apply((scope) => roleAssignmentName(scope, grant.principalId, id)),
                    // An adopted assignment keeps Azure's description ("" = none) until the key is removed.
                    description: grant.description === undefined ? grant.reason : grant.description || undefined,
                },
                childOpts,
            );
        }
        this.registerOutputs({ resource: this.resource });
    }
}
