/**
 * Pulumi mocks shared by the offline plan, the benchmark and the tests. They record every
 * resource (type, name, parent, protect, inputs with secrets kept as `Secret`) and throw on any
 * invoke they do not know, so a test fails loudly instead of passing on undefined.
 */
import { createHash, createPublicKey, generateKeyPair, KeyObject } from "node:crypto";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { vaultResourceId } from "../../core/vault/roles";
import { OFFLINE_VAULT_TAG } from "../../core/vault/audit";
import { PlaceholderKeyPool } from "./placeholderKeys";
import { dropProviderAliases } from "./providerAliases";
import { plain, unwrapSecrets } from "./values";
import type { RecordedResource } from "./values";
import { FUNCTIONS, TYPES } from "../../core/resourceNames";

export { plain, Secret, secretProperties, unwrapSecrets } from "./values";
export type { RecordedResource } from "./values";

export interface MockOptions {
    project: string;
    stack: string;
    /** Full config keys (`project:key`) to string values, objects as JSON text. */
    config: Record<string, string>;
    /** Full keys whose values are secrets. */
    secretKeys?: string[];
    /** Identity returned by `authorization.getClientConfig`. */
    clientConfig?: { tenantId: string; subscriptionId: string; objectId: string; clientId: string };
    /**
     * "real" (default): every tls PrivateKey is a freshly generated RSA key, as the provider makes
     * it. "placeholder" (the offline plan): well-formed distinct keys from a shared prime pool, at
     * a fraction of the cost; their kids mean nothing outside the plan.
     */
    keys?: "real" | "placeholder";
    /**
     * The vault `keyvault.getVault` answers with, as Azure has it. Without it (the offline plan)
     * the answer carries OFFLINE_VAULT_TAG and the audit reports that it runs in `pulumi preview`.
     */
    vault?: { tenantId: string; enableRbacAuthorization: boolean; accessPolicies: unknown[] };
    /** Token `authorization.getClientToken` answers with; without it that invoke is unexpected. */
    armToken?: string;
}

export const MOCK_CLIENT_CONFIG = {
    tenantId: "00000000-0000-0000-0000-00000000aaaa",
    subscriptionId: "00000000-0000-0000-0000-00000000bbbb",
    objectId: "00000000-0000-0000-0000-00000000cccc",
    clientId: "00000000-0000-0000-0000-00000000dddd",
};

type Outputs = Record<string, unknown>;
type RegisterRequest = {
    getType(): string;
    getName(): string;
    getProtect(): boolean;
    getParent(): string;
    getIgnorechangesList(): string[];
    getRetainondelete(): boolean | undefined;
    getAdditionalsecretoutputsList(): string[];
    getDependenciesList(): string[];
};
type Options = Pick<RecordedResource, "protect" | "parent" | "ignoreChanges" | "retainOnDelete" | "additionalSecretOutputs" | "dependsOn">;

const generateRsa = promisify(generateKeyPair);

/** Provider-computed outputs, the way Azure and the tls provider would fill them in. */
async function computedOutputs(type: string, name: string, inputs: Outputs, placeholders?: PlaceholderKeyPool): Promise<Outputs> {
    switch (type) {
        case TYPES.secret: {
            const props = (inputs.properties ?? {}) as Outputs;
            const secretName = String(inputs.secretName ?? name);
            const base = `https://${String(inputs.vaultName)}.vault.azure.net/secrets/${secretName}`;
            // A new value is a new version, as in Key Vault; the version is derived, never the value.
            const version = createHash("sha256").update(JSON.stringify(plain(props.value) ?? "")).digest("hex").slice(0, 32);
            return { properties: { ...props, secretUri: base, secretUriWithVersion: `${base}/${version}` } };
        }
        case TYPES.privateKey: {
            const bits = Number(inputs.rsaBits ?? 2048);
            let privateKey: KeyObject;
            if (placeholders && bits === 2048) privateKey = await placeholders.keyFor(name);
            // Real keys, generated off the main thread so many clients use both cores.
            else privateKey = (await generateRsa("rsa", { modulusLength: bits })).privateKey;
            const publicKey = createPublicKey(privateKey);
            return {
                privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }),
                privateKeyPemPkcs8: privateKey.export({ type: "pkcs8", format: "pem" }),
                publicKeyPem: publicKey.export({ type: "spki", format: "pem" }),
            };
        }
        case TYPES.randomPassword: {
            // A stand-in derived from what makes the provider generate anew (length, keepers), so a
            // bumped generation shows offline as a new secret version and redeploys its readers.
            const seed = JSON.stringify([name, inputs.length, inputs.keepers ?? {}]);
            return { result: `offline-generated-${createHash("sha256").update(seed).digest("hex").slice(0, 24)}` };
        }
        case TYPES.maskinportenRegistration:
            // Only Maskinporten can assign a client id, and only `pulumi preview --refresh` reads what it
            // holds: a placeholder and empty lists rather than outputs that never resolve offline.
            return { clientId: inputs.clientId ?? "(assigned by Maskinporten at pulumi up)", createdClient: inputs.clientId === undefined, registered: [], foreign: [], missing: [], checkedAt: 0 };
        case TYPES.maskinportenKeyProof:
            // Only Maskinporten can prove a key; the program's plan says what pulumi up will do.
            return { proven: false, note: "not asked offline: pulumi up asks Maskinporten" };
        default:
            return {};
    }
}

/** `getVault`'s answer: the given vault, or one marked as not read (offline). */
function mockVault(inputs: Outputs, subscriptionId: string, vault: MockOptions["vault"]): Outputs {
    const name = String(inputs.vaultName);
    const id = vaultResourceId(subscriptionId, String(inputs.resourceGroupName), name);
    if (!vault) return { id, name, type: "Microsoft.KeyVault/vaults", properties: { tenantId: "", accessPolicies: [] }, tags: { [OFFLINE_VAULT_TAG]: "true" } };
    return { id, name, type: "Microsoft.KeyVault/vaults", properties: { ...vault }, tags: {} };
}

/**
 * Install the mocks and the stack config. Call before importing the program.
 * Returns the list that fills up as the program declares resources.
 */
export function installMocks(opts: MockOptions): RecordedResource[] {
    const resources: RecordedResource[] = [];
    const pending = new Map<string, Options>();
    const clientConfig = opts.clientConfig ?? MOCK_CLIENT_CONFIG;
    const placeholders = opts.keys === "placeholder" ? new PlaceholderKeyPool() : undefined;
    dropProviderAliases();

    pulumi.runtime.setMocks(
        {
            async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: Outputs }> {
                const key = `${args.type}::${args.name}`;
                const meta = pending.get(key) ?? { protect: false };
                pending.delete(key);
                const inputs = unwrapSecrets(args.inputs) as Outputs;
                const state = { ...args.inputs, ...(await computedOutputs(args.type, args.name, inputs, placeholders)) };
                // The URN is filled in when the monitor answers (see registerResource below).
                resources.push({ type: args.type, name: args.name, custom: args.custom ?? true, urn: "", ...meta, inputs, state: unwrapSecrets(state) as Outputs });
                return { id: args.custom ? `${args.name}-id` : "", state };
            },
            call(args: pulumi.runtime.MockCallArgs): Outputs {
                if (args.token === FUNCTIONS.getClientConfig) return { ...clientConfig };
                if (args.token === FUNCTIONS.getVault) return mockVault(args.inputs, clientConfig.subscriptionId, opts.vault);
                if (args.token === FUNCTIONS.getClientToken && opts.armToken) return { token: opts.armToken };
                throw new Error(`unexpected invoke ${args.token} in mocks`);
            },
        },
        opts.project,
        opts.stack,
        true,
    );
    // setMocks hides protect and parent from newResource; read them off the request first.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, cb: (err: unknown, resp?: { getUrn(): string }) => void): void;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const type = req.getType();
        const name = req.getName();
        const options: Options = { protect: req.getProtect(), parent: req.getParent() || undefined };
        // Only when set, so a record of resources without them stays as it was.
        if (req.getIgnorechangesList().length) options.ignoreChanges = req.getIgnorechangesList();
        if (req.getRetainondelete()) options.retainOnDelete = true;
        if (req.getAdditionalsecretoutputsList().length) options.additionalSecretOutputs = req.getAdditionalsecretoutputsList();
        if (req.getDependenciesList().length) options.dependsOn = req.getDependenciesList();
        pending.set(`${type}::${name}`, options);
        register(req, (err, resp) => {
            const recorded = resources.find((r) => r.type === type && r.name === name && r.urn === "");
            if (recorded && resp) recorded.urn = resp.getUrn();
            cb(err, resp);
        });
    };
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
    return resources;
}

/** Resolve an Output (or a plain value) to its value, keeping nothing secret-marked. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Wait until every registration the program started has reached the mocks. */
export async function settle(): Promise<void> {
    // Two rounds: outputs resolved in the first can start registrations awaited by the second.
    for (let i = 0; i < 2; i++) {
        await new Promise((r) => setImmediate(r));
        await (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs?.();
    }
}
