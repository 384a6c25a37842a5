/**
 * Adopt's Maskinporten and app secrets: hand-made keys kept (keyGeneration 0), and the secrets the
 * stack declares imported where the vault has them, spelled as the program names them.
 */
import { CLIENT_SECRET_KEYS, ClientFormat } from "../../core/config/parse";
import { secretName, sectionProblem, SECTION_SEPARATOR } from "../../core/vault/naming";
import { appSecretName, appSecretResourceName, clientName, clientSecretResourceName, TYPES } from "../../core/resourceNames";
import { JWK_KEY, jwkSecretName } from "../../core/maskinporten/settings";
import { addComponent, Adopting, ImportEntry, managedUrn, RawEntry, removedButInState } from "./adoption";
import type { VaultSecretInfo } from "./vaultSource";

/** A client's format by its JWK key in lower case (Key Vault ignores case): `encodedjwk` -> legacy. */
const FORMAT_OF_JWK_KEY = Object.fromEntries(Object.entries(JWK_KEY).map(([format, key]) => [key.toLowerCase(), format])) as Record<string, ClientFormat>;

/** maskinportenClients: hand-made `<section>--EncodedJwk` / `--JwkBase64` keep their key (generation 0). */
export function adoptHandMadeKeys(ctx: Adopting): void {
    const { config } = ctx.input;
    /** Sections adopted from a hand-made key (lower case -> the key's name): one client per section. */
    const adoptedSections = new Map<string, string>();
    for (const s of ctx.secrets.handMade) {
        const cut = s.name.lastIndexOf(SECTION_SEPARATOR);
        const format = cut > 0 ? FORMAT_OF_JWK_KEY[s.name.slice(cut + 2).toLowerCase()] : undefined;
        if (!format) continue;
        const section = s.name.slice(0, cut);
        if (sectionProblem(section)) continue;
        // Declared as an app secret: imported as that, not also claimed by a client.
        if (ctx.secrets.appSecretNames.has(s.name.toLowerCase())) continue;
        const i = config.maskinportenClients.findIndex((c) => c.section.toLowerCase() === section.toLowerCase());
        if (i < 0) adoptKeyAsClient(ctx, s, section, format, adoptedSections);
        else keepDeclaredClientsKey(ctx, s, i, format);
    }
}

/** A hand-made key of a section the stack does not declare: a new client at keyGeneration 0. */
function adoptKeyAsClient(ctx: Adopting, s: VaultSecretInfo, section: string, format: ClientFormat, adoptedSections: Map<string, string>): void {
    const spelled = jwkSecretName({ section, format });
    if (s.name !== spelled) {
        ctx.notes.secrets.push(`${s.name}: not adopted: the stack would name it ${spelled}, and azure-native would replace it; rename it in the vault (apps read either spelling) and run adopt again`);
        return;
    }
    if (managedUrn(ctx.input, TYPES.secret, clientSecretResourceName(clientName(section), JWK_KEY[format]))) {
        ctx.notes.secrets.push(`${s.name}: ${removedButInState("client", "maskinportenClients")}`);
        return;
    }
    const earlier = adoptedSections.get(section.toLowerCase());
    if (earlier) {
        ctx.notes.secrets.push(`${s.name}: not adopted: section ${earlier.slice(0, earlier.lastIndexOf(SECTION_SEPARATOR))} is already adopted from ${earlier} (one client per section); delete the key apps do not read, or declare this client by hand`);
        return;
    }
    adoptedSections.set(section.toLowerCase(), s.name);
    const entry: RawEntry = { section, clientId: "", format };
    if (format === "legacy") entry.scope = "";
    entry.keyGeneration = 0;
    entry.apps = [];
    ctx.clients.push(entry);
    ctx.comments.set(
        `maskinportenClients:${ctx.clients.length - 1}`,
        ` adopted: ${s.name} keeps the key running apps use (keyGeneration 0) until you stage, register and activate generation 1; fill in clientId${format === "legacy" ? ", scope" : ""} and the apps that read it`,
    );
    ctx.notes.secrets.push(`${section} (${format}): keeps its existing key (keyGeneration: 0); fill in clientId${format === "legacy" ? " and scope" : ""}`);
}

/** A hand-made key of a client the stack declares: kept with keyGeneration 0 when the client has not rotated yet. */
function keepDeclaredClientsKey(ctx: Adopting, s: VaultSecretInfo, i: number, format: ClientFormat): void {
    const c = ctx.input.config.maskinportenClients[i];
    if (c.format !== format) {
        ctx.notes.secrets.push(`${s.name}: not adopted: a ${format}-format key, but the stack declares ${c.section} as ${c.format}; left alone (the stack's client does not read it)`);
        return;
    }
    const key = JWK_KEY[format];
    // Spelled unlike the stack's name for it: not importable, reported with the secrets; keyGeneration stays.
    if (s.name !== secretName(c.section, key)) return;
    if (c.keyGeneration === 0) return;
    // The stack's own secret, its tags lost to a version written by hand: drift, not a key to adopt.
    if (managedUrn(ctx.input, TYPES.secret, clientSecretResourceName(clientName(c.section), key))) {
        ctx.notes.secrets.push(`${s.name}: has no managed-by tag, but the stack's state holds it (written by hand since?): keyGeneration left at ${c.keyGeneration}; pulumi refresh shows the drift`);
        return;
    }
    if (c.nextKeyGeneration === undefined && c.retiredKeyGenerations.length === 0) {
        ctx.clients[i].keyGeneration = 0;
        ctx.notes.secrets.push(`${c.section}: keyGeneration set to 0 so the first up keeps the key in ${s.name} instead of replacing it`);
    } else {
        ctx.notes.secrets.push(`${c.section}: ${s.name} was made by hand but the stack already rotates this client; the next up replaces its value`);
    }
}

/** The secret keys a client entry of the (merged) config declares, whatever its format is spelled as. */
export function clientKeys(raw: RawEntry): readonly string[] {
    return CLIENT_SECRET_KEYS[(raw.format === "builtin" ? "builtin" : "legacy") as ClientFormat];
}

/**
 * Import the secret the program declares as `expected`, if the vault has it. Key Vault ignores
 * case in names but azure-native does not: a differently spelled one is not imported (it would
 * be replaced).
 */
function importSecret(ctx: Adopting, expected: string, parent: ImportEntry, name: string): "imported" | "misspelled" | "managed" | "inState" | "absent" {
    if (managedUrn(ctx.input, TYPES.secret, name)) return "inState";
    const existing = ctx.secrets.handMadeByName.get(expected.toLowerCase());
    if (!existing) return ctx.secrets.byName.has(expected.toLowerCase()) ? "managed" : "absent";
    if (existing.name !== expected) {
        ctx.notes.secrets.push(`${existing.name}: not imported: the stack names it ${expected}, and azure-native would replace it; the first up fails on it until the stack spells it as the vault does`);
        return "misspelled";
    }
    addComponent(ctx, parent);
    ctx.imports.push({ type: TYPES.secret, name, id: `${ctx.keyVault.id}/secrets/${existing.name}`, parent: parent.name });
    return "imported";
}

/** Import every client secret that exists, under the client the (merged) config declares. */
export function importClientSecrets(ctx: Adopting): void {
    for (const raw of ctx.clients) {
        const section = String(raw.section);
        const parent = clientName(section);
        for (const key of clientKeys(raw)) {
            const expected = secretName(section, key);
            const found = importSecret(ctx, expected, { type: TYPES.maskinportenClient, name: parent }, clientSecretResourceName(parent, key));
            if (raw.keyGeneration !== 0 || found === "imported" || found === "misspelled" || found === "inState") continue;
            if (found === "managed") {
                ctx.notes.secrets.push(
                    `${ctx.secrets.byName.get(expected.toLowerCase())!.name}: exists with this project's managed-by tag (another stack, or a lost state, manages it): not imported; unless this stack's state holds it, the first up fails on it`,
                );
                continue;
            }
            ctx.notes.secrets.push(`${section}: ${expected} does not exist yet; pulumi up creates it${key === "ClientId" || key === "Authority" ? "" : " (with no value: write the key first)"}`);
        }
    }
}

/** App secrets the stack declares and that exist by hand: imported; `up` then writes the stack's value. */
export function importAppSecrets(ctx: Adopting): void {
    for (const a of ctx.input.config.appSecrets) {
        const parent = appSecretName(a.section, a.key);
        const expected = secretName(a.section, a.key);
        if (importSecret(ctx, expected, { type: TYPES.appSecret, name: parent }, appSecretResourceName(parent)) === "imported") {
            ctx.notes.secrets.push(`${expected}: imported; the next up writes the stack's value as a new version`);
        }
    }
}
