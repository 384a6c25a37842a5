/**
 * The building blocks of the config schema: documented keys (for the README and the JSON Schema),
 * strict objects, and the value types several keys share. Messages may hold the placeholders
 * issueLines.ts fills in per issue (`{value}`, `{got}`, `{kind}`, `{path}`, `{stack}`).
 */
import { z } from "zod";
import { SET_VALUE } from "./rules";
import { isLoopbackHost } from "../loopback";
import { MAX_SECRET_NAME_LENGTH, SECTION_PATTERN, SECTION_SEPARATOR, sectionProblem } from "../vault/naming";
import { APP_NAME_PATTERN, APP_NAME_RULE, LIMITS, MAX_CONFIG_INTEGER, MIN_REASON_LENGTH } from "./limits";
import { NO_BIDI_CONTROL_SOURCE, visibleTextProblem } from "./visibleText";

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

/**
 * JSON Schema keywords for what a zod refinement checks in code (a pattern, a length, a condition):
 * the editor's JSON Schema (`npm run docs`) adds them to the schema they are registered on.
 */
export const jsonExtras = z.registry<Record<string, unknown>>();

/** `schema`, with JSON Schema keywords that say what its refinements check. */
export function withJson<T extends z.ZodType>(schema: T, extra: Record<string, unknown>): T {
    jsonExtras.add(schema, extra);
    return schema;
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

/** `name` as a pattern that ignores case without a flag (JSON Schema patterns have none): `[nN][aA]...`. */
export const anyCaseSource = (name: string) => [...name].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch)).join("");

/** A JSON-Schema-friendly, case-insensitive pattern for one of `names`. */
export function anyCase(names: readonly string[]): RegExp {
    return new RegExp(`^(?:${names.map(anyCaseSource).join("|")})$`);
}

/** Refine a string with a pure `problem` function from naming.ts; `json` says the same in JSON Schema. */
export function checked(problem: (s: string) => string | undefined, schema: z.ZodString | z.ZodType<string> = z.string(), json: Record<string, unknown> = {}) {
    const refined = schema.superRefine((s, ctx) => {
        const p = problem(s);
        if (p) ctx.addIssue({ code: "custom", message: `{value} ${p}`, input: s });
    });
    return withJson(refined, json);
}

const notBlank = (s: string) => s.trim() !== "";
/** JSON Schema: a string with something other than white space. */
export const NOT_BLANK = { pattern: "\\S" } as const;
/** A string of at most `max` characters (never echoed: a long value would fill the line). */
export const bounded = (max: number) => z.string().max(max, { error: `is longer than ${max} characters` });
/** A required string that is not only white space. */
export const text = (max: number = LIMITS.text) => withJson(bounded(max).refine(notBlank, { error: "is required and may not be empty" }), NOT_BLANK);
/** Optional free text a reviewer reads: at most `max` characters; when not empty, words they can see. */
export const visible = (max: number) =>
    withJson(
        bounded(max).superRefine((s, ctx) => {
            const problem = s === "" ? undefined : visibleTextProblem(s);
            if (problem) ctx.addIssue({ code: "custom", message: problem, input: s });
        }),
        { pattern: NO_BIDI_CONTROL_SOURCE },
    );
/** A list of at most `max` entries; `what` says what to do instead. */
export const list = <T extends z.ZodType>(item: T, max: number, what: string) => z.array(item).max(max, { error: `lists more than ${max} entries; ${what}` });

/** A GUID in any case, as a pattern without anchors or flags (JSON Schema has no `i`). */
export const GUID_SOURCE = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

export const guid = (what: string) => text().regex(new RegExp(`^${GUID_SOURCE}$`), { error: `{value} is not ${what} (GUID)` });

/** A reason a reviewer can read: 10+ visible characters, letters or digits among them. */
export const reason = (hint: string) =>
    withJson(
        text(LIMITS.reason).superRefine((s, ctx) => {
            if (!notBlank(s)) return;
            const problem = visibleTextProblem(s, MIN_REASON_LENGTH);
            // A short reason is echoed; one that shows nothing is not (its characters would not show either).
            if (problem) ctx.addIssue({ code: "custom", message: `${problem.startsWith("is shorter") ? "{value} " : ""}${problem}; ${hint}`, input: s });
        }),
        {
            // At least MIN_REASON_LENGTH characters from the first to the last that is not white
            // space, and no bidirectional control.
            pattern: `^\\s*\\S[\\s\\S]{${MIN_REASON_LENGTH - 2},}\\S\\s*$`,
            allOf: [{ pattern: NO_BIDI_CONTROL_SOURCE }],
        },
    );

export function wholeNumber(min: number) {
    const error = (iss: { code: string }) =>
        iss.code === "too_big" ? `must be a whole number <= ${MAX_CONFIG_INTEGER}, got {got}` : `must be a whole number >= ${min}, got {got}`;
    return z.int({ error }).min(min, { error }).max(MAX_CONFIG_INTEGER, { error });
}

// A secret name is `<section>--<key>` within 127 characters, and a key has at least one.
export const section = () => checked(sectionProblem, text(), { pattern: SECTION_PATTERN.source, maxLength: MAX_SECRET_NAME_LENGTH - SECTION_SEPARATOR.length - 1 });

const appName = z.string().regex(APP_NAME_PATTERN, {
    error: `{value} is not ${APP_NAME_RULE}`,
});
export const appList = (what: string) =>
    doc(
        withJson(
            list(appName, LIMITS.appsPerEntry, "split the entry").superRefine((apps, ctx) => {
                const twice = apps.find((a, i) => apps.indexOf(a) !== i);
                if (twice !== undefined) ctx.addIssue({ code: "custom", message: `lists ${JSON.stringify(twice)} twice`, input: apps });
            }),
            { uniqueItems: true },
        ).default([]),
        what,
        { type: "list of app names" },
    );

/**
 * https URL without user info, query or fragment; plain http only for a loopback host (local tests).
 * `originOnly`: no path either (the code that calls it adds its own, e.g. /designer/api/...).
 */
export function webUrl(example: string, allowLoopbackHttp: boolean, originOnly = false) {
    // The same in JSON Schema: no user info (@), query or fragment, no white space; http only to a loopback host.
    // A URL's scheme and host are case-insensitive (the plan reads HTTPS://ALTINN.STUDIO as https://altinn.studio).
    const host = "[^/?#@\\s\\\\]+";
    const rest = originOnly ? "/?" : "(?:/[^?#\\s]*)?";
    const loopbackHttp = `${anyCaseSource("http")}://(?:127\\.0\\.0\\.1|${anyCaseSource("localhost")}|\\[::1\\])(?::[0-9]+)?`;
    const json = { pattern: `^(?:${anyCaseSource("https")}://${host}${allowLoopbackHttp ? `|${loopbackHttp}` : ""})${rest}$` };
    return withJson(
        bounded(LIMITS.url).superRefine((s, ctx) => {
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
        }),
        json,
    );
}

export const secretValue = z
    .string({ error: () => `must be a string; ${SET_VALUE}` })
    .max(LIMITS.secretValue, { error: `is longer than ${LIMITS.secretValue} characters (Key Vault stores at most 25 KB)` });
