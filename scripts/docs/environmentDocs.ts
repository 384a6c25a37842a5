/**
 * The environment variables section of docs/reference.md: every variable the code reads, with the
 * files that read it (a test checks both ways: each one listed is read there, each one read is listed).
 */

export interface EnvironmentVariableDoc {
    name: string;
    /** Files (relative to the repository root) that read it. */
    readBy: string[];
    description: string;
}

export const ENVIRONMENT_VARIABLES: readonly EnvironmentVariableDoc[] = [
    {
        name: "ALTINN_STUDIO_API_KEY",
        readBy: ["scripts/redeploy/options.mjs", "scripts/redeploy.mjs"],
        description:
            "Altinn Studio API key of a user in the org's `Deploy-tt02` / `Deploy-production` team, in the environment of `pulumi up` (and of `npm run redeploy`). Required for redeploys; never a resource input, never printed.",
    },
    {
        name: "ALTINN_ORG",
        readBy: ["scripts/redeploy/options.mjs"],
        description: "Redeploy: the service owner code (`--org` overrides it). Set by the stack's redeploy command.",
    },
    {
        name: "ALTINN_APP",
        readBy: ["scripts/redeploy/options.mjs", "scripts/plan/fromResources.ts"],
        description: "Redeploy: the app name (`--app` overrides it). Set by the stack's redeploy command; the plan reads it back from the declared command.",
    },
    {
        name: "ALTINN_ENV",
        readBy: ["scripts/redeploy/options.mjs", "scripts/plan/fromResources.ts"],
        description: "Redeploy: `tt02` or `prod` (`--env` overrides it). Set by the stack's redeploy command; the plan reads it back from the declared command.",
    },
    {
        name: "ALTINN_STUDIO_URL",
        readBy: ["scripts/redeploy/options.mjs", "policy/rules/studio-host-allowed.ts"],
        description:
            "Redeploy: Altinn Studio's origin (`--studio-url` overrides it). Set from `redeploy.studioUrl`; its host must be in `policy/config.json` `allowedStudioHosts` (default `altinn.studio`): the `studio-host-allowed` rule checks it on the declared command, and the script refuses any other host itself (exit 2) before sending the API key.",
    },
    { name: "REDEPLOY_TIMEOUT_MS", readBy: ["scripts/redeploy/options.mjs"], description: "Redeploy: time for each request to Studio, answer included. Defaults to 15000." },
    { name: "REDEPLOY_ATTEMPTS", readBy: ["scripts/redeploy/options.mjs"], description: "Redeploy: attempts per request, and looks for a started deployment after an unknown outcome. Defaults to 4." },
    { name: "REDEPLOY_BACKOFF_MS", readBy: ["scripts/redeploy/options.mjs"], description: "Redeploy: wait before the first retry, doubled each time. Defaults to 1000." },
    {
        name: "MASKINPORTEN_ADMIN_KEY",
        readBy: ["providers/maskinporten/client.ts"],
        description:
            "Maskinporten self-service: the admin client's private key (PEM), in the environment of `pulumi up`. Without it (and `MASKINPORTEN_ADMIN_CERT`) an `up` that registers keys stops; a refresh keeps the last known key set.",
    },
    { name: "MASKINPORTEN_ADMIN_CERT", readBy: ["providers/maskinporten/client.ts"], description: "Maskinporten self-service: the admin client's business certificate chain (PEM, leaf first)." },
    {
        name: "ALTINN_ARM_URL",
        readBy: ["components/keyvault/vaultAudit.ts"],
        description: "The ARM base URL the vault audit reads role assignments from (https, or http on a loopback host, for tests). Defaults to `https://management.azure.com`.",
    },
    {
        name: "AZURE_SUBSCRIPTION_ID",
        readBy: ["scripts/adopt/adoptCli.ts"],
        description: "`npm run adopt`: the vault's subscription when `keyVault.subscriptionId` is not set (then `ARM_SUBSCRIPTION_ID`). The live read signs in with `@azure/identity`'s DefaultAzureCredential (`az login`, the `AZURE_*` variables, or OIDC).",
    },
    { name: "ARM_SUBSCRIPTION_ID", readBy: ["scripts/adopt/adoptCli.ts"], description: "`npm run adopt`: the subscription when neither `keyVault.subscriptionId` nor `AZURE_SUBSCRIPTION_ID` is set." },
    { name: "NO_COLOR", readBy: ["scripts/cli/cli.ts"], description: "Any value but `\"\"` turns colour off on a terminal (https://no-color.org)." },
    { name: "BENCH_RUNS", readBy: ["scripts/bench/main.ts"], description: "`npm run bench`: runs per stack when `--runs` is not given. Defaults to 3." },
    { name: "PLAN_STATS_FILE", readBy: ["scripts/plan/planCli.ts"], description: "Set by `npm run bench`: the plan writes its peak memory and CPU time there." },
    {
        name: "UPDATE_RESOURCE_RECORD",
        readBy: ["tests/components/resourceRecord.test.ts"],
        description: "Tests: `1` rewrites the record of every declared resource (a deliberate change of what is deployed).",
    },
    { name: "UPDATE_STATUS_FIXTURES", readBy: ["tests/scripts/status.test.ts"], description: "Tests: `1` rewrites the status example in docs/maskinporten-keys.md from its fixture." },
    { name: "REQUIRE_DOTNET", readBy: ["tests/compat/compat.test.ts"], description: "Tests: `1` fails the .NET compatibility tests instead of skipping them when `dotnet` is missing (`.ci/run` sets it)." },
];

export function renderEnvironment(): string {
    const rows = ENVIRONMENT_VARIABLES.map((v) => `| \`${v.name}\` | ${v.readBy.map((f) => `\`${f}\``).join(", ")} | ${v.description.replaceAll("|", "\\|")} |`);
    return [
        "## Environment variables",
        "",
        "Every variable the code reads. The Azure provider, the Pulumi CLI and the GitHub workflows read more of their own (`ARM_*`, `AZURE_*`, `PULUMI_*`): see [first deploy and CI setup](first-deploy.md).",
        "",
        "| variable | read by | what it does |",
        "| --- | --- | --- |",
        ...rows,
    ].join("\n");
}
