/**
 * Which apps a change redeploys, and why. Each app's redeploy command is triggered by the versions
 * of the secrets it reads (components/studio/appRedeploy.ts): a secret with a new value, a secret
 * the app starts or stops reading, or a changed command (Studio URL, org) re-runs it. The versions
 * follow from the config: what a secret's value is made of. Pure.
 */
import type { MaskinportenClientConfig, StackConfig } from "../../core/config/parse";
import { CLIENT_SECRET_KEYS } from "../../core/config/parse";
import { secretName } from "../../core/vault/naming";

export interface Redeploy {
    app: string;
    /** Why, one entry per cause with the secrets it concerns: `new version: ExternalApi--ApiKey, Other--Token`. */
    reasons: string[];
}

export interface RedeployChanges {
    /** False: redeploy.enabled is false at head, a person redeploys these by hand. */
    automatic: boolean;
    apps: Redeploy[];
}

/** What a secret's value is made of, and in words what makes it change. */
interface Source {
    fingerprint: string;
    words: string;
}

function clientSources(c: MaskinportenClientConfig, config: StackConfig): Map<string, Source> {
    const out = new Map<string, Source>();
    const key = c.keyGeneration === 0 ? "the adopted key" : `key generation ${c.keyGeneration}`;
    const made: Record<string, Source> = {
        ClientId: { fingerprint: `client ${c.clientId ?? "assigned at pulumi up"}`, words: c.clientId ? `client ID ${c.clientId}` : "the client ID Maskinporten assigns" },
        Authority: { fingerprint: `authority ${config.environment}`, words: `the ${config.environment} authority` },
        // The key pair is kept per section and generation: a renamed section is a new key.
        EncodedJwk: { fingerprint: `key ${c.section} ${c.keyGeneration}`, words: key },
        JwkBase64: { fingerprint: `key ${c.section} ${c.keyGeneration}`, words: key },
    };
    for (const k of CLIENT_SECRET_KEYS[c.format]) out.set(secretName(c.section, k), made[k]);
    return out;
}

/** app -> secret name -> what its value is made of. */
function readers(config: StackConfig): Map<string, Map<string, Source>> {
    const vault = `${config.keyVault.resourceGroupName}/${config.keyVault.name}`;
    const byApp = new Map<string, Map<string, Source>>();
    const read = (apps: string[], name: string, source: Source) => {
        // A secret in another vault is another secret, with a version of its own.
        const sourced = { fingerprint: `${vault} ${source.fingerprint}`, words: source.words };
        for (const app of apps) byApp.set(app, (byApp.get(app) ?? new Map()).set(name, sourced));
    };
    for (const c of config.maskinportenClients) for (const [name, source] of clientSources(c, config)) read(c.apps, name, source);
    for (const s of config.appSecrets) {
        const source: Source = s.generate
            ? { fingerprint: `generated ${s.generate.length} ${s.generate.generation}`, words: `generated value, generation ${s.generate.generation}` }
            : // The offline value is derived from the ciphertext: a new ciphertext is a new value.
              { fingerprint: `value ${s.value ?? ""}`, words: "the value in the stack file" };
        read(s.apps, secretName(s.section, s.key), source);
    }
    return byApp;
}

/** The command every redeploy runs with: a change to it re-runs every app's redeploy. */
function command(config: StackConfig): string {
    return `${config.org} ${config.environment} ${config.redeploy.studioUrl}`;
}

/** The apps `head` redeploys at `pulumi up`, compared with `base`, each with why. */
export function redeployChanges(base: StackConfig, head: StackConfig): RedeployChanges {
    const before = base.redeploy.enabled ? readers(base) : new Map<string, Map<string, Source>>();
    const commandChanged = base.redeploy.enabled && command(base) !== command(head);
    const apps: Redeploy[] = [];
    for (const [app, secrets] of [...readers(head)].sort(([a], [b]) => a.localeCompare(b))) {
        const was = before.get(app);
        const reasons: string[] = [];
        if (was === undefined) reasons.push(base.redeploy.enabled ? "its first secret: the redeploy is created, which runs it" : "redeploy is switched on: the redeploy is created, which runs it");
        else {
            // One line per cause, naming its secrets: an app reading fifty changed secrets stays one short row.
            const causes = new Map<string, string[]>();
            const because = (cause: string, name: string) => causes.set(cause, [...(causes.get(cause) ?? []), name]);
            for (const [name, source] of secrets) {
                const old = was.get(name);
                if (old === undefined) because("now read by this app", name);
                else if (old.fingerprint !== source.fingerprint) because(old.words === source.words ? "new version" : `${old.words} -> ${source.words}`, name);
            }
            for (const name of was.keys()) if (!secrets.has(name)) because("no longer read by this app", name);
            for (const [cause, names] of causes) reasons.push(`${cause}: ${names.join(", ")}`);
            if (commandChanged) reasons.push("the redeploy command changed (org, environment or redeploy.studioUrl)");
        }
        if (reasons.length) apps.push({ app, reasons });
    }
    return { automatic: head.redeploy.enabled, apps };
}
