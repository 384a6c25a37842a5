import * as pulumi from "@pulumi/pulumi";
import type { Suppression } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

export interface ReviewContextArgs {
    /** Service owner code. */
    org: string;
    /** Altinn environment: the policy pack's rules depend on it. */
    environment: string;
    /** Findings silenced on purpose, each with its reason. Defaults to none. */
    suppressions?: Suppression[];
    /**
     * The stack's config keys outside the project's namespace (names only, never values): provider
     * settings decide where credentials go, and policy/config.json must allow each one. Defaults to none.
     */
    configKeys?: string[];
}

/**
 * Declares nothing in Azure: carries the stack's environment, suppressions and foreign config
 * keys to the policy pack, which sees component inputs but not the stack config.
 */
export class ReviewContext extends pulumi.ComponentResource {
    constructor(name: string, args: ReviewContextArgs, opts?: pulumi.ComponentResourceOptions) {
        const configKeys = [...(args.configKeys ?? [])].sort();
        super(TYPES.reviewContext, name, { org: args.org, environment: args.environment, suppressions: args.suppressions ?? [], configKeys }, opts);
        this.registerOutputs({});
    }
}
