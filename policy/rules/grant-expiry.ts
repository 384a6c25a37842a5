import { FindingOf, NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";
import { EXPIRES_SOON_DAYS, grantDaysLeft } from "../../core/vault/grantExpiry";

interface ExpiredGrant {
    principalId: string;
    expires: string;
}

function expiredGrants(value: unknown): ExpiredGrant[] {
    return Array.isArray(value) ? value.filter((g): g is ExpiredGrant => !!g && typeof g.principalId === "string" && typeof g.expires === "string") : [];
}

/**
 * Grants with `expires`: one that has ended is no longer declared (the next up removes it) and its
 * stack-file entry should go; one that ends within 7 days is pointed out, so nobody is surprised.
 * Reads the expired grants off KeyVaultAccess and each declared grant's date off its AccessGrant.
 */
export const rule: Rule<"grant-expiry"> = {
    id: "grant-expiry",
    info: "An access grant has ended or is about to end (accessGrants[].expires).",
    explanation:
        "A grant with expires ends at the end of that day (UTC): from then on the program no longer declares it, so the next pulumi up removes the access. An entry left behind after that reads like access someone has.",
    firesWhen: `A grant whose \`expires\` has passed is no longer declared (delete its entry); one at most ${EXPIRES_SOON_DAYS} days away is reported too.`,
    fix: "delete the accessGrants entry of a grant that has ended; set a later accessGrants[].expires to keep the access",
    check(r, context) {
        const now = context.now ?? Date.now();
        if (r.type === TYPES.keyVaultAccess) {
            const findings: FindingOf<"grant-expiry">[] = expiredGrants(r.props.expiredGrants).map((g) => ({
                detail: `Expired::${g.expires}`,
                text: `It expired on ${g.expires}: removed at the next pulumi up.`,
                principalId: g.principalId,
                fix: "delete its accessGrants entry from the stack file (or set a later expires to keep the access)",
            }));
            return verdict(findings);
        }
        if (r.type !== TYPES.accessGrant) return NOT_APPLICABLE;
        const expires = r.props.expires;
        if (typeof expires !== "string") return NOT_APPLICABLE;
        const days = grantDaysLeft(expires, now);
        if (days > EXPIRES_SOON_DAYS) return verdict([]);
        const when = days <= 0 ? "today" : `in ${days} day${days === 1 ? "" : "s"}`;
        return verdict([
            {
                detail: `Expires::${expires}`,
                text: `It expires ${when} (${expires}, end of day UTC); the first pulumi up after that removes the access.`,
                principalId: String(r.props.principalId ?? ""),
                fix: "set a later accessGrants[].expires to keep it, or leave it to end",
            },
        ]);
    },
};
