import { NOT_APPLICABLE, Rule, FindingOf, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

/** Every Key Vault secret's value is a Pulumi secret and the secret has a content type. */
export const rule: Rule<"secret-value-secret-and-typed"> = {
    id: "secret-value-secret-and-typed",
    info: "The Key Vault secret's value is not a Pulumi secret, or the secret has no content type.",
    explanation:
        "A value that is not a Pulumi secret is stored in plain text in the state and shown in previews; the content type tells the next reader what the value is without reading it. (CrossGuard hides secretness from policies, so there only the content type is checked; the offline plan checks both.)",
    firesWhen: "A Key Vault secret has no content type, or (offline plan only: CrossGuard hides whether a value is a Pulumi secret) its value is not a Pulumi secret.",
    fix: "store the value as a secure: value (`pulumi config set --secret --path 'appSecrets[<i>].value'`); the components give every secret a value marked secret and a content type, so a finding here means the program changed",
    check(r) {
        if (r.type !== TYPES.secret) return NOT_APPLICABLE;
        const secretName = String(r.props.secretName ?? r.name);
        const properties = (r.props.properties ?? {}) as Record<string, unknown>;
        const findings: FindingOf<"secret-value-secret-and-typed">[] = [];
        if (r.valueIsSecret === false) findings.push({ detail: "Value::plain-text", text: "Its value is not a Pulumi secret.", secretName });
        if (typeof properties.contentType !== "string" || properties.contentType === "") findings.push({ detail: "ContentType::missing", text: "It has no content type.", secretName });
        return verdict(findings);
    },
};
