/** docs/when-to-use.md: the guide a service owner reads before adding a client Studio may already provide. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../../core/config/parse";
import { evaluateRules } from "../../policy/evaluate";
import { ALL_RULES } from "../../policy/rules";
import { TYPES } from "../../core/resourceNames";
import { rawConfig, ROOT } from "../support/helpers";

const GUIDE = "docs/when-to-use.md";
const text = () => readFileSync(path.join(ROOT, GUIDE), "utf8");

describe(GUIDE, () => {
    it("has the title, and the README links to it", () => {
        expect(text().split("\n")[0]).toBe("# When to use this, and when Altinn Studio does it for you");
        expect(readFileSync(path.join(ROOT, "README.md"), "utf8")).toContain("(docs/when-to-use.md)");
    });

    it("covers Key Vault access, extra identities, apps not on Studio's scope setup, other app secrets and redeploys", () => {
        const headings = text().split("\n").filter((l) => l.startsWith("## "));
        for (const topic of [/Key Vault access/, /Another identity/, /not on Studio's scope setup/, /Other app secrets/, /Redeploys/, /own Maskinporten client/]) {
            expect(headings.some((h) => topic.test(h)), String(topic)).toBe(true);
        }
    });

    it("links to Altinn's and Digdir's own docs for each claim", () => {
        for (const url of [
            "https://docs.altinn.studio/en/altinn-studio/v8/guides/integration/maskinporten/",
            "https://docs.altinn.studio/en/altinn-studio/v8/guides/integration/maskinporten/add-scopes/",
            "https://docs.altinn.studio/nb/altinn-studio/v9/develop-a-service/integration/maskinporten/",
            "https://docs.altinn.studio/en/altinn-studio/v8/reference/configuration/secrets/",
            "https://docs.altinn.studio/en/altinn-studio/v8/guides/administration/access-management/apps/",
            "https://docs.altinn.studio/authorization/getting-started/maskinportenclient",
            "https://docs.digdir.no/docs/Maskinporten/maskinporten_sjolvbetjening_api",
        ]) {
            expect(text()).toContain(url);
        }
        // Every reference-style link is defined, every relative link resolves.
        const defined = new Set([...text().matchAll(/^\[([^\]]+)\]: /gm)].map((m) => m[1]));
        for (const [, ref] of text().matchAll(/\]\[([^\]]+)\]/g)) expect(defined.has(ref), ref).toBe(true);
        for (const [, target] of text().matchAll(/\]\((?!https?:)([^)#]+)[^)]*\)/g)) expect(existsSync(path.join(ROOT, "docs", target)), target).toBe(true);
    });

    it("its YAML examples are config the plan accepts, and its suppression silences the finding it is for", () => {
        const blocks = [...text().matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as Record<string, unknown>);
        expect(blocks.length).toBeGreaterThanOrEqual(2);
        const config = Object.assign({}, ...blocks) as Record<string, unknown>;
        const keys = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/^altinn-app-secrets:/, ""), v]));
        const parsed = parseStackConfig(rawConfig({ org: "ttd", environment: "tt02", ...keys }));
        expect(parsed.maskinportenClients[0].section).toBe("MaskinportenClients--Partner");
        const builtin = { type: TYPES.maskinportenClient, name: "c", id: "c", props: { section: "MaskinportenSettings", clientId: "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b", format: "builtin" }, protect: false };
        const [finding] = evaluateRules([builtin], { environment: "tt02" }, parsed.suppressions, ALL_RULES.filter((r) => r.id === "maskinporten-own-section"));
        expect(finding.suppressed?.reason).toBe(parsed.suppressions[0].reason);
    });

    it("no doc or key description says the builtin format works beyond v8", () => {
        const files = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
        for (const file of files) {
            const body = readFileSync(path.join(ROOT, file), "utf8");
            expect(body, file).not.toMatch(/v8\s*\+|v8 (?:or|and) (?:later|newer|above)/);
            for (const line of body.split("\n").filter((l) => /`builtin`.*IMaskinportenClient|IMaskinportenClient.*`builtin`/.test(l))) expect(line, file).toMatch(/v8 only/);
        }
    });
});
