/**
 * The offline plan's report: what `pulumi up` would declare, in the shape of DESIGN.md's
 * plan contract. Built from the resources the mocks recorded, never from the config alone,
 * so the report shows what the program really declares.
 */
import type { Evaluation } from "../offline/evaluate";
import type { PlanFinding, PlanReport } from "./model";
import { appSettingsOf, auditOf, grantsOf, redeploysOf, registrationOf, secretsOf } from "./fromResources";

export function buildReport(ev: Evaluation, findings: PlanFinding[]): PlanReport {
    const secrets = secretsOf(ev.resources, ev.placeholderKeys);
    const clients = ev.outputs.maskinportenClients;
    return {
        stack: ev.files.stack,
        org: ev.config.org,
        environment: ev.config.environment,
        resources: ev.resources
            .filter((r) => r.custom)
            .map((r) => ({ type: r.type, name: r.name, protect: r.protect }))
            .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name)),
        secrets,
        grants: grantsOf(ev.resources),
        expiredGrants: ev.outputs.expiredGrants,
        redeploys: redeploysOf(ev.resources, ev.outputs),
        findings: findings.map((f) => ({
            policy: f.policy,
            level: f.level,
            resource: f.resource,
            message: f.message,
            ...(f.principalId ? { principalId: f.principalId } : {}),
            ...(f.secretName ? { secretName: f.secretName } : {}),
            ...(f.setting ? { setting: f.setting } : {}),
            ...(f.suppressed ? { suppressed: f.suppressed } : {}),
        })),
        clients: clients.map((c) => ({
            section: c.section,
            clientId: c.clientId,
            format: c.format,
            apps: c.apps,
            secretNames: c.secretNames,
            activeKid: c.activeKid,
            ...(c.stagedKid ? { stagedKid: c.stagedKid } : {}),
            state: c.rotation.state,
            nextStep: c.rotation.nextStep,
            publicJwks: c.publicJwks,
            placeholderKids: ev.placeholderKeys ? c.publicJwks.keys.map((k) => k.kid) : [],
            keyProof: c.keyProof.plan,
            ...(c.registration
                ? {
                      registration: {
                          createsClient: c.registration.createdByStack,
                          clientId: c.registration.clientId,
                          apiUrl: String(registrationOf(ev.resources, c.section).apiUrl),
                          authority: String(registrationOf(ev.resources, c.section).authority),
                          keys: c.publicJwks.keys.map((k) => k.kid),
                          liveExpiry: "run pulumi preview --refresh (policy maskinporten-key-expiry) to see each registered key's expiry",
                      },
                  }
                : {}),
        })),
        appSettings: appSettingsOf(clients, secrets),
        studioUrl: ev.config.redeploy.studioUrl,
        audit: auditOf(ev.resources),
    };
}
