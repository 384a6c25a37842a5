import type { Rule } from "../../core/policy/rule";
import { rule as accessPolicySecretsOnly } from "./access-policy-secrets-only";
import { rule as configKeyAllowed } from "./config-key-allowed";
import { rule as grantExpiry } from "./grant-expiry";
import { rule as grantHasReason } from "./grant-has-reason";
import { rule as maskinportenClientIdFormat } from "./maskinporten-client-id-format";
import { rule as maskinportenHostAllowed } from "./maskinporten-host-allowed";
import { rule as maskinportenKeyExpiry } from "./maskinporten-key-expiry";
import { rule as maskinportenOwnSection } from "./maskinporten-own-section";
import { rule as principalAllowlisted } from "./principal-allowlisted";
import { rule as prodResourcesProtected } from "./prod-resources-protected";
import { rule as rbacSecretRolesAtVaultScope } from "./rbac-secret-roles-at-vault-scope";
import { rule as secretValueNotPlaceholder } from "./secret-value-not-placeholder";
import { rule as secretValueSecretAndTyped } from "./secret-value-secret-and-typed";
import { rule as studioHostAllowed } from "./studio-host-allowed";
import { rule as unmanagedAccess } from "./unmanaged-access";
import { rule as vaultMatchesConfig } from "./vault-matches-config";
import { rule as writeAccessReviewed } from "./write-access-reviewed";
import { rule as writeGrantExpires } from "./write-grant-expires";

export const ALL_RULES: readonly Rule[] = [
    accessPolicySecretsOnly,
    configKeyAllowed,
    grantExpiry,
    grantHasReason,
    maskinportenClientIdFormat,
    maskinportenHostAllowed,
    maskinportenKeyExpiry,
    maskinportenOwnSection,
    principalAllowlisted,
    prodResourcesProtected,
    rbacSecretRolesAtVaultScope,
    secretValueNotPlaceholder,
    secretValueSecretAndTyped,
    studioHostAllowed,
    unmanagedAccess,
    vaultMatchesConfig,
    writeAccessReviewed,
    writeGrantExpires,
];
