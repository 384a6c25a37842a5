/** A prod stack with every kind of resource the program declares, several times over (shared by the resource record and the protect tests). */

export function guid(i: number, salt: number): string {
    return `${salt.toString(16).padStart(8, "0")}-1111-4222-8333-${(i * 7919 + salt).toString(16).padStart(12, "0").slice(-12)}`;
}

export function largeStack(): Record<string, unknown> {
    return {
        org: "ttd",
        environment: "prod",
        keyVault: { authorization: "rbac" },
        accessGrants: Array.from({ length: 12 }, (_, i) => ({
            principalId: guid(i, 1),
            principalType: i % 2 ? "Group" : "ServicePrincipal",
            ...(i % 3 === 0 ? { role: "Key Vault Reader" } : { access: "read" }),
            reason: `Generated grant number ${i} for the record`,
        })),
        maskinporten: { selfService: { adminClientId: guid(0, 9) } },
        maskinportenClients: Array.from({ length: 8 }, (_, i) => ({
            section: `Client${i}`,
            ...(i === 3 ? {} : { clientId: guid(i, 2) }),
            format: i % 2 === 0 ? "legacy" : "builtin",
            scope: "altinn:serviceowner/instances.read",
            keyGeneration: 1 + (i % 3),
            ...(i % 4 === 1 ? { nextKeyGeneration: 2 + (i % 3) } : {}),
            ...(i % 4 === 2 ? { register: false } : {}),
            apps: [`app-${i % 3}`, `app-${(i + 1) % 3}`],
        })),
        appSecrets: [
            { section: "ExternalApi", key: "ApiKey", apps: ["app-0"], generate: { length: 40 } },
            { section: "Other", key: "Token", apps: ["app-1", "app-2"], generate: { length: 32, generation: 2 } },
        ],
        redeploy: { enabled: true },
    };
}
