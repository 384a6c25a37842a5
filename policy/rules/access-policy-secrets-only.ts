import { FindingOf, NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";
import { PERMISSION_KINDS } from "../../core/config/limits";

/** No purge, and no key, certificate or storage permission, in any access policy. */
export const rule: Rule<"access-policy-secrets-only"> = {
    id: "access-policy-secrets-only",
    info: "The access policy grants purge, or permissions on keys, certificates or storage.",
    explanation:
        "Apps and operators need secrets only. Purge destroys a secret and all its versions beyond recovery, and key, certificate and storage permissions reach material this project does not manage.",
    firesWhen: "`all` in `secrets` counts as purge.",
    fix: "in accessGrants, give the principal access: read or access: write, or list only secret permissions other than purge and all under permissions.secrets",
    check(r) {
        if (r.type !== TYPES.accessPolicy) return NOT_APPLICABLE;
        const policy = (r.props.policy ?? {}) as { objectId?: string; permissions?: Record<string, unknown> };
        const permissions = policy.permissions ?? {};
        const findings: FindingOf<"access-policy-secrets-only">[] = [];
        const secrets = Array.isArray(permissions.secrets) ? permissions.secrets.map(String) : [];
        const purging = secrets.filter((p) => p.toLowerCase() === "purge" || p.toLowerCase() === "all");
        if (purging.length) findings.push({ detail: "Permission::secrets:purge", text: `It grants secrets: ${purging.join(", ")}.`, principalId: policy.objectId });
        for (const kind of PERMISSION_KINDS.filter((k) => k !== "secrets")) {
            const list = Array.isArray(permissions[kind]) ? (permissions[kind] as unknown[]).map(String) : [];
            for (const p of list) findings.push({ detail: `Permission::${kind}:${p}`, text: `It grants ${kind}: ${p}.`, principalId: policy.objectId });
        }
        return verdict(findings);
    },
};
