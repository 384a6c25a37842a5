import * as pulumi from "@pulumi/pulumi";
import { RandomPassword } from "@pulumi/random/randomPassword";
import type { Environment } from "../../core/config/parse";
import { secretName } from "../../core/vault/naming";
import { appSecretResourceName, generatedValueName, TYPES } from "../../core/resourceNames";
import { secretVersion, vaultSecret } from "./vaultSecret";

export interface AppSecretArgs {
    /** appsettings section (nest with `--`). */
    section: string;
    /** Key in the section. */
    key: string;
    /** The value; stored as a Pulumi secret whatever is passed. One of value, generate. */
    value?: pulumi.Input<string>;
    /**
     * Generate the value instead (letters and digits, secret in state); a new `generation`
     * replaces it with a new value. One of value, generate.
     */
    generate?: { length: number; generation: number };
    /** Service owner code, for tags. */
    org: string;
    /** Altinn environment, for tags. */
    environment: Environment;
    /** Apps that read it (for the report). Defaults to none. */
    apps?: string[];
    /** Name of the existing Key Vault. */
    vaultName: pulumi.Input<string>;
    /** Resource group of the vault. */
    resourceGroupName: pulumi.Input<string>;
}

/** Another app setting (an API key, a password) stored as Key Vault secret `<section>--<key>`. */
export class AppSecret extends pulumi.ComponentResource {
    /** `<Section>--<Key>`. */
    public readonly secretName: string;
    /** Versioned URI: what a redeploy is triggered by. */
    public readonly secretVersion: pulumi.Output<string>;

    constructor(name: string, args: AppSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPES.appSecret, name, { section: args.section, key: args.key, apps: args.apps ?? [] }, opts);
        try {
            this.secretName = secretName(args.section, args.key);
        } catch (e) {
            throw new pulumi.ResourceError(`appSecrets: ${(e as Error).message}`, this);
        }
        if ((args.value === undefined) === (args.generate === undefined)) {
            throw new pulumi.ResourceError("appSecrets: exactly one of [value] and [generate] must be specified", this);
        }
        // keepers: a new generation replaces the password, and so writes a new secret version.
        const value = args.generate
            ? new RandomPassword(
                  generatedValueName(name),
                  { length: args.generate.length, special: false, keepers: { generation: String(args.generate.generation) } },
                  { parent: this },
              ).result
            : args.value!;
        const secret = vaultSecret(appSecretResourceName(name), {
            vaultName: args.vaultName,
            resourceGroupName: args.resourceGroupName,
            secretName: this.secretName,
            value,
            contentType: "text/plain",
            tags: { org: args.org, environment: args.environment, section: args.section },
            parent: this,
        });
        this.secretVersion = secretVersion(secret);
        this.registerOutputs({ secretName: this.secretName });
    }
}
