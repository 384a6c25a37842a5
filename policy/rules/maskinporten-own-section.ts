import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";
import { SECTION_SEPARATOR } from "../../core/vault/naming";

/** The section Altinn Studio provisions for an app's own Maskinporten client (app-lib v8 scope setup, v9). */
export const PLATFORM_SECTION = "MaskinportenSettings";

/** A client stored under `MaskinportenSettings` collides with the client Altinn Studio provisions for the app. */
export const rule: Rule<"maskinporten-own-section"> = {
    id: "maskinporten-own-section",
    info: `A Maskinporten client or app secret is stored under ${PLATFORM_SECTION}, the section Altinn Studio provisions for the app's own client.`,
    explanation:
        "With scopes chosen in Altinn Studio (app-lib v8.3+) the platform creates the app's client, rotates its key and mounts it as MaskinportenSettings; Key Vault MaskinportenSettings--* secrets are merged into that key by key, giving credentials of neither client (Altinn/altinn-studio#20048). In v9 an app's MaskinportenSettings from Key Vault has no effect for its own client. A client of its own needs a section of its own.",
    firesWhen: "Use a section of its own, e.g. `MaskinportenClients--<Name>` ([when to use this](when-to-use.md)).",
    fix: "give the client a section of its own in maskinportenClients[].section (stage its new key first: nextKeyGeneration), or suppress the finding in the stack file with a reason",
    check(r) {
        if ((r.type !== TYPES.maskinportenClient && r.type !== TYPES.appSecret) || typeof r.props.section !== "string") return NOT_APPLICABLE;
        const section = r.props.section;
        // .NET configuration keys ignore case: maskinportensettings is the same section.
        if (section.toLowerCase() !== PLATFORM_SECTION.toLowerCase()) return verdict([]);
        if (r.type === TYPES.appSecret) {
            // An app secret in that section (a ClientId or Jwk stored by hand) collides the same way.
            const name = `${section}${SECTION_SEPARATOR}${String(r.props.key)}`;
            return verdict([
                {
                    detail: `AppSecret::${name}`,
                    secretName: name,
                    text:
                        `In app-lib v8 with Studio's scope setup, the vault's ${name} merges with the settings Studio mounts for the app's own client, into credentials of neither client; in v9 it has no effect for that client. ` +
                        "For a client of its own, declare it under maskinportenClients with a section of its own; for another setting, give appSecrets[].section a section of its own and read it from there in the app.",
                },
            ]);
        }
        const builtin = r.props.format === "builtin";
        const bind = builtin
            ? "the builtin format is v8 only: call ConfigureMaskinportenClient with the new section in the app"
            : 'bind Altinn.ApiClients.Maskinporten to it in the app (Configuration.GetSection("MaskinportenClients:<Name>"))';
        return verdict([
            {
                detail: `Section::${section}`,
                secretName: `${section}${SECTION_SEPARATOR}ClientId`,
                text:
                    `In app-lib v8 with Studio's scope setup, the vault's ${section}--* secrets merge key by key with the settings Studio mounts, into credentials of neither client; in v9 they have no effect for the app's own client. ` +
                    `Give this client a section of its own, e.g. MaskinportenClients--<Name> or <Name>Maskinporten (letters, digits, single hyphens; nest with --), ${bind}, and delete the vault's ${section}--* secrets once the apps read the new ones. ` +
                    "Renaming the section stores a new key: stage it first (nextKeyGeneration) and register it, or the review reports key-change-staged.",
            },
        ]);
    },
};
