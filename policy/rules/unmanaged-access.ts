import { describeAccess, UnmanagedAccess } from "../../core/vault/audit";
import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

/** Access to the vault that bypassed review: advisory, or mandatory with `keyVault.unmanagedAccess: fail`. */
export const rule: Rule<"unmanaged-access"> = {
    id: "unmanaged-access",
    info: "A principal has access to the vault that accessGrants does not declare.",
    explanation:
        "A grant someone adds in the portal is invisible to every review. The stack file should say who has access and why; orgs that want it to be the only way in set keyVault.unmanagedAccess: fail.",
    firesWhen: "`pulumi preview` found a principal with access to the vault that `accessGrants` does not declare. Advisory unless `keyVault.unmanagedAccess: fail`; then only policy/config.json can silence it. Access an ended grant still holds stays advisory, so it never blocks the `up` that removes it.",
    fix:
        "adopt it (npm run adopt, with --state on a deployed stack; write its reason in accessGrants; pulumi import --file) or remove it in Azure; access that must stay is suppressed by rule and principal with a reason (in the stack file's suppressions while keyVault.unmanagedAccess is warn, in policy/config.json when it is fail)",
    check(r) {
        if (r.type !== TYPES.vaultAudit) return NOT_APPLICABLE;
        const entries = Array.isArray(r.props.unmanagedAccess) ? (r.props.unmanagedAccess as UnmanagedAccess[]) : [];
        const mode = r.props.unmanagedAccessLevel === "fail" ? "fail" : "warn";
        return verdict(
            entries.map((e) => {
                const where = e.source === "accessPolicy" ? "access policy" : `role assignment at ${e.source}`;
                const text = `It has ${e.source === "accessPolicy" ? "an" : "a"} ${where} (${describeAccess(e)})`;
                // The id (for tools and tests) names the access; the text says it to a person.
                const access = `Access::${where} (${describeAccess(e)})`;
                // Advisory even with fail: the up that removes an expired grant's access must not be blocked by it.
                if (typeof e.expiredGrant === "string") {
                    return {
                        detail: `${access} of a grant that expired on ${e.expiredGrant}: the next pulumi up removes it; found after that up, it was granted again outside the stack`,
                        text: `${text} of a grant that expired on ${e.expiredGrant}: the next pulumi up removes it; found after that up, it was granted again outside the stack.`,
                        principalId: e.principalId,
                        case: "expiredGrant" as const,
                    };
                }
                return { detail: access, text: `${text}.`, principalId: e.principalId, case: mode };
            }),
        );
    },
};
