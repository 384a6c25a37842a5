/**
 * The stack config's cross-field rules: a zod refinement of the whole namespace (schema.ts).
 * It runs even when single fields are wrong, so every mistake is reported at once; it therefore
 * reads its input defensively (any field may still have the wrong type). Pure.
 */
import type { z } from "zod";
import { defaultVaultName, secretNameProblem, sectionProblem, keyProblem, SECTION_SEPARATOR, vaultNameProblem } from "../vault/naming";
import { GUID_PATTERN, LIMITS, MAX_KEYS_PER_CLIENT, ORG_PATTERN } from "./limits";
import { canBeMandatory, RULE_IDS, RuleId } from "../policy/ruleIds";

/**
 * Whether a stack file may suppress `rule` in `environment`: only where all its findings are
 * advisory (core/policy/ruleIds.ts). keyVault.unmanagedAccess picks unmanaged-access's case.
 */
export function stackMaySuppress(rule: RuleId, environment: "tt02" | "prod", unmanagedAccess: "warn" | "fail" = "warn"): boolean {
    return !canBeMandatory(rule, environment, rule === "unmanaged-access" ? [unmanagedAccess, "expiredGrant"] : undefined);
}

/** The secret keys each client format stores. */
export const CLIENT_SECRET_KEYS = {
    legacy: ["ClientId", "EncodedJwk"],
    builtin: ["Authority", "ClientId", "JwkBase64"],
} as const satisfies Record<string, readonly string[]>;

/**
 * How to set an app secret's value without it reaching shell history (`{path}`: the key path;
 * `{stack}`: `stackFlag`'s text).
 */
export const SET_VALUE = "set it with: pulumi config set{stack} --secret --path '{path}' (it prompts for the value, which keeps it out of shell history)";

/** ` -s <stack>` when the stack is known: without it `pulumi config set` writes to whichever stack is selected, perhaps prod. */
export const stackFlag = (stack: string | undefined): string => (stack ? ` -s ${stack}` : "");

type Obj = Record<string, unknown>;
type Path = (string | number)[];

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
const isWhole = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1;
const items = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const has = (o: Obj, k: string) => o[k] !== undefined && o[k] !== null;

export function crossFieldRules(value: unknown, ctx: z.RefinementCtx): void {
    if (!isObj(value)) return;
    const fail = (path: Path, message: string) => ctx.addIssue({ code: "custom", message, path, input: undefined });

    const org = value.org;
    const environment = value.environment === "tt02" || value.environment === "prod" ? value.environment : undefined;
    const keyVault = isObj(value.keyVault) ? value.keyVault : {};
    if (keyVault.name === undefined && typeof org === "string" && ORG_PATTERN.test(org) && environment) {
        const name = defaultVaultName(org, environment);
        const problem = vaultNameProblem(name);
        if (problem) fail(["keyVault", "name"], `the default ${JSON.stringify(name)} ${problem}; set keyVault.name`);
    }

    const rbac = keyVault.authorization === "rbac";
    const seen = new Map<string, number>();
    items(value.accessGrants).forEach((g, i) => {
        if (!isObj(g)) return;
        const at = (k?: string): Path => (k ? ["accessGrants", i, k] : ["accessGrants", i]);
        // azure-native sends "User" when it is left out, and Azure refuses that for groups and service principals.
        if (rbac && !has(g, "principalType")) fail(at("principalType"), "is required with keyVault.authorization rbac (User, Group or ServicePrincipal)");
        const given = (["access", "permissions", "role"] as const).filter((k) => has(g, k));
        if (given.length > 1) fail(at(), `only one of ${given.join(" and ")} can be specified`);
        else if (given.length === 0) fail(at(), rbac ? "needs access or role (one of them)" : "needs access or permissions (one of them)");
        if (rbac && has(g, "permissions")) fail(at("permissions"), "is for keyVault.authorization accessPolicy; with rbac use access or role");
        if (!rbac && has(g, "role")) fail(at("role"), "is for keyVault.authorization rbac; with accessPolicy use access or permissions");
        for (const key of ["roleAssignmentName", "description"] as const) {
            if (!rbac && has(g, key)) fail(at(key), "is for keyVault.authorization rbac: access policies have none");
        }
        if (typeof g.principalId === "string" && GUID_PATTERN.test(g.principalId)) {
            const id = g.principalId.toLowerCase();
            const earlier = seen.get(id);
            if (earlier !== undefined) fail(at("principalId"), `${id} is already granted in accessGrants[${earlier}]; merge the two grants`);
            else seen.set(id, i);
        }
    });

    const claims = new SecretNames(fail);
    const sections = new Map<string, number>();
    const selfService = isObj(value.maskinporten) && isObj(value.maskinporten.selfService);
    items(value.maskinportenClients).forEach((m, i) => {
        if (!isObj(m)) return;
        const at = (k?: string): Path => (k ? ["maskinportenClients", i, k] : ["maskinportenClients", i]);
        const section = typeof m.section === "string" && sectionProblem(m.section) === undefined ? m.section : undefined;
        if (section !== undefined) {
            const earlier = sections.get(section.toLowerCase());
            if (earlier !== undefined) fail(at("section"), `${JSON.stringify(section)} is already used by maskinportenClients[${earlier}]`);
            else sections.set(section.toLowerCase(), i);
        }
        if (m.register === true && !selfService) {
            fail(at("register"), "is true but maskinporten.selfService is not set; set it, or register the client by hand and give its clientId");
        }
        // One mistake, one line: register without selfService is reported above, not also as a missing clientId.
        const registers = typeof m.register === "boolean" ? m.register : selfService;
        if (!has(m, "clientId") && !registers) fail(at("clientId"), "is required (or register the client by self-service: maskinporten.selfService)");
        if (isText(m.clientId) && /\s/.test(m.clientId)) fail(at("clientId"), "{value} contains white space; copy the client ID from Samarbeidsportalen");
        const format = m.format === undefined ? "legacy" : m.format;
        if (format === "legacy" && !has(m, "scope")) fail(at("scope"), "is required");
        else if (format === "legacy" && typeof m.scope === "string" && !isText(m.scope)) fail(at("scope"), "is required and may not be empty");

        const active = m.keyGeneration === undefined ? 1 : m.keyGeneration;
        const next = m.nextKeyGeneration;
        const retired = items(m.retiredKeyGenerations).filter(isWhole);
        if (isWhole(next) && next === active) fail(at("nextKeyGeneration"), `${next} is the active keyGeneration; stage a new number`);
        const clash = retired.find((g) => g === active || g === next);
        if (clash !== undefined) fail(at("retiredKeyGenerations"), `lists ${clash}, which is also the active or staged generation`);
        else if (new Set(retired).size !== retired.length) fail(at("retiredKeyGenerations"), "lists a generation twice");
        const published = 1 + (isWhole(next) ? 1 : 0) + new Set(retired).size;
        if (published > MAX_KEYS_PER_CLIENT) {
            fail(at(), `publishes ${published} keys (keyGeneration, nextKeyGeneration, retiredKeyGenerations); Maskinporten allows at most ${MAX_KEYS_PER_CLIENT} per client`);
        }
        if (section !== undefined && (format === "legacy" || format === "builtin")) {
            for (const key of CLIENT_SECRET_KEYS[format]) claims.claim(section, key, at("section"));
        }
    });

    items(value.appSecrets).forEach((a, i) => {
        if (!isObj(a)) return;
        if (!has(a, "value") && !has(a, "generate")) {
            fail(["appSecrets", i, "value"], `is required; ${SET_VALUE}; or let the stack generate one: generate: { length: 32 }`);
        } else if (has(a, "value") && has(a, "generate")) {
            fail(["appSecrets", i], "only one of value and generate can be specified");
        }
        if (typeof a.section === "string" && sectionProblem(a.section) === undefined && typeof a.key === "string" && keyProblem(a.key) === undefined) {
            claims.claim(a.section, a.key, ["appSecrets", i, "key"]);
        }
    });

    // One redeploy per app: the number of different apps is bounded like the lists themselves.
    const apps = new Set<string>();
    let tooMany = false;
    for (const key of ["maskinportenClients", "appSecrets"] as const) {
        items(value[key]).forEach((entry, i) => {
            if (!isObj(entry)) return;
            for (const app of items(entry.apps)) if (typeof app === "string") apps.add(app);
            if (apps.size > LIMITS.apps && !tooMany) {
                tooMany = true;
                fail([key, i, "apps"], `brings the stack to more than ${LIMITS.apps} different apps (one redeploy each); split the apps over more stacks`);
            }
        });
    }

    const unmanagedAccess = keyVault.unmanagedAccess === "fail" ? "fail" : "warn";
    items(value.suppressions).forEach((s, i) => {
        if (!isObj(s)) return;
        if (has(s, "principalId") === has(s, "secretName")) fail(["suppressions", i], "exactly one of principalId and secretName must be specified");
        const rule = s.rule;
        if (environment && typeof rule === "string" && (RULE_IDS as string[]).includes(rule) && !stackMaySuppress(rule as RuleId, environment, unmanagedAccess)) {
            fail(
                ["suppressions", i, "rule"],
                `${JSON.stringify(rule)} can be a mandatory finding in ${environment}; a stack file may suppress only advisory findings (a mandatory one is suppressed in policy/config.json, reviewed with the code)`,
            );
        }
    });
}

/** The secret names every client and app secret would create, to refuse collisions. */
class SecretNames {
    private readonly taken = new Map<string, string>();
    constructor(private readonly fail: (path: Path, message: string) => void) {}

    claim(section: string, key: string, path: Path): void {
        const name = `${section}${SECTION_SEPARATOR}${key}`;
        const problem = secretNameProblem(name);
        if (problem) {
            this.fail(path, `secret name ${JSON.stringify(name)} ${problem}`);
            return;
        }
        // Key Vault secret names are case-insensitive.
        const earlier = this.taken.get(name.toLowerCase());
        if (earlier !== undefined) {
            this.fail(path, `secret name ${JSON.stringify(name)} is already used by ${earlier}`);
            return;
        }
        this.taken.set(name.toLowerCase(), pathText(path));
    }
}

/** `accessGrants[2].principalId`; odd key names quoted so a line stays one line. */
export function pathText(path: readonly PropertyKey[]): string {
    let out = "";
    for (const seg of path) {
        // No key of the schema is this long: a longer one is cut, so that its error stays one line.
        const key = shownKey(String(seg));
        if (typeof seg === "number") out += `[${seg}]`;
        else if (/^[A-Za-z_$][\w$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
        else out += `[${JSON.stringify(key)}]`;
    }
    return out;
}

const MAX_KEY_SHOWN = 100;

/** A key as an error line may show it: one longer than any the schema knows is cut. */
export const shownKey = (key: string): string => (key.length > MAX_KEY_SHOWN ? `${key.slice(0, MAX_KEY_SHOWN)}... (${key.length} characters)` : key);
