/**
 * Policy rule maskinporten-host-allowed (issue 19, reproduction 1): the self-service API and the
 * Maskinporten authority must be Digdir's hosts for the stack's environment, loopback, or a host
 * policy/config.json allows with a reason; the plan prints both URLs and the finding, exit 1.
 */
import { describe, expect, it } from "vitest";
import { DIGDIR_HOSTS as CORE_HOSTS } from "../../core/maskinporten/hosts";
import type { PolicyResource } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";
import { blocks, evaluateRules } from "../../policy/evaluate";
import { parsePackConfig } from "../../policy/packConfig";
import { rule } from "../../policy/rules/maskinporten-host-allowed";
import { DIGDIR_HOSTS as PROVIDER_HOSTS } from "../../providers/maskinporten/http";
import { runPlan, writeStacks } from "../support/helpers";

const EVIL = "https://api.samarbeid.digdir.no.evil.example/api/v1";

function registration(apiUrl: string, authority = "https://test.maskinporten.no/"): PolicyResource {
    return { type: TYPES.maskinportenRegistration, name: "maskinporten-M-registration", id: "urn:registration", protect: false, props: { apiUrl, authority, environment: "tt02" } };
}

describe("maskinporten-host-allowed", () => {
    it("is compliant for Digdir's tt02 hosts in tt02 and for loopback", () => {
        expect(rule.check(registration("https://api.test.samarbeid.digdir.no/api/v1"), { environment: "tt02" })).toEqual({ status: "compliant" });
        expect(rule.check(registration("http://127.0.0.1:8080/api/v1", "http://127.0.0.1:8080/"), { environment: "tt02" })).toEqual({ status: "compliant" });
    });

    it("is mandatory for loopback in prod: a prod stack is never pointed at a fake, so this machine gets no admin token", () => {
        const prod = { ...registration("http://localhost:8080/api/v1", "http://127.0.0.1:8080/"), props: { apiUrl: "http://localhost:8080/api/v1", authority: "http://127.0.0.1:8080/", environment: "prod" } };
        const findings = evaluateRules([prod], { environment: "prod" }, [], [rule]);
        expect(findings.map((f) => f.detail)).toEqual(["Host::localhost", "Host::127.0.0.1"]);
        expect(findings.every(blocks)).toBe(true);
    });

    it("is mandatory for another host, and for the other environment's Digdir host", () => {
        const findings = evaluateRules([registration(EVIL), registration("https://api.samarbeid.digdir.no/api/v1", "https://maskinporten.no/")], { environment: "tt02" }, [], [rule]);
        expect(findings.map((f) => f.detail)).toEqual(["Host::api.samarbeid.digdir.no.evil.example", "Host::api.samarbeid.digdir.no", "Host::maskinporten.no"]);
        expect(findings.every(blocks)).toBe(true);
        expect(findings[0].message).toContain("The self-service admin token (maskinporten.selfService.apiUrl) would go to api.samarbeid.digdir.no.evil.example; allowed in tt02: api.test.samarbeid.digdir.no, test.maskinporten.no");
    });

    it("a stack-file suppression cannot silence it; an allowedMaskinportenHosts entry with a reason allows the host", () => {
        const findings = evaluateRules([registration(EVIL)], { environment: "tt02" }, [{ rule: "maskinporten-host-allowed", secretName: "x", reason: "trust me, it is fine" }], [rule]);
        expect(findings.filter(blocks)).toHaveLength(1);
        const hosts = parsePackConfig({ allowedMaskinportenHosts: [{ host: "api.samarbeid.digdir.no.evil.example", reason: "Digdir's staging proxy, agreed in ticket 123" }] }).maskinportenHosts;
        expect(rule.check(registration(EVIL), { environment: "tt02", maskinportenHosts: hosts })).toEqual({ status: "compliant" });
    });

    it("policy/config.json allowedMaskinportenHosts: each entry a host name and a reason, one line per mistake", () => {
        expect(() => parsePackConfig({ allowedMaskinportenHosts: "x" })).toThrow("policy/config.json: allowedMaskinportenHosts must be a list of {host, reason}");
        expect(() => parsePackConfig({ allowedMaskinportenHosts: [{ host: "https://x.example/", reason: "a good reason here" }] })).toThrow("allowedMaskinportenHosts[0].host must be a lower-case host name");
        expect(() => parsePackConfig({ allowedMaskinportenHosts: [{ host: "x.example" }] })).toThrow("allowedMaskinportenHosts[0].reason must be one line of at least 10 characters");
        expect(() => parsePackConfig({ allowedMaskinportenHosts: [{ host: "x.example", reason: "a good reason\nsecond line" }] })).toThrow("allowedMaskinportenHosts[0].reason must be one line");
        expect(() => parsePackConfig({ allowedMaskinportenHosts: [{ host: "x.example", reason: "a good reason here", why: 1 }] })).toThrow("allowedMaskinportenHosts[0].why is not a key");
    });

    it("the provider's copy of Digdir's hosts equals core's", () => {
        expect(PROVIDER_HOSTS).toEqual(CORE_HOSTS);
    });
});

describe("the offline plan with an apiUrl that is not Digdir's", () => {
    const stack = (apiUrl: string) => ({
        org: "ttd",
        environment: "tt02",
        maskinporten: { selfService: { adminClientId: "0f0e0d0c-admin", apiUrl } },
        maskinportenClients: [{ section: "MaskinportenSettings", scope: "altinn:serviceowner/instances.read", apps: ["app-a"] }],
    });

    it("prints where the token and the grant go, reports the mandatory finding and exits 1", async () => {
        const dir = writeStacks({ evil: stack(EVIL) });
        const [text, json] = await Promise.all([runPlan(["--stack", "evil", "--config-dir", dir]), runPlan(["--stack", "evil", "--config-dir", dir, "--json"])]);
        expect(text.code).toBe(1);
        expect(text.stdout).toContain(`sends to: API ${EVIL} (gets the admin token),`);
        expect(text.stdout).toContain("authority https://test.maskinporten.no/ (gets the signed grant)");
        expect(text.stdout).toContain("[mandatory] maskinporten-host-allowed: maskinporten-MaskinportenSettings-registration");
        const report = JSON.parse(json.stdout) as { clients: { registration: { apiUrl: string; authority: string } }[]; findings: { policy: string; level: string }[] };
        expect(report.clients[0].registration).toMatchObject({ apiUrl: EVIL, authority: "https://test.maskinporten.no/" });
        expect(report.findings).toContainEqual(expect.objectContaining({ policy: "maskinporten-host-allowed", level: "mandatory" }));
    });
});
