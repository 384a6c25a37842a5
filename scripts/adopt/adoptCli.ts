/**
 * `npm run adopt -- --stack <name> [--out <dir>]`: read the vault (live, or from saved `az` output)
 * and write `adopt-<stack>.yaml` and `import-<stack>.json`. Changes nothing in Azure.
 */
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { parseStackConfig } from "../../core/config/parse";
import { vaultIdParts, vaultResourceId } from "../../core/vault/roles";
import { shownText } from "../../core/config/visibleText";
import { planAdoption } from "./adopt";
import { CliResult, CliSpec, CliValues, executeCli, InputError, synopsis, UsageError } from "../cli/cli";
import { mergeStackFile, writeStackFile } from "./mergeStackFile";
import { outputProblems, writeOutputs } from "./outputFiles";
import { parseOptionsOf, readStackFiles } from "../offline/stack";
import { readStackState } from "./stackState";
import { AzureAccess, readLive, readSavedOutput, VaultSnapshot } from "./vaultSource";

export const ADOPT_CLI: CliSpec = {
    command: "adopt",
    summary:
        "Read the stack's Key Vault as Azure has it and write, without changing anything in Azure: adopt-<stack>.yaml (config keys with today's access, reason \"\" until a person writes why, and hand-made Maskinporten secrets kept with keyGeneration 0) and import-<stack>.json (a pulumi import --file document). Secret values are never read.",
    options: {
        stack: { type: "string", short: "s", value: "<name>", description: "the stack: reads Pulumi.<name>.yaml", required: true },
        out: { type: "string", value: "<dir>", description: "where to write the two files. Defaults to the current folder" },
        "vault-json": { type: "string", value: "<file>", description: "read the vault from saved `az keyvault show --name <vault> --resource-group <rg> -o json` output instead of Azure (then --secrets-json too)" },
        "secrets-json": { type: "string", value: "<file>", description: "required with --vault-json: saved `az keyvault secret list --vault-name <vault> -o json` output (names and metadata, no values)" },
        "role-assignments-json": { type: "string", value: "<file>", description: "with --vault-json, required for an RBAC vault: saved `az role assignment list --scope <vault id> --include-inherited -o json` output" },
        state: {
            type: "string",
            value: "<file>",
            description: "the stack's state (pulumi stack export -s <name> > state.json): what it already manages is neither imported again nor rewritten, and existing parents are referred to by URN. Without it, the stack is taken to have no resources yet",
        },
        "config-dir": { type: "string", value: "<dir>", description: "folder holding the stack file. Defaults to the project folder" },
        force: { type: "boolean", description: "overwrite existing output files (adopt-<stack>.yaml may hold reasons you wrote)" },
        write: {
            type: "boolean",
            description: "merge the fragment into Pulumi.<stack>.yaml itself (comments and formatting kept; refused if a secure: value would be lost or the file changes meanwhile), print what changed, and write only import-<stack>.json to --out",
        },
        json: { type: "boolean", description: "print one JSON object (summary, fragment, import file, files written, stack-file changes) instead of text" },
    },
    notes: [
        "live: Azure SDK with DefaultAzureCredential (az login, AZURE_* variables, OIDC); the subscription is keyVault.subscriptionId or AZURE_SUBSCRIPTION_ID",
    ],
    exitCodes: { 0: "files written" },
};

function readText(file: string): string {
    try {
        return readFileSync(file, "utf8");
    } catch {
        return ""; // readStackFiles says what is wrong with it
    }
}

/** `file` as a person types it in `cwd`: relative when inside it, else absolute; quoted when the shell would split it. */
function typedPath(cwd: string, file: string): string {
    const relative = path.relative(cwd, file);
    const typed = relative && relative.split(path.sep)[0] !== ".." && !path.isAbsolute(relative) ? relative : file;
    return /^[\w@%+=:,./-]+$/.test(typed) ? typed : `'${typed.replace(/'/g, "'\\''")}'`;
}

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

/** The command: read the vault, write the two files, return the summary. Bad input throws (exit 2). */
export async function adoptMain(values: CliValues, deps: AdoptDeps): Promise<CliResult> {
    const env = deps.env ?? process.env;
    const args = values as { stack: string; out?: string; state?: string; "config-dir"?: string; "vault-json"?: string; "secrets-json"?: string; "role-assignments-json"?: string; force?: boolean; write?: boolean; json?: boolean };
    if (!args["vault-json"] && (args["secrets-json"] || args["role-assignments-json"])) {
        throw new UsageError(`--secrets-json and --role-assignments-json need --vault-json; ${synopsis(ADOPT_CLI)}`);
    }
    const stack = args.stack;
    const cwd = deps.cwd ?? process.cwd();
    const outDir = path.resolve(cwd, args.out ?? ".");
    const yamlFile = path.join(outDir, `adopt-${stack}.yaml`);
    const importFile = path.join(outDir, `import-${stack}.json`);

    const configDir = args["config-dir"] ? path.resolve(cwd, args["config-dir"]) : deps.root;
    const stackFile = path.join(configDir, `Pulumi.${stack}.yaml`);
    // Read before it is parsed: --write refuses to replace a file that changed after this.
    const stackText = args.write ? readText(stackFile) : "";
    const files = readStackFiles(deps.root, stack, configDir);
    const config = parseStackConfig(files.config, parseOptionsOf(files));
    const outputs = args.write ? [importFile] : [yamlFile, importFile];
    const outProblems = outputProblems(outDir, outputs, args.force === true);
    if (outProblems.length) throw new InputError(outProblems);
    const managed = args.state ? readStackState(path.resolve(cwd, args.state), stack, files.project) : undefined;
    let snapshot: VaultSnapshot;
    if (args["vault-json"]) {
        snapshot = readSavedOutput({ vaultJson: args["vault-json"], secretsJson: args["secrets-json"], roleAssignmentsJson: args["role-assignments-json"] });
    } else {
        const subscriptionId = config.keyVault.subscriptionId ?? env.AZURE_SUBSCRIPTION_ID ?? env.ARM_SUBSCRIPTION_ID;
        if (!subscriptionId) throw new InputError(["keyVault.subscriptionId: not set; set it in the stack file or export AZURE_SUBSCRIPTION_ID (or pass --vault-json)"]);
        const access = deps.access ?? { credential: new (await import("@azure/identity")).DefaultAzureCredential() };
        try {
            snapshot = await readLive(access, subscriptionId, config.keyVault.resourceGroupName, config.keyVault.name);
        } catch (e) {
            if (e instanceof InputError) throw e;
            // SDK errors carry no secret, but may quote Azure's answer: its first line only (no stack
            // trace), without control or invisible characters, and cut short.
            const line = shownText((e as Error).message.split("\n")[0]);
            throw new InputError([`reading vault ${config.keyVault.name} in ${vaultResourceId(subscriptionId, config.keyVault.resourceGroupName, config.keyVault.name)}: ${line.length > 500 ? `${line.slice(0, 500)}...` : line}`]);
        }
    }
    // Another vault than the stack's, not another spelling of it (adopt writes Azure's spelling).
    const parts = vaultIdParts(snapshot.vault.id);
    const { name, resourceGroupName, subscriptionId: sub } = config.keyVault;
    if (parts?.name.toLowerCase() !== name.toLowerCase()) throw new InputError([`--vault-json: describes ${snapshot.vault.id.slice(snapshot.vault.id.lastIndexOf("/") + 1)}, but keyVault.name is ${name}`]);
    if (parts.resourceGroupName.toLowerCase() !== resourceGroupName.toLowerCase()) {
        throw new InputError([`--vault-json: describes a vault in resource group ${parts.resourceGroupName}, but keyVault.resourceGroupName is ${resourceGroupName}`]);
    }
    if (sub && parts.subscriptionId.toLowerCase() !== sub) throw new InputError([`--vault-json: describes a vault in subscription ${parts.subscriptionId}, but keyVault.subscriptionId is ${sub}`]);
    const adoption = planAdoption({ stack, project: files.project, config, rawConfig: files.config, vault: snapshot.vault, secrets: snapshot.secrets, dataActionsByRole: snapshot.dataActionsByRole, managed, secretPaths: files.secretPaths, escEnvironments: files.escEnvironments });
    const importText = `${JSON.stringify(adoption.importFile, null, 2)}\n`;
    const merged = args.write && Object.keys(adoption.fragment.config).length ? mergeStackFile(stackText, adoption.fragmentYaml, path.basename(stackFile), `adopt-${stack}.yaml`) : undefined;
    writeOutputs(outDir, args.write ? [{ file: importFile, text: importText }] : [{ file: yamlFile, text: adoption.fragmentYaml }, { file: importFile, text: importText }], args.force === true);
    if (merged) {
        try {
            writeStackFile(stackFile, stackText, merged.text);
        } catch (e) {
            // "Nothing written" holds for the import file too: imported without the merged grants, up would delete them.
            rmSync(importFile, { force: true });
            throw e;
        }
    }
    const written = [...(merged ? [stackFile] : []), ...(args.write ? [] : [yamlFile]), importFile];
    if (args.json) {
        return { code: 0, output: JSON.stringify({ stack, summary: adoption.summary, fragment: adoption.fragment, importFile: adoption.importFile, written, stackFileChanges: merged?.diff ?? [] }, null, 2) };
    }
    const changes = args.write ? ["", merged ? `Changes to Pulumi.${stack}.yaml:` : `Pulumi.${stack}.yaml: nothing to change.`, ...(merged?.diff ?? [])] : [];
    // Paths as the user types them here: printed bare, a file under --out would not be found.
    const typed = (file: string) => typedPath(cwd, file);
    const output = [
        ...adoption.summary,
        ...changes,
        "",
        `Wrote ${written.join(" and ")}. Next:`,
        args.write
            ? `  1. In ${typed(stackFile)}, write every empty reason (and clientId/scope).`
            : `  1. Replace those keys in ${typed(stackFile)} with ${typed(yamlFile)} (or run again with --write); write every empty reason (and clientId/scope).`,
        `  2. npm run plan -- --stack ${stack}${args["config-dir"] ? ` --config-dir ${typed(configDir)}` : ""}   (refuses empty reasons; shows adopted clients keeping their key)`,
        `  3. Commit, then: pulumi import -s ${stack} --file ${typed(importFile)}${config.environment === "prod" ? "" : " --protect=false"}`,
        `  4. pulumi preview -s ${stack}: no change to existing access or secret values`,
        "  5. Rotate adopted Maskinporten keys when convenient: nextKeyGeneration: 1, register, keyGeneration: 1.",
    ];
    return { code: 0, output: output.join("\n"), wrap: true };
}

/**
 * The command line in this process, as `npm run adopt` runs it (for tests): lines printed and exit
 * code. Long lines are left whole unless `print.width` asks for the terminal's wrapping.
 */
export async function runAdopt(argv: string[], deps: AdoptDeps, print: { width?: number } = {}): Promise<AdoptResult> {
    const run = await executeCli(ADOPT_CLI, (values) => adoptMain(values, deps), argv, print);
    const lines = (text: string) => (text ? text.replace(/\n$/, "").split("\n") : []);
    return { code: run.code, stdout: lines(run.stdout), stderr: lines(run.stderr) };
}
