import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import MarkdownIt from "markdown-it";
import { parseStackConfig, StackConfig } from "../../core/config/parse";
import { blocks, Finding } from "../../policy/evaluate";
import { diffGrants, GrantRow } from "../../scripts/review/grantReview";
import { renderReview } from "../../scripts/review/render";
import { diffOther, keyChangeFindings } from "../../scripts/review/stackDiff";
import { git, rawConfig, RunResult, runReview } from "../support/helpers";

const OPS = "11111111-2222-3333-4444-555555555555";
const NEW = "22222222-3333-4444-5555-666666666666";
const GONE = "66666666-7777-8888-9999-000000000000";

function stack(grants: unknown[]): string {
    return stringify({ config: { "altinn-app-secrets:org": "ttd", "altinn-app-secrets:environment": "tt02", "altinn-app-secrets:accessGrants": grants } });
}


let review: RunResult;
let sameAsBase: RunResult;
let badRef: RunResult;

beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "altinn-review-"));
    git(dir, "init", "-q", "-b", "main");
    writeFileSync(path.join(dir, "Pulumi.tt02.yaml"), stack([
        { principalId: OPS, access: "read", reason: "Operations team reads secrets" },
        { principalId: GONE, access: "read", reason: "Former contractor, leaving" },
    ]));
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "grants");
    writeFileSync(path.join(dir, "Pulumi.tt02.yaml"), stack([
        { principalId: OPS, access: "write", reason: "Operations team now rotates secrets" },
        { principalId: NEW, access: "read", reason: "New monitoring identity" },
    ]));
    git(dir, "commit", "-q", "-am", "widen");
    [review, sameAsBase, badRef] = await Promise.all([
        runReview(["--stack", "tt02", "--config-dir", dir, "--base", "HEAD~1"]),
        runReview(["--stack", "tt02", "--config-dir", dir, "--base", "HEAD"]),
        runReview(["--stack", "tt02", "--config-dir", dir, "--base", "no-such-branch"]),
    ]);
});

describe("npm run review against a real git history", () => {
    it("prints every grant with access, reason and findings as a Markdown table", () => {
        expect(review.code).toBe(0); // advisory findings only
        expect(review.stdout).toContain("| vault | principal | access | reason | findings |");
        expect(review.stdout).toContain(`| ttd-tt02-apps-kv | \`${OPS}\` | write (secrets: get, list, set, delete) | Operations team now rotates secrets | **advisory** write-access-reviewed |`);
        expect(review.stdout).toContain(`| ttd-tt02-apps-kv | \`${NEW}\` | read (secrets: get, list) | New monitoring identity | none |`);
    });

    it("shows the widening, the addition and the removal compared with the base", () => {
        expect(review.stdout).toContain("### Changes compared with `HEAD~1`");
        expect(review.stdout).toContain(
            `| **widened** | ttd-tt02-apps-kv | \`${OPS}\` | read (secrets: get, list)<br>reason: Operations team reads secrets | write (secrets: get, list, set, delete)<br>reason: Operations team now rotates secrets | secrets:delete, secrets:set |  |`,
        );
        expect(review.stdout).toContain(`| **added** | ttd-tt02-apps-kv | \`${NEW}\` |  | read (secrets: get, list) | secrets:get, secrets:list |  |`);
        expect(review.stdout).toContain(`| removed | ttd-tt02-apps-kv | \`${GONE}\` | read (secrets: get, list) |  |  | secrets:get, secrets:list |`);
    });

    it("says so when nothing changed, and refuses an unknown ref in one line", () => {
        expect(sameAsBase.stdout).toContain("No grant is added, removed or changed.");
        expect(badRef.code).toBe(2);
        expect(badRef.stderr.trim().split("\n")).toHaveLength(1);
        expect(badRef.stderr).toContain('--base: "no-such-branch" is not a commit');
    });
});

describe("diffGrants", () => {
    const row = (capabilities: string[], access = "x", reason = "Some reason here"): GrantRow => ({ vault: "v", principalId: OPS, access, capabilities, reason });
    it("calls a role swap that gains and loses 'changed', and a reason-only edit 'reason changed'", () => {
        expect(diffGrants([row(["a"])], [row(["b"])])[0]).toMatchObject({ kind: "changed", gained: ["b"], lost: ["a"] });
        expect(diffGrants([row(["a", "b"])], [row(["a"])])[0].kind).toBe("narrowed");
        expect(diffGrants([row(["a"])], [row(["a"], "x", "Another reason")])[0].kind).toBe("reason changed");
        expect(diffGrants([row(["a"])], [row(["a"])])).toEqual([]);
    });
});

const SECTION = "MaskinportenSettings";
const CLIENT = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

function fullStack(environment: string, body: Record<string, unknown>): string {
    const config: Record<string, unknown> = { "altinn-app-secrets:org": "ttd", "altinn-app-secrets:environment": environment };
    for (const [k, v] of Object.entries(body)) config[`altinn-app-secrets:${k}`] = v;
    if (environment === "prod") config["altinn-app-secrets:keyVault"] = { authorization: "rbac" };
    return stringify({ config });
}

const grantFor = (environment: string, reason: string) => ({ principalId: OPS, access: "read", reason, ...(environment === "prod" ? { principalType: "Group" } : {}) });

const before = (environment: string) =>
    fullStack(environment, {
        accessGrants: [grantFor(environment, "Operations team reads secrets")],
        maskinportenClients: [
            { section: SECTION, clientId: CLIENT, format: "legacy", scope: "altinn:serviceowner/instances.read", keyGeneration: 1, apps: ["app-a"] },
            { section: "Integrations--Old", clientId: "11111111-aaaa-4bbb-8ccc-222222222222", format: "builtin", keyGeneration: 1, apps: ["app-b"] },
            { section: "Integrations--AppC", clientId: "33333333-aaaa-4bbb-8ccc-444444444444", format: "builtin", keyGeneration: 1, apps: ["app-c"] },
        ],
        appSecrets: [{ section: "ExternalApi", key: "ApiKey", apps: ["app-a"], value: { secure: "v1:c29tZSBub25jZQ==:c29tZSBjaXBoZXJ0ZXh0" } }],
        suppressions: [{ rule: "principal-allowlisted", principalId: OPS, reason: "Operations group predates the allowlist" }],
        redeploy: { enabled: true },
    });

const after = (environment: string) =>
    fullStack(environment, {
        accessGrants: [grantFor(environment, "Operations team reads secrets for support cases")],
        maskinportenClients: [
            // only the case of the section changes: a new key pair, straight into the vault
            { section: "maskinportenSettings", clientId: CLIENT, format: "legacy", scope: "altinn:serviceowner/instances.read", keyGeneration: 1, apps: ["app-a"] },
            { section: "Integrations--AppC", clientId: "33333333-aaaa-4bbb-8ccc-444444444444", format: "builtin", keyGeneration: 1, nextKeyGeneration: 2, apps: ["app-c"] },
            { section: "Integrations--New", clientId: "55555555-aaaa-4bbb-8ccc-666666666666", format: "builtin", keyGeneration: 1, apps: ["app-b"] },
        ],
        appSecrets: [{ section: "ExternalApi", key: "Key", apps: ["app-a"], value: { secure: "v1:c29tZSBub25jZQ==:c29tZSBjaXBoZXJ0ZXh0" } }],
        // A stack file may suppress only rules that are advisory in its environment.
        suppressions: [{ rule: "secret-value-not-placeholder", secretName: "ExternalApi--Key", reason: "Value is set in the deploy pipeline" }],
        redeploy: { enabled: false },
    });

describe("npm run review of a change to clients, secrets, suppressions and redeploy", () => {
    let prod: RunResult;
    let bad: RunResult;
    beforeAll(async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "altinn-review-"));
        git(dir, "init", "-q", "-b", "main");
        writeFileSync(path.join(dir, "Pulumi.prod.yaml"), before("prod"));
        writeFileSync(path.join(dir, "Pulumi.bad.yaml"), stringify({ config: { "altinn-app-secrets:org": "ttd", "altinn-app-secrets:environment": "tt03" } }));
        git(dir, "add", ".");
        git(dir, "commit", "-q", "-m", "base");
        writeFileSync(path.join(dir, "Pulumi.prod.yaml"), after("prod"));
        [prod, bad] = await Promise.all([
            runReview(["--stack", "prod", "--config-dir", dir, "--base", "HEAD"]),
            runReview(["--stack", "bad", "--config-dir", dir]),
        ]);
    }, 60_000); // a plan evaluation on a shared machine

    it("exits like the plan: 1 on a mandatory finding, 2 on bad config (0 without: see above)", () => {
        expect(prod.code).toBe(1);
        expect(prod.stdout).toContain("mandatory finding(s): this change cannot be deployed as it is.");
        expect(bad.code).toBe(2);
        expect(bad.stdout).toBe("");
        expect(bad.stderr).toContain("environment");
    });

    it("reports a section renamed (even only its case) as an unstaged key change, mandatory in prod (advisory in tt02: below)", () => {
        expect(prod.stdout).toContain(
            "| **mandatory** | key-change-staged | secret maskinportenSettings--EncodedJwk | The client's active key changes without having been staged. maskinportenClients&#91;section=maskinportenSettings&#93; was section MaskinportenSettings at HEAD: a renamed section gets a new key pair",
        );
        // staging a key (nextKeyGeneration) is the safe way, and is no finding
        expect(prod.stdout).not.toContain("section=Integrations--AppC&#93; | The client");
    });

    it("lists clients and app secrets added, removed and renamed, key generations, suppressions and redeploy settings", () => {
        const lines = prod.stdout.split("\n");
        for (const expected of [
            "| **renamed** | Maskinporten client maskinportenSettings | section MaskinportenSettings | section maskinportenSettings |",
            "| key generation | Maskinporten client Integrations--AppC | keyGeneration 1 | keyGeneration 1, nextKeyGeneration 2 |",
            "| **added** | Maskinporten client Integrations--New |  | client 55555555-aaaa-4bbb-8ccc-666666666666, builtin, keyGeneration 1, apps: app-b |",
            "| removed | Maskinporten client Integrations--Old | client 11111111-aaaa-4bbb-8ccc-222222222222, builtin, keyGeneration 1, apps: app-b |  |",
            "| **renamed** | app secret ExternalApi--Key | ExternalApi--ApiKey | ExternalApi--Key |",
            `| **added** | suppression (stack file) of secret-value-not-placeholder for secret ExternalApi--Key |  | reason: Value is set in the deploy pipeline |`,
            `| removed | suppression (stack file) of principal-allowlisted for principal ${OPS} | reason: Operations group predates the allowlist |  |`,
            "| changed | redeploy.enabled | true | false |",
        ]) {
            expect(lines).toContain(expected);
        }
    });

    it("shows the old and the new reason of a grant whose reason changed", () => {
        expect(prod.stdout).toContain(
            `| reason changed | ttd-prod-apps-kv | \`${OPS}\` | read (role Key Vault Secrets User)<br>reason: Operations team reads secrets | read (role Key Vault Secrets User)<br>reason: Operations team reads secrets for support cases |  |  |`,
        );
    });
});

describe("diffOther and keyChangeFindings", () => {
    const config = (extra: Record<string, unknown>, environment = "prod"): StackConfig =>
        parseStackConfig(rawConfig({ org: "ttd", environment, keyVault: { authorization: "rbac" }, ...extra }));
    const client = (section: string, more: Record<string, unknown> = {}) => ({ section, clientId: CLIENT, format: "legacy", scope: "s", ...more });

    it("reports Studio URL changes and a pack suppression's changed reason with old and new", () => {
        const a = config({ redeploy: { studioUrl: "https://altinn.studio" } });
        const b = config({ redeploy: { studioUrl: "https://studio.example.no" } });
        const s = { rule: "write-access-reviewed", principalId: OPS, reason: "Rotation pipeline writes" };
        expect(diffOther(a, b, [s], [{ ...s, reason: "Rotation pipeline writes, reviewed 2026" }])).toEqual([
            { kind: "reason changed", subject: `suppression (policy/config.json) of write-access-reviewed for principal ${OPS}`, before: "reason: Rotation pipeline writes", after: "reason: Rotation pipeline writes, reviewed 2026" },
            { kind: "changed", subject: "redeploy.studioUrl", before: "https://altinn.studio", after: "https://studio.example.no" },
        ]);
    });

    it("tells pack suppressions of one rule apart by setting, and counts a second copy", () => {
        const a = config({});
        const reason = "Ops pin the public cloud explicitly here";
        const env = { rule: "config-key-allowed", setting: "azure-native:environment", reason };
        const oidc = { ...env, setting: "azure-native:oidcRequestUrl" };
        expect(diffOther(a, a, [env], [oidc])).toEqual([
            { kind: "added", subject: "suppression (policy/config.json) of config-key-allowed for setting azure-native:oidcRequestUrl", before: "", after: `reason: ${reason}` },
            { kind: "removed", subject: "suppression (policy/config.json) of config-key-allowed for setting azure-native:environment", before: `reason: ${reason}`, after: "" },
        ]);
        expect(diffOther(a, a, [env], [env, { ...env, reason: "A second reason, same setting" }])).toEqual([
            { kind: "changed", subject: "suppression (policy/config.json) of config-key-allowed for setting azure-native:environment", before: `reason: ${reason}`, after: `reason: ${reason}; reason: A second reason, same setting` },
        ]);
        expect(diffOther(a, a, [env, oidc], [oidc, env])).toEqual([]);
    });

    it("accepts an activated staged key and reports an unstaged generation bump", () => {
        const staged = config({ maskinportenClients: [client("S", { keyGeneration: 1, nextKeyGeneration: 2 })] });
        const activated = config({ maskinportenClients: [client("S", { keyGeneration: 2, retiredKeyGenerations: [1] })] });
        const jumped = config({ maskinportenClients: [client("S", { keyGeneration: 3 })] });
        expect(keyChangeFindings(staged, activated, "main")).toEqual([]);
        expect(keyChangeFindings(staged, jumped, "main")).toEqual([expect.objectContaining({ level: "mandatory", detail: "Key::not-staged", secretName: "S--EncodedJwk" })]);
        for (const renamed of ["T", "s"]) {
            expect(keyChangeFindings(config({ maskinportenClients: [client("S")] }, "tt02"), config({ maskinportenClients: [client(renamed)] }, "tt02"), "main")).toEqual([
                expect.objectContaining({ level: "advisory", detail: "Key::section-renamed" }),
            ]);
        }
    });

    it("lets only policy/config.json suppress it, by secret", () => {
        const [f] = keyChangeFindings(config({ maskinportenClients: [client("S")] }), config({ maskinportenClients: [client("s")] }), "main", [
            { rule: "key-change-staged", secretName: "s--EncodedJwk", reason: "Planned: apps are updated the same day" },
        ]);
        expect(f.suppressed).toEqual({ reason: "Planned: apps are updated the same day", source: "policy/config.json" });
        expect(blocks(f)).toBe(false);
    });
});

describe("the review's Markdown", () => {
    // GitHub passes (sanitized) HTML through, so the renderer does too: a stray comment or tag would show.
    const md = new MarkdownIt({ html: true });
    const hostile = "ok | none |\r<!--";
    const rows: GrantRow[] = [
        { vault: "v", principalId: OPS, access: "read", capabilities: ["secrets:get"], reason: hostile },
        { vault: "v", principalId: NEW, access: "write `x` <b>", capabilities: ["secrets:set"], reason: "a\\|b\nc -->" },
    ];
    const finding: Finding = { policy: "write-access-reviewed", level: "mandatory", resource: "r", message: "m", detail: "Access::write", principalId: NEW };
    const other: Finding = { policy: "stale-suppression", level: "advisory", resource: "suppressions[0]", message: "reason <!-- hidden", detail: "d", suppressed: { reason: "| x |\n<script>", source: "stack" } };
    const html = md.render(
        renderReview({
            stack: "s",
            org: "ttd",
            environment: "prod",
            rows,
            findings: [finding, other],
            studioUrl: "https://studio.example/<x>|`y`",
            base: { ref: "main", rows: [{ ...rows[0], reason: "old <!-- reason" }], other: [{ kind: "added", subject: "app secret A--B", before: "", after: "apps: `a` | <i>" }] },
        }),
    );
    const tables = [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => m[1]);
    const cellsOf = (table: string) => [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]));

    it("keeps every row and cell where it belongs, whatever the reason holds", () => {
        const grants = cellsOf(tables[1]);
        expect(grants.map((r) => r.length)).toEqual([5, 5, 5]);
        expect(grants[1][3]).toBe("ok | none | &lt;!--");
        expect(grants[2][2]).toBe("write `x` &lt;b&gt;");
        expect(grants[2][3]).toBe("a\\|b c --&gt;");
        expect(grants[2][4]).toBe("<strong>mandatory</strong> write-access-reviewed");
    });

    it("never opens an HTML comment, tag or code span from user data", () => {
        expect(html).not.toContain("<!--");
        expect(html).not.toMatch(/<(script|b|i|x)>/);
        expect(html).not.toContain("<code>x</code>");
        expect(html).not.toContain("<code>y</code>");
    });

    it("keeps the findings and the summary line visible", () => {
        expect(html).toContain("<p><strong>1 mandatory finding(s): this change cannot be deployed as it is.</strong></p>");
        // the findings come first, blocking ones on top, each with its whole message
        const findings = cellsOf(tables[0]);
        expect(findings.map((r) => r.length)).toEqual([4, 4, 4]);
        expect(findings[1].slice(0, 3)).toEqual(["<strong>mandatory</strong>", "write-access-reviewed", `principal ${NEW}`]);
        expect(findings[2][1]).toBe("stale-suppression");
        expect(findings[2][3]).toBe("reason &lt;!-- hidden");
        expect(html).toContain("<strong>Altinn Studio: https://studio.example/&lt;x&gt;|`y`</strong>");
        const changes = cellsOf(tables[2]);
        expect(changes.map((r) => r.length)).toEqual([7, 7, 7]);
        expect(changes[2].slice(0, 5)).toEqual(["reason changed", "v", `<code>${OPS}</code>`, "read<br>reason: old &lt;!-- reason", "read<br>reason: ok | none | &lt;!--"]);
        expect(cellsOf(tables[3])[1]).toEqual(["<strong>added</strong>", "app secret A--B", "", "apps: `a` | &lt;i&gt;"]);
    });
});
