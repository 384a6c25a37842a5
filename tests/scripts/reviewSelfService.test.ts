/**
 * The review shows where Maskinporten credentials go and what stops being managed there (issue 19):
 * a change of the self-service API URL or the authority is a row, and turning registration off,
 * removing selfService or removing a registered client says its keys stay at Maskinporten.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseStackConfig } from "../../core/config/parse";
import { diffAllowedHosts } from "../../scripts/review/selfServiceDiff";
import { diffOther } from "../../scripts/review/stackDiff";
import { rawConfig, runReview } from "../support/helpers";

const ADMIN = "0f0e0d0c-admin";
const EVIL = "https://api.samarbeid.digdir.no.evil.example/api/v1";
const CLIENT = { section: "MaskinportenSettings", clientId: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", scope: "altinn:serviceowner/instances.read", apps: ["app-a"] };

function config(extra: Record<string, unknown>, client: Record<string, unknown> = CLIENT) {
    return { org: "ttd", environment: "tt02", maskinportenClients: [client], maskinporten: { selfService: { adminClientId: ADMIN } }, ...extra };
}
const parsed = (c: Record<string, unknown>) => parseStackConfig(rawConfig(c));

describe("review rows for Maskinporten self-service", () => {
    it("a new apiUrl is a row naming both URLs", () => {
        const rows = diffOther(parsed(config({})), parsed(config({ maskinporten: { selfService: { adminClientId: ADMIN, apiUrl: EVIL } } })));
        expect(rows).toContainEqual({
            kind: "changed",
            subject: "maskinporten.selfService",
            before: `API https://api.test.samarbeid.digdir.no/api/v1 (gets the admin token), admin client ${ADMIN}`,
            after: `API ${EVIL} (gets the admin token), admin client ${ADMIN}`,
        });
    });

    it("register: false says the keys stay at Maskinporten", () => {
        const rows = diffOther(parsed(config({})), parsed(config({}, { ...CLIENT, register: false })));
        expect(rows).toContainEqual(expect.objectContaining({ subject: "Maskinporten client MaskinportenSettings", before: "registered by self-service", after: expect.stringContaining("registered by hand; forgotten: its keys stay registered at Maskinporten") }));
    });

    it("removing selfService says every registered client is forgotten", () => {
        const { maskinporten: _m, ...rest } = config({});
        void _m;
        const rows = diffOther(parsed(config({})), parsed({ ...rest, maskinportenClients: [{ ...CLIENT }] }));
        expect(rows).toContainEqual(expect.objectContaining({ subject: "maskinporten.selfService", after: expect.stringContaining("none: every registered client is forgotten") }));
        expect(rows).toContainEqual(expect.objectContaining({ subject: "Maskinporten client MaskinportenSettings", after: expect.stringContaining("forgotten") }));
    });

    it("removing a registered client is a row at Maskinporten", () => {
        const rows = diffOther(parsed(config({})), parsed({ ...config({}), maskinportenClients: [] }));
        expect(rows).toContainEqual(expect.objectContaining({ kind: "removed", subject: "Maskinporten client MaskinportenSettings at Maskinporten", after: expect.stringContaining("its keys stay registered at Maskinporten") }));
    });

    it("another environment changes the authority the grants go to", () => {
        const prod = { ...config({}), environment: "prod" };
        expect(diffOther(parsed(config({})), parsed(prod))).toContainEqual({ kind: "changed", subject: "Maskinporten authority (gets the signed grants)", before: "https://test.maskinporten.no/", after: "https://maskinporten.no/" });
    });

    it("a host added to, changed in or removed from policy/config.json allowedMaskinportenHosts is a row", () => {
        const proxy = { host: "proxy.digdir.example", reason: "Digdir's proxy, ticket 123" };
        const other = { host: "other.example", reason: "Another reason given" };
        expect(diffAllowedHosts([other], [{ ...other, reason: "A better reason given" }, proxy])).toEqual([
            { kind: "reason changed", subject: "policy/config.json allowedMaskinportenHosts other.example (gets Maskinporten credentials)", before: "reason: Another reason given", after: "reason: A better reason given" },
            { kind: "added", subject: "policy/config.json allowedMaskinportenHosts proxy.digdir.example (gets Maskinporten credentials)", before: "", after: "reason: Digdir's proxy, ticket 123" },
        ]);
        expect(diffAllowedHosts([proxy], [])).toEqual([{ kind: "removed", subject: "policy/config.json allowedMaskinportenHosts proxy.digdir.example (gets Maskinporten credentials)", before: "reason: Digdir's proxy, ticket 123", after: "" }]);
    });

    it("npm run review of a one-line apiUrl change: the row and the mandatory finding, exit 1", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "altinn-review-mp-"));
        const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd: dir });
        const write = (c: Record<string, unknown>) => writeFileSync(path.join(dir, "Pulumi.tt02.yaml"), stringify({ config: Object.fromEntries(Object.entries(c).map(([k, v]) => [`altinn-app-secrets:${k}`, v])) }));
        git("init", "-q", "-b", "main");
        write(config({}));
        git("add", ".");
        git("commit", "-q", "-m", "base");
        write(config({ maskinporten: { selfService: { adminClientId: ADMIN, apiUrl: EVIL } } }));
        git("commit", "-q", "-am", "one line");
        const review = await runReview(["--stack", "tt02", "--config-dir", dir, "--base", "HEAD~1"]);
        expect(review.code).toBe(1);
        expect(review.stdout).toContain("maskinporten-host-allowed");
        expect(review.stdout).toContain("maskinporten.selfService");
        expect(review.stdout).toContain(EVIL);
    });
});
