/**
 * The offline plan's report: what `pulumi up` would declare, in the shape of DESIGN.md's
 * plan contract. Built from the resources the mocks recorded, never from the config alone,
 * so the report shows what the program really declares.
 */
import type { Evaluation } from "./evaluate";
import type { RecordedResource } from "./mocks";
import { roleName } from "../../components/roles";

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

export interface PlanFinding {
    policy: string;
    level: "mandatory" | "advisory";
    resource: string;
    message: string;
    suppressed?: { reason: string };
}

export interface PlanReport {
    stack: string;
    org: string;
    environment: string;
    resources: PlanResource[];
    secrets: unknown[];
    grants: PlanGrant[];
    redeploys: unknown[];
    findings: PlanFinding[];
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
            if (i.permissions) grant.permissions = i.permissions as Record<string, string[]>;
            if (i.authorization === "rbac") grant.role = roleName(roleId ?? rbacRoleOf(child));
            return grant;
        })
        .sort((a, b) => a.principalId.localeCompare(b.principalId));
}

function rbacRoleOf(child: RecordedResource | undefined): string {
    const id = String(child?.inputs.roleDefinitionId ?? "");
    return id.slice(id.lastIndexOf("/") + 1);
}

export function buildReport(ev: Evaluation, findings: PlanFinding[]): PlanReport {
    return {
        stack: ev.files.stack,
        org: ev.config.org,
        environment: ev.config.environment,
        resources: ev.resources
            .filter((r) => r.custom)
            .map((r) => ({ type: r.type, name: r.name, protect: r.protect }))
            .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name)),
        secrets: [],
        grants: grantsOf(ev.resources),
        redeploys: [],
        findings,
    };
}

/** The report as a person reads it: grouped, aligned, no JSON. */
export function renderText(report: PlanReport): string {
    const out: string[] = [];
    out.push(`Plan for stack ${report.stack}: org ${report.org}, environment ${report.environment} (offline, under mocks)`);
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
        const what = g.role ? `role ${g.role}` : g.access ? `${g.access} (${formatPermissions(g.permissions ?? accessPermissions(g.access))})` : formatPermissions(g.permissions ?? {});
        out.push(`  ${g.principalId} on ${g.vault}: ${what}${g.protect ? "  [protected]" : ""}`);
        out.push(`      reason: ${g.reason}`);
    }
    if (report.grants.length === 0) out.push("  none");
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

function accessPermissions(access: string): Record<string, string[]> {
    return access === "write" ? { secrets: ["get", "list", "set", "delete"] } : { secrets: ["get", "list"] };
}

function formatPermissions(p: Record<string, string[]>): string {
    const parts = Object.entries(p).filter(([, v]) => v.length > 0).map(([k, v]) => `${k}: ${v.join(", ")}`);
    return parts.length ? parts.join("; ") : "nothing";
}
