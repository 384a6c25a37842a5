import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

/** Principals outside the pack's configured allowlist are flagged. */
export const rule: Rule<"principal-allowlisted"> = {
    id: "principal-allowlisted",
    info: "The principal is not on the policy pack's principalAllowlist.",
    explanation: "An org can keep a list of the groups and identities that may ever hold vault access, so a grant to anyone else stands out in review.",
    firesWhen: "Only when `principalAllowlist` in policy/config.json is set.",
    fix: "remove the grant from accessGrants, or add the principal to principalAllowlist in policy/config.json (a change the code owners review)",
    check(r, context) {
        if (r.type !== TYPES.accessGrant || context.principalAllowlist === undefined) return NOT_APPLICABLE;
        const principalId = String(r.props.principalId ?? "");
        const known = context.principalAllowlist.map((p) => p.toLowerCase()).includes(principalId.toLowerCase());
        return verdict(known ? [] : [{ detail: "Principal::not-allowlisted", principalId }]);
    },
};
