import { daysLeft, expiryDate, KeyExpiry, knownExp, RENEW_WITHIN_DAYS } from "../../core/maskinporten/keyStatus";
import { NOT_APPLICABLE, Rule, FindingOf, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

function expiries(value: unknown): KeyExpiry[] {
    return Array.isArray(value) ? value.filter((k): k is KeyExpiry => !!k && typeof k === "object" && typeof (k as KeyExpiry).kid === "string") : [];
}

/**
 * A declared key registered at Maskinporten expires within 30 days (advisory) or has expired
 * (mandatory). Reads the registration's state (`registered`, refreshed by `pulumi preview
 * --refresh`) or, while an update is planned, the expiry its provider's check carried into the
 * inputs (`knownExpiry`). Offline there is neither: not applicable.
 */
export const rule: Rule<"maskinporten-key-expiry"> = {
    id: "maskinporten-key-expiry",
    info: "A Maskinporten key this stack registers is about to expire or has expired; pulumi up renews it.",
    explanation:
        "Maskinporten keeps a registered key for at most a year and then answers MP-121 (expired key): the apps stop getting tokens. pulumi up sends the key set again, which renews every key in it.",
    firesWhen: `Advisory within ${RENEW_WITHIN_DAYS} days of a registered key's expiry (read by \`pulumi preview --refresh\`), mandatory once it has expired.`,
    fix: "run pulumi up on the stack (deploy.yml on main does): it sends the key set again, which renews every key in it",
    check(r, context) {
        if (r.type !== TYPES.maskinportenRegistration) return NOT_APPLICABLE;
        const declared = new Set(expiries(r.props.keys).map((k) => k.kid));
        const state = expiries(r.props.registered);
        const known = state.length ? state : expiries(r.props.knownExpiry);
        // An exp no date can hold (1e20) is not an expiry: read as not told, never as a crash of the pack.
        const withExp = known.filter((k) => declared.has(k.kid) && knownExp(k.exp) !== undefined);
        if (withExp.length === 0) return NOT_APPLICABLE;
        const now = Math.floor((context.now ?? Date.now()) / 1000);
        const label = typeof r.props.label === "string" ? r.props.label : r.name;
        const clientId = typeof r.props.clientId === "string" ? ` (client ${r.props.clientId})` : "";
        const findings: FindingOf<"maskinporten-key-expiry">[] = [];
        for (const k of withExp) {
            const days = daysLeft(k.exp!, now);
            const date = expiryDate(k.exp!);
            if (days < 0) findings.push({ detail: "Key::expired", text: `Key ${k.kid} of ${label}${clientId} expired on ${date}.`, case: "expired" });
            else if (days < RENEW_WITHIN_DAYS) findings.push({ detail: "Key::expiring", text: `Key ${k.kid} of ${label}${clientId} expires on ${date} (${days} days left).`, case: "expiring" });
        }
        return verdict(findings);
    },
};
