/**
 * `plan --base <ref>`: the protected resources the change deletes or replaces compared with the
 * stack file at that ref, and the `pulumi state unprotect` commands to run before `pulumi up`.
 */
import { wrapText } from "../cli/cli";
import type { Evaluation } from "../offline/evaluate";
import { readBaseStack } from "../offline/baseStack";
import { ProtectedChange, protectedChanges, unprotectCommands } from "../offline/protectedResources";

export interface PlanProtectedChanges {
    /** The ref compared with. */
    base: string;
    /** Why nothing could be compared, when the stack file at the ref was missing or unreadable. */
    note?: string;
    changes: ProtectedChange[];
    /** One `pulumi state unprotect` per resource, to run before `pulumi up`. */
    commands: string[];
}

/** Throws InputError on a bad ref (exit 2). */
export function planProtectedChanges(ev: Evaluation, configDir: string, ref: string): PlanProtectedChanges {
    const at = readBaseStack(configDir, ev.files.stack, ref);
    const changes = at.config ? protectedChanges(at.config, ev.config, ev.files.stack, ev.files.project) : [];
    return { base: ref, ...(at.note ? { note: at.note } : {}), changes, commands: unprotectCommands(changes, ev.files.stack) };
}

export function renderProtectedChanges(p: PlanProtectedChanges): string {
    const out = ["", "", `Deletions under protect (compared with ${p.base}): ${p.changes.length}`];
    if (p.note) out.push(...wrapText(p.note, "  "));
    if (p.changes.length === 0) {
        out.push("  none");
        return out.join("\n");
    }
    for (const c of p.changes) out.push(`  ${c.change}: ${c.what}`);
    out.push(...wrapText("pulumi up stops at each of these (deploy.yml fails on main) until it is unprotected. Run first:", "  "));
    for (const command of p.commands) out.push(`    ${command}`);
    return out.join("\n");
}
