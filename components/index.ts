// The Pulumi components, by the module of their type token (altinn:<module>:<Name>), and the typed stack outputs.
export * from "./keyvault/accessGrant";
export * from "./keyvault/appSecret";
export * from "./keyvault/keyVaultAccess";
export * from "./keyvault/vaultAudit";
export * from "./maskinporten/maskinportenClient";
export * from "./maskinporten/registration";
export * from "./policy/reviewContext";
export * from "./studio/appRedeploy";
export * from "./outputs";
