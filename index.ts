/**
 * altinn-app-secrets: read the stack config, declare the org's Key Vault access, the
 * Maskinporten client credentials and other app secrets, export what operators and reviewers need.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { AppRedeploy, secretsByApp } from "./components/studio/appRedeploy";
import { AppSecret } from "./components/keyvault/appSecret";
import { ENVIRONMENT_FACTS } from "./core/altinn/environments";
import { ConfigError, parseStackConfig, PROJECT, StackConfig } from "./core/config/parse";
import { defuseWorkflowCommands } from "./core/text";
import { KeyVaultAccess } from "./components/keyvault/keyVaultAccess";
import { MaskinportenClient } from "./components/maskinporten/maskinportenClient";
import { allowedHostsOfPackConfig } from "./core/maskinporten/hosts";
import { keyStatus } from "./core/maskinporten/keyStatus";
import { ReviewContext } from "./components/policy/reviewContext";
import { ACCESS_NAME, appSecretName, clientName } from "./core/resourceNames";
import { auditVault, VaultAudit } from "./components/keyvault/vaultAudit";
import { partitionByExpiry } from "./core/vault/grantExpiry";
import type { Declared, StackOutputs } from "./components/outputs";

function readStackConfig(): StackConfig {
    const raw = allConfig;
    // Which keys hold `secure:` values; internal to the SDK, absent only in very old versions.
    const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    try {
        return parseStackConfig(raw, { secretKeys: isSecret ? Object.keys(raw).filter((k) => isSecret(k)) : undefined, stack: pulumi.getStack() });
    } catch (e) {
        // RunError: Pulumi prints the lines without a stack trace.
        // Pulumi indents each line, and the runner trims that: a key named ::add-mask:: must not run.
        if (e instanceof ConfigError) throw new pulumi.RunError(defuseWorkflowCommands(`invalid stack configuration:\n${e.message}`));
        throw e;
    }
}

/** Hosts besides Digdir's that policy/config.json (reviewed with the code) lets Maskinporten credentials go to. */
function readAllowedMaskinportenHosts(): string[] {
    const file = path.join(__dirname, "policy", "config.json");
    let text: string | undefined;
    try {
        text = readFileSync(file, "utf8");
    } catch {
        text = undefined;
    }
    try {
        return allowedHostsOfPackConfig(text).map((a) => a.host);
    } catch (e) {
        throw new pulumi.RunError((e as Error).message);
    }
}

const allConfig = pulumi.runtime.allConfig();
const config = readStackConfig();
// A grant whose `expires` day has passed is no longer declared: this up removes the access.
const grantsByExpiry = partitionByExpiry(config.accessGrants, Date.now());
const maskinportenHosts = readAllowedMaskinportenHosts();
const { keyVault } = config;
const prod = config.environment === "prod";
const client = keyVault.tenantId && keyVault.subscriptionId ? undefined : authorization.getClientConfigOutput();
const vaultArgs = { vaultName: keyVault.name, resourceGroupName: keyVault.resourceGroupName };

// Grants and secrets in prod are protected: set once here, inherited by every child resource.
const protect = { protect: prod };

const access = new KeyVaultAccess(
    ACCESS_NAME,
    {
        ...vaultArgs,
        subscriptionId: keyVault.subscriptionId ?? client!.subscriptionId,
        tenantId: keyVault.tenantId ?? client!.tenantId,
        authorization: keyVault.authorization,
        grants: grantsByExpiry.declared,
        expiredGrants: grantsByExpiry.expired,
        environment: config.environment,
    },
    protect,
);

// The vault as Azure has it: access that bypassed review, and a mode or tenant the stack gets wrong.
const audit = new VaultAudit("audit", {
    vaultName: keyVault.name,
    unmanagedAccessLevel: keyVault.unmanagedAccess,
    result: auditVault({
        ...vaultArgs,
        authorization: keyVault.authorization,
        tenantId: keyVault.tenantId ?? client!.tenantId,
        tenantFromConfig: keyVault.tenantId !== undefined,
        grants: grantsByExpiry.declared,
        // Their access is shown with the date (advisory): until this up removes it, or granted again after.
        expiredGrants: grantsByExpiry.expired,
    }),
});

// The policy pack sees component inputs, not stack config: hand it the environment, the suppressions
// and the names of the config keys outside the project's namespace (provider settings it must allow).
const configKeys = Object.keys(allConfig).filter((k) => !k.startsWith(`${PROJECT}:`));
new ReviewContext("review", { org: config.org, environment: config.environment, suppressions: config.suppressions, configKeys });

// Each client's component beside its config, so nothing below pairs them up by position.
const clients = config.maskinportenClients.map((c) => ({
    config: c,
    component: new MaskinportenClient(
        clientName(c.section),
        { ...vaultArgs, client: c, org: config.org, environment: config.environment, selfService: config.maskinporten.selfService, allowedHosts: maskinportenHosts },
        protect,
    ),
}));

const appSecrets = config.appSecrets.map((s) => ({
    config: s,
    component: new AppSecret(appSecretName(s.section, s.key), {
        ...vaultArgs,
        section: s.section,
        key: s.key,
        value: s.value === undefined ? undefined : pulumi.secret(s.value),
        generate: s.generate,
        apps: s.apps,
        org: config.org,
        environment: config.environment,
    }, protect),
}));

// Every secret, its current version and the apps that read it: one redeploy per app.
const versions: Record<string, pulumi.Output<string>> = {};
const readers: { secretName: string; apps: string[] }[] = [];
for (const { config: c, component } of clients) {
    Object.assign(versions, component.secretVersions);
    for (const name of component.secretNames) readers.push({ secretName: name, apps: c.apps });
}
for (const { config: s, component } of appSecrets) {
    versions[component.secretName] = component.secretVersion;
    readers.push({ secretName: component.secretName, apps: s.apps });
}
const byApp = secretsByApp(readers);
const redeployOf = new Map<string, AppRedeploy>();
if (config.redeploy.enabled) {
    for (const [app, names] of byApp) {
        redeployOf.set(app, new AppRedeploy(`redeploy-${app}`, {
            org: config.org,
            app,
            environment: config.environment,
            studioUrl: config.redeploy.studioUrl,
            secretVersions: Object.fromEntries(names.map((n) => [n, versions[n]])),
        }));
    }
}

// The stack outputs, each of the type components/outputs.ts gives it.
export const org: Declared<StackOutputs["org"]> = config.org;
export const environment: Declared<StackOutputs["environment"]> = config.environment;
export const vault: Declared<StackOutputs["vault"]> = { ...vaultArgs, id: access.vaultId, authorization: keyVault.authorization };
export const grants: Declared<StackOutputs["grants"]> = grantsByExpiry.declared.map((g) => ({ principalId: g.principalId, access: g.access, permissions: g.permissions, roleId: g.roleId, reason: g.reason, expires: g.expires }));
export const expiredGrants: Declared<StackOutputs["expiredGrants"]> = grantsByExpiry.expired.map((g) => ({ principalId: g.principalId, reason: g.reason, expires: g.expires! }));
export const maskinportenClients: Declared<StackOutputs["maskinportenClients"]> = clients.map(({ config: client, component: c }) => ({
    section: client.section,
    clientId: client.clientId,
    format: client.format,
    apps: client.apps,
    secretNames: c.secretNames,
    activeKid: c.activeKid,
    stagedKid: c.stagedKid,
    activePublicJwk: c.activePublicJwk,
    activePublicKeyPem: c.activePublicKeyPem,
    publicJwks: c.publicJwks,
    rotation: c.rotation,
    appSettings: c.appSettings,
    // Whether Maskinporten gave a token with the active key before the vault got it, and what up does.
    keyProof: { plan: c.keyProofPlan, proven: c.keyProof.proven, note: c.keyProof.note },
    // Self-service registration: each registered kid with expiry and days left (as of the last refresh), and others' keys.
    registration: c.registration
        ? pulumi.all([c.registration.clientId, c.registration.createdClient, c.registration.registered, c.registration.foreign, c.registration.missing]).apply(
              ([clientId, created, registered, foreign, missing]) => ({
                  clientId,
                  createdByStack: created ?? !client.clientId,
                  keys: keyStatus(registered, Date.now()),
                  foreignKeys: keyStatus(foreign, Date.now()),
                  missing: missing ?? [],
              }),
          )
        : undefined,
}));
/** Principals with access to the vault that accessGrants does not declare (empty offline: the audit runs in preview). */
export const unmanagedAccess: Declared<StackOutputs["unmanagedAccess"]> = audit.unmanagedAccess;
export const appSecretNames: Declared<StackOutputs["appSecretNames"]> = appSecrets.map(({ component }) => component.secretName);
export const redeploys: Declared<StackOutputs["redeploys"]> = [...byApp].map(([app, secretNames]) => ({
    app,
    envName: ENVIRONMENT_FACTS[config.environment].studioEnvName,
    secretNames,
    automatic: config.redeploy.enabled,
    secretVersions: Object.fromEntries(secretNames.map((n) => [n, versions[n]])),
    redeployedFor: redeployOf.get(app)?.command.triggers,
}));
