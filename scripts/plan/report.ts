/**
 * The offline plan's report: what `pulumi up` would declare, in the shape of DESIGN.md's
 * plan contract. Built from the resources the mocks recorded, never from the config alone,
 * so the report shows what the program really declares.
 */
import { wrap } from "../cli/cli";
import type { Evaluation } from "../offline/evaluate";
import { RecordedResource, secretProperties } from "../offline/values";
import { roleName } from "../../core/vault/roles";
import type { Finding } from "../../policy/evaluate";
import { DEFAULT_STUDIO_URL } from "../../core/config/parse";

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

export type PlanFinding = Pick<Finding, "policy" | "level" | "resource" | "message" | "suppressed" | "principalId" | "secretName">;

export interface PlanSecret {
    vault: string;
    name: string;
    section: string;
    key: string;
    contentType: string;
    /** Apps that read the secret (and are redeployed when it changes). */
    apps: string[];
    kid?: string;
    /** True when `kid` belongs to an offline placeholder key, not to the key `pulumi up` makes. */
    kidIsPlaceholder?: boolean;
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
    /** Absent for an adopted key (keyGeneration 0): its public half was never in this stack. */
    activeKid?: string;
    stagedKid?: string;
    state: string;
    nextStep: string;
    /** Public keys to have registered at Samarbeidsportalen (no private members). */
    publicJwks: { keys: Record<string, string>[] };
    /** The kids above that belong to offline placeholder keys (all of them in the offline plan). */
    placeholderKids: string[];
    /** Present when the stack registers the client by self-service: what `pulumi up` publishes. */
    registration?: PlanRegistration;
}

export interface PlanRegistration {
    /** True when `pulumi up` creates the client (its id is then a placeholder offline). */
    createsClient: boolean;
    clientId: string;
    /** The kids the stack publishes at Maskinporten (active, staged, retired). */
    keys: string[];
    /** Offline the plan cannot know expiry: this says where to see it. */
    liveExpiry: string;
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
    /** The vault audit (offline: where it runs instead). */
    audit?: PlanAudit;
}

/** The vault audit: offline it is not run (no Azure to read); `pulumi preview` runs it. */
export interface PlanAudit {
    status: string;
    note: string;
    unmanagedAccess: Record<string, unknown>[];
    mismatches: string[];
}

export function auditOf(resources: RecordedResource[]): PlanAudit {
    const i = (resources.find((r) => r.type === "altinn:keyvault:VaultAudit")?.inputs ?? {}) as Record<string, unknown>;
    const status = String(i.status ?? "offline");
    return {
        status,
        note: status === "offline"
            ? "not run offline: pulumi preview and up read the vault (access policies, role assignments, mode, tenant) and report access accessGrants does not declare as the stack output unmanagedAccess and the unmanaged-access finding"
            : "the vault as Azure has it, compared with accessGrants",
        unmanagedAccess: (i.unmanagedAccess as Record<string, unknown>[] | undefined) ?? [],
        mismatches: (i.mismatches as string[] | undefined) ?? [],
    };
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

export function secretsOf(resources: RecordedResource[], placeholderKeys = false): PlanSecret[] {
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
            if (tags.kid && placeholderKeys) secret.kidIsPlaceholder = true;
            return secret;
        })
        .sort((a, b) => a.name.localeCompare(b.name));
}

/** One entry of the program's `maskinportenClients` stack output. */
type ClientOutput = Omit<PlanClient, "state" | "nextStep" | "registration"> & {
    rotation: { state: string; nextStep: string };
    appSettings: Record<string, unknown>;
    registration?: { clientId: string; createdByStack: boolean };
};

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
        // A section with no non-secret settings (builtin clients) is not an appsettings.json entry.
        for (const c of clients.filter((c) => c.apps.includes(app) && Object.keys(c.appSettings).length > 0)) nest(appsettings, c.section, c.appSettings);
        return { app, appsettings, vaultSecrets: secrets.filter((s) => s.apps.includes(app)).map((s) => s.name) };
    });
}

export function buildReport(ev: Evaluation, findings: PlanFinding[]): PlanReport {
    const secrets = secretsOf(ev.resources, ev.placeholderKeys);
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
        findings: findings.map((f) => ({
            policy: f.policy,
            level: f.level,
            resource: f.resource,
            message: f.message,
            ...(f.principalId ? { principalId: f.principalId } : {}),
            ...(f.secretName ? { secretName: f.secretName } : {}),
            ...(f.suppressed ? { suppressed: f.suppressed } : {}),
        })),
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
            placeholderKids: ev.placeholderKeys ? c.publicJwks.keys.map((k) => k.kid) : [],
            ...(c.registration
                ? {
                      registration: {
                          createsClient: c.registration.createdByStack,
                          clientId: c.registration.clientId,
                          keys: c.publicJwks.keys.map((k) => k.kid),
                          liveExpiry: "run pulumi preview --refresh (policy maskinporten-key-expiry) to see each registered key's expiry",
                      },
                  }
                : {}),
        })),
        appSettings: appSettingsOf(clients, secrets),
        studioUrl: ev.config.redeploy.studioUrl,
        audit: auditOf(ev.resources),
    };
}

export interface TextOptions {
    /** Colour mandatory findings (a terminal without NO_COLOR). Defaults to false. */
    color?: boolean;
}

/** `type::name` -> the name a person knows the resource by. */
function nameOf(resource: string): string {
    const cut = resource.lastIndexOf("::");
    return cut < 0 ? resource : resource.slice(cut + 2);
}

/** What a finding is about, once: the principal, the secret or the resource's name. */
function subjectOf(f: PlanFinding): string {
    return f.principalId ? `grant for ${f.principalId}` : f.secretName ? `secret ${f.secretName}` : nameOf(f.resource);
}

/** The finding's message without the "(principal ...)" or "(secret ...)" the subject already says. */
function messageOf(f: PlanFinding): string {
    const who = f.principalId ? ` (principal ${f.principalId})` : f.secretName ? ` (secret ${f.secretName})` : "";
    return who && f.message.endsWith(who) ? f.message.slice(0, -who.length) : f.message;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
    return groups;
}

/** The report as a person reads it: grouped, within 100 columns, no JSON on one line, no URNs. */
export function renderText(report: PlanReport, options: TextOptions = {}): string {
    const out: string[] = [];
    const list = (lead: string, items: string[]) => out.push(...wrap(items.join(", "), lead));
    const placeholder = (kid: string, kids: string[]) => (kids.includes(kid) ? `${kid} (placeholder)` : kid);
    out.push(`Plan for stack ${report.stack}: org ${report.org}, environment ${report.environment} (offline, under mocks)`);
    if (report.studioUrl !== DEFAULT_STUDIO_URL) out.push(`Altinn Studio: ${report.studioUrl} (not the default ${DEFAULT_STUDIO_URL}; redeploys send the Studio API key there)`);
    out.push("");
    out.push(`Resources (${report.resources.length})`);
    for (const [type, list] of groupBy(report.resources, (r) => r.type)) {
        out.push(`  ${type} (${list.length})`);
        for (const r of list) out.push(`    ${r.name}${r.protect ? "  [protected]" : ""}`);
    }
    if (report.resources.length === 0) out.push("  none");
    out.push("");
    out.push(`Access grants (${report.grants.length})`);
    for (const [vault, grants] of groupBy(report.grants, (g) => g.vault)) {
        out.push(`  on ${vault}:`);
        for (const g of grants) {
            const granted = g.role ? `role ${g.role}` : formatPermissions(g.permissions ?? {});
            out.push(`    ${g.principalId}: ${g.access ? `${g.access} (${granted})` : granted}${g.protect ? "  [protected]" : ""}`);
            out.push(...wrap(g.reason, "        reason: ", 16));
        }
    }
    if (report.grants.length === 0) out.push("  none");
    out.push("");
    out.push(`Key Vault secrets (${report.secrets.length})`);
    for (const [vault, secrets] of groupBy(report.secrets, (s) => s.vault)) {
        out.push(`  in ${vault}:`);
        for (const sec of secrets) {
            out.push(`    ${sec.name}${sec.protect ? "  [protected]" : ""}`);
            list("        read by: ", sec.apps.length ? sec.apps : ["no app listed"]);
            if (sec.kid) out.push(`        kid ${sec.kidIsPlaceholder ? `${sec.kid} (placeholder)` : sec.kid}`);
        }
    }
    if (report.secrets.length === 0) out.push("  none");
    out.push("");
    out.push(`Redeploys (${report.redeploys.length})`);
    for (const r of report.redeploys) {
        if (r.automatic) {
            out.push(`  ${r.app} in ${r.envName}: redeployed by pulumi up when any of these change:`);
            list("      ", r.secrets);
        } else {
            out.push(`  ${r.app} in ${r.envName}: MANUAL (redeploy.enabled is false). After pulumi up changes any of`);
            list("      ", r.secrets);
            out.push(`    run: npm run redeploy -- --org ${report.org} --app ${r.app} --env ${r.envName}`);
        }
    }
    if (report.redeploys.length === 0) out.push("  none");
    out.push("");
    out.push(`Maskinporten clients (${report.clients.length})`);
    if (report.clients.some((c) => c.placeholderKids.length)) {
        out.push(...wrap("Kids marked (placeholder) belong to stand-in keys made for this offline plan: pulumi up generates other keys with other kids.", "  "));
    }
    for (const c of report.clients) {
        out.push(`  ${c.section}: ${c.format} format, client ${c.registration?.clientId ?? c.clientId}, ${c.state}`);
        out.push(c.activeKid ? `      active kid ${placeholder(c.activeKid, c.placeholderKids)}` : "      active key: the one already in the vault (adopted: kept, not written by this stack)");
        if (c.stagedKid) out.push(`      staged kid ${placeholder(c.stagedKid, c.placeholderKids)}`);
        for (const k of c.publicJwks.keys.filter((k) => k.kid !== c.activeKid && k.kid !== c.stagedKid)) out.push(`      retired kid ${placeholder(k.kid, c.placeholderKids)}`);
        out.push(...wrap(c.nextStep, "      next: ", 12));
        if (c.registration) {
            const r = c.registration;
            const kids = r.keys.map((k) => placeholder(k, c.placeholderKids)).join(", ");
            out.push(...wrap(`pulumi up ${r.createsClient ? "creates the client and registers" : "registers"} ${kids} at Maskinporten; ${r.liveExpiry}`, "      self-service: ", 20));
        }
    }
    if (report.clients.some((c) => !c.registration)) out.push(...wrap("The public keys to register by hand at Samarbeidsportalen: pulumi stack output maskinportenClients (publicJwks).", "  "));
    if (report.clients.length === 0) out.push("  none");
    out.push("");
    out.push(`App settings per app (${report.appSettings.length})`);
    for (const a of report.appSettings) {
        out.push(`  ${a.app}`);
        list("      Key Vault secrets: ", a.vaultSecrets);
        if (Object.keys(a.appsettings).length) {
            out.push("      appsettings.json:");
            for (const line of JSON.stringify(a.appsettings, null, 2).split("\n")) out.push(`        ${line}`);
        }
    }
    if (report.appSettings.length === 0) out.push("  none");
    out.push("");
    if (report.audit) {
        out.push(`Vault audit (${report.audit.status})`);
        out.push(...wrap(report.audit.note, "  "));
        for (const u of report.audit.unmanagedAccess) out.push(...wrap(`${String(u.principalId)} via ${String(u.source)}`, "  unmanaged: ", 4));
        out.push("");
    }
    const open = report.findings.filter((f) => !f.suppressed);
    out.push(`Policy findings (${open.length} open, ${report.findings.length - open.length} suppressed)`);
    for (const f of report.findings) {
        const tag = f.suppressed ? "[suppressed]" : `[${f.level}]`;
        const shown = options.color && f.level === "mandatory" && !f.suppressed ? `\x1b[1;31m${tag}\x1b[0m` : tag;
        out.push(`  ${shown} ${f.policy}: ${subjectOf(f)}`);
        out.push(...wrap(messageOf(f), "      "));
        if (f.suppressed) out.push(...wrap(f.suppressed.reason, "      suppressed: ", 18));
    }
    if (report.findings.length === 0) out.push("  none");
    return out.join("\n");
}

/** `secrets: get, list; keys: get`, leaving out empty lists; "nothing" when all are empty. */
export function formatPermissions(p: Partial<Record<string, string[]>>): string {
    const parts = Object.entries(p).filter(([, v]) => v && v.length > 0).map(([k, v]) => `${k}: ${v!.join(", ")}`);
    return parts.length ? parts.join("; ") : "nothing";
}
