import { MIN_REASON_LENGTH } from "../../core/config/limits";
import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";

/** Every grant carries a reason of at least 10 characters. */
export const rule: Rule = {
    id: "grant-has-reason",
    level: "mandatory",
    info: `The access grant has no reason of at least ${MIN_REASON_LENGTH} characters.`,
    explanation: "A reviewer, and the next person to look at the vault, must be able to tell who this principal is and why it needs access.",
    check(r) {
        if (r.type !== "altinn:keyvault:AccessGrant") return NOT_APPLICABLE;
        const reason = typeof r.props.reason === "string" ? r.props.reason.trim() : "";
        const principalId = typeof r.props.principalId === "string" ? r.props.principalId : undefined;
        return verdict(reason.length >= MIN_REASON_LENGTH ? [] : [{ detail: `Reason::${reason.length} characters`, principalId }]);
    },
};
