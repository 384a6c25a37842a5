import { NOT_APPLICABLE, PolicyResource, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

const GUARDED = [TYPES.accessPolicy, TYPES.roleAssignment, TYPES.secret] as string[];

/** A grant with `expires` is declared unprotected on purpose: the `up` after its date must remove it. */
function endsByItself(r: PolicyResource): boolean {
    return r.type !== TYPES.secret && r.parent?.type === TYPES.accessGrant && typeof r.parent.props.expires === "string";
}

/** In prod, grants and secrets are protected against deletion, except grants that end by themselves. */
export const rule: Rule<"prod-resources-protected"> = {
    id: "prod-resources-protected",
    info: "A prod access grant or secret is not protected against deletion.",
    explanation:
        "Removing a line from the prod stack file must not silently revoke access or delete a secret that running apps read; with protect, pulumi up stops and a person unprotects on purpose. A grant with `expires` is the exception: it is reviewed with its end date, and the up after that date must be able to remove it.",
    firesWhen: "A prod grant or secret is not `protect`ed; a grant with `expires` is declared unprotected on purpose and accepted.",
    fix: "declare it with the protect resource option, as index.ts does for every grant and secret in prod (keep protect: prod there)",
    check(r, context) {
        if (!GUARDED.includes(r.type)) return NOT_APPLICABLE;
        const tags = (r.props.tags ?? {}) as Record<string, unknown>;
        const environment = typeof tags.environment === "string" ? tags.environment : context.environment;
        if (environment !== "prod") return NOT_APPLICABLE;
        const policy = (r.props.policy ?? {}) as { objectId?: string };
        const principalId = typeof r.props.principalId === "string" ? r.props.principalId : policy.objectId;
        const secretName = r.type === TYPES.secret ? String(r.props.secretName ?? r.name) : undefined;
        return verdict(r.protect || endsByItself(r) ? [] : [{ detail: "Protect::false", principalId, secretName }]);
    },
};
