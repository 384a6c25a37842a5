/** Typo suggestions: the closest known word by edit distance (in core/text.js, shared with the redeploy script). */
export { closest } from "../text";

import { closest } from "../text";

/** `; did you mean rbac?` when `input` is a string close to one of `known`; else "". */
export function didYouMean(input: unknown, known: readonly string[]): string {
    const guess = typeof input === "string" ? closest(input, known) : undefined;
    return guess ? `; did you mean ${guess}?` : "";
}
