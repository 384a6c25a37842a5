import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

/** The vault's real authorization mode and tenant are the ones the stack declares. */
export const rule: Rule<"vault-matches-config"> = {
    id: "vault-matches-config",
    info: "The vault does not match keyVault in the stack file.",
    explanation:
        "Access policies on an RBAC vault grant nothing, and role assignments on an access-policy vault grant no data access; an access policy for another tenant is refused. The stack would report grants that do not work.",
    firesWhen: "The vault's real mode (access policies or RBAC) or tenant differs from `keyVault.authorization` / `keyVault.tenantId`.",
    fix: "set keyVault.authorization and keyVault.tenantId in the stack file to what the vault has (or change the vault)",
    check(r) {
        if (r.type !== TYPES.vaultAudit) return NOT_APPLICABLE;
        const mismatches = Array.isArray(r.props.mismatches) ? r.props.mismatches.map(String) : [];
        return verdict(mismatches.map((m) => ({ detail: "Vault::mismatch", text: `${m.replace(/\.$/, "")}.` })));
    },
};
