/**
 * What a stack already manages, from `pulumi stack export`: each resource's type, name and URN.
 * Nothing else is read from the file (it holds encrypted, or with --show-secrets plain, secrets).
 */
import type { ManagedResource } from "./adoption";
import { InputError } from "../cli/cli";
import { readJsonFile } from "./vaultSource";

const FLAG = "--state";

/** The resources of `stack` in project `project`; a problem is one line naming the flag. */
export function managedResources(json: unknown, stack: string, project: string): ManagedResource[] {
    const deployment = (json as { deployment?: { resources?: unknown } } | null)?.deployment;
    const list = deployment?.resources ?? (deployment ? [] : undefined);
    if (!Array.isArray(list)) throw new InputError([`${FLAG}: not a stack export (expected the output of pulumi stack export -s ${stack})`]);
    const out: ManagedResource[] = [];
    for (const r of list as { urn?: unknown; type?: unknown }[]) {
        const urn = typeof r?.urn === "string" ? r.urn : "";
        // urn:pulumi:<stack>::<project>::<parent types$type>::<name>; only the name may hold "::".
        const m = /^urn:pulumi:(.+?)::(.+?)::(.+?)::(.+)$/.exec(urn);
        if (!m || typeof r.type !== "string") throw new InputError([`${FLAG}: a resource without a valid urn and type (expected the output of pulumi stack export -s ${stack})`]);
        if (m[1] !== stack || m[2] !== project) throw new InputError([`${FLAG}: is the state of stack ${m[1]} of project ${m[2]}, not ${stack} of ${project}`]);
        out.push({ type: r.type, name: m[4], urn });
    }
    return out;
}

export function readStackState(file: string, stack: string, project: string): ManagedResource[] {
    return managedResources(readJsonFile(file, FLAG), stack, project);
}
