import * as pulumi from "@pulumi/pulumi";
import * as local from "@pulumi/command/local";
import { DEFAULT_STUDIO_URL, Environment } from "../../core/config/parse";
import { ENVIRONMENT_FACTS } from "../../core/altinn/environments";
import { TYPES } from "../../core/resourceNames";

/** The script the command runs, relative to the project root (where `pulumi up` runs). */
export const REDEPLOY_COMMAND = "node scripts/redeploy.mjs";

export interface AppRedeployArgs {
    /** Service owner code. */
    org: string;
    /** The Altinn app to redeploy. */
    app: string;
    /** Altinn environment (plain): picks Studio's env name (tt02, production). */
    environment: Environment;
    /** Altinn Studio base URL. Defaults to https://altinn.studio. */
    studioUrl?: pulumi.Input<string>;
    /** Versioned URI of every secret the app reads, by secret name: the redeploy triggers. */
    secretVersions: Record<string, pulumi.Input<string>>;
}

/** Which secrets each app reads, app -> sorted secret names. Pure. */
export function secretsByApp(secrets: { secretName: string; apps: string[] }[]): Map<string, string[]> {
    const byApp = new Map<string, string[]>();
    for (const s of secrets) for (const app of s.apps) byApp.set(app, [...(byApp.get(app) ?? []), s.secretName]);
    for (const [app, names] of byApp) byApp.set(app, [...new Set(names)].sort());
    return new Map([...byApp].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Redeploys one app once whenever any secret it reads gets a new version: a `local.Command`
 * whose triggers are exactly those versions, so a change replaces it and `create` runs again.
 * The Studio API key is read by the script from the `pulumi` process's environment
 * (ALTINN_STUDIO_API_KEY); it is never an input, so it never reaches state.
 */
export class AppRedeploy extends pulumi.ComponentResource {
    public readonly command: local.Command;
    /** The secret names whose versions trigger this redeploy, sorted. */
    public readonly secretNames: string[];

    constructor(name: string, args: AppRedeployArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPES.appRedeploy, name, { org: args.org, app: args.app, environment: args.environment }, opts);
        this.secretNames = Object.keys(args.secretVersions).sort();
        if (this.secretNames.length === 0) throw new pulumi.ResourceError(`redeploy of ${args.app}: the app reads no secret, so nothing can trigger it`, this);
        this.command = new local.Command(
            `${name}-command`,
            {
                create: REDEPLOY_COMMAND,
                environment: {
                    ALTINN_ORG: args.org,
                    ALTINN_APP: args.app,
                    ALTINN_ENV: ENVIRONMENT_FACTS[args.environment].studioEnvName,
                    ALTINN_STUDIO_URL: args.studioUrl ?? DEFAULT_STUDIO_URL,
                },
                triggers: this.secretNames.map((n) => args.secretVersions[n]),
            },
            { parent: this },
        );
        this.registerOutputs({ secretNames: this.secretNames });
    }
}
