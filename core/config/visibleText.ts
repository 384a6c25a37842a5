/**
 * What a reviewer sees of a free-text field (a reason, a description). A reason of ten U+200B or
 * U+3164 characters is ten characters long and shows as an empty cell: length alone proves
 * nothing. Pure.
 */

/**
 * Characters that show nothing: format characters (Cf: zero-width space and joiners, U+2060..U+2064,
 * U+180E, soft hyphen, tags), controls, unassigned and private-use code points, the combining
 * grapheme joiner, variation selectors, and the fillers that Unicode counts as letters (U+115F,
 * U+1160, U+3164, U+FFA0), the Khmer inherent vowels and the blank braille pattern.
 */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Cn}\p{Co}\p{Cs}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/gu;
/** Bidirectional overrides and isolates: they reorder what is shown, so the cell says something else. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;
/** The same, as a JSON Schema pattern for a text that holds none of them: `^[^...]*$`. */
export const NO_BIDI_CONTROL_SOURCE = `^[^${BIDI_CONTROL.source.slice(1)}*$`;

/** The text as a reader sees it: invisible characters removed, white space collapsed and trimmed. */
export function shownText(text: string): string {
    return text.replace(INVISIBLE, "").replace(/\s+/gu, " ").trim();
}

/**
 * Why `text` would not show a reviewer anything readable, or undefined: it must keep at least one
 * letter or digit (and `min` characters, when given) once white space and invisible characters are
 * removed, and hold no bidirectional control.
 */
export function visibleTextProblem(text: string, min = 0): string | undefined {
    if (BIDI_CONTROL.test(text)) return "contains a bidirectional control character (U+202A..U+202E, U+2066..U+2069), which reorders what a reviewer sees; write plain text";
    const shown = shownText(text);
    if (!/[\p{L}\p{N}]/u.test(shown)) return "shows no letter or digit (only white space, invisible or format characters)";
    if (shown.length < min) return `is shorter than ${min} characters${shown !== text.trim() ? " (not counting invisible ones)" : ""}`;
    return undefined;
}
