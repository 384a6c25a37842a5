/**
 * The plan report as a person reads it: grouped, within 100 columns, no JSON on one line, no URNs.
 */
import { wrapText } from "../cli/cli";
import { DEFAULT_STUDIO_URL } from "../../core/config/parse";
import type { PlanFinding, PlanReport } from "./model";
import { expiryText } from "../../core/vault/grantExpiry";
import { subjectSuffix } from "../../policy/evaluate";

export interface TextOptions {
    /** Colour mandatory findings (a terminal without NO_COLOR). Defaults to false. */
    color?: boolean;
    /** The time grant expiry is judged by (ms since the epoch). Defaults to now. */
    now?: number;
}

/** `type::name` -> the name a person knows the resource by. */
function nameOf(resource: string): string {
    const cut = resource.lastIndexOf("::");
    return cut < 0 ? resource : resource.slice(cut + 2);
}

/** What a finding is about, once: the principal, the secret or the resource's name. */
function subjectOf(f: PlanFinding): string {
    return f.principalId ? `grant for ${f.principalId}` : f.secretName ? `secret ${f.secretName}` : f.setting ? `setting ${f.setting}` : nameOf(f.resource);
}

/** The finding's message without the "(principal ...)" or "(secret ...)" the subject already says. */
function messageOf(f: PlanFinding): string {
    const who = subjectSuffix(f);
    return who ? f.message.replace(who, "") : f.message;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
    return groups;
}

/** The report as a person reads it: grouped, within 100 columns, no JSON on one line, no URNs. */
export function renderText(report: PlanReport, options: TextOptions = {}): string {
    const out: string[] = [];
    const list = (lead: string, items: string[]) => out.push(...wrapText(items.join(", "), lead));
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
            out.push(...wrapText(g.reason, "        reason: ", 16));
            const ends = expiryText(g.expires, options.now ?? Date.now());
            if (ends) out.push(...wrapText(`${ends}${g.protect ? "" : "; not protected, so that up can remove it"}`, "        ", 8));
        }
    }
    if (report.grants.length === 0) out.push("  none");
    for (const g of report.expiredGrants ?? []) {
        out.push(...wrapText(`${g.principalId}: expired on ${g.expires}: removed at the next pulumi up; delete its accessGrants entry`, "  ended: ", 4));
    }
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
        out.push(...wrapText("Kids marked (placeholder) belong to stand-in keys made for this offline plan: pulumi up generates other keys with other kids.", "  "));
    }
    for (const c of report.clients) {
        out.push(`  ${c.section}: ${c.format} format, client ${c.registration?.clientId ?? c.clientId}, ${c.state}`);
        out.push(c.activeKid ? `      active kid ${placeholder(c.activeKid, c.placeholderKids)}` : "      active key: the one already in the vault (adopted: kept, not written by this stack)");
        if (c.stagedKid) out.push(`      staged kid ${placeholder(c.stagedKid, c.placeholderKids)}`);
        for (const k of c.publicJwks.keys.filter((k) => k.kid !== c.activeKid && k.kid !== c.stagedKid)) out.push(`      retired kid ${placeholder(k.kid, c.placeholderKids)}`);
        out.push(...wrapText(c.nextStep, "      next: ", 12));
        out.push(...wrapText(c.keyProof, "      key proof: ", 17));
        if (c.registration) {
            const r = c.registration;
            const kids = r.keys.map((k) => placeholder(k, c.placeholderKids)).join(", ");
            out.push(...wrapText(`pulumi up ${r.createsClient ? "creates the client and registers" : "registers"} ${kids} at Maskinporten; ${r.liveExpiry}`, "      self-service: ", 20));
            out.push(...wrapText(`API ${r.apiUrl} (gets the admin token), authority ${r.authority} (gets the signed grant)`, "      sends to: ", 16));
        }
    }
    if (report.clients.some((c) => !c.registration && c.publicJwks.keys.length > 0)) out.push(...wrapText("The public keys to register by hand at Samarbeidsportalen: pulumi stack output maskinportenClients (publicJwks).", "  "));
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
        out.push(...wrapText(report.audit.note, "  "));
        for (const u of report.audit.unmanagedAccess) out.push(...wrapText(`${String(u.principalId)} via ${String(u.source)}`, "  unmanaged: ", 4));
        out.push("");
    }
    const open = report.findings.filter((f) => !f.suppressed);
    out.push(`Policy findings (${open.length} open, ${report.findings.length - open.length} suppressed)`);
    for (const f of report.findings) {
        const tag = f.suppressed ? "[suppressed]" : `[${f.level}]`;
        const shown = options.color && f.level === "mandatory" && !f.suppressed ? `\x1b[1;31m${tag}\x1b[0m` : tag;
        out.push(`  ${shown} ${f.policy}: ${subjectOf(f)}`);
        out.push(...wrapText(messageOf(f), "      "));
        if (f.suppressed) out.push(...wrapText(f.suppressed.reason, "      suppressed: ", 18));
    }
    if (report.findings.length === 0) out.push("  none");
    return out.join("\n");
}

/** `secrets: get, list; keys: get`, leaving out empty lists; "nothing" when all are empty. */
export function formatPermissions(p: Partial<Record<string, string[]>>): string {
    const parts = Object.entries(p).filter(([, v]) => v && v.length > 0).map(([k, v]) => `${k}: ${v!.join(", ")}`);
    return parts.length ? parts.join("; ") : "nothing";
}
