/**
 * Stack-file input a reviewer could be fooled by (issue 20): reasons that show nothing, `secure:`
 * values where no secret belongs, and stacks too large to review. Each is refused with one line
 * naming the key.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePackConfig, readPackConfig } from "../../policy/packConfig";
import { evaluateRules } from "../../policy/evaluate";
import { rule as grantHasReason } from "../../policy/rules/grant-has-reason";
import { readStackFiles, parseOptionsOf } from "../../scripts/offline/stack";
import { configErrors as errorsOf, rawConfig, ROOT, runPlan, writeStacks } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

const P = "11111111-2222-3333-4444-555555555555";
/** The bounds README promises (core/config/limits.ts LIMITS), written out: a test of the contract, not of the constant. */
const LIMITS = { accessGrants: 100, maskinportenClients: 20, appSecrets: 40, appsPerEntry: 20, apps: 40, reason: 500, text: 1000, url: 2000, stackFileBytes: 1024 * 1024 };
const base = { org: "ttd", environment: "tt02" };
const grant = (extra: Record<string, unknown> = {}) => ({ principalId: P, access: "read", reason: "Operations team reads secrets", ...extra });

const errors = (config: Record<string, unknown>) => errorsOf(rawConfig({ ...base, ...config }));

/** Invisible on screen, each of them: format characters, fillers Unicode counts as letters, variation selectors (U+FEFF is refused as a control character). */
const INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064", "\u3164", "\u115f", "\u1160", "\uffa0", "\u180e", "\u034f", "\ufe0f", "\u{e0100}", "\u00ad", "\u2800"];

describe("reasons a reviewer can read (issue 20, item 8)", () => {
    it("refuses a reason of ten U+200B or U+3164, or of any invisible character, naming the key", () => {
        for (const ch of INVISIBLE) {
            const lines = errors({ accessGrants: [grant({ reason: ch.repeat(12) })] });
            expect(lines, `U+${ch.codePointAt(0)!.toString(16)}`).toEqual([expect.stringMatching(/^accessGrants\[0\]\.reason: shows no letter or digit/)]);
        }
        // padding a short reason with invisible characters does not make it longer
        expect(errors({ accessGrants: [grant({ reason: `ops${"\u200b".repeat(20)}` })] })).toEqual([expect.stringMatching(/^accessGrants\[0\]\.reason: "ops.*" is shorter than 10 characters \(not counting invisible ones\)/)]);
    });

    it("refuses a bidirectional override, which shows the reason in another order", () => {
        expect(errors({ accessGrants: [grant({ reason: "Operations \u202eteam reads" })] })).toEqual([expect.stringMatching(/^accessGrants\[0\]\.reason: contains a bidirectional control character/)]);
    });

    it("holds every free-text field shown to a reviewer to the same rule", () => {
        const hidden = "\u200b\u3164\u200b\u3164";
        const lines = errors({
            keyVault: { authorization: "rbac" },
            accessGrants: [grant({ principalType: "Group", description: hidden })],
            maskinporten: { selfService: { adminClientId: "admin" } },
            maskinportenClients: [{ section: "S", format: "builtin", clientName: hidden, description: hidden }],
            suppressions: [{ rule: "principal-allowlisted", principalId: P, reason: "\u2060".repeat(15) }],
        });
        for (const key of ["accessGrants[0].description", "maskinportenClients[0].clientName", "maskinportenClients[0].description", "suppressions[0].reason"]) {
            expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${key.replace(/[[\].]/g, "\\$&")}: shows no letter or digit`)));
        }
    });

    it("accepts ordinary text, Norwegian letters and a stray zero-width space between words", () => {
        expect(errors({ accessGrants: [grant({ reason: "Driftsteamet på Økonomi\u200b leser hemmeligheter" })] })).toEqual([]);
    });

    it("makes grant-has-reason refuse an invisible reason in the policy pack too", () => {
        const findings = evaluateRules([{ type: TYPES.accessGrant, name: "g", id: "g", protect: false, props: { principalId: P, reason: "\u200b".repeat(10) } }], {}, [], [grantHasReason]);
        expect(findings).toEqual([expect.objectContaining({ policy: "grant-has-reason", level: "mandatory", principalId: P })]);
    });

    it("refuses an invisible reason in policy/config.json", () => {
        const ok = { rule: "write-access-reviewed", principalId: P, reason: "Rotation pipeline, reviewed by security" };
        expect(() => parsePackConfig({ suppressions: [{ ...ok, reason: "\u3164".repeat(12) }] })).toThrow("policy/config.json: suppressions[0].reason shows no letter or digit");
        expect(() => parsePackConfig({ allowedConfigKeys: [{ name: "azure-native:location", reason: "\u200b".repeat(12) }] })).toThrow("policy/config.json: allowedConfigKeys[0].reason shows no letter or digit");
    });
});

describe("secure: values only where a secret belongs (issue 20, item 9)", () => {
    const MISPLACED = "is a secure: value, and only appSecrets[].value may be one";

    it("refuses a secure: value anywhere but appSecrets[].value in the stack file, naming the key (exit 2)", async () => {
        const dir = writeStacks({
            tt02: {
                ...base,
                accessGrants: [grant({ reason: { secure: "v1:c29tZSBjaXBoZXJ0ZXh0" } })],
                redeploy: { studioUrl: { secure: "v1:c29tZSBjaXBoZXJ0ZXh1" } },
                appSecrets: [{ section: "ExternalApi", key: "ApiKey", apps: ["app-a"], value: { secure: "v1:c29tZSBjaXBoZXJ0ZXh2" } }],
                "azure-native:clientSecret": { secure: "v1:c29tZSBjaXBoZXJ0ZXh3" },
            },
        });
        const run = await runPlan(["--stack", "tt02", "--config-dir", dir]);
        expect(run.code).toBe(2);
        const lines = run.stderr.trim().split("\n");
        expect(lines).toEqual(
            expect.arrayContaining([`azure-native:clientSecret: ${MISPLACED}`, `accessGrants[0].reason: ${MISPLACED}`, `redeploy.studioUrl: ${MISPLACED}`].map((l) => expect.stringContaining(l))),
        );
        expect(lines.some((l) => l.startsWith("appSecrets"))).toBe(false);
        expect(run.stderr).not.toContain("c29tZSBjaXBoZXJ0ZXh");
    });

    it("refuses it where Pulumi marks a whole key secret (pulumi up, which sees keys, not paths)", () => {
        const raw = rawConfig({ ...base, accessGrants: [grant()] });
        expect(errorsOf(raw, { secretKeys: ["altinn-app-secrets:accessGrants"] })).toEqual([`accessGrants: ${MISPLACED}: anywhere else Pulumi decrypts it into outputs, state and Azure in plain text`]);
        expect(errorsOf(raw, { secretKeys: ["altinn-app-secrets:appSecrets"] })).toEqual([]);
    });
});

describe("bounded stacks (issue 20, item 11)", () => {
    const many = (n: number, make: (i: number) => unknown) => Array.from({ length: n }, (_, i) => make(i));
    const guid = (i: number) => `00000000-1111-4222-8333-${i.toString(16).padStart(12, "0")}`;

    it("limits grants, clients, secrets, suppressions and apps per stack, naming the key", () => {
        expect(errors({ accessGrants: many(LIMITS.accessGrants + 1, (i) => grant({ principalId: guid(i) })) })).toEqual([
            `accessGrants: lists more than ${LIMITS.accessGrants} entries; grant a group instead of each of its members`,
        ]);
        expect(errors({ accessGrants: many(LIMITS.accessGrants, (i) => grant({ principalId: guid(i) })) })).toEqual([]);
        const client = (i: number) => ({ section: `C${i}`, clientId: guid(i), format: "builtin" });
        expect(errors({ maskinportenClients: many(LIMITS.maskinportenClients + 1, client) })).toEqual([expect.stringMatching(/^maskinportenClients: lists more than 20 entries/)]);
        const secret = (i: number) => ({ section: `S${i}`, key: "K", generate: { length: 32 } });
        expect(errors({ appSecrets: many(LIMITS.appSecrets + 1, secret) })).toEqual([expect.stringMatching(/^appSecrets: lists more than 40 entries/)]);
        const apps = many(LIMITS.appsPerEntry, (i) => `app-${i}`);
        expect(errors({ appSecrets: many(3, (i) => ({ ...secret(i), apps: apps.map((a) => `${a}-${i}`) })) })).toEqual([
            "appSecrets[2].apps: brings the stack to more than 40 different apps (one redeploy each); split the apps over more stacks",
        ]);
        expect(errors({ appSecrets: [{ ...secret(0), apps: [...apps, "app-x"] }] })).toEqual([expect.stringMatching(/^appSecrets\[0\]\.apps: lists more than 20 entries/)]);
    });

    it("limits text lengths, never echoing the text", () => {
        const long = `Operations ${"x".repeat(LIMITS.reason)}`;
        expect(errors({ accessGrants: [grant({ reason: long })] })).toEqual([`accessGrants[0].reason: is longer than ${LIMITS.reason} characters`]);
        expect(errors({ redeploy: { studioUrl: `https://altinn.studio/${"a".repeat(LIMITS.url)}` } })).toEqual([`redeploy.studioUrl: is longer than ${LIMITS.url} characters`]);
        expect(errors({ maskinportenClients: [{ section: "S", clientId: "c".repeat(LIMITS.text + 1), format: "builtin" }] })).toEqual([`maskinportenClients[0].clientId: is longer than ${LIMITS.text} characters`]);
    });

    it("refuses a stack file larger than 1 MiB in one line", () => {
        const dir = writeStacks({ big: { ...base } });
        writeFileSync(path.join(dir, "Pulumi.big.yaml"), `config:\n  altinn-app-secrets:org: ttd\n# ${"x".repeat(LIMITS.stackFileBytes)}\n`);
        expect(() => parseOptionsOf(readStackFiles(ROOT, "big", dir))).toThrow(/^Pulumi\.big\.yaml: \d+ bytes; a stack file may hold at most 1048576 \(split the stack\)$/);
    });

    it("ships a policy/config.json whose allowed keys all carry readable reasons", () => {
        const pack = readPackConfig();
        expect(pack.allowedConfigKeys.map((a) => a.name)).toEqual(["azure-native:location"]);
        expect(pack.allowedEscEnvironments).toEqual([]);
    });
});
