/**
 * The plan report's parts, read off the resources the mocks recorded and the program's outputs,
 * never from the config alone, so the report shows what the program really declares.
 */
import { RecordedResource, secretProperties } from "../offline/values";
import { roleName } from "../../core/vault/roles";
import { clientName, TYPES } from "../../core/resourceNames";
import type { PlanAppSettings, PlanAudit, PlanGrant, PlanRedeploy, PlanSecret } from "./model";
import type { ClientOutput, StackOutputs } from "../../components/outputs";

export function auditOf(resources: RecordedResource[]): PlanAudit {
    const i = (resources.find((r) => r.type === TYPES.vaultAudit)?.inputs ?? {}) as Record<string, unknown>;
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
        .filter((r) => r.type === TYPES.accessGrant)
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
            if (typeof i.expires === "string") grant.expires = i.expires;
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
        .filter((r) => r.type === TYPES.secret)
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

/** Declared redeploy commands (read off the resources), or the manual list when disabled. */
export function redeploysOf(resources: RecordedResource[], outputs: Pick<StackOutputs, "redeploys">): PlanRedeploy[] {
    const commands = resources.filter((r) => r.type === TYPES.command);
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
    const manual = outputs.redeploys
        .filter((r) => !r.automatic)
        .map((r): PlanRedeploy => ({ app: r.app, envName: r.envName, secrets: r.secretNames, triggers: [], automatic: false }));
    return [...declared, ...manual].sort((a, b) => a.app.localeCompare(b.app));
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

/** The inputs of a client's registration resource, as the program declared them. */
export function registrationOf(resources: RecordedResource[], section: string): Record<string, unknown> {
    return resources.find((r) => r.type === TYPES.maskinportenRegistration && r.name === `${clientName(section)}-registration`)?.inputs ?? {};
}
