/**
 * `wrap` fits every line in the width: a word too long for the indent starts further left, one
 * longer than the width is cut after a `.` or `-` near its end, and what would break if split (a
 * URL, a resource ID, a URN, a command to copy) stays whole.
 */
import { describe, expect, it } from "vitest";
import { TYPES } from "../../core/resourceNames";
import { wrap, wrapKeepingCodeSpans, wrapKeepingCommands } from "../../core/text";

const KEY = "altinn-app-secrets:maskinportenClients[0].section.nextKeyGeneration.expires";

describe("wrap: a word longer than the line", () => {
    it("is cut after a . - or : or before a [ in the second half of the line, and loses no character", () => {
        expect(wrap(`set ${KEY} now`, "error: ", 7, 40)).toEqual([
            "error: set",
            "  altinn-app-secrets:maskinportenClients",
            "   [0].section.nextKeyGeneration.expires",
            "       now",
        ]);
        const narrow = wrap(KEY, "", 0, 30);
        for (const line of narrow) expect(line.length).toBeLessThanOrEqual(30);
        expect(narrow.map((l) => l.trim()).join("")).toBe(KEY);
        expect(narrow).toEqual(["altinn-app-secrets:", "maskinportenClients[0].", "section.nextKeyGeneration.", "expires"]);
    });

    it("that fits the width but not after the indent starts further left, whole", () => {
        const word = "MaskinportenClients--ServiceOwnerForTheInstances";
        const lines = wrap(`a b c ${word}`, "x".repeat(30), 30, 60);
        expect(lines).toEqual([`${"x".repeat(30)} a b c`, " ".repeat(60 - word.length) + word]);
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    });

    it.each([
        ["a URL", "https://altinn.studio/designer/api/ttd/some-app/deployments/with/a/very/long/path"],
        ["a resource ID", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"],
        ["a URN", `urn:pulumi:tt02::altinn-app-secrets::${TYPES.secret}::MaskinportenClients--Client--Jwk`],
    ])("stays whole when it is %s", (_what, word) => {
        const lines = wrap(`see ${word} there`, "", 2, 40);
        expect(lines).toContain(`  ${word}`);
    });

    it("stays whole when it is a command to copy, bare or in backticks", () => {
        const command = `pulumi state unprotect 'urn:pulumi:tt02::altinn-app-secrets::${TYPES.secret}::x'`;
        expect(wrapKeepingCommands(`run ${command}, first`, "", 2, 40).some((l) => l.trim() === `${command},`)).toBe(true);
        expect(wrapKeepingCodeSpans(`run \`${command}\` first`, "", 2, 40).some((l) => l.trim() === `\`${command}\``)).toBe(true);
    });

    it("is never cut so that a piece starts with ::", () => {
        const word = `${"a".repeat(37)}::add-mask::${"b".repeat(40)}`;
        const lines = wrap(word, "", 0, 40);
        expect(lines.length).toBeGreaterThan(1);
        for (const line of lines) expect(line.trimStart().startsWith("::")).toBe(false);
        expect(lines.join("")).toBe(word);
    });
});
