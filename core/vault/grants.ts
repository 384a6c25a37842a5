/**
 * What an access grant asks for and whether it can be declared. Pure (no Pulumi): the CLIs that
 * only read config use it without loading the SDK.
 */
import type { AccessGrantConfig, AuthorizationMode, Permissions } from "../config/parse";
import { MIN_REASON_LENGTH } from "../config/limits";
import { visibleTextProblem } from "../config/visibleText";
import { ACCESS_PRESETS, BUILTIN_ROLES } from "./roles";

/** Why `grant` cannot be declared in `mode`, or undefined. Config parsing reports the same earlier. */
export function grantProblem(grant: AccessGrantConfig, mode: AuthorizationMode): string | undefined {
    const forms = (["access", "permissions", "roleId"] as const).filter((k) => grant[k] !== undefined);
    if (forms.length !== 1) return "exactly one of access, permissions and role must be specified";
    if (mode === "rbac" && grant.permissions) return "[permissions] needs accessPolicy authorization";
    if (mode === "accessPolicy" && grant.roleId) return "[role] needs rbac authorization";
    const reason = visibleTextProblem(grant.reason, MIN_REASON_LENGTH);
    if (reason) return `[reason] ${reason}`;
    return undefined;
}

/** The access-policy permissions a grant asks for: the preset's secret permissions or the explicit lists. */
export function grantPermissions(grant: AccessGrantConfig): Permissions {
    return grant.access ? { secrets: [...ACCESS_PRESETS[grant.access].secrets] } : (grant.permissions ?? {});
}

/** The role definition GUID a grant asks for in rbac mode: the explicit role or the preset's. */
export function grantRoleId(grant: AccessGrantConfig): string {
    return grant.roleId ?? BUILTIN_ROLES[ACCESS_PRESETS[grant.access ?? "read"].role];
}
