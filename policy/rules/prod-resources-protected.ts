import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";

const GUARDED = ["azure-native:keyvault:AccessPolicy", "azure-native:authorization:RoleAssignment", "azure-native:keyvault:Secret"];

/** In prod, grants and secrets are protected against deletion. */
export const rule: Rule = {
    id: "prod-resources-protected",
    level: "mandatory",
    info: "A prod access grant or secret is not protected against deletion.",
    explanation: "Removing a line from the prod stack file must not silently revoke access or delete a secret that running apps read; with protect, pulumi up stops and a person unprotects on purpose.",
    check(r, context) {
        if (!GUARDED.includes(r.type)) return NOT_APPLICABLE;
        const tags = (r.props.tags ?? {}) as Record<string, unknown>;
        const environment = typeof tags.environment === "string" ? tags.environment : context.environment;
        if (environment !== "prod") return NOT_APPLICABLE;
        const policy = (r.props.policy ?? {}) as { objectId?: string };
        const principalId = typeof r.props.principalId === "string" ? r.props.principalId : policy.objectId;
        const secretName = r.type === "azure-native:keyvault:Secret" ? String(r.props.secretName ?? r.name) : undefined;
        return verdict(r.protect ? [] : [{ detail: "Protect::false", principalId, secretName }]);
    },
};
