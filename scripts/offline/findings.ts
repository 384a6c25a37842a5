/** Run the policy pack's rules over what the mocks recorded (the plan's `findings`). */
import { evaluateRules, Finding, suppressionFindings } from "../../policy/evaluate";
import { PackConfig, readPackConfig } from "../../policy/packConfig";
import type { PolicyResource, ReviewContext } from "../../core/policy/rule";
import { secretName } from "../../core/vault/naming";
import type { Evaluation } from "./evaluate";
import { InputError } from "../cli/cli";
import { escFindings } from "./stackFindings";
import { plain, RecordedResource, secretProperties } from "./values";
import { TYPES } from "../../core/resourceNames";

/** `placeholders`: Key Vault secret name -> the stack-file path whose value is a placeholder. */
export function policyResources(resources: RecordedResource[], placeholders: Map<string, string> = new Map()): PolicyResource[] {
    const byUrn = new Map(resources.filter((r) => r.urn).map((r) => [r.urn, r]));
    return resources.map((r) => {
        const view: PolicyResource = { type: r.type, name: r.name, id: `${r.type}::${r.name}`, props: plain(r.inputs) as Record<string, unknown>, protect: r.protect };
        const parent = r.parent === undefined ? undefined : byUrn.get(r.parent);
        if (parent) view.parent = { type: parent.type, props: plain(parent.inputs) as Record<string, unknown> };
        if (r.type === TYPES.secret) {
            view.valueIsSecret = secretProperties(r).valueIsSecret;
            const placeholder = placeholders.get(String(r.inputs.secretName));
            if (placeholder) view.placeholderPath = placeholder;
        }
        return view;
    });
}

/** policy/config.json, with a bad file reported like bad config (exit 2). */
export function packConfigOf(file?: string): PackConfig {
    try {
        return readPackConfig(file);
    } catch (e) {
        throw new InputError((e as Error).message);
    }
}

export function planFindings(ev: Evaluation, packConfigFile?: string): Finding[] {
    const context = { environment: ev.config.environment, stack: ev.files.stack, ...packConfigOf(packConfigFile) } satisfies ReviewContext;
    const placeholders = new Map<string, string>();
    for (const p of ev.files.placeholderPaths ?? []) {
        const s = ev.config.appSecrets[Number(/^appSecrets\[(\d+)\]/.exec(p)?.[1] ?? -1)];
        if (s) placeholders.set(secretName(s.section, s.key), p);
    }
    const findings = evaluateRules(policyResources(ev.resources, placeholders), context, ev.config.suppressions);
    const fromFile = escFindings(ev.files.escEnvironments, ev.config.environment, ev.files.stack, context);
    return [...findings, ...fromFile, ...suppressionFindings(ev.config.suppressions, findings)];
}
