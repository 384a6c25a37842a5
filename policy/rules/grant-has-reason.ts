import { MIN_REASON_LENGTH } from "../../core/config/limits";
import { visibleTextProblem } from "../../core/config/visibleText";
import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

/** Every grant carries a reason a reviewer can read: 10 or more visible characters, letters or digits among them. */
export const rule: Rule<"grant-has-reason"> = {
    id: "grant-has-reason",
    info: `The access grant has no reason of at least ${MIN_REASON_LENGTH} visible characters.`,
    explanation: "A reviewer, and the next person to look at the vault, must be able to tell who this principal is and why it needs access.",
    fix: `write in the grant's reason (accessGrants[].reason) who the principal is and why it needs access, in ${MIN_REASON_LENGTH} or more visible characters`,
    check(r) {
        if (r.type !== TYPES.accessGrant) return NOT_APPLICABLE;
        const reason = typeof r.props.reason === "string" ? r.props.reason : "";
        const principalId = typeof r.props.principalId === "string" ? r.props.principalId : undefined;
        const problem = visibleTextProblem(reason, MIN_REASON_LENGTH);
        return verdict(problem ? [{ detail: "Reason::not-visible", text: `Its reason ${problem}.`, principalId }] : []);
    },
};
