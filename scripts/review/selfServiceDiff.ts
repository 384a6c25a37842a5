/**
 * The review rows for where Maskinporten credentials go and what the stack manages there: the
 * self-service API URL (gets the admin token), the admin client, the authority (gets the signed
 * grant), and each client's registration. Turning registration off, removing selfService or
 * removing a registered client forgets its keys: they stay at Maskinporten, and the row says so.
 */
import type { MaskinportenClientConfig, StackConfig } from "../../core/config/parse";
import { ENVIRONMENT_FACTS } from "../../core/altinn/environments";
import type { AllowedHost } from "../../core/maskinporten/hosts";

/** A row of the review's "other changes" table (stackDiff's OtherChange). */
interface Row {
    kind: "changed" | "removed" | "added" | "reason changed";
    subject: string;
    before: string;
    after: string;
}

const FORGOTTEN = "forgotten: its keys stay registered at Maskinporten, no longer renewed or retired by this stack (remove them at Samarbeidsportalen if no app uses them)";

function selfServiceText(c: StackConfig): string {
    const s = c.maskinporten.selfService;
    return s ? `API ${s.apiUrl} (gets the admin token), admin client ${s.adminClientId}` : "none (keys registered by hand)";
}

/** How a client's keys reach Maskinporten. */
export function registrationText(c: MaskinportenClientConfig): string {
    return c.register ? "registered by self-service" : "registered by hand";
}

export function diffSelfService(base: StackConfig, head: StackConfig, matched: [MaskinportenClientConfig, MaskinportenClientConfig][], removed: MaskinportenClientConfig[]): Row[] {
    const out: Row[] = [];
    if (selfServiceText(base) !== selfServiceText(head)) {
        const off = base.maskinporten.selfService && !head.maskinporten.selfService;
        out.push({ kind: "changed", subject: "maskinporten.selfService", before: selfServiceText(base), after: off ? `none: every registered client is ${FORGOTTEN}` : selfServiceText(head) });
    }
    const authority = (c: StackConfig) => ENVIRONMENT_FACTS[c.environment].maskinportenAuthority;
    if (authority(base) !== authority(head)) out.push({ kind: "changed", subject: "Maskinporten authority (gets the signed grants)", before: authority(base), after: authority(head) });
    for (const [b, h] of matched) {
        if (!!b.register === !!h.register) continue;
        out.push({ kind: "changed", subject: `Maskinporten client ${h.section}`, before: registrationText(b), after: h.register ? registrationText(h) : `${registrationText(h)}; ${FORGOTTEN}` });
    }
    for (const c of removed.filter((c) => c.register)) {
        out.push({ kind: "removed", subject: `Maskinporten client ${c.section} at Maskinporten`, before: registrationText(c), after: FORGOTTEN });
    }
    return out;
}

/** Hosts besides Digdir's that policy/config.json lets Maskinporten credentials go to: each added, removed or re-reasoned one. */
export function diffAllowedHosts(base: AllowedHost[], head: AllowedHost[]): Row[] {
    const subject = (host: string) => `policy/config.json allowedMaskinportenHosts ${host} (gets Maskinporten credentials)`;
    const out: Row[] = [];
    for (const h of head) {
        const b = base.find((x) => x.host === h.host);
        if (!b) out.push({ kind: "added", subject: subject(h.host), before: "", after: `reason: ${h.reason}` });
        else if (b.reason !== h.reason) out.push({ kind: "reason changed", subject: subject(h.host), before: `reason: ${b.reason}`, after: `reason: ${h.reason}` });
    }
    for (const b of base.filter((x) => !head.some((h) => h.host === x.host))) out.push({ kind: "removed", subject: subject(b.host), before: `reason: ${b.reason}`, after: "" });
    return out;
}
