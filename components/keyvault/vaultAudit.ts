import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { eachOnce, findUnmanagedAccessAfterExpiry, OFFLINE_VAULT_TAG, roleAssignmentOf, UnmanagedAccess, unknownRoleIds, vaultMismatches, VaultAccessPolicy, VaultReality, VaultRoleAssignment } from "../../core/vault/audit";
import type { AccessGrantConfig, AuthorizationMode, KeyVaultConfig } from "../../core/config/parse";
import { isLoopbackHost } from "../../core/loopback";
import { TYPES } from "../../core/resourceNames";
import { accessPoliciesOfAnswer, accessPoliciesUnread, quoted, rbacModeOf, roleAssignmentProblems, vaultAccessProblems } from "../../core/vault/vaultAnswer";
import { GUID_PATTERN } from "../../core/config/limits";

type UnmanagedAccessLevel = KeyVaultConfig["unmanagedAccess"];

export { OFFLINE_VAULT_TAG } from "../../core/vault/audit";

/** Azure Resource Manager in the public cloud; `ALTINN_ARM_URL` overrides it (tests point it at a local fake). */
export const DEFAULT_ARM_URL = "https://management.azure.com";
/** API version for role assignments and role definitions. */
export const AUTHORIZATION_API_VERSION = "2022-04-01";
/** Pages of role assignments read at most (ARM pages hold up to 1,000): more is an error, not a silent cut. */
export const MAX_PAGES = 50;
/** Role definitions that are not Key Vault's own read at most (one request each): more is an error, not a silent cut. */
export const MAX_UNKNOWN_ROLES = 100;
/** Time for each ARM request, answer included. */
export const ARM_TIMEOUT_MS = 30_000;
/** Largest ARM answer read; a full page of role assignments is about 1 MB. */
export const MAX_ARM_BODY_BYTES = 16 * 1024 * 1024;

export type AuditStatus = "audited" | "offline";

/** What the audit found; the `VaultAudit` component records it for the policy pack. */
export interface AuditResult {
    status: AuditStatus;
    unmanagedAccess: UnmanagedAccess[];
    mismatches: string[];
}

/** The ARM base URL: https, or http only on a loopback host. Throws one line naming the variable. */
export function armBaseUrl(value = process.env.ALTINN_ARM_URL): string {
    const text = (value ?? "").trim() || DEFAULT_ARM_URL;
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        throw new Error(`ALTINN_ARM_URL: ${JSON.stringify(text)} is not a URL`);
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
        throw new Error(`ALTINN_ARM_URL: ${JSON.stringify(text)} must be https (plain http only on a loopback host)`);
    }
    return url.origin;
}

/** How the audit talks to ARM; tests shorten the timeout. */
export interface ArmOptions {
    timeoutMs?: number;
    fetchImpl?: typeof fetch;
}

/** The body as JSON, read up to `MAX_ARM_BODY_BYTES`; a problem is one line naming the request. */
async function jsonBody(response: Response, where: string): Promise<Record<string, unknown>> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body) {
        for await (const chunk of response.body) {
            size += (chunk as Uint8Array).length;
            if (size > MAX_ARM_BODY_BYTES) throw new Error(`vault audit: GET ${where} answered more than ${MAX_ARM_BODY_BYTES / 1024 / 1024} MiB`);
            chunks.push(chunk as Uint8Array);
        }
    }
    try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
        if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
        // reported below
    }
    throw new Error(`vault audit: GET ${where} answered something that is not a JSON object`);
}

async function armGet(base: string, path: string, token: string, opts: ArmOptions = {}): Promise<Record<string, unknown>> {
    const url = path.startsWith("https://") || path.startsWith("http://") ? path : `${base}${path}`;
    // The token goes only to the ARM host we were given, never to a host a nextLink names.
    if (new URL(url).origin !== base) throw new Error(`vault audit: ARM answered with a link to another host (${new URL(url).origin})`);
    const where = new URL(url).pathname;
    const timeoutMs = opts.timeoutMs ?? ARM_TIMEOUT_MS;
    let response: Response;
    try {
        // No redirects: a redirect could carry the token elsewhere.
        response = await (opts.fetchImpl ?? fetch)(url, {
            headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
            redirect: "error",
            signal: AbortSignal.timeout(timeoutMs),
        });
        if (!response.ok) {
            throw new Error(
                `vault audit: GET ${where} answered HTTP ${response.status}${response.status === 403 ? "; the deploying identity needs Microsoft.Authorization/roleAssignments/read and roleDefinitions/read on the vault" : ""}`,
            );
        }
        return await jsonBody(response, where);
    } catch (e) {
        const name = (e as Error).name;
        if (name === "TimeoutError" || name === "AbortError") throw new Error(`vault audit: GET ${where} did not answer within ${timeoutMs / 1000} s`);
        if ((e as Error).message.startsWith("vault audit:")) throw e;
        throw new Error(`vault audit: GET ${where} failed: ${(e as Error).message.split("\n")[0]}`);
    }
}

/** Every role assignment of a paged ARM listing, at most MAX_PAGES pages. */
async function listPages(base: string, first: string, token: string, opts: ArmOptions): Promise<VaultRoleAssignment[]> {
    const out: VaultRoleAssignment[] = [];
    let next: string | undefined = first;
    for (let page = 0; next && page < MAX_PAGES; page++) {
        const body = await armGet(base, next, token, opts);
        const items = body.value ?? [];
        if (!Array.isArray(items) || items.some((i) => !i || typeof i !== "object")) throw new Error("vault audit: the role assignment listing is not a list of objects");
        const assignments = (items as Record<string, unknown>[]).map(roleAssignmentOf);
        // What a lying answer holds would reach outputs and findings: refuse it, naming the first problem.
        const problems = roleAssignmentProblems(assignments);
        if (problems.length) throw new Error(`vault audit: the role assignment listing cannot be believed: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`);
        out.push(...assignments);
        next = typeof body.nextLink === "string" && body.nextLink ? body.nextLink : undefined;
    }
    if (next) throw new Error(`vault audit: more than ${MAX_PAGES} pages of role assignments; the audit cannot be complete`);
    return out;
}

/**
 * The role assignments at the vault's scope, above it and below it (a single secret), and the data
 * actions of every role not known to be or not to be a Key Vault data role.
 */
export async function listVaultRoleAssignments(
    base: string,
    token: string,
    vaultId: string,
    opts: ArmOptions = {},
): Promise<{ roleAssignments: VaultRoleAssignment[]; dataActionsByRole: Record<string, string[]> }> {
    const list = `${vaultId}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHORIZATION_API_VERSION}`;
    // atScope(): the vault's scope and above. Without a filter ARM also lists the scopes below it
    // (a single secret), which atScope() leaves out. Both, once each.
    const roleAssignments = eachOnce([...(await listPages(base, `${list}&$filter=atScope()`, token, opts)), ...(await listPages(base, list, token, opts))]);
    const dataActionsByRole: Record<string, string[]> = {};
    const unknown = unknownRoleIds(roleAssignments);
    // One request each: a listing of thousands of custom roles is no vault's, and would stall the audit.
    if (unknown.length > MAX_UNKNOWN_ROLES) throw new Error(`vault audit: the role assignments name more than ${MAX_UNKNOWN_ROLES} roles that are not Key Vault's own; the audit reads each, and stops rather than send thousands of requests`);
    for (const roleDefinitionId of unknown) {
        const def = await armGet(base, `${roleDefinitionId}?api-version=${AUTHORIZATION_API_VERSION}`, token, opts);
        // No permission list is an answer that could not be read, not a role that allows nothing.
        const permissions = ((def.properties ?? {}) as Record<string, unknown>).permissions;
        const listed = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((a) => typeof a === "string"));
        if (!Array.isArray(permissions) || !permissions.every((p) => p && typeof p === "object" && listed((p as Record<string, unknown>).dataActions))) {
            throw new Error("vault audit: a role definition's permissions are not a list of {dataActions: [names]}; the audit cannot tell what the role allows");
        }
        dataActionsByRole[roleDefinitionId] = (permissions as { dataActions?: string[] }[]).flatMap((p) => p.dataActions ?? []);
    }
    return { roleAssignments, dataActionsByRole };
}

/**
 * `listVaultRoleAssignments` at `ALTINN_ARM_URL` (or ARM), for the program: any failure is a
 * `RunError`, which Pulumi prints as its one line, without a stack trace.
 */
export async function roleAssignmentsForAudit(token: string, vaultId: string, opts: ArmOptions = {}): ReturnType<typeof listVaultRoleAssignments> {
    try {
        return await listVaultRoleAssignments(armBaseUrl(), token, vaultId, opts);
    } catch (e) {
        throw new pulumi.RunError((e as Error).message.split("\n")[0]);
    }
}

/**
 * `getVault`'s access mode and access policies in the audit's shape, read with adopt's rules
 * (core/vault/vaultAnswer.ts). An answer that cannot be believed throws a one-line `RunError`: an
 * access-policy vault whose answer has no list is an answer that could not be read, not a vault
 * nobody has access to; a mode that is not true or false, or an entry that is not one, hides access.
 */
export function vaultAccessOf(result: keyvault.GetVaultResult): Pick<VaultReality, "tenantId" | "enableRbacAuthorization" | "accessPolicies"> {
    const props = (result.properties ?? {}) as unknown as Record<string, unknown>;
    // The tenant reaches the vault-matches-config finding's message: a GUID or nothing.
    const tenant = typeof props.tenantId === "string" && GUID_PATTERN.test(props.tenantId) ? [] : [`tenantId${props.tenantId === undefined || props.tenantId === null ? "" : ` ${quoted(props.tenantId)}`} is not a GUID`];
    const problems = [...tenant, ...vaultAccessProblems(props)];
    if (problems.length) throw new pulumi.RunError(`keyVault: Azure's answer for the vault cannot be believed: properties.${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : ""}`);
    if (accessPoliciesUnread(props)) throw new pulumi.RunError("keyVault: Azure's answer for the vault has no access policy list, and the vault uses access policies: who has access cannot be read");
    return { tenantId: String(props.tenantId), enableRbacAuthorization: rbacModeOf(props.enableRbacAuthorization) === true, accessPolicies: accessPoliciesOfAnswer(props) };
}

/** `getVault`'s access policies in the audit's shape (`vaultAccessOf`). */
export function accessPoliciesOf(result: keyvault.GetVaultResult): VaultAccessPolicy[] {
    return vaultAccessOf(result).accessPolicies;
}

export interface AuditVaultArgs {
    vaultName: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    /** The stack's `keyVault.authorization`. */
    authorization: AuthorizationMode;
    /** The tenant the stack grants in: `keyVault.tenantId` or the deploying identity's. */
    tenantId: pulumi.Input<string>;
    /** Whether `tenantId` comes from `keyVault.tenantId` (for the message). */
    tenantFromConfig: boolean;
    grants: AccessGrantConfig[];
    /** Grants whose `expires` has passed: their access is shown with that date, never counted as managed. */
    expiredGrants?: AccessGrantConfig[];
}

/**
 * Read the vault as Azure has it (`getVault`; on an RBAC vault also its role assignments through
 * the ARM REST API with the deploying identity's token) and compare it with the stack.
 */
export function auditVault(args: AuditVaultArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<AuditResult> {
    const vault = keyvault.getVaultOutput({ vaultName: args.vaultName, resourceGroupName: args.resourceGroupName }, opts);
    // An answer that cannot be believed asks for no token; the audit below stops on it (once, with its one line).
    const needsToken = vault.apply((v) => !v.tags?.[OFFLINE_VAULT_TAG] && rbacModeOf(v.properties?.enableRbacAuthorization) === true && vaultAccessProblems(v.properties as unknown as Record<string, unknown>).length === 0);
    // The token is asked for only when role assignments must be listed; it never leaves this function.
    const token = needsToken.apply((yes) => (yes ? authorization.getClientTokenOutput({}, opts).token : pulumi.output("")));
    // The result holds principals and roles only; the token that helped list them stays out of it.
    const result = pulumi.all([vault, token, args.tenantId]).apply(async ([v, t, tenantId]): Promise<AuditResult> => {
        if (v.tags?.[OFFLINE_VAULT_TAG]) return { status: "offline", unmanagedAccess: [], mismatches: [] };
        const reality: VaultReality = { id: v.id, ...vaultAccessOf(v), roleAssignments: [] };
        let dataActionsByRole: Record<string, string[]> = {};
        if (reality.enableRbacAuthorization) {
            const listed = await roleAssignmentsForAudit(t, v.id);
            reality.roleAssignments = listed.roleAssignments;
            dataActionsByRole = listed.dataActionsByRole;
        }
        return {
            status: "audited",
            unmanagedAccess: findUnmanagedAccessAfterExpiry(reality, args.grants, args.expiredGrants ?? [], dataActionsByRole),
            mismatches: vaultMismatches(reality, args.authorization, tenantId, args.tenantFromConfig),
        };
    });
    return pulumi.unsecret(result);
}

export interface VaultAuditArgs {
    /** Name of the audited vault. */
    vaultName: pulumi.Input<string>;
    /** What `auditVault` found. */
    result: pulumi.Input<AuditResult>;
    /** `keyVault.unmanagedAccess`: fail makes the unmanaged-access finding mandatory. Defaults to "warn". */
    unmanagedAccessLevel?: UnmanagedAccessLevel;
}

/**
 * The audit's record in the stack: its inputs are what the policy pack's `unmanaged-access` and
 * `vault-matches-config` rules read. It declares no cloud resource.
 */
export class VaultAudit extends pulumi.ComponentResource {
    /** Principals with access the stack does not declare (stack output `unmanagedAccess`). */
    declare readonly unmanagedAccess: pulumi.Output<UnmanagedAccess[]>;
    /** The vault's mode or tenant where it differs from the stack file. */
    declare readonly mismatches: pulumi.Output<string[]>;
    /** `audited`, or `offline` under the offline plan (the audit runs in `pulumi preview`). */
    declare readonly status: pulumi.Output<AuditStatus>;

    constructor(name: string, args: VaultAuditArgs, opts?: pulumi.ComponentResourceOptions) {
        const result = pulumi.output(args.result);
        const record = {
            vaultName: args.vaultName,
            unmanagedAccessLevel: args.unmanagedAccessLevel ?? "warn",
            status: result.status,
            unmanagedAccess: result.unmanagedAccess,
            mismatches: result.mismatches,
        };
        super(TYPES.vaultAudit, name, record, opts);
        this.unmanagedAccess = result.unmanagedAccess;
        this.mismatches = result.mismatches;
        this.status = result.status;
        this.registerOutputs(record);
    }
}
