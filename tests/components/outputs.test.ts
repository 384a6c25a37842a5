/**
 * The stack outputs are typed once (components/outputs.ts): index.ts exports exactly those names,
 * each declared with its type (checked by tsc, which `npm test` runs first).
 */
import { describe, expect, it } from "vitest";
import type * as program from "../../index";
import type { StackOutputs } from "../../components/outputs";

type Exported = keyof typeof program;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const exportsAreTheTypedOutputs: Same<Exported, keyof StackOutputs> = true;

describe("the stack outputs", () => {
    it("are exactly the names components/outputs.ts types", () => {
        expect(exportsAreTheTypedOutputs).toBe(true);
    });
});
