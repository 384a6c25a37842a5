/**
 * The building blocks of the config schema: documented keys (for the README and the JSON Schema),
 * strict objects, and the value types several keys share. Messages may hold the placeholders
 * issueLines.ts fills in per issue (`{value}`, `{got}`, `{kind}`, `{path}`).
 */
import { z } from "zod";
import { SET_VALUE } from "./rules";
import { isLoopbackHost } from "../loopback";
import { sectionProblem } from "../vault/naming";
import { APP_NAME_PATTERN, APP_NAME_RULE, MAX_CONFIG_INTEGER, MIN_REASON_LENGTH } from "./limits";

/** README-only facts about a key: how to show its type and default when the schema cannot say it well. */
export interface KeyDoc {
    type?: string;
    default?: string;
    /** A secret: the stack file holds it as `{secure: ...}`. */
    secret?: boolean;
}
export const keyDocs = z.registry<KeyDoc>();

export function doc<T extends z.ZodType>(schema: T, description: string, extra?: KeyDoc): T {
    const described = schema.describe(description);
    if (extra) keyDocs.add(described, extra);
    return described;
}

/** An object that refuses unknown keys, naming the ones it knows. */
export function strict<S extends z.ZodRawShape>(shape: S, itemWith?: string) {
    const known = Object.keys(shape).join(", ");
    return z.strictObject(shape, {
        error: (iss) => {
            if (iss.code === "unrecognized_keys") return `unknown key (expected one of ${known})`;
            if (iss.code === "invalid_type") return itemWith ? `must be an object with ${itemWith}, got {got}` : "must be an object, got {got}";
            return undefined;
        },
    });
}

/** A JSON-Schema-friendly, case-insensitive pattern for one of `names`. */
export function anyCase(names: readonly string[]): RegExp {
    const letters = (n: string) => [...n].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch)).join("");
    return new RegExp(`^(?:${names.map(letters).join("|")})$`);
}

/** Refine a string with a pure `problem` function from naming.ts. */
export function checked(problem: (s: string) => string | undefined, schema = z.string()) {
    return schema.superRefine((s, ctx) => {
        const p = problem(s);
        if (p) ctx.addIssue({ code: "custom", message: `{value} ${p}`, input: s });
    });
}

const notBlank = (s: string) => s.trim() !== "";
/** A required string that is not only white space. */
export const text = () => z.string().refine(notBlank, { error: "is required and may not be empty" });

export const guid = (what: string) =>
    text().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, { error: `{value} is not ${what} (GUID)` });

export const reason = (hint: string) =>
    text().refine((s) => s.trim().length >= MIN_REASON_LENGTH, { error: `{value} is shorter than ${MIN_REASON_LENGTH} characters; ${hint}` });

export function wholeNumber(min: number) {
    const error = (iss: { code: string }) =>
        iss.code === "too_big" ? `must be a whole number <= ${MAX_CONFIG_INTEGER}, got {got}` : `must be a whole number >= ${min}, got {got}`;
    return z.int({ error }).min(min, { error }).max(MAX_CONFIG_INTEGER, { error });
}

export const section = () => checked(sectionProblem, text());

const appName = z.string().regex(APP_NAME_PATTERN, {
    error: `{value} is not ${APP_NAME_RULE}`,
});
export const appList = (what: string) =>
    doc(
        z
            .array(appName)
            .superRefine((apps, ctx) => {
                const twice = apps.find((a, i) => apps.indexOf(a) !== i);
                if (twice !== undefined) ctx.addIssue({ code: "custom", message: `lists ${JSON.stringify(twice)} twice`, input: apps });
            })
            .default([]),
        what,
        { type: "list of app names" },
    );

/**
 * https URL without user info, query or fragment; plain http only for a loopback host (local tests).
 * `originOnly`: no path either (the code that calls it adds its own, e.g. /designer/api/...).
 */
export function webUrl(example: string, allowLoopbackHttp: boolean, originOnly = false) {
    return z.string().superRefine((s, ctx) => {
        let url: URL | undefined;
        try {
            url = new URL(s);
        } catch {
            url = undefined;
        }
        const loopback = url !== undefined && isLoopbackHost(url.hostname);
        // User info may hold a password: say what is wrong without echoing the URL.
        if (url && (url.username !== "" || url.password !== "")) {
            ctx.addIssue({ code: "custom", message: "must not contain user info (user:password@); credentials come from the environment, never from config", input: s });
        } else if (!url || !(url.protocol === "https:" || (allowLoopbackHttp && loopback && url.protocol === "http:")) || s.includes("?") || s.includes("#")) {
            ctx.addIssue({ code: "custom", message: `{value} is not an https URL such as ${example}${s.includes("?") || s.includes("#") ? " (no query or fragment)" : ""}`, input: s });
        } else if (originOnly && url.pathname !== "/") {
            ctx.addIssue({ code: "custom", message: `{value} has a path; give the origin only, ${url.origin} (the redeploy adds /designer/api/...)`, input: s });
        }
    });
}

export const secretValue = z.string({ error: () => `must be a string; ${SET_VALUE}` });
