/**
 * zod's issues as one line per mistake, naming the key path and never echoing a secret value.
 */
import type { z } from "zod";
import { PROJECT } from "./schema";
import { pathText, stackFlag } from "./rules";
import { closest, didYouMean } from "./closest";
import type { ParseOptions, RawConfig } from "./model";

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let v: unknown = root;
    for (const seg of path) {
        if (v === null || typeof v !== "object" || !Object.hasOwn(v, seg as string)) return undefined;
        v = (v as Record<PropertyKey, unknown>)[seg as string];
    }
    return v;
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "an object";
    return `${typeof value} ${JSON.stringify(value)}`;
}

/** The kind of a value without the value itself (for places that may hold a secret). */
function kindOf(value: unknown): string {
    return value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Decides, per key path, whether a value may be echoed in an error: "secret" where a secret is
 * meant to be, "hidden" under a key Pulumi marks secret as a whole (under `pulumi up`, without the
 * stack file's paths, any value there may be the decrypted one), false where it may be shown.
 */
function secrecy(opts: ParseOptions): (path: readonly PropertyKey[]) => "secret" | "hidden" | false {
    const secretKeys = new Set((opts.secretKeys ?? []).filter((k) => k.startsWith(`${PROJECT}:`)).map((k) => k.slice(PROJECT.length + 1)));
    return (path) => {
        const text = pathText(path);
        if (path[0] === "appSecrets" && path.length >= 3 && path[2] === "value") return "secret";
        if (opts.secretPaths) return opts.secretPaths.some((p) => text === p || text.startsWith(`${p}.`) || text.startsWith(`${p}[`)) && "secret";
        const key = String(path[0] ?? "");
        if (!secretKeys.has(key)) return false;
        // Anywhere else a secure: value is itself the mistake (misplacedSecretErrors says so).
        return key === "appSecrets" && path.length > 1 ? "hidden" : "secret";
    };
}

/** One line per zod issue, placeholders filled in; a value is shown only where it is not secret. */
export function issueLines(issues: readonly z.core.$ZodIssue[], top: Record<string, unknown>, opts: ParseOptions): string[] {
    const isSecret = secrecy(opts);
    const lines: string[] = [];
    const line = (path: readonly PropertyKey[], template: string) => {
        const value = valueAt(top, path);
        const secrecyHere = isSecret(path);
        const secret = secrecyHere !== false;
        const hidden = secrecyHere === "hidden" ? ` (hidden: ${String(path[0])} holds a secret)` : "";
        // An appSecrets item that is not an object may be a misplaced secret: show its kind only.
        const underAppSecrets = path[0] === "appSecrets" && path.length === 2;
        // A suggestion says how close a value is to a known word: none for a secret.
        lines.push(
            `${pathText(path)}: ${(secret ? template.replace(/; did you mean [^;]*\?$/, "") : template)
                .replaceAll("{stack}", stackFlag(opts.stack))
                .replaceAll("{path}", pathText(path))
                .replaceAll("{value}", hidden ? `the value${hidden}` : secret ? "the secret value" : JSON.stringify(value))
                .replaceAll("{got}", hidden ? `a value${hidden}` : secret ? "a secret value" : underAppSecrets ? kindOf(value) : describe(value))
                .replaceAll("{kind}", hidden ? `a value${hidden}` : secret ? "a secret value" : kindOf(value))}`,
        );
    };
    for (const iss of issues) {
        const templated = iss.message.includes("{") || iss.code === "custom";
        if (iss.code === "unrecognized_keys") {
            const known = /expected one of (.*)\)$/.exec(iss.message)?.[1].split(", ") ?? [];
            for (const key of iss.keys) {
                // Under a key Pulumi marks secret, an unknown key may be a secret pasted as a key: say only how long it is.
                if (isSecret([...iss.path, key]) !== false) {
                    line([...iss.path, `<a key of ${key.length} characters>`], iss.message);
                    continue;
                }
                const guess = closest(key, known);
                line([...iss.path, key], guess ? `${iss.message}; did you mean ${guess}?` : iss.message);
            }
        } else if (iss.code === "invalid_type" && !templated) {
            const value = valueAt(top, iss.path);
            const expected: Record<string, string> = { string: "a string", array: "a list", object: "an object", boolean: "true or false" };
            line(iss.path, value === undefined ? "is required" : iss.expected === "boolean" ? "must be true or false, got {got}" : `must be ${expected[iss.expected] ?? iss.expected}, got {got}`);
        } else if (iss.code === "invalid_value" && !templated && valueAt(top, iss.path) === undefined) {
            line(iss.path, "is required");
        } else if (iss.code === "invalid_value" && !templated) {
            line(iss.path, `{value} is not one of ${iss.values.map(String).join(", ")}${didYouMean(valueAt(top, iss.path), iss.values.map(String))}`);
        } else {
            line(iss.path, iss.message);
        }
    }
    return lines;
}

/** The first line per key path: one mistake per key, the most basic one first. */
export function firstPerPath(lines: string[]): string[] {
    const seen = new Set<string>();
    return lines.filter((l) => {
        const key = l.slice(0, l.indexOf(": "));
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

/** `appSecrets[0].value` as its path segments. */
const segments = (text: string): PropertyKey[] => (text.match(/[^.[\]]+/g) ?? []).map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/**
 * Every string an error must not show: each app secret's value, and every string inside a value
 * that is secret (the stack file's `secure:` paths when known; else, under `pulumi up`, whole keys
 * Pulumi marks secret, whatever part of them the decrypted value sits in).
 */
function secretStrings(raw: RawConfig, top: Record<string, unknown>, opts: ParseOptions): string[] {
    const out = new Set<string>();
    const leaves = (v: unknown): void => {
        if (typeof v === "string") out.add(v);
        else if (Array.isArray(v)) v.forEach(leaves);
        else if (v !== null && typeof v === "object") Object.values(v).forEach(leaves);
    };
    if (Array.isArray(top.appSecrets)) for (const a of top.appSecrets) if (a !== null && typeof a === "object") leaves((a as Record<string, unknown>).value);
    if (opts.secretPaths) for (const p of opts.secretPaths) leaves(valueAt(top, segments(p)));
    else for (const k of opts.secretKeys ?? []) leaves(k.startsWith(`${PROJECT}:`) ? top[k.slice(PROJECT.length + 1)] : raw[k]);
    return [...out].filter((v) => v.trim() !== "").sort((a, b) => b.length - a.length);
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const HIDDEN = "(hidden: a secret value)";

/** The forms a message may show of `secret`: itself, JSON-escaped, and a URL's origin and host (a message may name those alone). */
function shownForms(secret: string): string[] {
    const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
    try {
        const url = new URL(secret);
        forms.add(url.origin);
        forms.add(url.hostname);
    } catch {
        // not a URL
    }
    return [...forms].filter((f) => f.length >= 2 && f !== "null").sort((a, b) => b.length - a.length);
}

/**
 * `lines` with every secret string replaced, after each line's key path: a rule that checks two
 * keys together may quote a value ("lists "x" twice", "the default "<org>-tt02-apps-kv""), and
 * under `pulumi up` any string in a secret key may be the decrypted one. Matched in any case from 8
 * characters (a message may lower-case a GUID or a host); a short string where it stands alone, a
 * quoted one and a longer one wherever it appears.
 */
export function withoutSecretValues(lines: string[], raw: RawConfig, top: Record<string, unknown>, opts: ParseOptions): string[] {
    const secrets = secretStrings(raw, top, opts);
    if (secrets.length === 0) return lines;
    const MARK = "\u0000";
    // Any case only from 8 characters (a GUID, a host): a short secret such as "RBAC" must not hide
    // the word "rbac" in the list of values a message offers.
    const flags = (form: string) => (form.length >= 8 ? "giu" : "gu");
    const patterns = secrets.flatMap((secret) => [
        new RegExp(escaped(JSON.stringify(secret)), flags(secret)),
        ...shownForms(secret).map((form) => new RegExp(form.length >= 6 ? escaped(form) : `(?<![\\p{L}\\p{N}])${escaped(form)}(?![\\p{L}\\p{N}])`, flags(form))),
    ]);
    return lines.map((line) => {
        const at = line.includes(": ") ? line.indexOf(": ") + 2 : 0;
        let rest = line.slice(at);
        for (const pattern of patterns) rest = rest.replace(pattern, MARK);
        return line.slice(0, at) + rest.replaceAll(MARK, HIDDEN);
    });
}
