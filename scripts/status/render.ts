/**
 * `npm run status` as a person reads it: text within 100 columns, or Markdown for GitHub with a
 * Mermaid gantt of key and grant lifetimes. Every string from the outputs was cleaned by
 * core/status/model.ts; Markdown cells are escaped again here so no value can break a table.
 */
import { wrapText } from "../cli/cli";
import { cell } from "../review/grantReview";
import { expiryText } from "../../core/vault/grantExpiry";
import { MAX_GANTT_TASKS, renderGantt } from "../../core/status/gantt";
import type { StackStatus, StatusApp, StatusClient, StatusGrant, StatusKey } from "../../core/status/model";
import { RENEW_WITHIN_DAYS } from "../../core/maskinporten/keyStatus";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** When a key expires; `ours`: a key this stack registers, which the next up renews within 30 days. */
function keyExpiry(k: { expires?: string; daysLeft?: number }, ours = true): string {
    if (k.expires === undefined || k.daysLeft === undefined) return "expiry unknown";
    const renew = ours && k.daysLeft < RENEW_WITHIN_DAYS ? "; the next pulumi up renews it" : "";
    if (k.daysLeft < 0) return `EXPIRED on ${k.expires}${renew}`;
    return `expires ${k.expires} (${plural(k.daysLeft, "day")} left${renew})`;
}

function whereRegistered(k: StatusKey): string {
    if (k.maskinporten === "by hand") return "at Maskinporten: registered by hand (expiry not known to this stack)";
    if (k.maskinporten === "missing") return "at Maskinporten: NOT FOUND at the last refresh";
    return `at Maskinporten: ${keyExpiry(k)}`;
}

function clientHeading(c: StatusClient): string {
    const how = !c.selfService ? "registered by hand" : c.createdByStack ? "self-service, client created by this stack" : "self-service";
    return [c.section, c.format, c.clientId ? `client ${c.clientId}` : undefined, how].filter(Boolean).join(", ");
}

function redeployText(a: StatusApp): string {
    switch (a.redeploy) {
        case "followed":
            return "its last redeploy followed the last change";
        case "behind":
            return `NOT redeployed since ${a.behind.join(", ")} changed`;
        case "manual":
            return "redeployed by hand (redeploy.enabled is false): the stack cannot tell whether it was";
        default:
            return "the outputs do not say when it was last redeployed";
    }
}

function grantEnd(g: StatusGrant, now: number): string {
    if (g.ended) return `expired on ${g.expires}: removed by pulumi up; delete its accessGrants entry`;
    return expiryText(g.expires, now) ?? "no end date";
}

const secretsText = (a: StatusApp) => a.secrets.map((s) => (s.version ? `${s.name} (version ${s.version.slice(0, 8)})` : s.name));

/** Plain text, every line within 100 columns. */
export function renderStatusText(status: StackStatus, now: number): string {
    const out: string[] = [];
    const head = [status.org && `org ${status.org}`, status.environment && `environment ${status.environment}`, status.vault && `vault ${status.vault}`].filter(Boolean).join(", ");
    out.push(...wrapText(`Status of stack ${status.stack}${head ? `: ${head}` : ""} (as of ${status.asOf}, from its outputs)`));
    out.push("", ...wrapText(`Maskinporten clients (${status.clients.length})`));
    for (const c of status.clients) {
        out.push(...wrapText(clientHeading(c), "  ", 4));
        if (c.adoptedKey) out.push(...wrapText("active key: the one already in the vault (adopted; its kid is not known to this stack)", "      ", 8));
        for (const k of c.keys) {
            out.push(...wrapText(`${k.role} key ${k.kid}`, "      ", 10));
            out.push(...wrapText(`${k.inVault ? "in the vault" : "not in the vault"}; ${whereRegistered(k)}`, "          ", 10));
        }
        for (const k of c.foreignKeys) out.push(...wrapText(`${k.kid}: ${keyExpiry(k, false)}`, "      registered by others: ", 8));
        if (c.nextStep) out.push(...wrapText(c.nextStep, "      next: ", 12));
    }
    if (status.clients.length === 0) out.push("  none");
    out.push("", ...wrapText(`Apps (${status.apps.length})`));
    for (const a of status.apps) {
        out.push(...wrapText(`${a.app}${a.envName ? ` in ${a.envName}` : ""}: ${redeployText(a)}`, "  ", 4));
        out.push(...wrapText(secretsText(a).join(", "), "      reads: ", 8));
    }
    if (status.apps.length === 0) out.push("  none");
    out.push("", ...wrapText(`Access grants, by days left (${status.grants.length})`));
    for (const g of status.grants) {
        out.push(...wrapText(`${g.principalId}: ${g.ended ? "" : `${g.access}; `}${grantEnd(g, now)}`, "  ", 4));
        out.push(...wrapText(g.reason, "      reason: ", 14));
    }
    if (status.grants.length === 0) out.push("  none");
    out.push("", ...wrapText(`Unmanaged access, found by the last pulumi up's vault audit (${status.unmanagedAccess.length})`));
    for (const u of status.unmanagedAccess) out.push(...wrapText(`${u.principalId}: ${u.access} via ${u.source}`, "  ", 4));
    if (status.unmanagedAccess.length === 0) out.push("  none");
    for (const note of status.notes) out.push(...wrapText(note, "note: ", 6));
    return out.join("\n");
}

/** A code span for ids made of safe characters; anything else is escaped table text. */
const code = (s: string) => (/^[\w.-]+$/.test(s) ? `\`${s}\`` : cell(s));

/** Markdown for a GitHub issue or comment: tables and a Mermaid gantt chart. */
export function renderStatusMarkdown(status: StackStatus, now: number): string {
    const out: string[] = [];
    const head = [status.org && `org ${status.org}`, status.environment && `environment ${status.environment}`, status.vault && `vault ${status.vault}`].filter(Boolean).join(", ");
    out.push(`## Status of stack ${code(status.stack)}`, "", `${cell(head || "(the outputs name no org)")}, as of ${status.asOf} (from the stack's outputs).`);
    const gantt = renderGantt(status);
    if (gantt) out.push("", "```mermaid", gantt.text, "```");
    if (gantt?.omitted) out.push("", `The chart shows the ${MAX_GANTT_TASKS} lifetimes that end soonest; ${gantt.omitted} more are in the tables below.`);
    out.push("", `### Maskinporten clients (${status.clients.length})`);
    for (const c of status.clients) {
        out.push("", `**${cell(c.section)}**: ${cell(clientHeading(c).slice(c.section.length + 2))}`);
        if (c.nextStep) out.push("", `Next: ${cell(c.nextStep)}`);
        out.push("", "| key | kid | in the vault | at Maskinporten |", "| --- | --- | --- | --- |");
        if (c.adoptedKey) out.push("| active | (adopted) | yes | unknown to this stack |");
        for (const k of c.keys) out.push(`| ${k.role} | ${code(k.kid)} | ${k.inVault ? "yes" : "no"} | ${cell(whereRegistered(k).replace(/^at Maskinporten: /, ""))} |`);
        for (const k of c.foreignKeys) out.push(`| registered by others | ${code(k.kid)} | no | ${cell(keyExpiry(k, false))} |`);
    }
    if (status.clients.length === 0) out.push("", "None.");
    out.push("", `### Apps (${status.apps.length})`, "");
    if (status.apps.length) {
        out.push("| app | environment | secrets it reads | last redeploy |", "| --- | --- | --- | --- |");
        for (const a of status.apps) out.push(`| ${cell(a.app)} | ${cell(a.envName ?? "")} | ${secretsText(a).map(cell).join("<br>")} | ${cell(redeployText(a))} |`);
    } else out.push("None.");
    out.push("", `### Access grants, by days left (${status.grants.length})`, "");
    if (status.grants.length) {
        out.push("| principal | access | ends | reason |", "| --- | --- | --- | --- |");
        for (const g of status.grants) {
            const end = cell(grantEnd(g, now));
            const soon = g.daysLeft !== undefined && g.daysLeft <= 7;
            out.push(`| ${code(g.principalId)} | ${cell(g.access)} | ${soon ? `**${end}**` : end} | ${cell(g.reason)} |`);
        }
    } else out.push("None.");
    out.push("", `### Unmanaged access (${status.unmanagedAccess.length})`, "");
    if (status.unmanagedAccess.length) {
        out.push("Found by the last `pulumi up`'s vault audit: access the stack file does not declare.", "", "| principal | access | via |", "| --- | --- | --- |");
        for (const u of status.unmanagedAccess) out.push(`| ${code(u.principalId)} | ${cell(u.access)} | ${cell(u.source)} |`);
    } else out.push("None found by the last `pulumi up`.");
    if (status.notes.length) out.push("", ...status.notes.map((n) => `> ${cell(n)}`));
    return out.join("\n");
}
