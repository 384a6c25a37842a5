/**
 * `npm run adopt` against saved `az` output in a fresh folder: the stack file, `az keyvault show`
 * of an access-policy vault and `az keyvault secret list`, run from that folder.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { vaultResourceId } from "../../core/vault/roles";
import { runAdopt } from "../../scripts/adopt/adoptCli";
import { ROOT } from "./helpers";

export const SUB = "0f0f0f0f-1111-4222-8333-444444444444";
export const TENANT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
export const OPS = "11111111-2222-3333-4444-555555555555";

/** A tt02 stack file as a person starts one (the schema line, a comment, org and environment), then `rest`. */
export function stackFile(org: string, comment: string, rest: string): string {
    return `# yaml-language-server: $schema=./schema/stack-config.schema.json\n# ${comment}\nconfig:\n  altinn-app-secrets:org: ${org}\n  altinn-app-secrets:environment: tt02\n${rest}`;
}

/** An access policy as `az keyvault show` lists it: permissions on secrets, and on keys if any. */
export interface SavedPolicy {
    objectId: string;
    secrets: string[];
    keys?: string[];
}

/** `az keyvault show` of `org`'s tt02 vault, named as the stack names it by default. */
export function savedVault(org: string, policies: SavedPolicy[]) {
    const name = `${org}-tt02-apps-kv`;
    return {
        id: vaultResourceId(SUB, `altinnapps-${org}-tt02-rg`, name),
        name,
        properties: { tenantId: TENANT, enableRbacAuthorization: false, accessPolicies: policies.map(({ objectId, ...permissions }) => ({ tenantId: TENANT, objectId, permissions })) },
    };
}

export interface SavedRun {
    policies: SavedPolicy[];
    /** The stack's org; default ttd. */
    org?: string;
    /** Names `az keyvault secret list` prints; default none. */
    secretNames?: string[];
    /** --out, relative to the folder; default the folder itself. */
    out?: string;
    /** The width adopt's text is wrapped to; default 100, 0 for none. */
    width?: number;
    /** Called with the folder once its files are written, before adopt runs. */
    before?: (dir: string) => void;
}

/** adopt on `stackText` with `extra` flags; its result, the folder, and the stack file as it is after. */
export async function adoptSaved(stackText: string, extra: string[], run: SavedRun) {
    const dir = mkdtempSync(path.join(tmpdir(), "adopt-saved-"));
    const org = run.org ?? "ttd";
    const secrets = (run.secretNames ?? []).map((name) => ({ id: `https://${org}-tt02-apps-kv.vault.azure.net/secrets/${name}`, name }));
    writeFileSync(path.join(dir, "Pulumi.tt02.yaml"), stackText);
    writeFileSync(path.join(dir, "v.json"), JSON.stringify(savedVault(org, run.policies)));
    writeFileSync(path.join(dir, "s.json"), JSON.stringify(secrets));
    run.before?.(dir);
    const args = ["--stack", "tt02", "--config-dir", dir, "--out", run.out ?? dir, "--vault-json", path.join(dir, "v.json"), "--secrets-json", path.join(dir, "s.json"), ...extra];
    const result = await runAdopt(args, { root: ROOT, env: {}, cwd: dir }, { width: run.width ?? 100 });
    return { ...result, dir, after: readFileSync(path.join(dir, "Pulumi.tt02.yaml"), "utf8") };
}
