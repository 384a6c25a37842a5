import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { DEFAULT_STUDIO_HOSTS } from "../packConfig";
import { TYPES } from "../../core/resourceNames";

/** The redeploy command talks only to an Altinn Studio host listed in policy/config.json. */
export const rule: Rule<"studio-host-allowed"> = {
    id: "studio-host-allowed",
    info: "The redeploy sends the Altinn Studio API key to a host not listed in policy/config.json allowedStudioHosts.",
    explanation:
        "The redeploy script sends the org's Studio API key (a prod deploy right) to redeploy.studioUrl; a one-line change in a stack file must not send it to another host.",
    firesWhen: `\`redeploy.studioUrl\` points at a host not in \`allowedStudioHosts\` (default \`${JSON.stringify(DEFAULT_STUDIO_HOSTS)}\`): the redeploy would send the Studio API key there.`,
    fix: "set redeploy.studioUrl to https://altinn.studio, or add the host to allowedStudioHosts in policy/config.json (a change the code owners review)",
    check(r, context) {
        if (r.type !== TYPES.command) return NOT_APPLICABLE;
        const env = (r.props.environment ?? {}) as Record<string, unknown>;
        if (typeof env.ALTINN_STUDIO_URL !== "string") return NOT_APPLICABLE;
        let host: string;
        try {
            host = new URL(env.ALTINN_STUDIO_URL).hostname.toLowerCase();
        } catch {
            host = "(not a URL)";
        }
        const allowed = (context.studioHosts ?? DEFAULT_STUDIO_HOSTS).map((h) => h.toLowerCase());
        return verdict(allowed.includes(host) ? [] : [{ detail: "Host::not-allowed", text: `It points at ${host}; allowed: ${allowed.join(", ")}.` }]);
    },
};
