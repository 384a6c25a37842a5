export * from "./accessGrant";
export * from "./config";
export * from "./keyVaultAccess";
export * from "./naming";
export * from "./roles";
export * from "./schema";
