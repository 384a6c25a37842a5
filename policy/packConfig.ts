/** The pack's own configuration (policy/config.json), read the same way by the pack and the plan. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { GUID_PATTERN } from "../components/roles";
import type { ReviewContext } from "./rule";

export const PACK_CONFIG_FILE = path.join(__dirname, "config.json");

/** Parse the pack config; throws one line naming the bad key. */
export function parsePackConfig(json: unknown, file = "policy/config.json"): Pick<ReviewContext, "principalAllowlist" | "writeAllowlist"> {
    const o = (json ?? {}) as Record<string, unknown>;
    const list = (key: string, nullable: boolean): string[] | undefined => {
        const v = o[key];
        if (v === undefined || (nullable && v === null)) return undefined;
        if (!Array.isArray(v) || v.some((p) => typeof p !== "string" || !GUID_PATTERN.test(p))) {
            throw new Error(`${file}: ${key} must be ${nullable ? "null or " : ""}a list of Entra object IDs (GUIDs)`);
        }
        return v.map((p: string) => p.toLowerCase());
    };
    return { principalAllowlist: list("principalAllowlist", true), writeAllowlist: list("writeAllowlist", false) ?? [] };
}

export function readPackConfig(file = PACK_CONFIG_FILE): Pick<ReviewContext, "principalAllowlist" | "writeAllowlist"> {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch {
        return { principalAllowlist: undefined, writeAllowlist: [] };
    }
    try {
        return parsePackConfig(JSON.parse(text), file);
    } catch (e) {
        throw new Error(e instanceof SyntaxError ? `${file}: not valid JSON` : (e as Error).message);
    }
}
