/**
 * The review as Markdown for a pull request: the summary first (blocking findings, a deploy that
 * will stop at protected resources, where credentials go), then every finding with how to fix it,
 * every grant, and with a base ref every change, down to the last stack-file key. Pure.
 */
import { DEFAULT_STUDIO_URL } from "../../core/config/parse";
import { expiryText } from "../../core/vault/grantExpiry";
import type { ProtectedChange } from "../offline/protectedResources";
import { blocks, subjectSuffix, type Finding } from "../../policy/evaluate";
import { cell, diffGrants, type GrantRow } from "./grantReview";
import type { FileChange } from "./fileDiff";
import type { RedeployChanges } from "./redeploys";
import type { OtherChange } from "./stackDiff";

export interface ReviewInput {
    stack: string;
    org: string;
    environment: string;
    rows: GrantRow[];
    findings: Finding[];
    /** `redeploy.studioUrl`; printed when it is not the default. */
    studioUrl?: string;
    /** The time expiry is judged by (ms since the epoch). Defaults to now. */
    now?: number;
    base?: {
        ref: string;
        rows: GrantRow[];
        /** Clients, app secrets, suppressions and settings: rows of their own. */
        other?: OtherChange[];
        /** Everything else in the stack file and policy/config.json. */
        files?: FileChange[];
        redeploys?: RedeployChanges;
        protectedChanges?: { changes: ProtectedChange[]; commands: string[] };
        note?: string;
    };
}

const code = (text: string) => `\`${text.replace(/`/g, "")}\``;

/** What a finding is about, for the findings table. */
function about(f: Finding): string {
    if (f.principalId) return `principal ${f.principalId}`;
    if (f.secretName) return `secret ${f.secretName}`;
    if (f.setting) return `setting ${f.setting}`;
    const cut = f.resource.lastIndexOf("::");
    return cut < 0 ? f.resource : f.resource.slice(cut + 2);
}

function levelText(f: Finding): string {
    if (!f.suppressed) return `**${f.level}**`;
    return `${f.level}, suppressed${f.suppressed.source ? ` in ${cell(f.suppressed.source)}` : ""}: ${cell(f.suppressed.reason)}`;
}

/** One row per rule, level, suppression and message: the same finding on many grants is one row naming them all. */
function findingsTable(findings: Finding[]): string[] {
    const rank = (f: Finding) => (blocks(f) ? 0 : f.suppressed ? 2 : 1);
    const groups = new Map<string, { first: Finding; message: string; subjects: string[] }>();
    for (const f of [...findings].sort((a, b) => rank(a) - rank(b) || a.policy.localeCompare(b.policy))) {
        const message = f.message.replace(subjectSuffix(f), "");
        const key = JSON.stringify([f.policy, f.level, f.suppressed ?? null, message]);
        const group = groups.get(key) ?? { first: f, message, subjects: [] };
        group.subjects.push(about(f));
        groups.set(key, group);
    }
    const rows = [...groups.values()].map((g) => `| ${levelText(g.first)} | ${cell(g.first.policy)} | ${[...new Set(g.subjects)].map(cell).join("<br>")} | ${cell(g.message)} |`);
    return ["| level | rule | about | finding and how to fix it |", "| --- | --- | --- | --- |", ...rows];
}

/** When a grant ends, and in prod why it is not protected. */
function expiryLines(r: GrantRow, input: ReviewInput): string[] {
    const text = expiryText(r.expires, input.now ?? Date.now());
    if (text === undefined) return [];
    return input.environment === "prod" ? [text, "not protected: the up after that date removes it"] : [text];
}

function grantTable(input: ReviewInput): string[] {
    const byPrincipal = new Map<string, Finding[]>();
    for (const f of input.findings) if (f.principalId) byPrincipal.set(f.principalId.toLowerCase(), [...(byPrincipal.get(f.principalId.toLowerCase()) ?? []), f]);
    const out = ["| vault | principal | access | reason | findings |", "| --- | --- | --- | --- | --- |"];
    for (const r of input.rows) {
        const mine = byPrincipal.get(r.principalId.toLowerCase()) ?? [];
        const text = mine.length ? mine.map((f) => (f.suppressed ? `${cell(f.policy)} (suppressed)` : `**${f.level}** ${cell(f.policy)}`)).join("<br>") : "none";
        out.push(`| ${cell(r.vault)} | \`${r.principalId}\` | ${[r.access, ...expiryLines(r, input)].map(cell).join("<br>")} | ${cell(r.reason)} | ${text} |`);
    }
    if (input.rows.length === 0) out.push("| | | no grants | | |");
    return out;
}

function grantChanges(base: GrantRow[], head: GrantRow[]): string[] {
    const changes = diffGrants(base, head);
    if (changes.length === 0) return ["No grant is added, removed or changed."];
    const out = ["| change | vault | principal | before | after | gained | lost |", "| --- | --- | --- | --- | --- | --- | --- |"];
    for (const c of changes) {
        const kind = c.kind === "widened" || c.kind === "added" || c.kind.endsWith("expiry extended") ? `**${c.kind}**` : c.kind;
        const reasonChanged = c.before && c.after && c.before.reason !== c.after.reason;
        const expiryChanged = c.before?.expires !== c.after?.expires;
        const expiry = (r?: GrantRow) => (r && expiryChanged ? (r.expires ? `expires ${r.expires}` : "no expiry") : "");
        const before = [c.before?.access ?? "", expiry(c.before), reasonChanged ? `reason: ${c.before!.reason}` : ""].filter(Boolean).map(cell).join("<br>");
        const after = [c.after?.access ?? "", expiry(c.after), reasonChanged ? `reason: ${c.after!.reason}` : ""].filter(Boolean).map(cell).join("<br>");
        out.push(`| ${kind} | ${cell(c.vault)} | \`${c.principalId}\` | ${before} | ${after} | ${cell(c.gained.join(", "))} | ${cell(c.lost.join(", "))} |`);
    }
    return out;
}

function otherChanges(rows: OtherChange[]): string[] {
    if (rows.length === 0) return ["No Maskinporten client, app secret, suppression, self-service, enforcement or redeploy setting is added, removed or changed."];
    const loud = ["added", "renamed", "lowered"];
    return ["| change | what | before | after |", "| --- | --- | --- | --- |", ...rows.map((c) => `| ${loud.includes(c.kind) ? `**${c.kind}**` : cell(c.kind)} | ${cell(c.subject)} | ${cell(c.before)} | ${cell(c.after)} |`)];
}

function redeploys(r: RedeployChanges): string[] {
    if (r.apps.length === 0) return ["No app is redeployed."];
    const lead = r.automatic ? "`pulumi up` redeploys these apps (each once):" : "`redeploy.enabled` is false: redeploy these apps by hand after `pulumi up` (`npm run redeploy`):";
    return [lead, "", "| app | why |", "| --- | --- |", ...r.apps.map((a) => `| ${cell(a.app)} | ${a.reasons.map(cell).join("<br>")} |`)];
}

function deletions(p: NonNullable<NonNullable<ReviewInput["base"]>["protectedChanges"]>, stack: string): string[] {
    const out = ["| change | resource |", "| --- | --- |", ...p.changes.map((c) => `| **${c.change}** | ${cell(c.what)} |`)];
    out.push("", `Run these first (the URNs as \`pulumi stack -s ${stack} --show-urns\` lists them), then merge; \`pulumi up\` then deletes or replaces them:`, "", "```sh", ...p.commands, "```");
    return out;
}

function fileChanges(rows: FileChange[]): string[] {
    if (rows.length === 0) return ["No other key of the stack file or of policy/config.json is added, removed or changed."];
    return ["| key | before | after |", "| --- | --- | --- |", ...rows.map((c) => `| ${cell(c.path)} | ${cell(c.before)} | ${cell(c.after)} |`)];
}

/** Room the summary's list of changes may take, so that it and the findings stay above the cut. */
const ATTENTION_BUDGET = 20_000;

/**
 * Every change that can widen access or move credentials, one short line each (no reasons, no
 * values), in the summary: a change that makes the review longer than one comment cannot push
 * them past the cut. Narrowings, removals of grants and reason changes are left to the tables.
 */
function attention(base: NonNullable<ReviewInput["base"]>, rows: GrantRow[]): string[] {
    const quiet = ["narrowed", "expiry shortened", "removed", "reason changed"];
    const short = (text: string) => cell(text.length > 160 ? `${text.slice(0, 160)}...` : text);
    // Settings of the whole stack (keyVault.tenantId, a provider key) first: few, and the ones a flood of rows would hide.
    const inList = (c: FileChange) => /^(accessGrants|maskinportenClients|appSecrets|suppressions)\[/.test(c.path);
    const files = (wanted: boolean) => (base.files ?? []).filter((c) => inList(c) === wanted).map((c) => `- changed: ${short(c.path)}`);
    const lines = [
        ...files(false),
        ...diffGrants(base.rows, rows)
            .filter((c) => !quiet.includes(c.kind))
            .map((c) => `- grant **${c.kind}**: ${code(c.principalId)} ${short(c.after?.access ?? "")}`),
        ...(base.other ?? []).map((c) => `- ${c.kind === "lowered" || c.kind === "added" || c.kind === "renamed" ? `**${c.kind}**` : cell(c.kind)}: ${short(c.subject)}`),
        ...files(true),
    ];
    if (lines.length === 0) return [];
    const out = ["", "Changes to check (each is in the tables below):", ""];
    let size = 0;
    for (const [i, line] of lines.entries()) {
        size += Buffer.byteLength(line) + 1;
        if (size > ATTENTION_BUDGET) {
            out.push(`- **and ${lines.length - i} more**: see the tables below and the full review`);
            break;
        }
        out.push(line);
    }
    return out;
}

export function renderReview(input: ReviewInput): string {
    const out: string[] = [`## Access review: ${cell(input.org)} ${cell(input.environment)} (stack ${code(input.stack)})`, ""];
    const blocking = input.findings.filter(blocks);
    out.push(blocking.length ? `**${blocking.length} mandatory finding(s): this change cannot be deployed as it is.**` : "No mandatory finding.");
    const base = input.base;
    const doomed = base?.protectedChanges?.changes ?? [];
    if (doomed.length) {
        out.push("", `**Deploy will stop: this change deletes or replaces ${doomed.length} protected prod resource(s). \`deploy.yml\` fails on main until someone runs the \`pulumi state unprotect\` commands under "Deletions under protect"; do not merge expecting the deploy to pass.**`);
    }
    if (input.studioUrl !== undefined && input.studioUrl !== DEFAULT_STUDIO_URL) {
        out.push("", `**Altinn Studio: ${cell(input.studioUrl)}** (not the default ${DEFAULT_STUDIO_URL}; redeploys send the Studio API key there)`);
    }
    if (base) {
        const counts = [
            `${diffGrants(base.rows, input.rows).length} grant change(s)`,
            `${base.other?.length ?? 0} client, secret or setting change(s)`,
            `${base.redeploys?.apps.length ?? 0} app(s) redeployed`,
            `${base.files?.length ?? 0} other change(s)`,
        ];
        out.push("", `Compared with ${code(base.ref)}: ${counts.join(", ")}.`);
        out.push(...attention(base, input.rows));
    }
    if (input.findings.length) out.push("", "### Findings", "", ...findingsTable(input.findings));
    out.push("", "### Access grants", "", ...grantTable(input));
    if (base) {
        out.push("", `### Changes compared with ${code(base.ref)}`);
        if (base.note) out.push("", cell(base.note));
        out.push("", "#### Grants", "", ...grantChanges(base.rows, input.rows));
        out.push("", "#### Maskinporten clients, app secrets, suppressions and settings", "", ...otherChanges(base.other ?? []));
        if (base.redeploys) out.push("", "#### Redeploys", "", ...redeploys(base.redeploys));
        if (doomed.length) out.push("", "#### Deletions under protect", "", ...deletions(base.protectedChanges!, input.stack));
        out.push("", "#### Other changes", "", ...fileChanges(base.files ?? []));
    }
    return out.join("\n");
}

/** GitHub refuses a comment longer than 65,536 characters; this leaves room for the marker and a note. */
export const COMMENT_LIMIT = 60_000;

/**
 * The review cut to fit one pull request comment (UTF-8 bytes, which bound the characters): whole
 * lines from the top (the summary comes first), then a line saying where the rest is.
 */
export function fitComment(markdown: string, stack: string, limit = COMMENT_LIMIT): string {
    if (Buffer.byteLength(markdown) <= limit) return markdown;
    const note = `\n\n**The review is cut here to fit a pull request comment.** The full review is in the artifact of this pull request's \`preview-${stack.replace(/`/g, "")}\` job (\`review-full.md\`), and in that job's summary when it fits there (1 MiB).`;
    const lines = markdown.split("\n");
    const kept: string[] = [];
    let size = Buffer.byteLength(note) + 4; // room for a closing fence
    for (const line of lines) {
        size += Buffer.byteLength(line) + 1;
        if (size > limit) break;
        kept.push(line);
    }
    // A table cut in the middle still renders; a code block left open would swallow the note.
    if (kept.filter((l) => l === "```sh" || l === "```").length % 2 === 1) kept.push("```");
    return `${kept.join("\n")}${note}`;
}
