/**
 * The grant review for pull requests: every grant as a Markdown table, and what a change adds,
 * removes, widens or narrows compared with the config at a base ref. Pure.
 */
import type { AccessGrantConfig, StackConfig } from "../../core/config/parse";
import { grantPermissions, grantRoleId } from "../../core/vault/grants";
import { roleName } from "../../core/vault/roles";
import { formatPermissions } from "../plan/renderText";

export interface GrantRow {
    vault: string;
    principalId: string;
    /** What is granted, as a reviewer reads it. */
    access: string;
    /** Fine-grained abilities, for spotting a widening: `secrets:get`, `keys:sign`, `role:Owner`... */
    capabilities: string[];
    reason: string;
    /** `accessGrants[].expires`: the grant's last day (UTC), when it ends by itself. */
    expires?: string;
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
        .map((g) => ({
            vault: config.keyVault.name,
            principalId: g.principalId,
            reason: g.reason,
            ...describeGrant(g, config.keyVault.authorization),
            ...(g.expires === undefined ? {} : { expires: g.expires }),
        }))
        .sort((a, b) => a.vault.localeCompare(b.vault) || a.principalId.localeCompare(b.principalId));
}

export type ChangeKind =
    | "added"
    | "removed"
    | "widened"
    | "narrowed"
    | "changed"
    | "expiry extended"
    | "narrowed, expiry extended"
    | "changed, expiry extended"
    | "expiry shortened"
    | "reason changed";

/** A later end (or none at all) keeps access longer: a widening in time. */
function expiryChange(before: GrantRow, after: GrantRow): ChangeKind | undefined {
    if (before.expires === after.expires) return undefined;
    if (after.expires === undefined) return "expiry extended";
    return before.expires !== undefined && after.expires > before.expires ? "expiry extended" : "expiry shortened";
}

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
        const time = expiryChange(before, after);
        const access: ChangeKind | undefined =
            gained.length && lost.length ? "changed" : gained.length ? "widened" : lost.length ? "narrowed" : before.access !== after.access ? "changed" : undefined;
        // A later or no end is a widening in time: a narrowing beside it must not make it read as one.
        const kind: ChangeKind | undefined =
            access === undefined
                ? (time ?? (before.reason !== after.reason ? "reason changed" : undefined))
                : time === "expiry extended" && access !== "widened"
                  ? `${access}, expiry extended`
                  : access;
        if (kind) changes.push({ kind, vault: after.vault, principalId: after.principalId, before, after, gained, lost });
    }
    for (const [k, before] of baseBy) {
        if (!headBy.has(k)) changes.push({ kind: "removed", vault: before.vault, principalId: before.principalId, before, gained: [], lost: before.capabilities });
    }
    const order: ChangeKind[] = ["widened", "added", "expiry extended", "changed, expiry extended", "narrowed, expiry extended", "changed", "narrowed", "expiry shortened", "removed", "reason changed"];
    return changes.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.principalId.localeCompare(b.principalId));
}

/**
 * Text for a GFM table cell: user data cannot end the cell (`|`), the row (CR, LF), open HTML or
 * a comment (`<`, `>`), a code span (backtick), or format itself. Characters become entities,
 * which Markdown renders as the character itself, after the table is split into cells.
 */
export function cell(text: string): string {
    return text.replace(/\r\n|[\r\n\t\u2028\u2029]/g, " ").replace(/[&<>|`\\*_[\]~]/g, (c) => `&#${c.charCodeAt(0)};`);
}
