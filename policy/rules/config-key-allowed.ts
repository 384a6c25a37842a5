import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

/** The type of the component that carries the stack's environment, suppressions and foreign config keys to the pack. */

/**
 * Config keys outside the project's namespace (provider settings such as `azure-native:oidcRequestUrl`)
 * only when policy/config.json lists them with a reason. The pack sees resources, not config: the
 * program hands it the names of those keys on its ReviewContext component.
 */
export const rule: Rule<"config-key-allowed"> = {
    id: "config-key-allowed",
    info: "The stack file sets a config key outside this project's namespace that policy/config.json does not allow.",
    explanation:
        "Provider settings decide where the deploy's credentials go: azure-native reads oidcRequestUrl, metadataHost or environment from stack config before the environment, so one line in a stack file could send the deploy job's token to another host.",
    fix: "remove the key from the stack file; a harmless one goes into allowedConfigKeys in policy/config.json with a reason saying why it cannot move credentials (a change the code owners review)",
    check(r, context) {
        if (r.type !== TYPES.reviewContext) return NOT_APPLICABLE;
        const keys = Array.isArray(r.props.configKeys) ? r.props.configKeys.map(String) : [];
        const allowed = new Set((context.allowedConfigKeys ?? []).map((a) => a.name));
        return verdict(keys.filter((k) => !allowed.has(k)).map((setting) => ({ detail: "Config::not-allowed", setting })));
    },
};
