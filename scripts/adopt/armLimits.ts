/**
 * Bounds on every request adopt's Azure SDK clients send (an answer from Azure is untrusted): each
 * operation, retries and the whole answer included, ends within a time, and no answer is read past
 * a size. Pipeline policies, so that every call the clients make is bounded, pages included.
 */
import type { KeyVaultManagementClientOptionalParams } from "@azure/arm-keyvault";

type AdditionalPolicy = NonNullable<KeyVaultManagementClientOptionalParams["additionalPolicies"]>[number];

/** Time for one Azure call (a page of a listing is one), answer and retries included. */
export const ARM_CALL_TIMEOUT_MS = 30_000;
/** Largest answer read (decompressed); a page of role assignments is about 1 MB. */
export const MAX_ARM_ANSWER_BYTES = 16 * 1024 * 1024;

/** Where to turn when Azure cannot be read live. */
const SAVED_OUTPUT_HINT = "try again, or read saved az output instead (--vault-json, --secrets-json and, for an RBAC vault, --role-assignments-json)";

/** A call that ran out of time or answered too much: its message is one line, safe to print. */
export class ArmLimitError extends Error {}

/** Requests one adopt run sends at most: pages of listings and role definitions; a listing that never ends stops here. */
export const MAX_ARM_REQUESTS = 500;
/** Azure Resource Manager, where the SDK clients go unless told otherwise. */
export const ARM_ENDPOINT = "https://management.azure.com";

export interface ArmLimits {
    timeoutMs?: number;
    maxAnswerBytes?: number;
    maxRequests?: number;
}

/**
 * The policies that bound each call (`additionalPolicies` of an SDK client's options), for clients
 * that talk to `endpoint`: a request to any other origin (a page link in an answer) is refused
 * before the SDK signs it, so the token goes nowhere else.
 */
export function armLimitPolicies(limits: ArmLimits = {}, endpoint = ARM_ENDPOINT): AdditionalPolicy[] {
    const timeoutMs = limits.timeoutMs ?? ARM_CALL_TIMEOUT_MS;
    const maxBytes = limits.maxAnswerBytes ?? MAX_ARM_ANSWER_BYTES;
    const maxRequests = limits.maxRequests ?? MAX_ARM_REQUESTS;
    const origin = new URL(endpoint).origin;
    let requests = 0;
    return [
        {
            // Before the SDK's bearer token policy (Sign phase): nothing refused here carries the token.
            position: "perCall",
            policy: {
                name: "adoptArmOnly",
                async sendRequest(request, next) {
                    const to = new URL(request.url);
                    if (to.origin !== origin) throw new ArmLimitError(`Azure's answer links to another host (${to.origin}); the token goes only to ${origin}, so adopt stops; ${SAVED_OUTPUT_HINT}`);
                    if (++requests > maxRequests) throw new ArmLimitError(`more than ${maxRequests} requests to Azure: a listing that does not end is no answer; ${SAVED_OUTPUT_HINT}`);
                    return next(request);
                },
            },
        },
        {
            // Outside retries and deserialization: the whole call has one deadline.
            position: "perCall",
            policy: {
                name: "adoptCallTimeout",
                async sendRequest(request, next) {
                    const timeout = AbortSignal.timeout(timeoutMs);
                    const given = request.abortSignal as AbortSignal | undefined;
                    request.abortSignal = given ? AbortSignal.any([given, timeout]) : timeout;
                    try {
                        return await next(request);
                    } catch (e) {
                        if (timeout.aborted) throw new ArmLimitError(`Azure did not answer ${request.method} ${new URL(request.url).pathname} within ${timeoutMs / 1000} s; ${SAVED_OUTPUT_HINT}`);
                        throw e;
                    }
                },
            },
        },
        {
            // Next to the transport: the answer comes as a stream, read here up to the bound.
            position: "perRetry",
            policy: {
                name: "adoptAnswerSize",
                async sendRequest(request, next) {
                    const streamed = request.streamResponseStatusCodes;
                    request.streamResponseStatusCodes = new Set([Number.POSITIVE_INFINITY]);
                    let response;
                    try {
                        response = await next(request);
                    } finally {
                        request.streamResponseStatusCodes = streamed;
                    }
                    const stream = response.readableStreamBody as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
                    if (!stream || streamed?.has(response.status)) return response;
                    const chunks: Buffer[] = [];
                    let size = 0;
                    for await (const chunk of stream) {
                        const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
                        size += bytes.length;
                        if (size > maxBytes) {
                            stream.destroy?.();
                            throw new ArmLimitError(`Azure answered ${request.method} ${new URL(request.url).pathname} with more than ${maxBytes / 1024 / 1024} MiB; ${SAVED_OUTPUT_HINT}`);
                        }
                        chunks.push(bytes);
                    }
                    delete response.readableStreamBody;
                    response.bodyAsText = Buffer.concat(chunks).toString("utf8");
                    return response;
                },
            },
        },
    ];
}
