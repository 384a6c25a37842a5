/**
 * The stack outputs, typed once: what `pulumi stack output --json` prints (and the offline plan
 * resolves). index.ts declares its exports with these types; the plan, the review and `status`
 * read them instead of re-declaring them. Clients are matched by `section`, never by position.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AuthorizationMode, ClientFormat, Environment, Permissions } from "../core/config/parse";
import type { PublicRsaJwk } from "../core/maskinporten/jwk";
import type { KeyStatus } from "../core/maskinporten/keyStatus";
import type { RotationStatus } from "../core/maskinporten/settings";
import type { UnmanagedAccess } from "../core/vault/audit";

export interface VaultOutput {
    vaultName: string;
    resourceGroupName: string;
    /** The vault's ARM ID. */
    id: string;
    authorization: AuthorizationMode;
}

/** One `accessGrants` entry as declared (exactly one of access, permissions and roleId is set). */
export interface GrantOutput {
    principalId: string;
    access?: "read" | "write";
    permissions?: Permissions;
    roleId?: string;
    reason: string;
    /** The date (UTC end of day) the grant ends by itself. */
    expires?: string;
}

/** A grant whose `expires` date has passed: no longer declared, so the up removed it; delete the entry. */
export interface ExpiredGrantOutput {
    principalId: string;
    reason: string;
    expires: string;
}

/** The proof that a client's active key gets a token before the vault holds it. */
export interface KeyProofOutput {
    /** What `pulumi up` does about the proof, in one sentence. */
    plan: string;
    proven: boolean;
    note: string;
}

/** A client registered by self-service: its id and each registered key's expiry as of the last refresh. */
export interface RegistrationOutput {
    clientId: string;
    createdByStack: boolean;
    keys: KeyStatus[];
    /** Keys on the client this stack did not register. */
    foreignKeys: KeyStatus[];
    /** Kids the stack registers that Maskinporten no longer holds. */
    missing: string[];
}

/** Per client: what to register at Samarbeidsportalen, the secret names and the app's non-secret settings. */
export interface ClientOutput {
    /** The appsettings section: what identifies the client. */
    section: string;
    clientId?: string;
    format: ClientFormat;
    apps: string[];
    secretNames: string[];
    /** Absent for an adopted key (keyGeneration 0): its public half was never in this stack. */
    activeKid?: string;
    stagedKid?: string;
    activePublicJwk?: PublicRsaJwk;
    activePublicKeyPem?: string;
    /** Every published public key (active, staged, retired). */
    publicJwks: { keys: PublicRsaJwk[] };
    rotation: RotationStatus;
    appSettings: Record<string, string | boolean>;
    /** Whether Maskinporten gave a token with the active key before the vault got it, and what up does. */
    keyProof: KeyProofOutput;
    registration?: RegistrationOutput;
}

/** Which apps are redeployed when which secrets change; `automatic: false` means by hand. */
export interface RedeployOutput {
    app: string;
    envName: string;
    secretNames: string[];
    automatic: boolean;
    /** The version of each secret the app reads now, by secret name. */
    secretVersions: Record<string, string>;
    /** The versions its redeploy command last ran for (same order as secretNames), so status can tell whether it followed; absent when automatic is false. */
    redeployedFor?: string[];
}

export interface StackOutputs {
    org: string;
    environment: Environment;
    vault: VaultOutput;
    grants: GrantOutput[];
    expiredGrants: ExpiredGrantOutput[];
    maskinportenClients: ClientOutput[];
    /** Principals with access to the vault that accessGrants does not declare (empty offline). */
    unmanagedAccess: UnmanagedAccess[];
    appSecretNames: string[];
    redeploys: RedeployOutput[];
}

/** What the program may export for an output of type `T`: the value, with Outputs anywhere inside it. */
export type Declared<T> = pulumi.Output<T> | Lifted<T>;
type Lifted<T> = T extends readonly (infer U)[] ? Declared<U>[] : T extends object ? { [K in keyof T]: Declared<T[K]> } : T;
