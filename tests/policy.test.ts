import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../components/config";
import { BUILTIN_ROLES } from "../components/roles";
import { blocks, evaluateRules } from "../policy/evaluate";
import { parsePackConfig } from "../policy/packConfig";
import type { PolicyResource, ReviewContext, Rule } from "../policy/rule";
import { RULE_IDS } from "../policy/ruleIds";
import { ALL_RULES } from "../policy/rules";
import { rawConfig, ROOT, runPlan, writeStacks } from "./helpers";

const P = "11111111-2222-3333-4444-555555555555";
const SUB = "00000000-0000-0000-0000-00000000bbbb";
const VAULT = `/subscriptions/${SUB}/resourceGroups/altinnapps-ttd-prod-rg/providers/Microsoft.KeyVault/vaults/ttd-prod-apps-kv`;
const tt02: ReviewContext = { environment: "tt02", writeAllowlist: [] };
const prod: ReviewContext = { environment: "prod", writeAllowlist: [] };

function rule(id: string): Rule {
    return ALL_RULES.find((r) => r.id === id)!;
}

function res(type: string, props: Record<string, unknown>, extra: Partial<PolicyResource> = {}): PolicyResource {
    return { type, name: "r", id: `${type}::r`, props, protect: false, ...extra };
}

const policy = (permissions: Record<string, string[]>) => res("azure-native:keyvault:AccessPolicy", { policy: { objectId: P, tenantId: SUB, permissions } });
const assignment = (role: string, scope = VAULT) =>
    res("azure-native:authorization:RoleAssignment", { principalId: P, scope, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}` });
const grant = (props: Record<string, unknown>) => res("altinn:keyvault:AccessGrant", { principalId: P, reason: "Operations team reads secrets", ...props });
const secret = (props: Record<string, unknown>, extra: Partial<PolicyResource> = {}) =>
    res("azure-native:keyvault:Secret", { secretName: "S--K", properties: { contentType: "text/plain" }, tags: { environment: "tt02" }, ...props }, { valueIsSecret: true, ...extra });

function details(r: Rule, resource: PolicyResource, context = tt02): string[] | "compliant" | "not-applicable" {
    const v = r.check(resource, context);
    return v.status === "non-compliant" ? v.findings.map((f) => `${f.level ?? r.level} ${f.detail}`) : v.status;
}

describe("rules", () => {
    it("each lives in its own file named after its id, with info and explanation", () => {
        const files = readdirSync(path.join(ROOT, "policy", "rules")).filter((f) => f !== "index.ts").map((f) => f.replace(/\.ts$/, ""));
        expect(ALL_RULES.map((r) => r.id).sort()).toEqual(files.sort());
        expect([...RULE_IDS].sort()).toEqual(files.sort());
        for (const r of ALL_RULES) {
            expect(r.info.length).toBeGreaterThan(20);
            expect(r.explanation.length).toBeGreaterThan(40);
        }
    });

    describe("access-policy-secrets-only", () => {
        const r = rule("access-policy-secrets-only");
        it("is compliant with the read and write presets", () => {
            expect(details(r, policy({ secrets: ["get", "list", "set", "delete"] }))).toBe("compliant");
        });
        it("flags purge and every key, certificate and storage permission", () => {
            expect(details(r, policy({ secrets: ["get", "purge"], keys: ["get"], certificates: ["list"], storage: ["get"] }))).toEqual([
                "mandatory Permission::secrets:purge",
                "mandatory Permission::keys:get",
                "mandatory Permission::certificates:list",
                "mandatory Permission::storage:get",
            ]);
        });
        it("does not apply to other resources", () => {
            expect(details(r, grant({}))).toBe("not-applicable");
        });
    });

    describe("rbac-secret-roles-at-vault-scope", () => {
        const r = rule("rbac-secret-roles-at-vault-scope");
        it("accepts Secrets User, Secrets Officer and Reader at the vault", () => {
            for (const name of ["Key Vault Secrets User", "Key Vault Secrets Officer", "Key Vault Reader"] as const) {
                expect(details(r, assignment(BUILTIN_ROLES[name]))).toBe("compliant");
            }
        });
        it("refuses Owner, Contributor, User Access Administrator and Key Vault Administrator", () => {
            for (const name of ["Owner", "Contributor", "User Access Administrator", "Key Vault Administrator"] as const) {
                expect(details(r, assignment(BUILTIN_ROLES[name]))).toEqual([`mandatory Role::${name}`]);
            }
        });
        it("refuses a subscription or resource-group scope", () => {
            expect(details(r, assignment(BUILTIN_ROLES["Key Vault Secrets User"], `/subscriptions/${SUB}`))).toEqual([`mandatory Scope::/subscriptions/${SUB}`]);
            expect(details(r, assignment(BUILTIN_ROLES["Key Vault Secrets User"], `/subscriptions/${SUB}/resourceGroups/rg`))).toEqual([`mandatory Scope::/subscriptions/${SUB}/resourceGroups/rg`]);
        });
        it("does not apply to access policies", () => {
            expect(details(r, policy({ secrets: ["get"] }))).toBe("not-applicable");
        });
    });

    describe("grant-has-reason", () => {
        const r = rule("grant-has-reason");
        it("accepts a reason of 10 characters or more", () => expect(details(r, grant({ reason: "Ops reads." }))).toBe("compliant"));
        it("flags a short or missing reason", () => {
            expect(details(r, grant({ reason: "ops" }))).toEqual(["mandatory Reason::3 characters"]);
            expect(details(r, grant({ reason: undefined }))).toEqual(["mandatory Reason::0 characters"]);
        });
        it("does not apply to secrets", () => expect(details(r, secret({}))).toBe("not-applicable"));
    });

    describe("write-access-reviewed", () => {
        const r = rule("write-access-reviewed");
        it("lets read access pass", () => {
            expect(details(r, grant({ access: "read" }), prod)).toBe("compliant");
            expect(details(r, grant({ roleId: BUILTIN_ROLES["Key Vault Reader"] }), prod)).toBe("compliant");
            expect(details(r, grant({ permissions: { secrets: ["get", "list"] } }), prod)).toBe("compliant");
        });
        it("is advisory in tt02 and mandatory in prod", () => {
            expect(details(r, grant({ access: "write" }), tt02)).toEqual(["advisory Access::write"]);
            expect(details(r, grant({ access: "write" }), prod)).toEqual(["mandatory Access::write"]);
            expect(details(r, grant({ permissions: { secrets: ["get", "set"] } }), prod)).toEqual(["mandatory Access::write"]);
            expect(details(r, grant({ roleId: BUILTIN_ROLES["Key Vault Secrets Officer"] }), prod)).toEqual(["mandatory Access::write"]);
        });
        it("is advisory in prod for an allowlisted principal", () => {
            expect(details(r, grant({ access: "write" }), { ...prod, writeAllowlist: [P] })).toEqual(["advisory Access::write"]);
        });
        it("does not apply to access policies", () => expect(details(r, policy({ secrets: ["set"] }))).toBe("not-applicable"));
    });

    describe("principal-allowlisted", () => {
        const r = rule("principal-allowlisted");
        it("does not apply without an allowlist", () => expect(details(r, grant({}))).toBe("not-applicable"));
        it("flags principals not on the allowlist", () => {
            expect(details(r, grant({}), { ...tt02, principalAllowlist: [P.toUpperCase().toLowerCase()] })).toBe("compliant");
            expect(details(r, grant({}), { ...tt02, principalAllowlist: ["99999999-2222-3333-4444-555555555555"] })).toEqual(["advisory Principal::not-allowlisted"]);
        });
    });

    describe("secret-value-secret-and-typed", () => {
        const r = rule("secret-value-secret-and-typed");
        it("accepts a secret value with a content type", () => expect(details(r, secret({}))).toBe("compliant"));
        it("flags a plain-text value and a missing content type", () => {
            expect(details(r, secret({ properties: {} }, { valueIsSecret: false }))).toEqual(["mandatory Value::plain-text", "mandatory ContentType::missing"]);
        });
        it("checks only the content type where the engine hides secretness", () => {
            expect(details(r, secret({}, { valueIsSecret: undefined }))).toBe("compliant");
        });
        it("does not apply to grants", () => expect(details(r, grant({}))).toBe("not-applicable"));
    });

    describe("prod-resources-protected", () => {
        const r = rule("prod-resources-protected");
        it("requires protect on prod grants and secrets", () => {
            expect(details(r, assignment(BUILTIN_ROLES["Key Vault Secrets User"]), prod)).toEqual(["mandatory Protect::false"]);
            expect(details(r, secret({ tags: { environment: "prod" } }), tt02)).toEqual(["mandatory Protect::false"]);
            expect(details(r, secret({ tags: { environment: "prod" } }, { protect: true }), tt02)).toBe("compliant");
        });
        it("does not apply in tt02 or to components", () => {
            expect(details(r, policy({ secrets: ["get"] }), tt02)).toBe("not-applicable");
            expect(details(r, grant({}), prod)).toBe("not-applicable");
        });
    });
});

describe("suppressions", () => {
    const over = [policy({ secrets: ["get", "purge"] })];
    it("keep a suppressed finding in the report, as suppressed, with its reason, and stop it blocking", () => {
        const findings = evaluateRules(over, tt02, [{ rule: "access-policy-secrets-only", principalId: P, reason: "Vendor tool needs purge until March" }]);
        expect(findings).toEqual([
            expect.objectContaining({ policy: "access-policy-secrets-only", level: "mandatory", suppressed: { reason: "Vendor tool needs purge until March" } }),
        ]);
        expect(findings.some(blocks)).toBe(false);
        expect(findings[0].message).toBe(`The access policy grants purge, or permissions on keys, certificates or storage. Permission::secrets:purge (principal ${P})`);
    });

    it("match on rule id and principal only", () => {
        const findings = evaluateRules(over, tt02, [{ rule: "grant-has-reason", principalId: P, reason: "Wrong rule entirely here" }, { rule: "access-policy-secrets-only", principalId: "99999999-2222-3333-4444-555555555555", reason: "Another principal here" }]);
        expect(findings.filter(blocks)).toHaveLength(1);
    });

    const errorsOf = (suppressions: unknown[]): string[] => {
        try {
            parseStackConfig(rawConfig({ org: "ttd", environment: "tt02", suppressions }));
            return [];
        } catch (e) {
            return (e as ConfigError).errors;
        }
    };

    it("refuse a reason shorter than 10 characters", () => {
        expect(errorsOf([{ rule: "write-access-reviewed", principalId: P, reason: "ok" }])).toEqual([
            'suppressions[0].reason: "ok" is shorter than 10 characters; say why this finding is acceptable',
        ]);
    });

    it("refuse an unknown rule id and a missing target", () => {
        expect(errorsOf([{ rule: "no-such-rule", reason: "Because we said so" }])).toEqual([
            `suppressions[0].rule: "no-such-rule" is not a rule id (one of ${RULE_IDS.join(", ")})`,
            "suppressions[0]: exactly one of [principalId] and [secretName] must be specified",
        ]);
    });
});

describe("pack config", () => {
    it("accepts null or GUID lists and names a bad key", () => {
        expect(parsePackConfig({ principalAllowlist: null, writeAllowlist: [P] })).toEqual({ principalAllowlist: undefined, writeAllowlist: [P] });
        expect(() => parsePackConfig({ writeAllowlist: ["bob"] })).toThrow("policy/config.json: writeAllowlist must be a list of Entra object IDs (GUIDs)");
    });
});

describe("the plan runs the same rules", () => {
    it("exits 1 on an over-broad grant, naming the rule and the principal", async () => {
        const dir = writeStacks({
            broad: {
                org: "ttd",
                environment: "prod",
                keyVault: { authorization: "rbac" },
                accessGrants: [{ principalId: P, principalType: "Group", role: "Owner", reason: "Platform team owns everything" }],
            },
        });
        const run = await runPlan(["--stack", "broad", "--config-dir", dir, "--json"]);
        expect(run.code).toBe(1);
        const findings = JSON.parse(run.stdout).findings;
        expect(findings).toContainEqual({
            policy: "rbac-secret-roles-at-vault-scope",
            level: "mandatory",
            resource: `azure-native:authorization:RoleAssignment::vault-${P}-role`,
            message: `The role assignment uses a role other than Key Vault Secrets User, Secrets Officer or Reader, or a scope other than the vault. Role::Owner (principal ${P})`,
            principalId: P,
        });
        expect(findings).toContainEqual(expect.objectContaining({ policy: "write-access-reviewed", level: "mandatory" }));
    });

    it("reports a suppressed finding with its reason and exits 0", async () => {
        const dir = writeStacks({
            suppressed: {
                org: "ttd",
                environment: "prod",
                keyVault: { authorization: "rbac" },
                accessGrants: [{ principalId: P, principalType: "ServicePrincipal", access: "write", reason: "Rotation pipeline writes new keys" }],
                suppressions: [{ rule: "write-access-reviewed", principalId: P, reason: "The rotation pipeline must write secrets" }],
            },
        });
        const run = await runPlan(["--stack", "suppressed", "--config-dir", dir]);
        expect(run.code).toBe(0);
        expect(run.stdout).toContain("Policy findings (0 open, 1 suppressed)");
        expect(run.stdout).toContain(`  [suppressed] write-access-reviewed: grant for ${P}\n`);
        expect(run.stdout).toContain("      suppressed: The rotation pipeline must write secrets");
    });
});
