import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { GUID_PATTERN } from "../../core/config/limits";
import { TYPES } from "../../core/resourceNames";
import { SECTION_SEPARATOR } from "../../core/vault/naming";

/** A Maskinporten client ID that is not a UUID is probably something else pasted in its place. */
export const rule: Rule<"maskinporten-client-id-format"> = {
    id: "maskinporten-client-id-format",
    info: "The Maskinporten client ID is not a UUID.",
    explanation:
        "Maskinporten answers a new client with a generated client_id, a UUID such as 238259d7-f0ab-4bd5-b253-0f0159375096; a name or a placeholder in its place makes every token request fail once the apps run. Not a formal guarantee, so advisory.",
    fix: "copy the client's ID (a UUID) from Samarbeidsportalen or Digdir's self-service API into maskinportenClients[].clientId (the admin client's into maskinporten.selfService.adminClientId); if this ID is right, suppress the finding with a reason (the admin client's in policy/config.json, by its setting)",
    check(r) {
        // The admin client that registers keys by self-service: a Maskinporten client too.
        if (r.type === TYPES.maskinportenRegistration) {
            const { adminClientId } = r.props;
            if (typeof adminClientId !== "string" || GUID_PATTERN.test(adminClientId)) return verdict([]);
            const shown = JSON.stringify(adminClientId).slice(0, 80);
            return verdict([{ detail: `AdminClientId::${shown}`, text: `The admin client ID is ${shown}.`, setting: "maskinporten.selfService.adminClientId" }]);
        }
        if (r.type !== TYPES.maskinportenClient) return NOT_APPLICABLE;
        const { clientId, section } = r.props;
        // A client registered by self-service gets its ID from Maskinporten: nothing to check.
        if (typeof clientId !== "string") return NOT_APPLICABLE;
        if (GUID_PATTERN.test(clientId)) return verdict([]);
        return verdict([
            {
                detail: `ClientId::${JSON.stringify(clientId).slice(0, 80)}`,
                text: `It is ${JSON.stringify(clientId).slice(0, 80)}.`,
                secretName: typeof section === "string" ? `${section}${SECTION_SEPARATOR}ClientId` : undefined,
            },
        ]);
    },
};
