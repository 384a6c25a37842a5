/**
 * Test files share a worker process (isolate: false) so that the Pulumi SDK, azure-native and
 * the other packages load once per worker, not once per file. The project's own modules do not
 * carry over: each file starts with a fresh registry, so it declares its own program.
 */
import { vi } from "vitest";

vi.resetModules();
