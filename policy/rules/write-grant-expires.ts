import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";
import { DEFAULT_MAX_WRITE_GRANT_DAYS } from "../../core/config/limits";
import { grantDaysLeft } from "../../core/vault/grantExpiry";
import { grantsWrite } from "./write-access-reviewed";

/**
 * In prod, a grant that can change secrets ends within `maxWriteGrantDays` (policy/config.json,
 * default 90) unless its principal is a long-lived identity listed there with a reason.
 */
export const rule: Rule<"write-grant-expires"> = {
    id: "write-grant-expires",
    info: "A prod grant that can change or delete secrets does not end soon enough.",
    explanation:
        "Write access to a prod vault is for a deploy pipeline or a short task. A person's write grant that lives forever outlasts the task it was given for; a date in the stack file ends it by itself. Long-lived identities are listed, with a reason, in policy/config.json (reviewed with the code).",
    firesWhen: `Prod: a grant that can change secrets has no \`expires\`, or one more than \`maxWriteGrantDays\` (default ${DEFAULT_MAX_WRITE_GRANT_DAYS}) ahead, and its principal is not in \`longLivedPrincipals\`.`,
    fix: "set accessGrants[].expires to a date within policy/config.json maxWriteGrantDays, or list the principal in policy/config.json longLivedPrincipals with a reason saying why it keeps write access",
    check(r, context) {
        if (r.type !== TYPES.accessGrant) return NOT_APPLICABLE;
        const environment = typeof r.props.environment === "string" ? r.props.environment : context.environment;
        if (environment !== "prod" || !grantsWrite(r.props)) return NOT_APPLICABLE;
        const principalId = String(r.props.principalId ?? "");
        if ((context.longLivedPrincipals ?? []).some((p) => p.principalId.toLowerCase() === principalId.toLowerCase())) return verdict([]);
        const limit = context.maxWriteGrantDays ?? DEFAULT_MAX_WRITE_GRANT_DAYS;
        const how = `set accessGrants[].expires to a date at most ${limit} days ahead, or list the principal in policy/config.json longLivedPrincipals with a reason`;
        const expires = r.props.expires;
        if (typeof expires !== "string") return verdict([{ detail: "Expires::never", text: "It has no expires.", principalId, environment, fix: how }]);
        const days = grantDaysLeft(expires, context.now ?? Date.now());
        if (days <= limit) return verdict([]);
        return verdict([{ detail: `Expires::${expires} (${days} days ahead; the limit is ${limit})`, text: `It ends on ${expires}, ${days} days ahead; the limit is ${limit}.`, principalId, environment, fix: how }]);
    },
};
