/**
 * The grant review for pull requests: every grant as a Markdown table, and what a change adds,
 * removes, widens or narrows compared with the config at a base ref. Pure.
 */
import type { AccessGrantConfig, StackConfig } from "../../components/config";
import { grantPermissions, grantRoleId } from "../../components/grants";
import { roleName } from "../../components/roles";
import type { Finding } from "../../policy/evaluate";
import { formatPermissions } from "./report";

export interface GrantRow {
    vault: string;
    principalId: string;
    /** What is granted, as a reviewer reads it. */
    access: string;
    /** Fine-grained abilities, for spotting a widening: `secrets:get`, `keys:sign`, `role:Owner`... */
    capabilities: string[];
    reason: string;
}

const SECRETS_OFFICER = ["secrets:get", "secrets:list", "secrets:set", "secrets:delete", "secrets:recover", "secrets:backup", "secrets:restore", "secrets:purge"];
const ROLE_CAPABILITIES: Record<string, string[]> = {
    "Key Vault Secrets User": ["secrets:get", "secrets:list"],
    "Key Vault Secrets Officer": SECRETS_OFFICER,
    "Key Vault Reader": ["vault:read-metadata"],
};

function describeGrant(grant: AccessGrantConfig, mode: string): { access: string; capabilities: string[] } {
    if (mode === "rbac") {
        const name = roleName(grantRoleId(grant));
        const caps = ROLE_CAPABILITIES[name] ?? [`role:${name}`];
        return { access: grant.access ? `${grant.access} (role ${name})` : `role ${name}`, capabilities: caps };
    }
    const permissions = grantPermissions(grant);
    const caps = Object.entries(permissions).flatMap(([kind, list]) => (list ?? []).map((p) => `${kind}:${p.toLowerCase()}`));
    const text = formatPermissions(permissions);
    return { access: grant.access ? `${grant.access} (${text})` : text, capabilities: [...new Set(caps)].sort() };
}

export function grantRows(config: StackConfig): GrantRow[] {
    return config.accessGrants
        .map((g) => ({ vault: config.keyVault.name, principalId: g.principalId, reason: g.reason, ...describeGrant(g, config.keyVault.authorization) }))
        .sort((a, b) => a.vault.localeCompare(b.vault) || a.principalId.localeCompare(b.principalId));
}

export type ChangeKind = "added" | "removed" | "widened" | "narrowed" | "changed" | "reason changed";

export interface GrantChange {
    kind: ChangeKind;
    vault: string;
    principalId: string;
    before?: GrantRow;
    after?: GrantRow;
    gained: string[];
    lost: string[];
}

export function diffGrants(base: GrantRow[], head: GrantRow[]): GrantChange[] {
    const key = (r: GrantRow) => `${r.vault}|${r.principalId}`;
    const baseBy = new Map(base.map((r) => [key(r), r]));
    const headBy = new Map(head.map((r) => [key(r), r]));
    const changes: GrantChange[] = [];
    for (const [k, after] of headBy) {
        const before = baseBy.get(k);
        if (!before) {
            changes.push({ kind: "added", vault: after.vault, principalId: after.principalId, after, gained: after.capabilities, lost: [] });
            continue;
        }
        const gained = after.capabilities.filter((c) => !before.capabilities.includes(c));
        const lost = before.capabilities.filter((c) => !after.capabilities.includes(c));
        const kind: ChangeKind | undefined =
            gained.length && lost.length ? "changed" : gained.length ? "widened" : lost.length ? "narrowed" : before.access !== after.access ? "changed" : before.reason !== after.reason ? "reason changed" : undefined;
        if (kind) changes.push({ kind, vault: after.vault, principalId: after.principalId, before, after, gained, lost });
    }
    for (const [k, before] of baseBy) {
        if (!headBy.has(k)) changes.push({ kind: "removed", vault: before.vault, principalId: before.principalId, before, gained: [], lost: before.capabilities });
    }
    const order: ChangeKind[] = ["widened", "added", "changed", "narrowed", "removed", "reason changed"];
    return changes.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.principalId.localeCompare(b.principalId));
}

/** Markdown cells may not hold pipes or line breaks. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export interface ReviewInput {
    stack: string;
    org: string;
    environment: string;
    rows: GrantRow[];
    findings: Finding[];
    base?: { ref: string; rows: GrantRow[]; note?: string };
}

export function renderReview(input: ReviewInput): string {
    const out: string[] = [];
    out.push(`## Access grants: ${input.org} ${input.environment} (stack \`${input.stack}\`)`);
    out.push("");
    out.push("| vault | principal | access | reason | findings |");
    out.push("| --- | --- | --- | --- | --- |");
    for (const r of input.rows) {
        const mine = input.findings.filter((f) => f.principalId?.toLowerCase() === r.principalId.toLowerCase());
        const text = mine.length
            ? mine.map((f) => (f.suppressed ? `${f.policy} (suppressed: ${f.suppressed.reason})` : `**${f.level}** ${f.policy}: ${f.detail}`)).join("<br>")
            : "none";
        out.push(`| ${cell(r.vault)} | \`${r.principalId}\` | ${cell(r.access)} | ${cell(r.reason)} | ${cell(text)} |`);
    }
    if (input.rows.length === 0) out.push("| | | no grants | | |");
    const blocking = input.findings.filter((f) => f.level === "mandatory" && !f.suppressed);
    out.push("");
    out.push(blocking.length ? `**${blocking.length} mandatory finding(s): this change cannot be deployed as it is.**` : "No mandatory finding.");
    if (input.base) {
        out.push("");
        out.push(`### Changes compared with \`${input.base.ref}\``);
        if (input.base.note) out.push("", input.base.note);
        const changes = diffGrants(input.base.rows, input.rows);
        out.push("");
        if (changes.length === 0) {
            out.push("No grant is added, removed or changed.");
        } else {
            out.push("| change | vault | principal | before | after | gained | lost |");
            out.push("| --- | --- | --- | --- | --- | --- | --- |");
            for (const c of changes) {
                const kind = c.kind === "widened" || c.kind === "added" ? `**${c.kind}**` : c.kind;
                out.push(`| ${kind} | ${cell(c.vault)} | \`${c.principalId}\` | ${cell(c.before?.access ?? "")} | ${cell(c.after?.access ?? "")} | ${cell(c.gained.join(", "))} | ${cell(c.lost.join(", "))} |`);
            }
        }
    }
    return out.join("\n");
}
