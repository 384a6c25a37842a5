/**
 * Azure's answer for a vault (the `properties` of ARM's vault, as `az keyvault show`, the Azure SDK
 * and azure-native's `getVault` return them), checked before anything in it is believed or shown:
 * `npm run adopt` and the program's vault audit read it with these same rules. Pure.
 */
import { BIDI_CHARACTER, CONTROL_CHARACTER, GUID_PATTERN, PERMISSION_KINDS } from "../config/limits";
import { unicodeEscape } from "../text";
import type { Permissions } from "../config/parse";
import type { VaultAccessPolicy, VaultRoleAssignment } from "./audit";

/**
 * A Key Vault access policy permission name: letters only (get, list, set, delete, backup,
 * getrotationpolicy, ...). Azure adds names now and then, so an unknown one is allowed here (adopt
 * reports it as one accessGrants cannot declare); anything but letters is not an answer Azure gives.
 */
export const PERMISSION_NAME = /^[A-Za-z]{1,64}$/;

/** Characters of an untrusted value that a message shows; the rest is cut. */
const SHOWN_MAX = 300;

/**
 * A value from an answer, quoted for one line of a terminal or a CI log: a JSON string in which
 * every character but printable ASCII is escaped (`\u001b`, `\u202e`, `\n`), cut after 300 (an ARM ID fits).
 */
export function quoted(value: unknown): string {
    const text = String(value);
    const cut = text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX)}...` : text;
    return JSON.stringify(cut).replace(/[^\x20-\x7e]/g, unicodeEscape);
}

/**
 * `enableRbacAuthorization` as Azure means it: true is RBAC; false, absent or null is access
 * policies (Azure's default when the property was never set). Undefined for anything else (the
 * string "true", a number): not an answer whose mode can be read.
 */
export function rbacModeOf(value: unknown): boolean | undefined {
    if (value === undefined || value === null) return false;
    return typeof value === "boolean" ? value : undefined;
}

/**
 * Whether the answer says the vault uses access policies but holds no list of them: an answer that
 * could not be read, never a vault nobody has access to.
 */
export function accessPoliciesUnread(props: Record<string, unknown>): boolean {
    return rbacModeOf(props.enableRbacAuthorization) === false && (props.accessPolicies === undefined || props.accessPolicies === null);
}

/** Why one access policy entry cannot be believed, each starting with its path (`accessPolicies[0].objectId ...`). */
function entryProblems(p: unknown, i: number): string[] {
    const at = `accessPolicies[${i}]`;
    if (!p || typeof p !== "object" || Array.isArray(p)) return [`${at} must be an object`];
    const e = p as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of ["objectId", "tenantId"] as const) {
        if (typeof e[key] !== "string" || !GUID_PATTERN.test(e[key])) problems.push(`${at}.${key}${e[key] === undefined || e[key] === null ? "" : ` ${quoted(e[key])}`} is not a GUID`);
    }
    if (e.applicationId !== undefined && e.applicationId !== null && e.applicationId !== "" && (typeof e.applicationId !== "string" || !GUID_PATTERN.test(e.applicationId))) {
        problems.push(`${at}.applicationId ${quoted(e.applicationId)} is not a GUID`);
    }
    const permissions = e.permissions;
    if (permissions !== undefined && permissions !== null && (typeof permissions !== "object" || Array.isArray(permissions))) return [...problems, `${at}.permissions must be an object`];
    for (const kind of PERMISSION_KINDS) {
        const list = (permissions as Record<string, unknown> | null | undefined)?.[kind];
        if (list === undefined || list === null) continue;
        if (!Array.isArray(list)) {
            problems.push(`${at}.permissions.${kind} must be a list of names`);
            continue;
        }
        list.forEach((name, j) => {
            if (typeof name !== "string") problems.push(`${at}.permissions.${kind}[${j}] must be a permission name (a string)`);
            else if (!PERMISSION_NAME.test(name)) problems.push(`${at}.permissions.${kind}[${j}] ${quoted(name)} is not a Key Vault permission name (letters only, such as get, list, set)`);
        });
    }
    return problems;
}

/**
 * Why the answer's access mode and access policies cannot be believed, each a path under
 * `properties` and what is wrong (`accessPolicies[0].objectId is not a GUID`); none when they can.
 * The list missing in an access-policy vault is `accessPoliciesUnread`, which callers word themselves.
 */
export function vaultAccessProblems(props: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const mode = props.enableRbacAuthorization;
    if (rbacModeOf(mode) === undefined) {
        const shown = typeof mode === "string" ? `the string ${quoted(mode)}` : typeof mode === "object" ? (Array.isArray(mode) ? "a list" : "an object") : typeof mode === "number" ? `the number ${mode}` : `a ${typeof mode}`;
        problems.push(`enableRbacAuthorization is ${shown}, not true or false: whether the vault uses access policies or RBAC cannot be read`);
    }
    const list = props.accessPolicies;
    if (list === undefined || list === null) return problems;
    if (!Array.isArray(list)) return [...problems, "accessPolicies must be a list"];
    return [...problems, ...list.flatMap(entryProblems)];
}

function permissionsOf(p: Record<string, unknown> | undefined | null): Permissions {
    const out: Permissions = {};
    for (const kind of PERMISSION_KINDS) {
        const list = p?.[kind];
        if (Array.isArray(list) && list.length > 0) out[kind] = list.map(String);
    }
    return out;
}

/** The access policies of an answer `vaultAccessProblems` found nothing wrong with (none when absent). */
export function accessPoliciesOfAnswer(props: Record<string, unknown>): VaultAccessPolicy[] {
    const list = (props.accessPolicies ?? []) as Record<string, unknown>[];
    return list.map((p) => ({
        tenantId: String(p.tenantId),
        objectId: String(p.objectId),
        ...(p.applicationId ? { applicationId: String(p.applicationId) } : {}),
        permissions: permissionsOf(p.permissions as Record<string, unknown> | undefined),
    }));
}

/**
 * Why a text from an answer (a name, an ID, a scope) cannot be shown on one line as it is, or
 * undefined: a control character (a line break, ESC) or a bidirectional one.
 */
export function unshowableProblem(text: string): string | undefined {
    if (CONTROL_CHARACTER.test(text)) return "contains a control character";
    if (BIDI_CHARACTER.test(text)) return "contains a bidirectional control character";
    return undefined;
}

/**
 * Why role assignments from a listing (saved `az` output, or ARM's answer to the program) cannot
 * be believed and shown, one line per problem naming the entry; none when they can. Each needs an
 * id, a principal that is a GUID, a role and a scope, and no field that reaches a summary, a fragment
 * or a finding may hold a control or bidirectional character.
 */
export function roleAssignmentProblems(list: readonly VaultRoleAssignment[]): string[] {
    return list.flatMap((a, i) => {
        // Without its id an entry cannot be told from another (each is kept once, by id): refused, not merged.
        if (!a.id || !a.principalId || !a.roleDefinitionId || !a.scope) return [`entry ${i} lacks id, principalId, roleDefinitionId or scope`];
        return [
            ...(GUID_PATTERN.test(a.principalId) ? [] : [`entry ${i}: principalId ${quoted(a.principalId)} is not a GUID`]),
            ...(["id", "name", "scope", "roleDefinitionId", "principalType"] as const).flatMap((k) => {
                const problem = a[k] === undefined ? undefined : unshowableProblem(a[k]);
                return problem ? [`entry ${i}: ${k} ${quoted(a[k])} ${problem}`] : [];
            }),
        ];
    });
}

