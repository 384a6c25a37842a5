/** Run the policy pack's rules over what the mocks recorded (the plan's `findings`). */
import { evaluateRules, Finding } from "../../policy/evaluate";
import { readPackConfig } from "../../policy/packConfig";
import type { PolicyResource, ReviewContext } from "../../policy/rule";
import type { Evaluation } from "./evaluate";
import { plain, RecordedResource, secretProperties } from "./values";

export function policyResources(resources: RecordedResource[]): PolicyResource[] {
    return resources.map((r) => {
        const view: PolicyResource = { type: r.type, name: r.name, id: `${r.type}::${r.name}`, props: plain(r.inputs) as Record<string, unknown>, protect: r.protect };
        if (r.type === "azure-native:keyvault:Secret") view.valueIsSecret = secretProperties(r).valueIsSecret;
        return view;
    });
}

export function planFindings(ev: Evaluation, packConfigFile?: string): Finding[] {
    const context: ReviewContext = { environment: ev.config.environment, ...readPackConfig(packConfigFile) };
    return evaluateRules(policyResources(ev.resources), context, ev.config.suppressions);
}
