/**
 * altinn-app-secrets: read the stack config, declare the org's Key Vault access, export what
 * reviewers and operators need.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { ConfigError, parseStackConfig, StackConfig } from "./components/config";
import { KeyVaultAccess } from "./components/keyVaultAccess";

function readStackConfig(): StackConfig {
    try {
        return parseStackConfig(pulumi.runtime.allConfig());
    } catch (e) {
        // RunError: Pulumi prints the lines without a stack trace.
        if (e instanceof ConfigError) throw new pulumi.RunError(`invalid stack configuration:\n${e.message}`);
        throw e;
    }
}

const config = readStackConfig();
const { keyVault } = config;
const client = keyVault.tenantId && keyVault.subscriptionId ? undefined : authorization.getClientConfigOutput();

const access = new KeyVaultAccess("vault", {
    vaultName: keyVault.name,
    resourceGroupName: keyVault.resourceGroupName,
    subscriptionId: keyVault.subscriptionId ?? client!.subscriptionId,
    tenantId: keyVault.tenantId ?? client!.tenantId,
    authorization: keyVault.authorization,
    grants: config.accessGrants,
    protect: config.environment === "prod",
});

export const org = config.org;
export const environment = config.environment;
export const vault = { name: keyVault.name, resourceGroupName: keyVault.resourceGroupName, id: access.vaultId, authorization: keyVault.authorization };
export const grants = config.accessGrants.map((g) => ({
    principalId: g.principalId,
    access: g.access,
    permissions: g.permissions,
    roleId: g.roleId,
    reason: g.reason,
}));
