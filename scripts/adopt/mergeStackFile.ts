/**
 * `adopt --write`: put adopt's fragment into `Pulumi.<stack>.yaml` itself. The stack file is read
 * with the yaml package's Document API, and only what the fragment changes is spliced into its
 * text: every other byte (comments, flow lists, aligned comments, key order) stays as written.
 * The result is checked before it is written: it must read as the old file with the fragment's
 * keys replaced, and keep every `secure:` value. Pure, except `writeStackFile`.
 */
import { chmodSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { CST, Document, isCollection, isMap, isPair, isSeq, Lexer, Node, Pair, parse, parseDocument, YAMLMap, YAMLSeq } from "yaml";
import { InputError } from "../cli/cli";
import { cannotWrite } from "../cli/files";

/** One change to the text: replace `[start, end)` with `text`. */
interface Edit {
    start: number;
    end: number;
    text: string;
}

export interface MergedStackFile {
    text: string;
    /** What changes, diff-like: `@@ line N`, then `- old` and `+ new` lines. */
    diff: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const json = (n: unknown) => (n && typeof n === "object" && "toJSON" in n ? (n as Node).toJSON() : n);
const columnOf = (text: string, at: number) => at - text.lastIndexOf("\n", at - 1) - 1;
const lineStart = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;
const lineEnd = (text: string, at: number) => (text.indexOf("\n", at) < 0 ? text.length : text.indexOf("\n", at));

/** `node` as YAML lines at column 0 (a block collection or a scalar; `flow` for a flow collection, `padded` as `{ a: 1 }`). */
function render(node: unknown, flow = false, padded = false): string[] {
    if (flow && isCollection(node)) node.flow = true;
    return new Document(node).toString({ lineWidth: 0, flowCollectionPadding: padded }).replace(/\n$/, "").split("\n");
}

/** Lines after the first indented by `indent` (the first goes where the replaced node started). */
const indented = (lines: string[], indent: number) => lines.map((l, i) => (i === 0 || l === "" ? l : " ".repeat(indent) + l)).join("\n");
const nonEmpty = (n: unknown) => isCollection(n) && n.items.length > 0;

/**
 * The edits that turn `target` (a node of `text`) into `source` (a node of the fragment), keeping
 * every part that is equal. `keyColumn`: the column of the key `target` is the value of, if any.
 */
function edits(text: string, target: Node, source: Node, keyColumn?: number, inFlow = false): Edit[] {
    if (same(json(target), json(source))) return [];
    // A flow map is edited inside only when its keys stay: values are spliced in place, nothing inserted.
    const keys = (m: YAMLMap) => JSON.stringify(m.items.map((p) => json(p.key)));
    if (isMap(target) && isMap(source) && nonEmpty(target) && (!target.flow || keys(target) === keys(source))) return mapEdits(text, target, source, inFlow || Boolean(target.flow));
    if (isSeq(target) && isSeq(source) && !target.flow && !inFlow && nonEmpty(target)) return seqEdits(text, target, source);
    const [start, end] = target.range!;
    const flow = inFlow || (isCollection(target) && Boolean(target.flow) && nonEmpty(target));
    // A block collection where a scalar or an empty [] stood on the key's line goes on the lines below it.
    if (nonEmpty(source) && !flow && keyColumn !== undefined) return [below(start, end, keyColumn, source)];
    return [{ start, end, text: indented(render(source, flow, flow && text[start + 1] === " "), columnOf(text, start)) }];
}

const below = (start: number, end: number, keyColumn: number, source: Node): Edit => ({ start, end, text: `\n${" ".repeat(keyColumn + 2)}${indented(render(source), keyColumn + 2)}` });

function mapEdits(text: string, target: YAMLMap, source: YAMLMap, inFlow: boolean): Edit[] {
    const out: Edit[] = [];
    const keyOf = (p: Pair) => String(json(p.key));
    const column = columnOf(text, (target.items[0].key as Node).range![0]);
    for (const pair of source.items) {
        const there = target.items.find((p) => keyOf(p) === keyOf(pair));
        if (!there) out.push(insertAfter(text, target.items[target.items.length - 1], column, render(mapOf(pair))));
        else if (there.value === null || there.value === undefined) {
            // `key:` with nothing after it: the value goes after the colon, or below for a collection.
            const at = lineEnd(text, (there.key as Node).range![1]);
            out.push(nonEmpty(pair.value) ? below(at, at, column, pair.value as Node) : { start: at, end: at, text: ` ${render(pair.value).join(" ")}` });
        } else out.push(...edits(text, there.value as Node, pair.value as Node, inFlow ? undefined : column, inFlow));
    }
    for (const pair of target.items.filter((p) => !source.items.some((s) => keyOf(s) === keyOf(p)))) out.push(removal(text, pair));
    return out;
}

function seqEdits(text: string, target: YAMLSeq, source: YAMLSeq): Edit[] {
    const out: Edit[] = [];
    const items = target.items as Node[];
    const column = columnOf(text, items[0].range![0]) - 2;
    source.items.forEach((item, i) => {
        if (i < items.length) out.push(...edits(text, items[i], item as Node));
        else out.push(insertAfter(text, items[items.length - 1], column, render(seqOf(item as Node))));
    });
    for (const item of items.slice(source.items.length)) out.push(removal(text, item));
    return out;
}

const mapOf = (pair: Pair) => Object.assign(new YAMLMap(), { items: [pair] });
const seqOf = (item: Node) => Object.assign(new YAMLSeq(), { items: [item] });

/** New lines after the line where `last` (a pair or an item) ends, at `column`. */
function insertAfter(text: string, last: Pair | Node, column: number, lines: string[]): Edit {
    const node = (isPair(last) ? (last.value ?? last.key) : last) as Node;
    const at = lineEnd(text, node.range![1] - 1);
    return { start: at, end: at, text: lines.map((l) => `\n${l === "" ? "" : " ".repeat(column)}${l}`).join("") };
}

/** The whole lines of a pair or item. */
function removal(text: string, what: Pair | Node): Edit {
    const first = (isPair(what) ? what.key : what) as Node;
    const last = (isPair(what) ? (what.value ?? what.key) : what) as Node;
    return { start: lineStart(text, first.range![0]), end: Math.min(text.length, lineEnd(text, last.range![1] - 1) + 1), text: "" };
}

/** `{secure: ...}` ciphertexts anywhere in a parsed YAML value. */
function ciphertexts(value: unknown, out: string[] = []): string[] {
    if (Array.isArray(value)) value.forEach((v) => ciphertexts(v, out));
    else if (value && typeof value === "object") {
        const entries = Object.entries(value);
        if (entries.length === 1 && entries[0][0] === "secure") out.push(String(entries[0][1]));
        else entries.forEach(([, v]) => ciphertexts(v, out));
    }
    return out;
}

/** The lines of `before`'s comments that `after` no longer holds (each comment counted as often as it occurs). */
function droppedComments(before: string, after: string): number[] {
    const comments = (t: string) => [...new Lexer().lex(t)].filter((token) => CST.tokenType(token) === "comment");
    const kept = comments(after);
    let from = 0;
    return comments(before).flatMap((c) => {
        from = before.indexOf(c, from);
        const line = before.slice(0, from).split("\n").length;
        from += c.length;
        const i = kept.indexOf(c);
        if (i >= 0) kept.splice(i, 1);
        return i >= 0 ? [] : [line];
    });
}

/**
 * Where a line an insertion adds starts (its indent); a value added on the key's own line goes
 * first. At one offset, the more deeply indented insertion continues what ends there (a key added
 * to the last grant, then a grant appended, then a key appended to config), whatever order the
 * fragment made them in.
 */
const depth = (e: Edit) => (e.text.startsWith("\n") ? /^\n */.exec(e.text)![0].length - 1 : Infinity);

/** The edits in the order they land in the file: by offset, at one offset the deepest first, then in the fragment's order. */
function inFileOrder(planned: Edit[]): Edit[] {
    return planned
        .map((e, i) => ({ e, i }))
        .sort((a, b) => a.e.start - b.e.start || depth(b.e) - depth(a.e) || a.i - b.i)
        .map(({ e }) => e);
}

/** The edits applied to `text`, last first, so that each applies where it was planned and lands in `inFileOrder`. */
function applyEdits(text: string, planned: Edit[]): string {
    return inFileOrder(planned)
        .reverse()
        .reduce((out, e) => out.slice(0, e.start) + e.text + out.slice(e.end), text);
}

/** `text` parsed, or undefined when it is not valid YAML (the parser's message would point into text never written). */
function parsed(text: string): Record<string, unknown> | undefined {
    try {
        return parse(text) as Record<string, unknown>;
    } catch {
        return undefined;
    }
}

/**
 * `stackText` with the fragment's `config` keys replaced, and the diff. Throws InputError when it
 * cannot be done safely; each refusal says to merge `fragmentFile` (adopt's output without --write) by hand.
 */
export function mergeStackFile(stackText: string, fragmentYaml: string, file: string, fragmentFile = "adopt's fragment"): MergedStackFile {
    const byHand = `nothing written: run adopt without --write and merge ${fragmentFile} into it by hand`;
    const doc = parseDocument(stackText);
    const fragment = parseDocument(fragmentYaml).get("config", true) as YAMLMap;
    const config = doc.get("config", true);
    if (doc.errors.length || !isMap(config) || config.flow || !isMap(fragment)) {
        throw new InputError([`${file}: ${doc.errors.length ? "not valid YAML" : "has no block config: map"}; ${byHand}`]);
    }
    const all = fragment.items.length ? edits(stackText, config, Object.assign(new YAMLMap(), { items: [...config.items.filter((p) => !fragment.has(p.key)), ...fragment.items] })) : [];
    const planned = all.filter((e) => !(e.text === "" && e.start === e.end));
    const text = applyEdits(stackText, planned);

    // Check the splice: the new file reads as the old one with the fragment's keys replaced.
    const expected = { ...(parse(stackText) as Record<string, unknown>) };
    expected.config = { ...(expected.config as Record<string, unknown>), ...(fragment.toJSON() as Record<string, unknown>) };
    const got = parsed(text);
    if (!got) throw new InputError([`${file}: merged with adopt's fragment it would not be valid YAML; ${byHand}`]);
    const keysOf = (c: unknown) => (c && typeof c === "object" ? Object.keys(c).sort() : []);
    if (!same({ ...got, config: undefined }, { ...expected, config: undefined }) || !same(keysOf(got.config), keysOf(expected.config)) || keysOf(expected.config).some((k) => !same((got.config as Record<string, unknown>)[k], (expected.config as Record<string, unknown>)[k]))) {
        throw new InputError([`${file}: adopt could not merge its fragment without changing anything else; ${byHand}`]);
    }
    const lost = ciphertexts(parse(stackText)).filter((c) => !ciphertexts(got).includes(c));
    if (lost.length) throw new InputError([`${file}: merging would drop ${lost.length} secure: value(s); nothing written`]);
    // A comment is no value, so the check above cannot see one go (a flow list rewritten whole takes its comments along).
    const dropped = droppedComments(stackText, text);
    if (dropped.length) throw new InputError([`${file}: merging would drop ${dropped.length} comment(s), the first on line ${dropped[0]}; ${byHand}`]);
    return { text, diff: diffOf(stackText, planned) };
}

/** Each edit as `@@ line N` with one line of context, the lines it removes (`- `) and adds (`+ `). */
function diffOf(text: string, planned: Edit[]): string[] {
    return inFileOrder(planned).flatMap((e) => {
        const from = lineStart(text, e.start);
        // An edit that takes a line's newline with it (a removal) reaches into the next line.
        const to = lineEnd(text, e.end > e.start && text[e.end - 1] === "\n" ? e.end : Math.max(e.start, e.end - 1));
        let old = text.slice(from, to).split("\n");
        let now = (text.slice(from, e.start) + e.text + text.slice(e.end, to)).split("\n");
        let line = text.slice(0, from).split("\n").length;
        // Lines the edit leaves as they were are context, not change.
        while (old.length && now.length && old[0] === now[0]) [old, now, line] = [old.slice(1), now.slice(1), line + 1];
        while (old.length && now.length && old[old.length - 1] === now[now.length - 1]) [old, now] = [old.slice(0, -1), now.slice(0, -1)];
        const context = line > 1 ? [`  ${text.split("\n")[line - 2]}`] : [];
        return [`@@ line ${line}`, ...context, ...old.map((l) => `- ${l}`), ...now.map((l) => `+ ${l}`)];
    });
}

/**
 * Write `merged` over `file`, unless the file changed since `readText` was read (another edit would
 * be lost). A stack file that is a link (into a shared folder) stays one: the file it names is
 * replaced, and keeps its permissions.
 */
export function writeStackFile(file: string, readText: string, merged: string): void {
    if (readFileSync(file, "utf8") !== readText) throw new InputError([`${file} changed while adopt ran; nothing written: run adopt again`]);
    let written = false;
    let temp: string | undefined;
    try {
        const target = realpathSync(file);
        const mode = statSync(target).mode & 0o7777;
        temp = `${target}.adopt-${process.pid}`;
        writeFileSync(temp, merged, { flag: "wx", mode });
        written = true;
        chmodSync(temp, mode);
        renameSync(temp, target);
    } catch (e) {
        if (written && temp) rmSync(temp, { force: true });
        // A stack file in a folder the user may read but not write: theirs to fix, not a bug.
        throw cannotWrite(file, e, "--write");
    }
}
