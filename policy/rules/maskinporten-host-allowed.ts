import type { Environment } from "../../core/config/parse";
import { DIGDIR_HOSTS, hostAllowance, hostOf } from "../../core/maskinporten/hosts";
import { FindingOf, NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

/** Where each Maskinporten resource sends a credential: the input holding the URL, and what goes there. */
const SENDS: Record<string, { input: string; what: string }[]> = {
    [TYPES.maskinportenRegistration]: [
        { input: "apiUrl", what: "the self-service admin token (maskinporten.selfService.apiUrl)" },
        { input: "authority", what: "the admin client's signed grant (the Maskinporten authority)" },
    ],
    [TYPES.maskinportenKeyProof]: [{ input: "authority", what: "a grant signed with the client's new key (the Maskinporten authority)" }],
};

/**
 * Maskinporten credentials go only to Digdir's hosts for the stack's environment (loopback for
 * tests), or to a host policy/config.json allows with a reason: a one-line change in a stack file
 * must not send the org's admin token, which can change every client of the org, anywhere else.
 */
export const rule: Rule<"maskinporten-host-allowed"> = {
    id: "maskinporten-host-allowed",
    info: "A Maskinporten credential would go to a host that is not Digdir's for this environment.",
    explanation:
        "The self-service admin token (scopes idporten:dcr.*) can register a key on any client of the org, and a signed grant can be replayed for up to 120 s: they go only to api.test.samarbeid.digdir.no and test.maskinporten.no (tt02), api.samarbeid.digdir.no and maskinporten.no (prod), or a host listed with a reason in policy/config.json allowedMaskinportenHosts.",
    fix: "leave maskinporten.selfService.apiUrl unset (Digdir's API for the environment), or add the host to allowedMaskinportenHosts in policy/config.json with a reason saying why credentials may go there (a change the code owners review)",
    check(r, context) {
        const sends = SENDS[r.type];
        if (!sends) return NOT_APPLICABLE;
        const environment = (context.environment ?? r.props.environment) as Environment | undefined;
        const digdir = environment && DIGDIR_HOSTS[environment] ? DIGDIR_HOSTS[environment] : [...DIGDIR_HOSTS.tt02, ...DIGDIR_HOSTS.prod];
        const findings: FindingOf<"maskinporten-host-allowed">[] = [];
        for (const { input, what } of sends) {
            const url = r.props[input];
            // A URL only pulumi up knows (unknown in preview) is checked by the provider when it sends.
            if (typeof url !== "string") continue;
            if (hostAllowance(url, environment, context.maskinportenHosts ?? [])) continue;
            findings.push({
                detail: `Host::${hostOf(url)}`,
                text: `${what[0].toUpperCase()}${what.slice(1)} would go to ${hostOf(url)}; allowed in ${environment ?? "this environment"}: ${digdir.join(", ")}, or a host listed in policy/config.json allowedMaskinportenHosts with a reason.`,
            });
        }
        return verdict(findings);
    },
};
