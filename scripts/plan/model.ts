/**
 * The offline plan's report, in the shape of DESIGN.md's plan contract: what `pulumi up` would
 * declare, as `--json` prints it and the text report renders it.
 */
import type { Finding } from "../../policy/evaluate";
import type { ClientOutput, ExpiredGrantOutput } from "../../components/outputs";

export interface PlanResource {
    type: string;
    name: string;
    protect: boolean;
}

export interface PlanGrant {
    vault: string;
    principalId: string;
    authorization: string;
    access?: string;
    permissions?: Record<string, string[]>;
    role?: string;
    reason: string;
    resource: string;
    protect: boolean;
    /** `accessGrants[].expires`: the last day (UTC); such a grant is never protected. */
    expires?: string;
}

/** A grant whose `expires` date has passed: not declared, so `pulumi up` removes it. */
export type PlanExpiredGrant = ExpiredGrantOutput;

export type PlanFinding = Pick<Finding, "policy" | "level" | "resource" | "message" | "suppressed" | "principalId" | "secretName" | "setting">;

export interface PlanSecret {
    vault: string;
    name: string;
    section: string;
    key: string;
    contentType: string;
    /** Apps that read the secret (and are redeployed when it changes). */
    apps: string[];
    kid?: string;
    /** True when `kid` belongs to an offline placeholder key, not to the key `pulumi up` makes. */
    kidIsPlaceholder?: boolean;
    protect: boolean;
    /** True when the value is a Pulumi secret (it always should be). */
    valueIsSecret: boolean;
    resource: string;
}

/** A client as the plan shows it: its stack output (matched by section), rotation state and registration. */
export interface PlanClient extends Pick<ClientOutput, "section" | "clientId" | "format" | "apps" | "secretNames" | "activeKid" | "stagedKid"> {
    state: string;
    nextStep: string;
    /** Public keys to have registered at Samarbeidsportalen (no private members). */
    publicJwks: ClientOutput["publicJwks"];
    /** The kids above that belong to offline placeholder keys (all of them in the offline plan). */
    placeholderKids: string[];
    /** Present when the stack registers the client by self-service: what `pulumi up` publishes. */
    registration?: PlanRegistration;
    /** What `pulumi up` proves before the vault gets the active key (a token from Maskinporten with it), or why it cannot. */
    keyProof: string;
}

export interface PlanRegistration {
    /** True when `pulumi up` creates the client (its id is then a placeholder offline). */
    createsClient: boolean;
    clientId: string;
    /** Where the admin token goes: the self-service API base URL. */
    apiUrl: string;
    /** Where the admin client's signed grant goes: the Maskinporten authority (its token endpoint). */
    authority: string;
    /** The kids the stack publishes at Maskinporten (active, staged, retired). */
    keys: string[];
    /** Offline the plan cannot know expiry: this says where to see it. */
    liveExpiry: string;
}

export interface PlanAppSettings {
    app: string;
    /** The non-secret part of appsettings.json this app needs, nested as .NET reads it. */
    appsettings: Record<string, unknown>;
    /** The Key Vault secrets the app reads. */
    vaultSecrets: string[];
}

export interface PlanRedeploy {
    app: string;
    envName: string;
    /** The secrets whose new versions trigger it. */
    secrets: string[];
    /** The trigger values (versioned secret URIs) the command was declared with. */
    triggers: string[];
    /** false: redeploy.enabled is false, a person redeploys by hand. */
    automatic: boolean;
    resource?: string;
}

export interface PlanReport {
    stack: string;
    org: string;
    environment: string;
    resources: PlanResource[];
    secrets: PlanSecret[];
    grants: PlanGrant[];
    /** Grants whose `expires` date has passed: removed at the next `pulumi up`. */
    expiredGrants?: PlanExpiredGrant[];
    redeploys: PlanRedeploy[];
    findings: PlanFinding[];
    clients: PlanClient[];
    appSettings: PlanAppSettings[];
    /** Where redeploys send the Studio API key (`redeploy.studioUrl`). */
    studioUrl: string;
    /** The vault audit (offline: where it runs instead). */
    audit?: PlanAudit;
}

/** The vault audit: offline it is not run (no Azure to read); `pulumi preview` runs it. */
export interface PlanAudit {
    status: string;
    note: string;
    unmanagedAccess: Record<string, unknown>[];
    mismatches: string[];
}
