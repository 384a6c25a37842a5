// @ts-check
/**
 * `node --require ./scripts/cli/typescript.cjs scripts/<command>/main.ts`: run the project's
 * TypeScript with plain node. Only `.ts` files are touched: each is transpiled once (TypeScript's
 * transpileModule, as Pulumi's ts-node does with PULUMI_NODEJS_TRANSPILE_ONLY) and the JavaScript
 * cached under node_modules/.cache, keyed by the file's path and content. Every package loads as
 * node loads it: a general-purpose loader (tsx) hooks every require of @pulumi/pulumi's thousand
 * files and doubles what loading it costs. Type checking is `npm run typecheck`'s job, not this.
 */
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "altinn-app-secrets-ts");

/** @type {typeof import("typescript") | undefined} */
let ts;

/** The compiler options that change the emitted JavaScript (tsconfig.json's, for one file at a time). */
function compilerOptions() {
    ts ??= require("typescript");
    return { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, resolveJsonModule: true };
}

/** @param {string} source @param {string} filename */
function transpile(source, filename) {
    const options = compilerOptions();
    return /** @type {typeof import("typescript")} */ (ts).transpileModule(source, { fileName: filename, compilerOptions: options, reportDiagnostics: false }).outputText;
}

/** @param {string} source @param {string} filename */
function cachedJavaScript(source, filename) {
    const version = /** @type {{ version: string }} */ (require("typescript/package.json")).version;
    const key = createHash("sha256").update(`${version}\0${path.relative(ROOT, filename)}\0${source}`).digest("hex").slice(0, 40);
    const file = path.join(CACHE, `${key}.js`);
    try {
        return readFileSync(file, "utf8");
    } catch {
        const js = transpile(source, filename);
        try {
            mkdirSync(CACHE, { recursive: true });
            // Written aside and renamed: a parallel run never reads half a file.
            const partial = `${file}.${process.pid}.tmp`;
            writeFileSync(partial, js);
            renameSync(partial, file);
        } catch {
            // A read-only node_modules: transpile every time instead.
        }
        return js;
    }
}

require.extensions[".ts"] = (module, filename) => {
    const m = /** @type {NodeJS.Module & { _compile(code: string, filename: string): void }} */ (module);
    m._compile(cachedJavaScript(readFileSync(filename, "utf8"), filename), filename);
};
