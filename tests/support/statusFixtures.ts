/**
 * Saved stack outputs for `npm run status` tests, as `pulumi stack output --json` prints them for a
 * deployed stack: the program evaluated under mocks (both example stacks, and an adopted, a
 * registering and a rotating stack), then what only the cloud knows added the way a deployed stack
 * has it (registered keys' expiry, keys others registered, an id Maskinporten assigned, the audit's
 * unmanaged access, a redeploy that did not follow). Regenerate: UPDATE_STATUS_FIXTURES=1 npx vitest run tests/scripts/status.test.ts
 */
import * as path from "node:path";
import { vi } from "vitest";
import { EXAMPLE_STACKS, ROOT, writeStacks } from "./helpers";

export const FIXTURE_DIR = path.join(ROOT, "tests/support/fixtures/status");
/** The day the fixtures' stacks were deployed, and the time status tests read them at. */
export const DEPLOYED_AT = new Date("2026-09-30T08:00:00Z").getTime();
export const STATUS_NOW = new Date("2026-10-01T06:00:00Z").getTime();
export const FIXTURE_STACKS = ["tt02", "prod", "adopted", "registering", "rotating"] as const;
export type FixtureStack = (typeof FIXTURE_STACKS)[number];

const DAY = 86_400;
const G = (n: number) => `${String(n).repeat(8)}-${String(n).repeat(4)}-4${String(n).repeat(3)}-8${String(n).repeat(3)}-${String(n).repeat(12)}`;
const ADMIN = "a0a0a0a0-0000-4000-8000-000000000001";
const SUB = "00000000-0000-0000-0000-00000000bbbb";

const STACKS: Record<Exclude<FixtureStack, "tt02" | "prod">, Record<string, unknown>> = {
    adopted: {
        org: "ttd",
        environment: "tt02",
        keyVault: { authorization: "rbac" },
        accessGrants: [
            { principalId: G(1), principalType: "Group", access: "read", roleAssignmentName: "0a0a0a0a-0000-4000-8000-000000000001", description: "Granted in the portal", reason: "Operations team, adopted from the portal" },
            { principalId: G(2), principalType: "User", access: "read", reason: "Developer debugging a token problem", expires: "2026-10-04" },
        ],
        maskinportenClients: [{ section: "MaskinportenSettings", clientId: "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b", scope: "altinn:serviceowner/instances.read", keyGeneration: 0, nextKeyGeneration: 1, apps: ["app-a"] }],
        redeploy: { enabled: false },
    },
    registering: {
        org: "ttd",
        environment: "tt02",
        maskinporten: { selfService: { adminClientId: ADMIN } },
        accessGrants: [
            { principalId: G(3), access: "read", reason: "Operations team reads secrets" },
            { principalId: G(4), access: "write", reason: "Developer rotating a key by hand", expires: "2026-11-14" },
            { principalId: G(5), access: "read", reason: "Support engineer: a finished case", expires: "2026-09-20" },
        ],
        maskinportenClients: [
            { section: "MaskinportenSettings", scope: "altinn:serviceowner/instances.read", apps: ["app-a", "app-b"] },
            { section: "Integrations--AppB", clientId: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", format: "builtin", nextKeyGeneration: 2, apps: ["app-b"] },
        ],
    },
    rotating: {
        org: "ttd",
        environment: "prod",
        keyVault: { authorization: "rbac" },
        maskinporten: { selfService: { adminClientId: ADMIN } },
        accessGrants: [
            { principalId: G(6), principalType: "Group", access: "read", reason: "Operations team, \"Access to logs and secrets\"" },
            { principalId: G(7), principalType: "User", access: "write", reason: "Developer finishing the key rotation", expires: "2026-10-02" },
        ],
        maskinportenClients: [
            { section: "MaskinportenSettings", clientId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", scope: "altinn:serviceowner/instances.read", keyGeneration: 3, nextKeyGeneration: 4, retiredKeyGenerations: [2], apps: ["app-a"] },
        ],
        appSecrets: [{ section: "ExternalApi", key: "ApiKey", apps: ["app-a"], generate: { length: 32 } }],
    },
};

type Obj = Record<string, unknown>;
type Client = Obj & { section: string; activeKid?: string; stagedKid?: string; publicJwks: { keys: { kid: string }[] }; registration?: Obj };

/** What a refresh at Maskinporten would have put into each registered client's outputs. */
function deployedRegistration(stack: FixtureStack, c: Client): Obj | undefined {
    if (!c.registration) return undefined;
    const at = DEPLOYED_AT / 1000;
    const exp = (days: number) => Math.floor(at + days * DAY);
    const kids = c.publicJwks.keys.map((k) => k.kid);
    const status = (kid: string, e: number) => ({ kid, exp: e, expires: new Date(e * 1000).toISOString().slice(0, 10), daysLeft: Math.floor((e - at) / DAY) });
    const reg = c.registration;
    if (stack === "registering" && c.section === "MaskinportenSettings") {
        return { ...reg, clientId: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", keys: kids.map((k) => status(k, exp(365))), foreignKeys: [], missing: [] };
    }
    if (stack === "registering") {
        // The staged key is not at Maskinporten yet; someone registered a key of their own by hand.
        return { ...reg, keys: [status(c.activeKid!, exp(31))], foreignKeys: [status("hand-made-2025", exp(6))], missing: [c.stagedKid!] };
    }
    // rotating: retired, active and staged keys with three different ends.
    const ends = new Map([[kids.find((k) => k !== c.activeKid && k !== c.stagedKid)!, exp(8)], [c.activeKid!, exp(29)], [c.stagedKid!, exp(300)]]);
    return { ...reg, keys: [...ends].map(([k, e]) => status(k, e)).sort((a, b) => a.exp - b.exp), foreignKeys: [], missing: [] };
}

/** The outputs as the deployed stack has them: the program's exports plus what only the cloud knows. */
function asDeployed(stack: FixtureStack, outputs: Obj): Obj {
    const clients = (outputs.maskinportenClients as Client[]).map((c) => {
        const registration = deployedRegistration(stack, c);
        return registration ? { ...c, registration } : c;
    });
    const out: Obj = { ...outputs, maskinportenClients: clients };
    if (stack === "adopted") {
        out.unmanagedAccess = [
            { principalId: G(8), role: "Key Vault Secrets Officer", source: `/subscriptions/${SUB}/resourceGroups/altinnapps-ttd-tt02-rg`, roleAssignmentId: `/subscriptions/${SUB}/resourceGroups/altinnapps-ttd-tt02-rg/providers/Microsoft.Authorization/roleAssignments/hand-made` },
        ];
    }
    if (stack === "rotating") {
        // The last up changed the API key but its redeploy of app-a ran for the previous version.
        out.redeploys = (outputs.redeploys as Obj[]).map((r) => ({ ...r, redeployedFor: (r.redeployedFor as string[]).map((v) => (v.includes("ExternalApi--ApiKey") ? v.replace(/\/[0-9a-f]+$/, "/0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld00") : v)) }));
    }
    return out;
}

/** Evaluate one fixture stack under mocks at DEPLOYED_AT and return its outputs as deployed. */
export async function fixtureOutputs(stack: FixtureStack): Promise<Obj> {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(DEPLOYED_AT);
    try {
        vi.resetModules();
        const pulumi = await import("@pulumi/pulumi");
        const { evaluateStack } = await import("../../scripts/offline/evaluate");
        const dir = stack === "tt02" || stack === "prod" ? EXAMPLE_STACKS : writeStacks({ [stack]: STACKS[stack] });
        const ev = await evaluateStack(ROOT, stack, dir);
        const program = (await import(path.join(ROOT, "index.ts"))) as Obj;
        for (const [name, value] of Object.entries(program)) {
            // pulumi stack output --json shows a secret output as "[secret]"; these fixtures must have none.
            if (await (pulumi.output(value) as unknown as { isSecret: Promise<boolean> }).isSecret) throw new Error(`output ${name} is secret`);
        }
        return asDeployed(stack, JSON.parse(JSON.stringify(ev.outputs)) as Obj);
    } finally {
        vi.useRealTimers();
    }
}
