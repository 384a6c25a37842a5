/**
 * What a change does besides grants, compared with the config at a base ref: Maskinporten
 * clients and app secrets added, removed or renamed, key generation changes, suppressions,
 * and the redeploy settings. Also the one finding only a comparison can make: a client whose
 * active key changes without having been staged. Pure, and loads no Pulumi SDK (the review
 * reports bad config without it).
 */
import type { MaskinportenClientConfig, StackConfig } from "../../core/config/parse";
import type { PackSuppression } from "../../core/policy/rule";
import { jwkSecretName, rotationStatus } from "../../core/maskinporten/settings";
import type { Finding, Suppression } from "../../policy/evaluate";
import { suppressionFor } from "../../policy/evaluate";
import { diffSelfService } from "./selfServiceDiff";
import { REVIEW_FINDING_LEVELS } from "../../core/policy/ruleIds";

export type OtherChangeKind = "added" | "removed" | "renamed" | "key generation" | "changed" | "value changed" | "reason changed" | "lowered" | "raised";

/** One line of the review's "other changes" table. Every string is user data: the renderer escapes it. */
export interface OtherChange {
    kind: OtherChangeKind;
    /** What changed, e.g. `Maskinporten client MaskinportenSettings`. */
    subject: string;
    before: string;
    after: string;
}

export const KEY_CHANGE_STAGED = "key-change-staged";
/** What fires it, for docs/reference.md. */
export const KEY_CHANGE_FIRES_WHEN =
    "`npm run review -- --base <ref>` only: a client's active key would change without having been staged at the base ref, e.g. its section was renamed, even only in case. Suppressible in policy/config.json like a rule's.";

/** Pair each head item with the base item it continues: same name, else same name ignoring case, else `sameThing`. */
function pair<T>(base: T[], head: T[], name: (t: T) => string, sameThing?: (b: T, h: T) => boolean): { matched: [T, T][]; added: T[]; removed: T[] } {
    const left = new Set(base);
    const matched: [T, T][] = [];
    const added: T[] = [];
    const take = (h: T, test: (b: T) => boolean): boolean => {
        const b = [...left].find(test);
        if (b === undefined) return false;
        left.delete(b);
        matched.push([b, h]);
        return true;
    };
    const pending: T[] = [];
    for (const h of head) if (!take(h, (b) => name(b) === name(h))) pending.push(h);
    const rest: T[] = [];
    for (const h of pending) if (!take(h, (b) => name(b).toLowerCase() === name(h).toLowerCase())) rest.push(h);
    for (const h of rest) if (!sameThing || !take(h, (b) => sameThing(b, h))) added.push(h);
    return { matched, added, removed: [...left] };
}

function generations(c: MaskinportenClientConfig): string {
    const parts = [`keyGeneration ${c.keyGeneration}`];
    if (c.nextKeyGeneration !== undefined) parts.push(`nextKeyGeneration ${c.nextKeyGeneration}`);
    if (c.retiredKeyGenerations.length) parts.push(`retiredKeyGenerations ${c.retiredKeyGenerations.join(", ")}`);
    return parts.join(", ");
}

/** The client's ID, or that the stack creates it: a client to be registered by self-service has none yet. */
export function clientIdText(c: MaskinportenClientConfig): string {
    return c.clientId !== undefined ? `client ${c.clientId}` : c.register ? "client created by the stack at pulumi up (self-service)" : "client without an ID";
}

function clientText(c: MaskinportenClientConfig): string {
    return `${clientIdText(c)}, ${c.format}, ${generations(c)}, apps: ${c.apps.join(", ") || "none"}`;
}

function clientPairs(base: StackConfig, head: StackConfig) {
    return pair(base.maskinportenClients, head.maskinportenClients, (c) => c.section, (b, h) => b.clientId === h.clientId);
}

export function diffOther(base: StackConfig, head: StackConfig, basePack?: PackSuppression[], headPack?: PackSuppression[]): OtherChange[] {
    const out: OtherChange[] = [];
    const clients = clientPairs(base, head);
    for (const c of clients.added) out.push({ kind: "added", subject: `Maskinporten client ${c.section}`, before: "", after: clientText(c) });
    for (const c of clients.removed) out.push({ kind: "removed", subject: `Maskinporten client ${c.section}`, before: clientText(c), after: "" });
    for (const [b, h] of clients.matched) {
        const subject = `Maskinporten client ${h.section}`;
        if (b.section !== h.section) out.push({ kind: "renamed", subject, before: `section ${b.section}`, after: `section ${h.section}` });
        if (generations(b) !== generations(h)) out.push({ kind: "key generation", subject, before: generations(b), after: generations(h) });
        const rest = (c: MaskinportenClientConfig) => `${clientIdText(c)}, ${c.format}, scope ${c.scope ?? "(none)"}, apps: ${c.apps.join(", ") || "none"}`;
        if (rest(b) !== rest(h)) out.push({ kind: "changed", subject, before: rest(b), after: rest(h) });
    }
    out.push(...diffSelfService(base, head, clients.matched, clients.removed));

    // A secret's offline value is derived from its ciphertext: the same ciphertext under a new name is a rename.
    const name = (s: StackConfig["appSecrets"][number]) => `${s.section}--${s.key}`;
    const secrets = pair(base.appSecrets, head.appSecrets, name, (b, h) => b.value === h.value);
    const apps = (s: StackConfig["appSecrets"][number]) => `apps: ${s.apps.join(", ") || "none"}`;
    for (const s of secrets.added) out.push({ kind: "added", subject: `app secret ${name(s)}`, before: "", after: apps(s) });
    for (const s of secrets.removed) out.push({ kind: "removed", subject: `app secret ${name(s)}`, before: apps(s), after: "" });
    for (const [b, h] of secrets.matched) {
        const subject = `app secret ${name(h)}`;
        if (name(b) !== name(h)) out.push({ kind: "renamed", subject, before: name(b), after: name(h) });
        if (b.value !== h.value) out.push({ kind: "value changed", subject, before: "(secret)", after: "(new secret value)" });
        if (apps(b) !== apps(h)) out.push({ kind: "changed", subject, before: apps(b), after: apps(h) });
    }

    // Everything compares principals ignoring case, but Azure is sent the spelling: a new one is a change pulumi up makes.
    for (const h of head.accessGrants) {
        const b = base.accessGrants.find((g) => g.principalId === h.principalId);
        if (b && b.principalIdInAzure !== undefined && h.principalIdInAzure !== undefined && b.principalIdInAzure !== h.principalIdInAzure) {
            out.push({ kind: "changed", subject: `grant for ${h.principalId}: principalId as sent to Azure`, before: b.principalIdInAzure, after: `${h.principalIdInAzure} (pulumi up updates or replaces its access policy or role assignment)` });
        }
    }
    out.push(...diffSuppressions(base.suppressions, head.suppressions, "stack file"));
    if (basePack && headPack) out.push(...diffSuppressions(basePack, headPack, "policy/config.json"));

    if (base.redeploy.studioUrl !== head.redeploy.studioUrl) out.push({ kind: "changed", subject: "redeploy.studioUrl", before: base.redeploy.studioUrl, after: head.redeploy.studioUrl });
    if (base.redeploy.enabled !== head.redeploy.enabled) out.push({ kind: "changed", subject: "redeploy.enabled", before: String(base.redeploy.enabled), after: String(head.redeploy.enabled) });
    return out;
}

/**
 * Suppressions added, removed or with another reason, in one file. Each is known by its rule and
 * what it is for: a principal, a secret or (policy/config.json) a stack-file setting, so that
 * moving a suppression from one setting to another is a change. The same suppression listed twice
 * counts twice: a second copy with another reason is a change too.
 */
function diffSuppressions(base: PackSuppression[], head: PackSuppression[], where: string): OtherChange[] {
    const key = (s: PackSuppression) =>
        `${s.rule} for ${s.principalId ? `principal ${s.principalId.toLowerCase()}` : s.secretName !== undefined ? `secret ${s.secretName}` : `setting ${s.setting}`}`;
    const byKey = (list: PackSuppression[]) => {
        const out = new Map<string, string[]>();
        for (const s of list) out.set(key(s), [...(out.get(key(s)) ?? []), s.reason]);
        return out;
    };
    const reasons = (list: string[]) => list.map((r) => `reason: ${r}`).join("; ");
    const out: OtherChange[] = [];
    const baseBy = byKey(base);
    const headBy = byKey(head);
    for (const [k, now] of headBy) {
        const was = baseBy.get(k);
        const subject = `suppression (${where}) of ${k}`;
        if (!was) out.push({ kind: "added", subject, before: "", after: reasons(now) });
        else if ([...was].sort().join("\n") === [...now].sort().join("\n")) continue;
        else out.push({ kind: was.length === 1 && now.length === 1 ? "reason changed" : "changed", subject, before: reasons(was), after: reasons(now) });
    }
    for (const [k, was] of baseBy) if (!headBy.has(k)) out.push({ kind: "removed", subject: `suppression (${where}) of ${k}`, before: reasons(was), after: "" });
    return out;
}

/**
 * Clients whose active key pair changes without having been staged at the base ref: the key
 * pair is kept per section and generation, so a renamed section (even only its case) or an
 * unstaged keyGeneration puts a new, unregistered key straight into the vault. Mandatory in
 * prod, advisory in tt02; suppressible only in policy/config.json.
 */
export function keyChangeFindings(base: StackConfig, head: StackConfig, ref: string, pack: Suppression[] = []): Finding[] {
    const level = REVIEW_FINDING_LEVELS[KEY_CHANGE_STAGED][head.environment];
    const out: Finding[] = [];
    for (const [b, h] of clientPairs(base, head).matched) {
        const { published } = rotationStatus(b);
        const kept = b.section === h.section && published.includes(h.keyGeneration);
        if (kept) continue;
        const at = `maskinportenClients[section=${h.section}]`;
        const why =
            b.section !== h.section
                ? `was section ${b.section} at ${ref}: a renamed section gets a new key pair, which goes straight into the vault unregistered and breaks the apps until it is registered. Keep the old section name, or add the new section as a separate client, register its key, then remove the old one.`
                : `keyGeneration ${b.keyGeneration} -> ${h.keyGeneration} was not staged at ${ref} (nextKeyGeneration ${b.nextKeyGeneration ?? "unset"}): the new key goes straight into the vault unregistered. Stage it first: set nextKeyGeneration: ${h.keyGeneration}, pulumi up, register the key, then activate it.`;
        const finding: Finding = {
            policy: KEY_CHANGE_STAGED,
            level,
            resource: at,
            detail: b.section !== h.section ? "Key::section-renamed" : "Key::not-staged",
            message: `The client's active key changes without having been staged. ${at} ${why}`,
            secretName: jwkSecretName(h),
        };
        const suppressed = suppressionFor(finding, [], pack);
        if (suppressed) finding.suppressed = suppressed;
        out.push(finding);
    }
    return out;
}
