/**
 * Where `npm run adopt` learns what the vault holds: live through the Azure SDK (management plane
 * only: the ARM secrets API never returns values), or from saved `az` output. Either way only
 * names, permissions, roles, content types and tags come back; never a secret value.
 */
import { readFileSync } from "node:fs";
import type { TokenCredential } from "@azure/core-auth";
import type { KeyVaultManagementClientOptionalParams } from "@azure/arm-keyvault";
import { ArmLimitError, ArmLimits, armLimitPolicies } from "./armLimits";
import { InputError } from "../cli/cli";
import type { VaultReality, VaultRoleAssignment } from "../../core/vault/audit";
import { eachOnce, roleAssignmentOf, unknownRoleIds } from "../../core/vault/audit";
import { GUID_PATTERN } from "../../core/config/limits";
import { accessPoliciesOfAnswer, accessPoliciesUnread, quoted, rbacModeOf, roleAssignmentProblems, vaultAccessProblems } from "../../core/vault/vaultAnswer";
import { vaultIdParts } from "../../core/vault/roles";
import { secretNameProblem } from "../../core/vault/naming";


/** A secret's metadata; `adopt` never reads a value. */
export interface VaultSecretInfo {
    name: string;
    contentType?: string;
    tags?: Record<string, string>;
}


export interface VaultSnapshot {
    vault: VaultReality;
    secrets: VaultSecretInfo[];
    dataActionsByRole: Record<string, string[]>;
}

/** How to reach Azure: the credential, and for tests an endpoint and TLS settings. */
export interface AzureAccess {
    credential: TokenCredential;
    /** ARM base URL; defaults to the public cloud. */
    endpoint?: string;
    /** Extra SDK client options (tests pass `tlsOptions` to trust a throwaway certificate). */
    clientOptions?: Record<string, unknown>;
    /** Time and size bounds of each call; tests shorten them. */
    limits?: ArmLimits;
}

/** Secret metadata only: the name (from `name` or the secret's URI), content type and tags. */
function secretOf(s: Record<string, unknown>): VaultSecretInfo {
    const id = String(s.id ?? "");
    const name = typeof s.name === "string" ? s.name : (/\/secrets\/([^/]+)/.exec(id)?.[1] ?? "");
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const contentType = s.contentType ?? props.contentType;
    return { name, ...(typeof contentType === "string" ? { contentType } : {}), ...(s.tags ? { tags: s.tags as Record<string, string> } : {}) };
}

/** A value from the input, quoted (every character but printable ASCII escaped) only when it is not plain printable text. */
function shown(value: unknown): string {
    const text = String(value);
    return /^[\x21-\x7e]+$/.test(text) ? text : quoted(text);
}

/** The vault from `az keyvault show` (or ARM's JSON), checked field by field. */
export function vaultFromJson(json: unknown, flag = "--vault-json"): Omit<VaultReality, "roleAssignments"> {
    const v = (json ?? {}) as Record<string, unknown>;
    const props = v.properties as Record<string, unknown> | undefined;
    const problems: string[] = [];
    // The ID reaches the summary, the fragment and the import file: nothing but a vault's ARM ID.
    if (typeof v.id !== "string" || !vaultIdParts(v.id) || !/^[\x21-\x7e]+$/.test(v.id)) problems.push(`${flag}: id is not a Key Vault resource ID (expected the output of az keyvault show)`);
    if (!props || typeof props.tenantId !== "string") problems.push(`${flag}: properties.tenantId is missing (expected the output of az keyvault show)`);
    else if (!GUID_PATTERN.test(props.tenantId)) problems.push(`${flag}: properties.tenantId ${quoted(props.tenantId)} is not a GUID`);
    if (props) {
        // The program's audit reads the answer with the same rules (core/vault/vaultAnswer.ts).
        problems.push(...vaultAccessProblems(props).map((p) => `${flag}: properties.${p}`));
        // In an access-policy vault an answer without the list cannot be told from a vault nobody has access to.
        if (accessPoliciesUnread(props)) problems.push(`${flag}: properties.accessPolicies is missing, and the vault uses access policies: who has access cannot be read (expected the output of az keyvault show)`);
    }
    if (problems.length) throw new InputError(problems);
    return {
        id: v.id as string,
        tenantId: String(props!.tenantId),
        enableRbacAuthorization: rbacModeOf(props!.enableRbacAuthorization) === true,
        accessPolicies: accessPoliciesOfAnswer(props!),
    };
}

function listFromJson(json: unknown, flag: string, what: string): Record<string, unknown>[] {
    const list = Array.isArray(json) ? json : Array.isArray((json as { value?: unknown })?.value) ? (json as { value: unknown[] }).value : undefined;
    if (!list || list.some((e) => !e || typeof e !== "object")) throw new InputError([`${flag}: must be a JSON list (expected the output of ${what})`]);
    return list as Record<string, unknown>[];
}

export function secretsFromJson(json: unknown, flag = "--secrets-json"): VaultSecretInfo[] {
    return checkedSecrets(listFromJson(json, flag, "az keyvault secret list").map(secretOf), flag);
}

/** Secrets whose names are Key Vault's: a nameless entry is refused, not listed as "undefined". */
function checkedSecrets(secrets: VaultSecretInfo[], flag: string): VaultSecretInfo[] {
    const bad = secrets.findIndex((s) => !s.name);
    if (bad >= 0) throw new InputError([`${flag}: entry ${bad} has neither a name nor a secret id`]);
    // Key Vault allows nothing else; anything else is not az output, and would reach the summary and the fragment.
    const problems = secrets.flatMap((s, i) => {
        const problem = secretNameProblem(s.name);
        return problem ? [`${flag}: entry ${i}: ${shown(s.name)} is not a Key Vault secret name (${problem})`] : [];
    });
    if (problems.length) throw new InputError(problems);
    return secrets;
}

export function roleAssignmentsFromJson(json: unknown, flag = "--role-assignments-json"): VaultRoleAssignment[] {
    return checkedRoleAssignments(listFromJson(json, flag, "az role assignment list --scope <vault id> --include-inherited").map(roleAssignmentOf), flag);
}

/** Role assignments whose fields can be believed and shown; each problem one line naming the flag and the entry. */
function checkedRoleAssignments(list: VaultRoleAssignment[], flag: string): VaultRoleAssignment[] {
    const problems = roleAssignmentProblems(list);
    // A missing field is reported alone: the rest of that listing says nothing more useful.
    const missing = problems.find((p) => p.endsWith("lacks id, principalId, roleDefinitionId or scope"));
    if (missing) throw new InputError([`${flag}: ${missing}`]);
    if (problems.length) throw new InputError(problems.map((p) => `${flag}: ${p}`));
    return list;
}

/** Read and parse a JSON file; a problem is one line naming the flag. */
export function readJsonFile(file: string, flag: string): unknown {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch {
        throw new InputError([`${flag}: cannot read ${file}`]);
    }
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw new InputError([`${flag}: ${file} is not valid JSON`]);
    }
}

export interface SavedOutput {
    vaultJson: string;
    secretsJson?: string;
    roleAssignmentsJson?: string;
}

/** The vault from saved `az` output. All problems at once. */
export function readSavedOutput(files: SavedOutput): VaultSnapshot {
    const problems: string[] = [];
    const attempt = <T>(f: () => T): T | undefined => {
        try {
            return f();
        } catch (e) {
            if (e instanceof InputError) problems.push(...e.lines);
            else throw e;
            return undefined;
        }
    };
    const vault = attempt(() => vaultFromJson(readJsonFile(files.vaultJson, "--vault-json")));
    // Never "no secrets" for want of the list: the import file would leave existing ones out, and up stop at the first.
    const secrets = files.secretsJson ? attempt(() => secretsFromJson(readJsonFile(files.secretsJson!, "--secrets-json"))) : undefined;
    if (!files.secretsJson) {
        const name = (vault && vaultIdParts(vault.id)?.name) ?? "<vault>";
        problems.push(`--secrets-json: required with --vault-json, or adopt would take the vault to hold no secrets (save it: az keyvault secret list --vault-name ${name} -o json)`);
    }
    const roleAssignments = files.roleAssignmentsJson ? attempt(() => roleAssignmentsFromJson(readJsonFile(files.roleAssignmentsJson!, "--role-assignments-json"))) : [];
    if (vault?.enableRbacAuthorization && !files.roleAssignmentsJson) {
        problems.push("--role-assignments-json: required for an RBAC vault (save it: az role assignment list --scope <vault id> --include-inherited -o json)");
    }
    if (problems.length) throw new InputError(problems);
    return { vault: { ...vault!, roleAssignments: roleAssignments! }, secrets: secrets!, dataActionsByRole: {} };
}

/** Errors @azure/identity raises when no credential could get a token (DefaultAzureCredential's is the aggregate). */
const SIGN_IN_ERRORS = ["CredentialUnavailableError", "AuthenticationError", "AggregateAuthenticationError"];

/**
 * What to do when no Azure credential worked, instead of "ChainedTokenCredential authentication
 * failed": the three ways in, named. Undefined for any other error.
 */
export function signInProblem(e: unknown, vaultName: string): string[] | undefined {
    if (!(e instanceof Error) || !SIGN_IN_ERRORS.includes(e.name)) return undefined;
    return [
        `reading vault ${vaultName}: not signed in to Azure (no credential got a token). Either:`,
        "  - sign in: az login, then az account set --subscription <id>; or",
        "  - set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (a service principal); or",
        "  - read saved az output instead of Azure: --vault-json <file> (az keyvault show),",
        "    --secrets-json <file> (az keyvault secret list) and, for an RBAC vault,",
        "    --role-assignments-json <file> (az role assignment list --scope <vault id>)",
    ];
}

/** Read the vault live with the Azure SDK for JavaScript (management plane; no secret value is requested). */
export async function readLive(access: AzureAccess, subscriptionId: string, resourceGroupName: string, vaultName: string): Promise<VaultSnapshot> {
    try {
        return await readLiveUnchecked(access, subscriptionId, resourceGroupName, vaultName);
    } catch (e) {
        const signIn = signInProblem(e, vaultName);
        if (signIn) throw new InputError(signIn);
        throw e;
    }
}

/**
 * The vault's secrets through ARM (Microsoft.KeyVault/vaults/secrets/read, which Reader has): metadata
 * only, ARM's answers hold no value and none is kept. A page that fails or lacks its list throws (the
 * SDK checks both): a listing cut short is an error, never fewer secrets.
 */
async function listSecrets(kv: import("@azure/arm-keyvault").KeyVaultManagementClient, resourceGroupName: string, vaultName: string): Promise<VaultSecretInfo[]> {
    const listed: VaultSecretInfo[] = [];
    try {
        for await (const s of kv.secrets.list(resourceGroupName, vaultName)) listed.push(secretOf(s as unknown as Record<string, unknown>));
    } catch (e) {
        if (signInProblem(e, vaultName)) throw e;
        if (e instanceof ArmLimitError) throw new ArmLimitError(`listing its secrets: ${e.message}`);
        const { statusCode, code } = e as { statusCode?: number; code?: string };
        if (!statusCode) throw new Error(`listing its secrets: ${(e as Error).message}`);
        throw new Error(`listing its secrets: ${code ?? "failed"} (HTTP ${statusCode})${statusCode === 403 ? "; the live read needs Reader on the vault" : ""}`);
    }
    return checkedSecrets(listed, `vault ${vaultName}: secret list`);
}

/** `f`, its time or size bound named with what it was reading (any other error as it is). */
async function step<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
        return await f();
    } catch (e) {
        if (e instanceof ArmLimitError) throw new ArmLimitError(`${what}: ${e.message}`);
        throw e;
    }
}

async function readLiveUnchecked(access: AzureAccess, subscriptionId: string, resourceGroupName: string, vaultName: string): Promise<VaultSnapshot> {
    const { KeyVaultManagementClient } = await import("@azure/arm-keyvault");
    const { AuthorizationManagementClient } = await import("@azure/arm-authorization");
    // Every call is bounded in time and size (armLimits.ts), whatever else the options say.
    const options = {
        ...(access.endpoint ? { endpoint: access.endpoint } : {}),
        ...(access.clientOptions ?? {}),
        additionalPolicies: [...armLimitPolicies(access.limits, access.endpoint), ...((access.clientOptions?.additionalPolicies as unknown[] | undefined) ?? [])],
    } as KeyVaultManagementClientOptionalParams;
    const kv = new KeyVaultManagementClient(access.credential, subscriptionId, options);
    const v = await step("reading its properties", () => kv.vaults.get(resourceGroupName, vaultName));
    const vault = vaultFromJson(v, `vault ${vaultName}`);
    const secrets = await listSecrets(kv, resourceGroupName, vaultName);
    const roleAssignments: VaultRoleAssignment[] = [];
    const dataActionsByRole: Record<string, string[]> = {};
    if (vault.enableRbacAuthorization) {
        const auth = new AuthorizationManagementClient(access.credential, subscriptionId, options);
        // As the program's audit lists them: atScope() (the vault and above), then unfiltered, which
        // adds the scopes below (a single secret); each assignment once.
        const listed: VaultRoleAssignment[] = [];
        await step("listing its role assignments", async () => {
            for (const options of [{ filter: "atScope()" }, {}]) {
                for await (const a of auth.roleAssignments.listForScope(vault.id, options)) listed.push(roleAssignmentOf(a as unknown as Record<string, unknown>));
            }
        });
        // Checked before each is kept once by id: an entry without one must be refused, not merged.
        roleAssignments.push(...eachOnce(checkedRoleAssignments(listed, `vault ${vaultName}: role assignment list`)));
        for (const roleDefinitionId of unknownRoleIds(roleAssignments)) {
            const def = await step(`reading role definition ${roleDefinitionId}`, () => auth.roleDefinitions.getById(roleDefinitionId));
            // No permission list is an answer that could not be read, not a role that allows nothing.
            if (!Array.isArray(def.permissions)) throw new Error(`reading role definition ${roleDefinitionId}: Azure's answer has no permission list, so what the role allows cannot be read`);
            dataActionsByRole[roleDefinitionId] = def.permissions.flatMap((p) => p.dataActions ?? []);
        }
    }
    return { vault: { ...vault, roleAssignments }, secrets, dataActionsByRole };
}
