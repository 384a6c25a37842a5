import { BUILTIN_ROLES } from "../../core/vault/roles";
import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

const WRITE_PERMISSIONS = ["set", "delete", "purge", "recover", "restore", "backup", "all"];
const READ_ONLY_ROLES: string[] = [BUILTIN_ROLES["Key Vault Secrets User"], BUILTIN_ROLES["Key Vault Reader"]];

/** Whether an AccessGrant's props give more than reading secrets. */
export function grantsWrite(props: Record<string, unknown>): boolean {
    if (props.access === "write") return true;
    if (props.access === "read") return false;
    if (typeof props.roleId === "string") return !READ_ONLY_ROLES.includes(props.roleId);
    const permissions = (props.permissions ?? {}) as Record<string, unknown>;
    return Object.entries(permissions).some(
        ([kind, list]) => Array.isArray(list) && list.length > 0 && (kind !== "secrets" || list.some((p) => WRITE_PERMISSIONS.includes(String(p).toLowerCase()))),
    );
}

/** Write access is flagged for review: advisory in tt02, mandatory in prod unless allowlisted. */
export const rule: Rule<"write-access-reviewed"> = {
    id: "write-access-reviewed",
    info: "The grant allows changing or deleting secrets, not only reading them.",
    explanation:
        "Apps only read their secrets; write access is for the pipeline that rotates them. In prod, a writer must be on the pack's writeAllowlist so that adding one is a deliberate, reviewed change.",
    firesWhen: "A grant can change or delete secrets. Mandatory in prod unless the principal is on `writeAllowlist` in policy/config.json.",
    fix: "give the principal access: read in accessGrants; a pipeline that must write goes on writeAllowlist in policy/config.json (a change the code owners review), or, where the finding is advisory, into the stack file's suppressions with a reason",
    check(r, context) {
        if (r.type !== TYPES.accessGrant) return NOT_APPLICABLE;
        if (!grantsWrite(r.props)) return verdict([]);
        const principalId = String(r.props.principalId ?? "");
        const environment = typeof r.props.environment === "string" ? r.props.environment : undefined;
        const allowlisted = (context.writeAllowlist ?? []).map((p) => p.toLowerCase()).includes(principalId.toLowerCase());
        return verdict([{ detail: "Access::write", principalId, case: allowlisted ? "allowlisted" : "writer", environment }]);
    },
};
