/** What the docs tests read from Markdown files: headings as GitHub anchors, and the links. */
import MarkdownIt from "markdown-it";

const md = new MarkdownIt({ html: true });

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

type Token = ReturnType<MarkdownIt["parse"]>[number];
const flatten = (tokens: Token[]): Token[] => tokens.flatMap((t) => [t, ...flatten(t.children ?? [])]);

/** The anchors of a file's headings, with GitHub's -1, -2 for repeated ones. */
export function anchorsOf(text: string): Set<string> {
    const tokens = md.parse(text, {});
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    tokens.forEach((t, i) => {
        if (t.type !== "heading_open") return;
        const inline = tokens[i + 1];
        const plain = flatten(inline.children ?? []).filter((c) => c.type === "text" || c.type === "code_inline").map((c) => c.content).join("");
        const base = slug(plain);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        anchors.add(n === 0 ? base : `${base}-${n}`);
    });
    return anchors;
}

/** Every link target in a file (not in code), as written. */
export function linksOf(text: string): string[] {
    const hrefs = flatten(md.parse(text, {})).filter((t) => t.type === "link_open").map((t) => t.attrGet("href") ?? "");
    // Raw HTML anchors (<a href="...">) too.
    const html = [...text.matchAll(/<a\s[^>]*href="([^"]+)"/g)].map((m) => m[1]);
    return [...hrefs, ...html];
}
