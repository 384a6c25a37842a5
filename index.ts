/**
 * altinn-app-secrets: read the stack config, declare the org's Key Vault access, the
 * Maskinporten client credentials and other app secrets, export what operators and reviewers need.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { AppSecret } from "./components/appSecret";
import { ConfigError, parseStackConfig, StackConfig } from "./components/config";
import { KeyVaultAccess } from "./components/keyVaultAccess";
import { MaskinportenClient } from "./components/maskinportenClient";

function readStackConfig(): StackConfig {
    const raw = pulumi.runtime.allConfig();
    // Which keys hold `secure:` values; internal to the SDK, absent only in very old versions.
    const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    try {
        return parseStackConfig(raw, { secretKeys: isSecret ? Object.keys(raw).filter((k) => isSecret(k)) : undefined });
    } catch (e) {
        // RunError: Pulumi prints the lines without a stack trace.
        if (e instanceof ConfigError) throw new pulumi.RunError(`invalid stack configuration:\n${e.message}`);
        throw e;
    }
}

const config = readStackConfig();
const { keyVault } = config;
const prod = config.environment === "prod";
const client = keyVault.tenantId && keyVault.subscriptionId ? undefined : authorization.getClientConfigOutput();
const vaultArgs = { vaultName: keyVault.name, resourceGroupName: keyVault.resourceGroupName };

const access = new KeyVaultAccess("vault", {
    ...vaultArgs,
    subscriptionId: keyVault.subscriptionId ?? client!.subscriptionId,
    tenantId: keyVault.tenantId ?? client!.tenantId,
    authorization: keyVault.authorization,
    grants: config.accessGrants,
    protect: prod,
});

const clients = config.maskinportenClients.map(
    (c) => new MaskinportenClient(`maskinporten-${c.section}`, { ...vaultArgs, client: c, org: config.org, environment: config.environment, protect: prod }),
);

const appSecrets = config.appSecrets.map(
    (s) =>
        new AppSecret(`secret-${s.section}--${s.key}`, {
            ...vaultArgs,
            section: s.section,
            key: s.key,
            value: pulumi.secret(s.value),
            apps: s.apps,
            org: config.org,
            environment: config.environment,
            protect: prod,
        }),
);

export const org = config.org;
export const environment = config.environment;
export const vault = { ...vaultArgs, id: access.vaultId, authorization: keyVault.authorization };
export const grants = config.accessGrants.map((g) => ({ principalId: g.principalId, access: g.access, permissions: g.permissions, roleId: g.roleId, reason: g.reason }));
/** Per client: what to register at Samarbeidsportalen, the secret names and the app's non-secret settings. */
export const maskinportenClients = clients.map((c, i) => ({
    section: config.maskinportenClients[i].section,
    clientId: config.maskinportenClients[i].clientId,
    format: config.maskinportenClients[i].format,
    apps: config.maskinportenClients[i].apps,
    secretNames: c.secretNames,
    activeKid: c.activeKid,
    stagedKid: c.stagedKid,
    activePublicJwk: c.activePublicJwk,
    publicJwks: c.publicJwks,
    rotation: c.rotation,
    appSettings: c.appSettings,
}));
export const appSecretNames = appSecrets.map((s) => s.secretName);
