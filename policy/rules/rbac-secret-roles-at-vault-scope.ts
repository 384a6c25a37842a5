import { roleName, vaultIdParts } from "../../core/vault/roles";
import { FindingOf, NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

/** Roles a grant on the vault may use: data access to secrets, or reading vault metadata. */
export const ALLOWED_ROLES = ["Key Vault Secrets User", "Key Vault Secrets Officer", "Key Vault Reader"];

/** RBAC only with the Key Vault secrets roles or Reader, at the vault's own scope. */
export const rule: Rule<"rbac-secret-roles-at-vault-scope"> = {
    id: "rbac-secret-roles-at-vault-scope",
    info: "The role assignment uses a role other than Key Vault Secrets User, Secrets Officer or Reader, or a scope other than the vault.",
    explanation:
        "Owner, Contributor, User Access Administrator and Key Vault Administrator can grant themselves or others anything; a subscription or resource-group scope reaches every vault and resource below it.",
    fix: "in accessGrants, give the principal access: read or access: write, or role: Key Vault Reader; the program assigns every role at the vault's own scope",
    check(r) {
        if (r.type !== TYPES.roleAssignment) return NOT_APPLICABLE;
        const principalId = typeof r.props.principalId === "string" ? r.props.principalId : undefined;
        const definition = String(r.props.roleDefinitionId ?? "");
        const name = roleName(definition.slice(definition.lastIndexOf("/") + 1));
        const scope = String(r.props.scope ?? "");
        const findings: FindingOf<"rbac-secret-roles-at-vault-scope">[] = [];
        if (!ALLOWED_ROLES.includes(name)) findings.push({ detail: `Role::${name}`, text: `It assigns the role ${name}.`, principalId });
        if (!vaultIdParts(scope)) findings.push({ detail: "Scope::not-vault", text: `Its scope is ${scope || "missing"}.`, principalId });
        return verdict(findings);
    },
};
