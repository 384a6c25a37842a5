import { NOT_APPLICABLE, Rule, verdict } from "../../core/policy/rule";
import { TYPES } from "../../core/resourceNames";

/** A secret whose stack-file value is still a placeholder ciphertext (the example's) is flagged. */
export const rule: Rule<"secret-value-not-placeholder"> = {
    id: "secret-value-not-placeholder",
    info: "The app secret's value in the stack file is still a placeholder, not a real encrypted value.",
    explanation:
        "The example stack files hold `secure: v1:example-ciphertext-replace-me` so the plan runs offline; `pulumi up` cannot decrypt it, and a reviewer should know the real value was never set. (Only the offline plan sees ciphertexts.)",
    firesWhen:
        "Offline plan only: an app secret's `secure:` value is a placeholder (it holds replace-me, change-me, example or placeholder, as the example's `v1:example-ciphertext-replace-me` does); the finding gives the `pulumi config set --secret --path ...` command. CrossGuard never sees ciphertexts, so the policy pack cannot check it.",
    fix: "set the real value with `pulumi config set --secret --path 'appSecrets[<i>].value'` (it prompts for the value)",
    check(r, context) {
        if (r.type !== TYPES.secret || r.placeholderPath === undefined) return NOT_APPLICABLE;
        const secretName = String(r.props.secretName ?? r.name);
        const stack = context.stack ? ` -s ${context.stack}` : "";
        const fix = `set the real value with \`pulumi config set${stack} --secret --path '${r.placeholderPath}'\` (it prompts for the value, which keeps it off the command line)`;
        return verdict([{ detail: "Value::placeholder", secretName, fix }]);
    },
};
