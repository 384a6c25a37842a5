/**
 * The offline plan's report: what `pulumi up` would declare, in the shape of DESIGN.md's
 * plan contract. Built from the resources the mocks recorded, never from the config alone,
 * so the report shows what the program really declares.
 */
import type { Evaluation } from "./evaluate";
import { RecordedResource, secretProperties } from "./values";
import { roleName } from "../../components/roles";
import type { Finding } from "../../policy/evaluate";
import { DEFAULT_STUDIO_URL } from "../../components/config";

export interface PlanResource {
    type: string;
    name: string;
    protect: boolean;
}

export interface PlanGrant {
    vault: string;
    principalId: string;
    authorization: string;
    access?: string;
    permissions?: Record<string, string[]>;
    role?: string;
    reason: string;
    resource: string;
    protect: boolean;
}

export type PlanFinding = Pick<Finding, "policy" | "level" | "resource" | "message" | "suppressed">;

export interface PlanSecret {
    vault: string;
    name: string;
    section: string;
    key: string;
    contentType: string;
    /** Apps that read the secret (and are redeployed when it changes). */
    apps: string[];
    kid?: string;
    protect: boolean;
    /** True when the value is a Pulumi secret (it always should be). */
    valueIsSecret: boolean;
    resource: string;
}

export interface PlanClient {
    section: string;
    clientId: string;
    format: string;
    apps: string[];
    secretNames: string[];
    activeKid: string;
    stagedKid?: string;
    state: string;
    nextStep: string;
    /** Public keys to have registered at Samarbeidsportalen (no private members). */
    publicJwks: { keys: Record<string, string>[] };
}

export interface PlanAppSettings {
    app: string;
    /** The non-secret part of appsettings.json this app needs, nested as .NET reads it. */
    appsettings: Record<string, unknown>;
    /** The Key Vault secrets the app reads. */
    vaultSecrets: string[];
}

export interface PlanRedeploy {
    app: string;
    envName: string;
    /** The secrets whose new versions trigger it. */
    secrets: string[];
    /** The trigger values (versioned secret URIs) the command was declared with. */
    triggers: string[];
    /** false: redeploy.enabled is false, a person redeploys by hand. */
    automatic: boolean;
    resource?: string;
}

export interface PlanReport {
    stack: string;
    org: string;
    environment: string;
    resources: PlanResource[];
    secrets: PlanSecret[];
    grants: PlanGrant[];
    redeploys: PlanRedeploy[];
    findings: PlanFinding[];
    clients: PlanClient[];
    appSettings: PlanAppSettings[];
    /** Where redeploys send the Studio API key (`redeploy.studioUrl`). */
    studioUrl: string;
}

function childrenOf(resources: RecordedResource[], parent: RecordedResource): RecordedResource[] {
    return resources.filter((r) => r.parent === parent.urn);
}

export function grantsOf(resources: RecordedResource[]): PlanGrant[] {
    return resources
        .filter((r) => r.type === "altinn:keyvault:AccessGrant")
        .map((g) => {
            const child = childrenOf(resources, g).find((c) => c.custom);
            const i = g.inputs as Record<string, unknown>;
            const roleId = typeof i.roleId === "string" ? i.roleId : undefined;
            const grant: PlanGrant = {
                vault: String(i.vaultName),
                principalId: String(i.principalId),
                authorization: String(i.authorization),
                reason: String(i.reason ?? ""),
                resource: child ? `${child.type}::${child.name}` : `${g.type}::${g.name}`,
                protect: child?.protect ?? false,
            };
            if (typeof i.access === "string") grant.access = i.access;
            // What is granted, read off the declared resource: a preset shows its permissions or role too.
            if (i.authorization === "rbac") grant.role = roleName(roleId ?? rbacRoleOf(child));
            else grant.permissions = accessPolicyPermissions(child) ?? (i.permissions as Record<string, string[]> | undefined) ?? {};
            return grant;
        })
        .sort((a, b) => a.principalId.localeCompare(b.principalId));
}

function accessPolicyPermissions(child: RecordedResource | undefined): Record<string, string[]> | undefined {
    const policy = child?.inputs.policy as { permissions?: Record<string, string[]> } | undefined;
    return policy?.permissions;
}

function rbacRoleOf(child: RecordedResource | undefined): string {
    const id = String(child?.inputs.roleDefinitionId ?? "");
    return id.slice(id.lastIndexOf("/") + 1);
}

export function secretsOf(resources: RecordedResource[]): PlanSecret[] {
    return resources
        .filter((r) => r.type === "azure-native:keyvault:Secret")
        .map((r) => {
            const parent = resources.find((p) => p.urn === r.parent);
            const name = String(r.inputs.secretName);
            const cut = name.lastIndexOf("--");
            const { properties, valueIsSecret } = secretProperties(r);
            const tags = (r.inputs.tags ?? {}) as Record<string, string>;
            const secret: PlanSecret = {
                vault: String(r.inputs.vaultName),
                name,
                section: name.slice(0, cut),
                key: name.slice(cut + 2),
                contentType: String(properties.contentType ?? ""),
                apps: ((parent?.inputs.apps as string[] | undefined) ?? []).slice().sort(),
                protect: r.protect,
                valueIsSecret,
                resource: `${r.type}::${r.name}`,
            };
            if (tags.kid) secret.kid = tags.kid;
            return secret;
        })
        .sort((a, b) => a.name.localeCompare(b.name));
}

/** One entry of the program's `maskinportenClients` stack output. */
type ClientOutput = Omit<PlanClient, "state" | "nextStep"> & { rotation: { state: string; nextStep: string }; appSettings: Record<string, unknown> };

interface RedeployOutput {
    app: string;
    envName: string;
    secretNames: string[];
    automatic: boolean;
}

/** Declared redeploy commands (read off the resources), or the manual list when disabled. */
export function redeploysOf(resources: RecordedResource[], outputs: Record<string, unknown>): PlanRedeploy[] {
    const commands = resources.filter((r) => r.type === "command:local:Command");
    const declared = commands.map((c): PlanRedeploy => {
        const env = c.inputs.environment as Record<string, string>;
        const triggers = ((c.inputs.triggers as unknown[]) ?? []).map(String);
        return {
            app: env.ALTINN_APP,
            envName: env.ALTINN_ENV,
            // A versioned URI is https://<vault>.vault.azure.net/secrets/<name>/<version>.
            secrets: triggers.map((t) => t.split("/secrets/")[1]?.split("/")[0] ?? t),
            triggers,
            automatic: true,
            resource: `${c.type}::${c.name}`,
        };
    });
    const manual = ((outputs.redeploys as RedeployOutput[] | undefined) ?? [])
        .filter((r) => !r.automatic)
        .map((r): PlanRedeploy => ({ app: r.app, envName: r.envName, secrets: r.secretNames, triggers: [], automatic: false }));
    return [...declared, ...manual].sort((a, b) => a.app.localeCompare(b.app));
}

function clientsOf(outputs: Record<string, unknown>): ClientOutput[] {
    return (outputs.maskinportenClients as ClientOutput[] | undefined) ?? [];
}

/** Put `value` at the .NET configuration path of `section` (`A--B` is `A:B`, nested objects). */
function nest(target: Record<string, unknown>, section: string, value: Record<string, unknown>): void {
    const parts = section.split("--");
    let node = target;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = { ...((node[parts[parts.length - 1]] as object | undefined) ?? {}), ...value };
}

export function appSettingsOf(clients: ClientOutput[], secrets: PlanSecret[]): PlanAppSettings[] {
    const apps = [...new Set(secrets.flatMap((s) => s.apps))].sort();
    return apps.map((app) => {
        const appsettings: Record<string, unknown> = {};
        for (const c of clients.filter((c) => c.apps.includes(app))) nest(appsettings, c.section, c.appSettings);
        return { app, appsettings, vaultSecrets: secrets.filter((s) => s.apps.includes(app)).map((s) => s.name) };
    });
}

export function buildReport(ev: Evaluation, findings: PlanFinding[]): PlanReport {
    const secrets = secretsOf(ev.resources);
    const clients = clientsOf(ev.outputs);
    return {
        stack: ev.files.stack,
        org: ev.config.org,
        environment: ev.config.environment,
        resources: ev.resources
            .filter((r) => r.custom)
            .map((r) => ({ type: r.type, name: r.name, protect: r.protect }))
            .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name)),
        secrets,
        grants: grantsOf(ev.resources),
        redeploys: redeploysOf(ev.resources, ev.outputs),
        findings: findings.map((f) => ({ policy: f.policy, level: f.level, resource: f.resource, message: f.message, ...(f.suppressed ? { suppressed: f.suppressed } : {}) })),
        clients: clients.map((c) => ({
            section: c.section,
            clientId: c.clientId,
            format: c.format,
            apps: c.apps,
            secretNames: c.secretNames,
            activeKid: c.activeKid,
            ...(c.stagedKid ? { stagedKid: c.stagedKid } : {}),
            state: c.rotation.state,
            nextStep: c.rotation.nextStep,
            publicJwks: c.publicJwks,
        })),
        appSettings: appSettingsOf(clients, secrets),
        studioUrl: ev.config.redeploy.studioUrl,
    };
}

/** The report as a person reads it: grouped, aligned, no JSON. */
export function renderText(report: PlanReport): string {
    const out: string[] = [];
    out.push(`Plan for stack ${report.stack}: org ${report.org}, environment ${report.environment} (offline, under mocks)`);
    if (report.studioUrl !== DEFAULT_STUDIO_URL) out.push(`Altinn Studio: ${report.studioUrl} (not the default ${DEFAULT_STUDIO_URL}; redeploys send the Studio API key there)`);
    out.push("");
    out.push(`Resources (${report.resources.length})`);
    const byType = new Map<string, PlanResource[]>();
    for (const r of report.resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    for (const [type, list] of byType) {
        out.push(`  ${type} (${list.length})`);
        for (const r of list) out.push(`    ${r.name}${r.protect ? "  [protected]" : ""}`);
    }
    if (report.resources.length === 0) out.push("  none");
    out.push("");
    out.push(`Access grants (${report.grants.length})`);
    for (const g of report.grants) {
        const granted = g.role ? `role ${g.role}` : formatPermissions(g.permissions ?? {});
        const what = g.access ? `${g.access} (${granted})` : granted;
        out.push(`  ${g.principalId} on ${g.vault}: ${what}${g.protect ? "  [protected]" : ""}`);
        out.push(`      reason: ${g.reason}`);
    }
    if (report.grants.length === 0) out.push("  none");
    out.push("");
    out.push(`Key Vault secrets (${report.secrets.length})`);
    for (const sec of report.secrets) {
        const flags = [sec.kid ? `kid ${sec.kid}` : "", sec.protect ? "protected" : ""].filter(Boolean).join(", ");
        out.push(`  ${sec.vault}/${sec.name}  section ${sec.section}, key ${sec.key}${flags ? `  [${flags}]` : ""}`);
        out.push(`      read by: ${sec.apps.length ? sec.apps.join(", ") : "no app listed"}`);
    }
    if (report.secrets.length === 0) out.push("  none");
    out.push("");
    out.push(`Redeploys (${report.redeploys.length})`);
    for (const r of report.redeploys) {
        out.push(r.automatic
            ? `  ${r.app} in ${r.envName}: redeployed by pulumi up when any of these change: ${r.secrets.join(", ")}`
            : `  ${r.app} in ${r.envName}: MANUAL (redeploy.enabled is false): after pulumi up changes any of ${r.secrets.join(", ")}, run: npm run redeploy -- --org ${report.org} --app ${r.app} --env ${r.envName}`);
    }
    if (report.redeploys.length === 0) out.push("  none");
    out.push("");
    out.push(`Maskinporten clients (${report.clients.length})${report.clients.length ? " - key pairs are generated fresh offline, so these kids differ from the deployed stack's" : ""}`);
    for (const c of report.clients) {
        out.push(`  ${c.section} (${c.format}, client ${c.clientId}): ${c.state}, active kid ${c.activeKid}${c.stagedKid ? `, staged kid ${c.stagedKid}` : ""}`);
        out.push(`      next: ${c.nextStep}`);
        out.push(`      public keys to register: ${c.publicJwks.keys.map((k) => k.kid).join(", ")} (pulumi stack output maskinportenClients)`);
    }
    if (report.clients.length === 0) out.push("  none");
    out.push("");
    out.push(`App settings per app (${report.appSettings.length})`);
    for (const a of report.appSettings) {
        out.push(`  ${a.app}: reads ${a.vaultSecrets.join(", ")}`);
        out.push(`      appsettings.json: ${JSON.stringify(a.appsettings)}`);
    }
    if (report.appSettings.length === 0) out.push("  none");
    out.push("");
    const open = report.findings.filter((f) => !f.suppressed);
    out.push(`Policy findings (${open.length} open, ${report.findings.length - open.length} suppressed)`);
    for (const f of report.findings) {
        const tag = f.suppressed ? `suppressed: ${f.suppressed.reason}` : f.level;
        out.push(`  [${tag}] ${f.policy} on ${f.resource}: ${f.message}`);
    }
    if (report.findings.length === 0) out.push("  none");
    return out.join("\n");
}

/** `secrets: get, list; keys: get`, leaving out empty lists; "nothing" when all are empty. */
export function formatPermissions(p: Partial<Record<string, string[]>>): string {
    const parts = Object.entries(p).filter(([, v]) => v && v.length > 0).map(([k, v]) => `${k}: ${v!.join(", ")}`);
    return parts.length ? parts.join("; ") : "nothing";
}
