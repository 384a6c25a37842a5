/**
 * Evaluate the real program (`index.ts`) under Pulumi mocks: no cloud, no CLI.
 * One evaluation per process: Pulumi's runtime state is global.
 */
import * as path from "node:path";
import { parseStackConfig, StackConfig } from "../../core/config/parse";
import type { RecordedResource } from "./values";
import type { MockOptions } from "./mocks";
import type { StackOutputs } from "../../components/outputs";
import { parseOptionsOf, readStackFiles, StackFiles } from "./stack";

export interface Evaluation {
    files: StackFiles;
    config: StackConfig;
    resources: RecordedResource[];
    /** The program's stack outputs, resolved. */
    outputs: StackOutputs;
    /** True when key pairs (and so every kid) are offline placeholders, not keys anyone deploys. */
    placeholderKeys: boolean;
}

/**
 * What a caller may tell the evaluation besides the stack: the vault as Azure has it (tests), and
 * whether to leave out the dynamic providers' serialized code (the plan shows none of it).
 */
export type MockOverrides = Pick<MockOptions, "vault"> & { providerCode?: "skip" };

/** Throws InputError or ConfigError before anything is declared. */
export async function evaluateStack(root: string, stack: string, configDir = root, overrides: MockOverrides = {}): Promise<Evaluation> {
    const files = readStackFiles(root, stack, configDir);
    return evaluateConfig(root, files, overrides);
}

export async function evaluateConfig(root: string, files: StackFiles, { providerCode, ...overrides }: MockOverrides = {}): Promise<Evaluation> {
    const config = parseStackConfig(files.config, parseOptionsOf(files));
    // The SDK loads only for a valid config, so bad input is reported without waiting for it.
    const [{ installMocks, settle, valueOf }, { skipProviderCode }] = await Promise.all([import("./mocks"), import("./providerCode")]);
    const restore = providerCode === "skip" ? skipProviderCode() : undefined;
    try {
        // The offline plan's kids differ from the deployed stack's anyway: placeholder keys cost far less.
        const resources = installMocks({ project: files.project, stack: files.stack, config: files.config, secretKeys: files.secretKeys, keys: "placeholder", ...overrides });
        const program = (await import(path.join(root, "index.ts"))) as Record<string, unknown>;
        await settle();
        const outputs: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(program)) {
            if (name === "default" || name === "__esModule") continue;
            outputs[name] = await valueOf(value);
        }
        await settle();
        // index.ts declares each export with its StackOutputs type (tsc checks it); resolved, they are that type.
        return { files, config, resources, outputs: outputs as unknown as StackOutputs, placeholderKeys: true };
    } finally {
        restore?.();
    }
}
