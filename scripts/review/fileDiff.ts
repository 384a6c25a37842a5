/**
 * The whole stack file compared key by key, every top-level key and every namespace: what the
 * review shows in no section of its own comes out here, under "Other changes", with the old and
 * the new value. A `secure:` value is never shown: only that it changed. Pure.
 */
import { PROJECT } from "../../core/config/parse";

export interface FileChange {
    /** Where, as a person finds it in the file: `keyVault.authorization`, `azure-native:oidcRequestUrl`. */
    path: string;
    before: string;
    after: string;
}

type Leaves = Map<string, unknown>;

const NOT_SET = "(not set)";
const MAX_SHOWN = 300;

/** List entries with a name of their own, so an entry moved in its list is still the same entry. */
const IDENTITY: Record<string, (item: Record<string, unknown>) => unknown> = {
    accessGrants: (g) => (typeof g.principalId === "string" ? `principalId=${g.principalId.toLowerCase()}` : undefined),
    maskinportenClients: (c) => (typeof c.section === "string" ? `section=${c.section.toLowerCase()}` : undefined),
    appSecrets: (s) => (typeof s.section === "string" && typeof s.key === "string" ? `name=${s.section}--${s.key}` : undefined),
    allowedConfigKeys: (a) => (typeof a.name === "string" ? `name=${a.name}` : undefined),
    allowedEscEnvironments: (a) => (typeof a.name === "string" ? `name=${a.name}` : undefined),
};

/** Paths that have a section of their own in the review (grants, clients, secrets, suppressions, settings). */
const COVERED = [
    /^accessGrants\[[^\]]*\]\.(principalId|access|permissions|role|reason|expires)(\.|\[|$)/,
    /^maskinportenClients\[[^\]]*\]\.(section|clientId|format|scope|apps|keyGeneration|nextKeyGeneration|retiredKeyGenerations|register)(\.|\[|$)/,
    /^appSecrets\[[^\]]*\]\.(section|key|value|apps)(\.|\[|$)/,
    /^suppressions(\.|\[|$)/,
    /^redeploy\.(enabled|studioUrl)$/,
    /^keyVault\.unmanagedAccess$/,
    /^maskinporten\.selfService(\.|$)/,
    /^policy\/config\.json allowedMaskinportenHosts(\.|\[|$)/,
    /^policy\/config\.json suppressions(\.|\[|$)/,
    /^policy\/config\.json \$comment$/,
];

const isSecure = (v: unknown): v is { secure: unknown } => v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v) && !isSecure(v);

/** Flatten `value` into leaves: objects by key, lists of named entries by name, other lists whole. */
function flatten(value: unknown, path: string, list: string, out: Leaves): void {
    const join = (key: string) => (path === "" || path.endsWith(" ") ? `${path}${key}` : `${path}.${key}`);
    if (isObject(value)) {
        for (const [k, v] of Object.entries(value)) flatten(v, join(k), k, out);
        return;
    }
    const identity = IDENTITY[list];
    if (Array.isArray(value) && identity && value.every(isObject)) {
        const names = value.map((item) => identity(item as Record<string, unknown>));
        const unique = names.every((n) => n !== undefined) && new Set(names).size === names.length;
        value.forEach((item, i) => flatten(item, `${path}[${unique ? String(names[i]) : i}]`, "", out));
        return;
    }
    out.set(path, value);
}

/** Keys sorted, so that order alone is no change; `redact`: every `secure:` value as "(secret)", for showing. */
function stable(value: unknown, redact = false): unknown {
    if (redact && isSecure(value)) return "(secret)";
    if (Array.isArray(value)) return value.map((v) => stable(v, redact));
    if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, stable(value[k], redact)]));
    return value;
}

function shown(value: unknown): string {
    if (value === undefined) return NOT_SET;
    if (isSecure(value)) return "(secret)";
    const text = typeof value === "string" ? value : JSON.stringify(stable(value, true));
    return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}... (${text.length} characters)` : text;
}

/** The stack file's leaves; project keys by their path in the namespace, other keys by their full name. */
function stackLeaves(doc: Record<string, unknown>): Leaves {
    const out: Leaves = new Map();
    for (const [key, value] of Object.entries(doc)) {
        if (key !== "config") {
            out.set(key === "environment" ? "environment: (Pulumi ESC imports)" : key, value);
            continue;
        }
        for (const [name, v] of Object.entries(isObject(value) ? value : {})) {
            const full = name.includes(":") ? name : `${PROJECT}:${name}`;
            if (full.startsWith(`${PROJECT}:`)) flatten(v, full.slice(PROJECT.length + 1), full.slice(PROJECT.length + 1), out);
            else out.set(full, v);
        }
    }
    return out;
}

/** A grant's own entry (`accessGrants[principalId=...]`), when the path is inside one. */
const GRANT_ENTRY = /^accessGrants\[principalId=[^\]]*\]/;

function diffLeaves(base: Leaves, head: Leaves): FileChange[] {
    const out: FileChange[] = [];
    const entries = (leaves: Leaves) => new Set([...leaves.keys()].map((p) => GRANT_ENTRY.exec(p)?.[0]).filter((e) => e !== undefined));
    const [baseGrants, headGrants] = [entries(base), entries(head)];
    for (const path of [...new Set([...base.keys(), ...head.keys()])].sort()) {
        if (COVERED.some((c) => c.test(path))) continue;
        // A grant added or removed is a row of the grants section, every key of it included.
        const grant = GRANT_ENTRY.exec(path)?.[0];
        if (grant && baseGrants.has(grant) !== headGrants.has(grant)) continue;
        const b = base.get(path);
        const h = head.get(path);
        if (JSON.stringify(stable(b)) === JSON.stringify(stable(h))) continue;
        // A secret shows only that it changed, never its value or its ciphertext.
        const secretChanged = isSecure(b) && isSecure(h);
        out.push({ path, before: shown(b), after: secretChanged ? "(secret) changed" : shown(h) });
    }
    return out;
}

/** Every change between two stack files that the review shows in no other section. */
export function diffStackFile(base: Record<string, unknown>, head: Record<string, unknown>): FileChange[] {
    return diffLeaves(stackLeaves(base), stackLeaves(head));
}

/** Every change to policy/config.json other than its suppressions (which have rows of their own). */
export function diffPackFile(base: Record<string, unknown>, head: Record<string, unknown>): FileChange[] {
    const leaves = (doc: Record<string, unknown>) => {
        const out: Leaves = new Map();
        flatten(doc, "policy/config.json ", "", out);
        return out;
    };
    return diffLeaves(leaves(base), leaves(head));
}
