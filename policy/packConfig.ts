/** The pack's own configuration (policy/config.json), read the same way by the pack and the plan. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CONTROL_CHARACTER, DEFAULT_MAX_WRITE_GRANT_DAYS, GUID_PATTERN, LIMITS, MIN_REASON_LENGTH } from "../core/config/limits";
import { visibleTextProblem } from "../core/config/visibleText";
import { DEFAULT_STUDIO_HOSTS, parseStudioHosts } from "../core/altinn/studioHosts";
import { parseAllowedHosts } from "../core/maskinporten/hosts";
import { SECRET_NAME_PATTERN } from "../core/vault/naming";
import type { Allowance, PackSuppression, ReviewContext } from "../core/policy/rule";
import { REVIEW_FINDING_IDS, RULE_IDS } from "../core/policy/ruleIds";

export const PACK_CONFIG_FILE = path.join(__dirname, "config.json");
// One home, shared with the redeploy script, which refuses any other Studio host itself.
export { DEFAULT_STUDIO_HOSTS };
const KNOWN_KEYS = [
    "$comment",
    "principalAllowlist",
    "writeAllowlist",
    "maxWriteGrantDays",
    "longLivedPrincipals",
    "allowedStudioHosts",
    "allowedMaskinportenHosts",
    "allowedConfigKeys",
    "allowedEscEnvironments",
    "suppressions",
];
/** The longest maxWriteGrantDays accepts: ten years is "forever" written as a number. */
const MAX_WRITE_GRANT_DAYS_LIMIT = 3650;
/** A config key outside the project's namespace: `<provider>:<key>`. */
const CONFIG_KEY = /^[a-z][a-z0-9-]*:[A-Za-z0-9_.-]+$/;
/** A Pulumi ESC environment name as a stack file imports it: `[project/]env`. */
const ESC_NAME = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)?$/;

export type PackConfig = Required<
    Pick<
        ReviewContext,
        "writeAllowlist" | "studioHosts" | "maskinportenHosts" | "packSuppressions" | "maxWriteGrantDays" | "longLivedPrincipals" | "allowedConfigKeys" | "allowedEscEnvironments"
    >
> &
    Pick<ReviewContext, "principalAllowlist">;

export const DEFAULT_PACK_CONFIG: PackConfig = {
    principalAllowlist: undefined,
    writeAllowlist: [],
    maxWriteGrantDays: DEFAULT_MAX_WRITE_GRANT_DAYS,
    longLivedPrincipals: [],
    studioHosts: DEFAULT_STUDIO_HOSTS,
    maskinportenHosts: [],
    packSuppressions: [],
    allowedConfigKeys: [],
    allowedEscEnvironments: [],
};

/** Why `reason` cannot stand in policy/config.json, or undefined: one line a reviewer can read, 10+ visible characters. */
function reasonProblem(reason: unknown): string | undefined {
    if (typeof reason !== "string") return "is required";
    if (reason.length > LIMITS.reason) return `is longer than ${LIMITS.reason} characters`;
    if (CONTROL_CHARACTER.test(reason)) return "must be one line";
    return visibleTextProblem(reason, MIN_REASON_LENGTH);
}

/** Parse the pack config; throws one line naming the bad key. */
export function parsePackConfig(json: unknown, file = "policy/config.json"): PackConfig {
    if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Error(`${file}: must be a JSON object`);
    const o = json as Record<string, unknown>;
    const unknown = Object.keys(o).find((k) => !KNOWN_KEYS.includes(k));
    if (unknown !== undefined) throw new Error(`${file}: ${JSON.stringify(unknown)} is not a key (expected one of ${KNOWN_KEYS.slice(1).join(", ")})`);
    const list = (key: string, nullable: boolean): string[] | undefined => {
        const v = o[key];
        if (v === undefined || (nullable && v === null)) return undefined;
        if (!Array.isArray(v) || v.some((p) => typeof p !== "string" || !GUID_PATTERN.test(p))) {
            throw new Error(`${file}: ${key} must be ${nullable ? "null or " : ""}a list of Entra object IDs (GUIDs)`);
        }
        return v.map((p: string) => p.toLowerCase());
    };
    return {
        principalAllowlist: list("principalAllowlist", true),
        writeAllowlist: list("writeAllowlist", false) ?? [],
        maxWriteGrantDays: maxWriteGrantDays(o.maxWriteGrantDays, file),
        longLivedPrincipals: longLivedPrincipals(o.longLivedPrincipals, file),
        studioHosts: parseStudioHosts(o.allowedStudioHosts, file),
        maskinportenHosts: parseAllowedHosts(o.allowedMaskinportenHosts, `${file}: allowedMaskinportenHosts`),
        allowedConfigKeys: allowances(o.allowedConfigKeys, "allowedConfigKeys", CONFIG_KEY, 'a config key outside this project\'s namespace, such as "azure-native:location"', file),
        allowedEscEnvironments: allowances(o.allowedEscEnvironments, "allowedEscEnvironments", ESC_NAME, 'a Pulumi ESC environment name, such as "ttd/prod"', file),
        packSuppressions: suppressions(o.suppressions, file),
    };
}

function maxWriteGrantDays(v: unknown, file: string): number {
    if (v === undefined) return DEFAULT_MAX_WRITE_GRANT_DAYS;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > MAX_WRITE_GRANT_DAYS_LIMIT) {
        throw new Error(`${file}: maxWriteGrantDays must be a whole number of days from 1 to ${MAX_WRITE_GRANT_DAYS_LIMIT} (default ${DEFAULT_MAX_WRITE_GRANT_DAYS})`);
    }
    return v;
}

function longLivedPrincipals(v: unknown, file: string): { principalId: string; reason: string }[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new Error(`${file}: longLivedPrincipals must be a list of {principalId, reason}`);
    return v.map((item, i) => {
        const at = `${file}: longLivedPrincipals[${i}]`;
        if (item === null || typeof item !== "object" || Array.isArray(item)) throw new Error(`${at} must be an object with principalId and reason`);
        const p = item as Record<string, unknown>;
        const extra = Object.keys(p).find((k) => k !== "principalId" && k !== "reason");
        if (extra !== undefined) throw new Error(`${at}.${extra} is not a key (expected principalId and reason)`);
        if (typeof p.principalId !== "string" || !GUID_PATTERN.test(p.principalId)) throw new Error(`${at}.principalId must be an Entra object ID (GUID)`);
        const problem = reasonProblem(p.reason);
        if (problem) throw new Error(`${at}.reason ${problem}: say in one line why this identity keeps write access`);
        return { principalId: p.principalId.toLowerCase(), reason: (p.reason as string).trim() };
    });
}

/** `[{ "name": ..., "reason": ... }]`: names allowed on purpose, each with a reason a reviewer reads. */
function allowances(v: unknown, key: string, pattern: RegExp, what: string, file: string): Allowance[] {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.length > LIMITS.suppressions) throw new Error(`${file}: ${key} must be a list of at most ${LIMITS.suppressions} entries { "name": ..., "reason": ... }`);
    return v.map((item, i) => {
        const at = `${file}: ${key}[${i}]`;
        const o = (item ?? {}) as Record<string, unknown>;
        if (typeof item !== "object" || Array.isArray(item) || Object.keys(o).some((k) => k !== "name" && k !== "reason")) throw new Error(`${at} must be an object with name and reason`);
        if (typeof o.name !== "string" || !pattern.test(o.name)) throw new Error(`${at}.name must be ${what}`);
        const problem = reasonProblem(o.reason);
        if (problem) throw new Error(`${at}.reason ${problem}: say why it is safe to allow (a reviewer reads it)`);
        return { name: o.name, reason: (o.reason as string).trim() };
    });
}

function suppressions(v: unknown, file: string): PackSuppression[] {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.length > LIMITS.suppressions) throw new Error(`${file}: suppressions must be a list of at most ${LIMITS.suppressions} entries`);
    const ids: readonly string[] = [...RULE_IDS, ...REVIEW_FINDING_IDS];
    const targets = ["principalId", "secretName", "setting"] as const;
    return v.map((item, i) => {
        const at = `${file}: suppressions[${i}]`;
        if (item === null || typeof item !== "object" || Array.isArray(item)) throw new Error(`${at} must be an object with rule, principalId, secretName or setting, and reason`);
        const s = item as Record<string, unknown>;
        const extra = Object.keys(s).find((k) => !["rule", ...targets, "reason"].includes(k));
        if (extra !== undefined) throw new Error(`${at}.${extra} is not a key (expected rule, principalId, secretName or setting, and reason)`);
        if (typeof s.rule !== "string" || !ids.includes(s.rule)) throw new Error(`${at}.rule must be a rule id (one of ${ids.join(", ")})`);
        if (targets.filter((t) => s[t] !== undefined).length !== 1) throw new Error(`${at}: exactly one of principalId, secretName and setting must be specified`);
        if (s.principalId !== undefined && (typeof s.principalId !== "string" || !GUID_PATTERN.test(s.principalId))) throw new Error(`${at}.principalId must be an Entra object ID (GUID)`);
        if (s.secretName !== undefined && (typeof s.secretName !== "string" || !SECRET_NAME_PATTERN.test(s.secretName))) throw new Error(`${at}.secretName must be a Key Vault secret name`);
        if (s.setting !== undefined && (typeof s.setting !== "string" || !/^[A-Za-z0-9_.:\[\]=-]{1,200}$/.test(s.setting))) throw new Error(`${at}.setting must be a stack-file setting such as "secretsprovider" or "keyVault.unmanagedAccess"`);
        const problem = reasonProblem(s.reason);
        if (problem) throw new Error(`${at}.reason ${problem}: say in one line why this finding is acceptable`);
        const out: PackSuppression = { rule: s.rule, reason: (s.reason as string).trim() };
        if (s.principalId !== undefined) out.principalId = (s.principalId as string).toLowerCase();
        else if (s.secretName !== undefined) out.secretName = s.secretName as string;
        else out.setting = s.setting as string;
        return out;
    });
}

export function readPackConfig(file = PACK_CONFIG_FILE): PackConfig {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch {
        return DEFAULT_PACK_CONFIG;
    }
    return parsePackText(text, file);
}

/** Parse the text of a pack config file, one-line errors. */
export function parsePackText(text: string, file = "policy/config.json"): PackConfig {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        throw new Error(`${file}: not valid JSON`);
    }
    return parsePackConfig(json, file);
}
