import * as pulumi from "@pulumi/pulumi";
import type { Suppression } from "../../core/policy/rule";

export interface ReviewContextArgs {
    /** Service owner code. */
    org: string;
    /** Altinn environment: the policy pack's rules depend on it. */
    environment: string;
    /** Findings silenced on purpose, each with its reason. Defaults to none. */
    suppressions?: Suppression[];
}

/**
 * Declares nothing in Azure: carries the stack's environment and suppressions to the policy
 * pack, which sees component inputs but not the stack config.
 */
export class ReviewContext extends pulumi.ComponentResource {
    constructor(name: string, args: ReviewContextArgs, opts?: pulumi.ComponentResourceOptions) {
        super("altinn:policy:ReviewContext", name, { org: args.org, environment: args.environment, suppressions: args.suppressions ?? [] }, opts);
        this.registerOutputs({});
    }
}
