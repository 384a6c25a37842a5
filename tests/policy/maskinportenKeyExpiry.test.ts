/**
 * Policy rule maskinporten-key-expiry, from the registration resource's state: advisory within 30
 * days of a registered key's expiry, mandatory once it has expired, silent offline.
 */
import { describe, expect, it } from "vitest";
import { blocks, evaluateRules } from "../../policy/evaluate";
import type { PolicyResource } from "../../core/policy/rule";
import { rule } from "../../policy/rules/maskinporten-key-expiry";
import { TYPES } from "../../core/resourceNames";

const NOW = Date.UTC(2026, 10, 25, 12);
const DAY = 86_400;
const at = (days: number) => Math.floor(NOW / 1000) + days * DAY + 60;
const key = (kid: string) => ({ kty: "RSA", use: "sig", alg: "RS256", kid, n: "AQAB", e: "AQAB" });

function registration(props: Record<string, unknown>): PolicyResource {
    return {
        type: TYPES.maskinportenRegistration,
        name: "maskinporten-MaskinportenSettings-registration",
        id: "urn:registration",
        protect: false,
        props: { label: "maskinportenClients[section=MaskinportenSettings]", clientId: "client-1", keys: [key("kid-a"), key("kid-b")], ...props },
    };
}

describe("maskinporten-key-expiry", () => {
    it("is compliant when every declared key has more than 30 days left", () => {
        expect(rule.check(registration({ registered: [{ kid: "kid-a", exp: at(40) }, { kid: "kid-b", exp: at(300) }] }), { now: NOW })).toEqual({ status: "compliant" });
    });

    it("is advisory for a key 10 days from expiry", () => {
        const findings = evaluateRules([registration({ registered: [{ kid: "kid-a", exp: at(10) }, { kid: "kid-b", exp: at(300) }] })], { now: NOW }, [], [rule]);
        expect(findings).toHaveLength(1);
        expect(findings[0]).toMatchObject({ policy: "maskinporten-key-expiry", level: "advisory", resource: "urn:registration" });
        expect(findings[0].message).toContain("Key kid-a of maskinportenClients[section=MaskinportenSettings] (client client-1) expires on 2026-12-05 (10 days left).");
        expect(blocks(findings[0])).toBe(false);
    });

    it("is mandatory for an expired key", () => {
        const findings = evaluateRules([registration({ registered: [{ kid: "kid-a", exp: at(-2) }, { kid: "kid-b", exp: at(300) }] })], { now: NOW }, [], [rule]);
        expect(findings).toHaveLength(1);
        expect(findings[0].level).toBe("mandatory");
        expect(findings[0].message).toContain("Key kid-a of maskinportenClients[section=MaskinportenSettings] (client client-1) expired on");
        expect(blocks(findings[0])).toBe(true);
    });

    it("reads the expiry carried into the inputs while an update is planned", () => {
        const v = rule.check(registration({ knownExpiry: [{ kid: "kid-b", exp: at(5) }] }), { now: NOW });
        expect(v.status).toBe("non-compliant");
    });

    it("ignores keys registered by others and keys no longer declared", () => {
        const v = rule.check(registration({ registered: [{ kid: "kid-a", exp: at(200) }], foreign: [{ kid: "by-hand", exp: at(-5) }], knownExpiry: [{ kid: "retired", exp: at(1) }] }), { now: NOW });
        expect(v).toEqual({ status: "compliant" });
    });

    it("is not applicable offline, where no expiry is known", () => {
        expect(rule.check(registration({ registered: [], foreign: [] }), { now: NOW })).toEqual({ status: "not-applicable" });
        expect(rule.check({ ...registration({}), type: TYPES.secret }, { now: NOW })).toEqual({ status: "not-applicable" });
    });
});
