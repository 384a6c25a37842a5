/**
 * Text that reaches a CI log must not run there: GitHub Actions takes a line starting with `::`
 * (after the white space .NET trims, a no-break space too) or holding `##[` anywhere for a workflow
 * command (`::add-mask::`, `::error::`, `##[group]`), and a lone CR for a line break.
 */
import { describe, expect, it } from "vitest";
import { defuseWorkflowCommands, wrap, wrapKeepingCommands } from "../../core/text";

/** What the runner does with a line (ActionCommand.TryParseV2 / TryParse): is it a workflow command? */
const runsAsCommand = (line: string) => /^[\s\u0085]*::/.test(line) || line.includes("##[");
/** The lines the runner reads: a lone CR ends one too. */
const runnerLines = (text: string) => text.split(/\r\n|\r|\n/);

describe("wrap: no continued line starts with a word starting with ::", () => {
    const cases: [string, string][] = [
        ["a space", " "],
        ["a space and a no-break space", " \u00a0"],
        ["a space and an em space", " \u2003"],
        ["a space and an ideographic space", " \u3000"],
        ["two spaces", "  "],
    ];
    for (const [what, gap] of cases) {
        it(`after ${what}`, () => {
            const text = `Operations team ${"a".repeat(70)}${gap}::add-mask::hidden tail`;
            for (const lines of [wrap(text, "        reason: ", 16, 100), wrapKeepingCommands(text, "", 2, 100)]) {
                expect(lines.length).toBeGreaterThan(0);
                expect(lines.filter(runsAsCommand)).toEqual([]);
            }
        });
    }
});

describe("wrapKeepingCommands: the text's own NUL", () => {
    it("is no glue: it cannot come out a space that puts :: at the start of a line", () => {
        const lines = wrapKeepingCommands(`Operations team ${"a".repeat(80)} \u0000::add-mask::x`, "", 2, 100);
        expect(lines.filter(runsAsCommand)).toEqual([]);
        expect(lines.join("\n")).toContain("\ufffd::add-mask::x");
    });
});

describe("defuseWorkflowCommands", () => {
    it("leaves no line a runner would run, and reads the same", () => {
        const text = "::error::first\n  \u00a0::add-mask::x\nok ::mid-line\nreason ##[group]hidden\nab\r::set-output name=a::b\r\nend";
        const out = defuseWorkflowCommands(text);
        expect(runnerLines(out).filter(runsAsCommand)).toEqual([]);
        expect(out.replaceAll("\u200b", "")).toBe(text.replace("ab\r", "ab\ufffd"));
        expect(defuseWorkflowCommands(out)).toBe(out);
    });

    it("keeps JSON the same JSON", () => {
        const value = { reason: "##[add-mask]x ###[y", other: "::error::z" };
        const json = JSON.stringify(value, null, 2);
        const out = defuseWorkflowCommands(json, true);
        expect(out).not.toContain("##[");
        expect(JSON.parse(out)).toEqual(value);
    });

    it("leaves ordinary text alone", () => {
        const text = "Plan for stack tt02\n  [mandatory] grant-expiry: grant for x\n    pulumi state unprotect 'urn:pulumi:tt02::p::t::n'";
        expect(defuseWorkflowCommands(text)).toBe(text);
    });
});
