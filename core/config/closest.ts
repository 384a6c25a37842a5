/** Typo suggestions: the closest known word by edit distance (in core/text.js, shared with the redeploy script). */
export { closest } from "../text";
