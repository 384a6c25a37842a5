/**
 * `npm run adopt -- --stack <name> [--out <dir>]`: read the vault (live, or from saved `az` output)
 * and write `adopt-<stack>.yaml` and `import-<stack>.json`. Changes nothing in Azure.
 */
import * as path from "node:path";
import { ConfigError, parseStackConfig } from "../../components/config";
import { vaultResourceId } from "../../components/roles";
import { planAdoption } from "./adopt";
import { outputProblems, writeOutputs } from "./outputFiles";
import { CliSpec, CliValues, parseCli, synopsis, UsageError, usage } from "./cli";
import { parseOptionsOf, readStackFiles, StackFileError } from "./stack";
import { AdoptInputError, AzureAccess, readLive, readSavedOutput, VaultSnapshot } from "./vaultSource";

export const ADOPT_CLI: CliSpec = {
    command: "adopt",
    summary:
        "Read the stack's Key Vault as Azure has it and write, without changing anything in Azure: adopt-<stack>.yaml (config keys with today's access, reason \"\" until a person writes why, and hand-made Maskinporten secrets kept with keyGeneration 0) and import-<stack>.json (a pulumi import --file document). Secret values are never read.",
    options: {
        stack: { type: "string", short: "s", value: "<name>", description: "the stack: reads Pulumi.<name>.yaml", required: true },
        out: { type: "string", value: "<dir>", description: "where to write the two files. Defaults to the current folder" },
        "vault-json": { type: "string", value: "<file>", description: "read the vault from saved `az keyvault show` output instead of Azure" },
        "secrets-json": { type: "string", value: "<file>", description: "with --vault-json: saved `az keyvault secret list` output" },
        "role-assignments-json": { type: "string", value: "<file>", description: "with --vault-json, required for an RBAC vault: saved `az role assignment list --scope <vault id> --include-inherited` output" },
        "config-dir": { type: "string", value: "<dir>", description: "folder holding the stack file. Defaults to the project folder" },
        force: { type: "boolean", description: "overwrite existing output files (they may hold reasons you wrote)" },
    },
    notes: [
        "live: Azure SDK with DefaultAzureCredential (az login, AZURE_* variables, OIDC); the subscription is keyVault.subscriptionId or AZURE_SUBSCRIPTION_ID",
        "exit codes: 0 files written, 2 bad arguments or input (one line per problem), 3 a bug",
    ],
};

export interface AdoptDeps {
    /** Project root (Pulumi.yaml). */
    root: string;
    /** Azure access for live mode; default DefaultAzureCredential and the public cloud. */
    access?: AzureAccess;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
}

export interface AdoptResult {
    code: number;
    stdout: string[];
    stderr: string[];
}

export async function runAdopt(argv: string[], deps: AdoptDeps): Promise<AdoptResult> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const env = deps.env ?? process.env;
    let parsed: CliValues | undefined;
    try {
        parsed = parseCli(ADOPT_CLI, argv);
    } catch (e) {
        if (e instanceof UsageError) return { code: 2, stdout, stderr: [e.message] };
        throw e;
    }
    if (!parsed) return { code: 0, stdout: [usage(ADOPT_CLI)], stderr };
    const args = parsed as { stack: string; out?: string; "config-dir"?: string; "vault-json"?: string; "secrets-json"?: string; "role-assignments-json"?: string; force?: boolean };
    if (!args["vault-json"] && (args["secrets-json"] || args["role-assignments-json"])) {
        return { code: 2, stdout, stderr: [`--secrets-json and --role-assignments-json need --vault-json; ${synopsis(ADOPT_CLI)}`] };
    }
    const stack = args.stack;
    const outDir = path.resolve(deps.cwd ?? process.cwd(), args.out ?? ".");
    const yamlFile = path.join(outDir, `adopt-${stack}.yaml`);
    const importFile = path.join(outDir, `import-${stack}.json`);

    try {
        const files = readStackFiles(deps.root, stack, args["config-dir"] ? path.resolve(deps.cwd ?? process.cwd(), args["config-dir"]) : deps.root);
        const config = parseStackConfig(files.config, parseOptionsOf(files));
        const outProblems = outputProblems(outDir, [yamlFile, importFile], args.force === true);
        if (outProblems.length) throw new AdoptInputError(outProblems);
        let snapshot: VaultSnapshot;
        if (args["vault-json"]) {
            snapshot = readSavedOutput({ vaultJson: args["vault-json"], secretsJson: args["secrets-json"], roleAssignmentsJson: args["role-assignments-json"] });
        } else {
            const subscriptionId = config.keyVault.subscriptionId ?? env.AZURE_SUBSCRIPTION_ID ?? env.ARM_SUBSCRIPTION_ID;
            if (!subscriptionId) throw new AdoptInputError(["keyVault.subscriptionId: not set; set it in the stack file or export AZURE_SUBSCRIPTION_ID (or pass --vault-json)"]);
            const access = deps.access ?? { credential: new (await import("@azure/identity")).DefaultAzureCredential() };
            try {
                snapshot = await readLive(access, subscriptionId, config.keyVault.resourceGroupName, config.keyVault.name);
            } catch (e) {
                if (e instanceof AdoptInputError) throw e;
                // SDK errors carry no secret; keep the first line only (no stack trace).
                throw new AdoptInputError([`reading vault ${config.keyVault.name} in ${vaultResourceId(subscriptionId, config.keyVault.resourceGroupName, config.keyVault.name)}: ${(e as Error).message.split("\n")[0]}`]);
            }
        }
        const wanted = config.keyVault.name.toLowerCase();
        if (!snapshot.vault.id.toLowerCase().endsWith(`/vaults/${wanted}`)) {
            throw new AdoptInputError([`--vault-json: describes ${snapshot.vault.id.slice(snapshot.vault.id.lastIndexOf("/") + 1)}, but keyVault.name is ${config.keyVault.name}`]);
        }
        const adoption = planAdoption({ stack, project: files.project, config, rawConfig: files.config, vault: snapshot.vault, secrets: snapshot.secrets, dataActionsByRole: snapshot.dataActionsByRole, secretPaths: files.secretPaths, escEnvironments: files.escEnvironments });
        writeOutputs(
            outDir,
            [
                { file: yamlFile, text: adoption.fragmentYaml },
                { file: importFile, text: `${JSON.stringify(adoption.importFile, null, 2)}\n` },
            ],
            args.force === true,
        );
        stdout.push(...adoption.summary);
        stdout.push(
            "",
            `Wrote ${yamlFile} and ${importFile}. Next:`,
            `  1. Replace those keys in Pulumi.${stack}.yaml with adopt-${stack}.yaml; write every empty reason (and clientId/scope).`,
            `  2. npm run plan -- --stack ${stack}   (refuses empty reasons; shows adopted clients keeping their key)`,
            `  3. Commit, then: pulumi import -s ${stack} --file ${path.basename(importFile)}${config.environment === "prod" ? "" : " --protect=false"}`,
            `  4. pulumi preview -s ${stack}: no change to existing access or secret values`,
            "  5. Rotate adopted Maskinporten keys when convenient: nextKeyGeneration: 1, register, keyGeneration: 1.",
        );
        return { code: 0, stdout, stderr };
    } catch (e) {
        if (e instanceof ConfigError || e instanceof AdoptInputError) return { code: 2, stdout, stderr: e instanceof ConfigError ? e.errors : e.problems };
        if (e instanceof StackFileError) return { code: 2, stdout, stderr: [e.message] };
        throw e;
    }
}
