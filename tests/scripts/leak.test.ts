/**
 * Leak test: private keys, encoded JWKs and app secret values never appear in stack outputs,
 * the plan's text or JSON, logs or error messages.
 */
import { createPublicKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../core/config/parse";
import { evaluateConfig, Evaluation } from "../../scripts/offline/evaluate";
import { RecordedResource, Secret } from "../../scripts/offline/mocks";
import { buildReport } from "../../scripts/plan/report";
import { renderText } from "../../scripts/plan/renderText";
import { rawConfig, ROOT, runPlanProcess, writeStacks } from "../support/helpers";
import { TYPES } from "../../core/resourceNames";

const CANARY = "canary-api-key-7f3b9e1d2c4a";

const config = {
    org: "ttd",
    environment: "tt02",
    accessGrants: [{ principalId: "11111111-2222-3333-4444-555555555555", access: "read", reason: "Operations team reads secrets" }],
    maskinportenClients: [
        { section: "MaskinportenSettings", clientId: "5f6e1b2c-0d3a-4e5f-8a9b-0c1d2e3f4a5b", format: "legacy", scope: "altinn:serviceowner/instances.read", apps: ["app-a"] },
        { section: "Builtin", clientId: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", format: "builtin", nextKeyGeneration: 2, apps: ["app-b"] },
    ],
    appSecrets: [{ section: "ExternalApi", key: "ApiKey", value: CANARY, apps: ["app-a"] }],
};

let ev: Evaluation;
let logs = "";
let needles: string[];

function secretNeedles(resources: RecordedResource[]): string[] {
    const out = [CANARY];
    for (const key of resources.filter((r) => r.type === TYPES.privateKey)) {
        const modulus = Buffer.from(createPublicKey(String(key.state.privateKeyPemPkcs8)).export({ format: "jwk" }).n!, "base64url");
        for (const field of ["privateKeyPem", "privateKeyPemPkcs8"]) {
            // Every body line of the PEM is a needle (a partial print is still a leak), except lines
            // that only encode the public modulus, which the public JWK rightly contains.
            const lines = String(key.state[field]).split("\n").filter((l) => l.length > 40);
            out.push(...lines.filter((l) => !modulus.includes(Buffer.from(l, "base64"))));
        }
    }
    for (const s of resources.filter((r) => r.type === TYPES.secret && /(EncodedJwk|JwkBase64)$/.test(String(r.inputs.secretName)))) {
        const props = s.inputs.properties as Secret;
        const encoded = String((props.value as Record<string, unknown>).value);
        out.push(encoded.slice(0, 60), encoded.slice(-60));
        const jwk = JSON.parse(Buffer.from(encoded, "base64").toString()) as Record<string, string>;
        for (const m of ["d", "p", "q", "dp", "dq", "qi"]) out.push(jwk[m]);
    }
    return out;
}

beforeAll(async () => {
    const write = (stream: NodeJS.WriteStream) => {
        const original = stream.write.bind(stream);
        stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
            logs += chunk.toString();
            return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof stream.write;
    };
    write(process.stdout);
    write(process.stderr);
    ev = await evaluateConfig(ROOT, { project: "altinn-app-secrets", stack: "tt02", config: rawConfig(config), secretKeys: ["altinn-app-secrets:appSecrets"] });
    needles = secretNeedles(ev.resources);
});

describe("no secret leaves the program except into the vault", () => {
    it("finds the secrets it looks for (the test can fail)", () => {
        expect(needles.length).toBeGreaterThan(20);
        const stored = ev.resources.filter((r) => r.type === TYPES.secret).map((r) => JSON.stringify((r.inputs.properties as Secret).value));
        expect(stored.join("\n")).toContain(CANARY);
    });

    it("keeps them out of the stack outputs", () => {
        const outputs = JSON.stringify(ev.outputs);
        expect(outputs).toContain("publicJwks");
        for (const n of needles) expect(outputs.includes(n), "stack outputs").toBe(false);
    });

    it("keeps them out of the plan's JSON and text", () => {
        const report = buildReport(ev, []);
        const json = JSON.stringify(report);
        const text = renderText(report);
        expect(text).toContain("ExternalApi--ApiKey");
        for (const n of needles) {
            expect(json.includes(n), "plan JSON").toBe(false);
            expect(text.includes(n), "plan text").toBe(false);
        }
    });

    it("keeps them out of everything printed while the program ran", () => {
        for (const n of needles) expect(logs.includes(n), "logs").toBe(false);
    });

    it("keeps an app secret's value out of every config error", () => {
        const messages: string[] = [];
        for (const value of [CANARY, 12345, { nested: CANARY }]) {
            for (const secretKeys of [[], ["altinn-app-secrets:appSecrets"]]) {
                try {
                    parseStackConfig(rawConfig({ ...config, environment: "nope", appSecrets: [{ section: "Bad_Section", key: "Api--Key", value, apps: ["App A"], extra: 1 }] }), { secretKeys });
                } catch (e) {
                    if (e instanceof ConfigError) messages.push(...e.errors);
                }
            }
        }
        expect(messages.join("\n")).toContain("appSecrets[0].value");
        expect(messages.join("\n")).not.toContain(CANARY);
        expect(messages.join("\n")).not.toContain("12345");
    });

    it("under pulumi up (whole key secret, no stack-file paths) echoes no value from anywhere in appSecrets", () => {
        // A secure: value put by mistake at a section or key: Pulumi only says appSecrets is secret.
        const misplaced = `${CANARY}+/=`;
        const messages: string[] = [];
        for (const item of [{ section: misplaced, key: "ApiKey" }, { section: "ExternalApi", key: misplaced }, { section: "ExternalApi", key: "ApiKey", apps: [misplaced] }]) {
            try {
                parseStackConfig(rawConfig({ ...config, appSecrets: [{ ...item, value: "v" }] }), { secretKeys: ["altinn-app-secrets:appSecrets"], stack: "tt02" });
                expect.unreachable(`${Object.keys(item).join(",")} was accepted`);
            } catch (e) {
                if (!(e instanceof ConfigError)) throw e;
                messages.push(...e.errors);
            }
        }
        expect(messages).toHaveLength(3);
        for (const m of messages) expect(m).toContain("the value (hidden: appSecrets holds a secret)");
        expect(messages.join("\n")).not.toContain(CANARY);
    });

    it("under pulumi up, no rule that checks keys together quotes a value from a secret key", () => {
        // Found by a hostile review: duplicate and collision messages quoted the value itself.
        const SECRET = "S3cr3tToken9x7Q";
        const P = "11111111-2222-3333-4444-555555555555";
        const grant = { principalId: P, access: "read", reason: "Operations team reads secrets" };
        const cases: [Record<string, unknown>, string[]][] = [
            [{ appSecrets: [{ section: "Ext", key: "ApiKey", value: "v", apps: [SECRET, SECRET] }] }, ["altinn-app-secrets:appSecrets"]],
            [{ appSecrets: [{ section: "Ext", key: SECRET, value: "v" }, { section: "Ext", key: SECRET, value: "w" }] }, ["altinn-app-secrets:appSecrets"]],
            [{ appSecrets: [{ section: SECRET.repeat(9), key: "ApiKey", value: "v" }] }, ["altinn-app-secrets:appSecrets"]],
            [{ org: "s3cr3tvalue9x7qzz" }, ["altinn-app-secrets:org"]],
            [{ accessGrants: [{ ...grant, principalId: P }, { ...grant, access: "write" }] }, ["altinn-app-secrets:accessGrants"]],
        ];
        // A message may show a value changed: a GUID lower-cased, a URL's origin alone.
        const UPPER = "ABCDEF01-2345-6789-ABCD-EF0123456789";
        cases.push(
            [{ accessGrants: [{ ...grant, principalId: UPPER }, { ...grant, principalId: UPPER, access: "write" }] }, ["altinn-app-secrets:accessGrants"]],
            [{ redeploy: { studioUrl: "https://Tok3nXYZsecret.Example.COM/p" } }, ["altinn-app-secrets:redeploy"]],
        );
        const secretOf = (c: Record<string, unknown>) =>
            c.org ? String(c.org) : c.redeploy ? "tok3nxyzsecret" : c.accessGrants ? (JSON.stringify(c).includes(UPPER) ? UPPER.toLowerCase() : P) : SECRET;
        for (const [keys, secretKeys] of cases) {
            let errors: string[] = [];
            try {
                parseStackConfig(rawConfig({ ...config, ...keys }), { secretKeys, stack: "tt02" });
            } catch (e) {
                if (!(e instanceof ConfigError)) throw e;
                errors = e.errors;
            }
            expect(errors.length, JSON.stringify(keys)).toBeGreaterThan(0);
            expect(errors.join("\n").toLowerCase(), JSON.stringify(keys)).not.toContain(secretOf(keys).toLowerCase());
            expect(errors.join("\n")).toContain("(hidden: a secret value)");
        }
    });

    it("under pulumi up, an unknown key inside a secret key is named by its length only (it may be a secret pasted as a key)", () => {
        const pasted = `sk_live_${"9f8e".repeat(30)}`;
        let errors: string[] = [];
        try {
            parseStackConfig(rawConfig({ ...config, appSecrets: [{ section: "Ext", key: "ApiKey", value: "v", [pasted]: "" }] }), { secretKeys: ["altinn-app-secrets:appSecrets"], stack: "tt02" });
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            errors = e.errors;
        }
        expect(errors).toContainEqual(expect.stringMatching(/^appSecrets\[0\]\["<a key of 128 characters>"\]: unknown key/));
        expect(errors.join("\n")).not.toContain("sk_live");
    });

    it("the offline plan, which knows the secure: paths, still quotes what is not secret", () => {
        const grant = { principalId: "11111111-2222-3333-4444-555555555555", access: "read", reason: "Operations team reads secrets" };
        try {
            parseStackConfig(rawConfig({ ...config, accessGrants: [grant, { ...grant, access: "write" }] }), { secretPaths: [], stack: "tt02" });
            expect.unreachable("a principal granted twice was accepted");
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            expect(e.errors.join("\n")).toContain(grant.principalId);
        }
    });

    /** The one problem on stderr: wrapped within 100 columns, its command to copy on one line (and whole in --json's errors). */
    function expectProblem(run: { stdout: string; stderr: string }, problem: string) {
        const lines = run.stderr.trimEnd().split("\n");
        expect(lines.map((l) => l.trim()).join(" ")).toBe(problem);
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
        expect(lines.some((l) => /^ {2}pulumi config set -s \w+ --secret --path 'appSecrets\[\d\]\.value' /.test(l))).toBe(true);
        if (run.stdout.startsWith("{")) expect(JSON.parse(run.stdout).errors).toEqual([problem]);
    }

    it("refuses an app secret stored in plain text, without printing it, from the plan CLI", async () => {
        const dir = writeStacks({ plain: { ...config, appSecrets: [{ section: "ExternalApi", key: "ApiKey", value: CANARY }] } });
        const run = await runPlanProcess(["--stack", "plain", "--config-dir", dir, "--json"]);
        expect(run.code).toBe(2);
        // With the stack: without -s, pulumi config set writes to whichever stack is selected, perhaps prod.
        expectProblem(run, "appSecrets[0].value: is stored in plain text in the stack file; set it with: pulumi config set -s plain --secret --path 'appSecrets[0].value' (it prompts for the value, which keeps it out of shell history)");
        expect(run.stdout + run.stderr).not.toContain(CANARY);
    });

    it("spots the one plain-text entry among encrypted ones, which Pulumi alone cannot", async () => {
        const dir = writeStacks({
            mixed: {
                ...config,
                appSecrets: [
                    { section: "ExternalApi", key: "ApiKey", value: { secure: "v1:ciphertext" } },
                    { section: "Other", key: "Password", value: CANARY },
                ],
            },
        });
        const run = await runPlanProcess(["--stack", "mixed", "--config-dir", dir]);
        expect(run.code).toBe(2);
        expectProblem(run, "appSecrets[1].value: is stored in plain text in the stack file; set it with: pulumi config set -s mixed --secret --path 'appSecrets[1].value' (it prompts for the value, which keeps it out of shell history)");
        expect(run.stdout + run.stderr).not.toContain(CANARY);
    });
});
