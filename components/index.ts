export * from "./keyvault/accessGrant";
export * from "../core/config/parse";
export * from "./keyvault/keyVaultAccess";
export * from "../core/vault/naming";
export * from "../core/vault/roles";
export * from "../core/config/schema";
