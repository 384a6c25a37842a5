/**
 * What adopt, `pulumi stack export` and `npm run review --full` write next to the stack files is
 * never committed by accident: the fragment and import file, the stack's state (encrypted, or with
 * --show-secrets plain, secrets) and the full review.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/helpers";

/** The paths of `paths` that git ignores in this repository (none need exist). */
function ignored(paths: string[]): string[] {
    try {
        return execFileSync("git", ["check-ignore", "--no-index", ...paths], { cwd: ROOT }).toString().split("\n").filter(Boolean);
    } catch (e) {
        // Exit 1: none of them is ignored.
        if ((e as { status?: number }).status === 1) return [];
        throw e;
    }
}

describe(".gitignore", () => {
    it("covers adopt's output, the az output it reads, a saved stack state and the full review, wherever docs/adopt.md has them written", () => {
        const written = ["adopt-tt02.yaml", "import-tt02.json", "adopt/adopt-prod.yaml", "adopt/import-prod.json", "state.json", "review-full.md", "vault.json", "secrets.json", "role-assignments.json"];
        expect(ignored(written)).toEqual(written);
    });

    it("leaves the stack files, the schema and the policy config tracked", () => {
        expect(ignored(["Pulumi.tt02.yaml", "Pulumi.prod.yaml", "Pulumi.yaml", "schema/stack-config.schema.json", "policy/config.json", "package.json"])).toEqual([]);
    });
});
