import { NOT_APPLICABLE, Rule, RuleFinding, verdict } from "../../core/policy/rule";

/** No purge, and no key, certificate or storage permission, in any access policy. */
export const rule: Rule = {
    id: "access-policy-secrets-only",
    level: "mandatory",
    info: "The access policy grants purge, or permissions on keys, certificates or storage.",
    explanation:
        "Apps and operators need secrets only. Purge destroys a secret and all its versions beyond recovery, and key, certificate and storage permissions reach material this project does not manage.",
    check(r) {
        if (r.type !== "azure-native:keyvault:AccessPolicy") return NOT_APPLICABLE;
        const policy = (r.props.policy ?? {}) as { objectId?: string; permissions?: Record<string, unknown> };
        const permissions = policy.permissions ?? {};
        const findings: RuleFinding[] = [];
        const secrets = Array.isArray(permissions.secrets) ? permissions.secrets.map(String) : [];
        if (secrets.some((p) => p.toLowerCase() === "purge" || p.toLowerCase() === "all")) {
            findings.push({ detail: "Permission::secrets:purge", principalId: policy.objectId });
        }
        for (const kind of ["keys", "certificates", "storage"]) {
            const list = Array.isArray(permissions[kind]) ? (permissions[kind] as unknown[]).map(String) : [];
            for (const p of list) findings.push({ detail: `Permission::${kind}:${p}`, principalId: policy.objectId });
        }
        return verdict(findings);
    },
};
