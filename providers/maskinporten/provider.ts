/**
 * The dynamic provider that registers a Maskinporten client's public keys through Digdir's
 * self-service API (./client). Pulumi serializes this provider into the state (`__provider`) and
 * runs it in its own process, so the module is self-contained: it imports only ./client and
 * ./http, requires Node built-ins inside the functions that use them, and every helper is a plain
 * function declaration that the closure serializer can copy by value.
 *
 * It holds no secret input or output: inputs are URLs, ids, names and public JWKs; state adds
 * kids and their `exp`. The admin credentials are read from the environment by ./client.
 *
 * Safety, as DESIGN.md's contract has it: a key set is replaced only after the current set was
 * read as `{keys: [...]}`, and never without the keys others registered; a client is deleted only
 * when this create made it (the id was not listed before and the client carries our name);
 * `delete` forgets (the component also sets retainOnDelete): keys stay at Maskinporten.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { adminCredentials, RemoteKey, notFound, selfServiceClient, SelfServiceClient } from "./client";
import { allowedHosts, ClientOptions, printable } from "./http";
import {
    clientBody,
    describe,
    expiries,
    inputsProblem,
    keySetProblem,
    publicMembers,
    RegistrationInputs,
    registrationChanges,
    RegistrationState,
    replacesClient,
    stateInputs,
    unsendableKey,
    wire,
} from "./registrationModel";

export type { KeyExpiry, PublicKey, RegistrationInputs, RegistrationState } from "./registrationModel";
export { daysLeft, inputsProblem, RENEW_WITHIN_DAYS } from "./registrationModel";
export type ProviderOptions = ClientOptions;

/** The API client for these inputs: only Digdir's hosts for the environment, and those passed in, may receive a token. */
function apiFor(inputs: RegistrationInputs, options: ProviderOptions): SelfServiceClient {
    const problem = inputsProblem(inputs);
    if (problem) throw new Error(problem);
    const allowed = allowedHosts(inputs.environment, inputs.allowedHosts);
    return selfServiceClient({ apiUrl: inputs.apiUrl, authority: inputs.authority, adminClientId: inputs.adminClientId, label: inputs.label, allowed }, options);
}

/**
 * Send declared + foreign keys as the client's whole set (POST replaces it; a key sent again is
 * renewed) and describe what Maskinporten now holds. `remote` is the set as read just before:
 * keys in it that this stack never declared are kept.
 */
async function registerKeys(api: SelfServiceClient, inputs: RegistrationInputs, clientId: string, previouslyDeclared: string[], remote: RemoteKey[]): Promise<Pick<RegistrationState, "registered" | "missing" | "foreign" | "checkedAt">> {
    const declared = inputs.keys.map((k) => k.kid);
    const ours = new Set([...declared, ...previouslyDeclared]);
    const foreign = remote.filter((k) => !ours.has(k.kid));
    const problem = keySetProblem(inputs.label, clientId, declared, foreign.map((k) => k.kid));
    if (problem) throw new Error(problem);
    const unsendable = unsendableKey(foreign);
    if (unsendable) throw new Error(`${inputs.label}: client ${clientId} holds key ${unsendable} without kty, n or e, which a replace could not send back: the key set is not replaced`);
    const answer = await api.replaceKeys(clientId, [...inputs.keys.map((k) => publicMembers(k as unknown as Record<string, unknown>)), ...foreign.map(publicMembers)]);
    // Some deployments answer the write without the set; read it back to learn each exp.
    const held = expiries({ keys: answer && answer.length ? answer : await api.getKeys(clientId) });
    return describe(declared, held);
}

/** Whether `id`, answered by POST /clients, is the client this request made: new since `before`, with our name. */
async function isNewClient(api: SelfServiceClient, id: string, before: Record<string, unknown>[], body: Record<string, unknown>): Promise<boolean> {
    if (before.some((c) => c.client_id === id)) return false;
    const client = await api.getClient(id);
    return !!client && client.client_name === body.client_name && client.description === body.description;
}

/**
 * The provider. Pass options only in tests (shorter waits); Pulumi serializes the object returned
 * here, options included, into `__provider`.
 */
export function createRegistrationProvider(options: ProviderOptions = {}): dynamic.ResourceProvider {
    return {
        async check(olds: RegistrationInputs, news: RegistrationInputs) {
            const known = expiries({ keys: olds?.knownExpiry });
            const declared = expiries({ keys: news.keys }).map((k) => k.kid);
            const before = expiries({ keys: olds?.keys }).map((k) => k.kid);
            const problem = inputsProblem(news, known.map((k) => k.kid).filter((kid) => !declared.includes(kid) && !before.includes(kid)));
            if (problem) return { failures: [{ property: "keys", reason: problem }] };
            // The last refreshed expiry rides along so a policy can see it while an update is planned.
            // A created client's id, learnt by the last refresh, rides along as well: the program
            // cannot know it, and without it a planned update would make the ClientId secret unknown.
            const assigned = olds?.assignedClientId && olds.clientId === olds.assignedClientId && !news.clientId ? { clientId: olds.assignedClientId, assignedClientId: olds.assignedClientId } : {};
            return { inputs: wire({ ...news, ...assigned, ...(known.length ? { knownExpiry: known } : {}) }) };
        },

        async create(inputs: RegistrationInputs) {
            const clean = stateInputs(inputs);
            const api = apiFor(clean, options);
            if (clean.clientId) {
                if (!(await api.getClient(clean.clientId))) throw notFound(clean.label, clean.clientId, `GET clients/${clean.clientId}`);
                const held = await registerKeys(api, clean, clean.clientId, [], await api.getKeys(clean.clientId));
                return { id: clean.clientId, outs: wire({ ...clean, clientId: clean.clientId, createdClient: false, ...held }) };
            }
            const before = await api.listClients();
            const body = clientBody(clean);
            const id = await api.createClient(body);
            if (!(await isNewClient(api, id, before, body))) {
                throw new Error(`${clean.label}: POST clients answered with client_id ${printable(id, 100)}, which is not the client this request made (it existed before, or has another name): not used, not deleted`);
            }
            try {
                // A client made just now holds no keys: nothing to keep.
                const held = await registerKeys(api, clean, id, [], []);
                return { id, outs: wire({ ...clean, clientId: id, createdClient: true, ...held }) };
            } catch (e) {
                // Do not leave a client behind that no state knows of; it is ours (checked above).
                const left = await api.deleteClient(id).then(() => "", (d: unknown) => `; the client ${id} it made could not be deleted (${(d as Error).message}): delete it at Samarbeidsportalen`);
                throw new Error(`${(e as Error).message}${left}`);
            }
        },

        async read(id: string, props: RegistrationState) {
            try {
                adminCredentials(process.env);
            } catch (e) {
                // A preview without the admin credentials (a pull request) keeps the last known state; up needs them.
                process.stderr.write(`${props.label}: ${(e as Error).message}; kept the key set as of the last refresh, expiry not checked\n`);
                return { id, props };
            }
            const api = apiFor(stateInputs(props), options);
            if (!(await api.getClient(id))) return { id: "", props: {} };
            const held = expiries({ keys: await api.getKeys(id) });
            const state: RegistrationState = { ...props, clientId: id, ...describe(props.keys.map((k) => k.kid), held) };
            const { registered, missing, foreign, checkedAt, createdClient, ...inputs } = state;
            void missing;
            void checkedAt;
            void createdClient;
            const knownExpiry = [...registered, ...foreign];
            // A client the stack created has no clientId input: the id stays in state only.
            const { clientId: _id, assignedClientId: _assigned, ...rest } = inputs;
            void _id;
            void _assigned;
            return { id, props: wire(state), inputs: wire({ ...rest, clientId: id, ...(props.createdClient ? { assignedClientId: id } : {}), knownExpiry }) };
        },

        async diff(_id: string, olds: RegistrationState, news: RegistrationInputs) {
            const replaces = replacesClient(olds, news) ? ["clientId"] : [];
            const changes = replaces.length > 0 || registrationChanges(olds, news, Math.floor(Date.now() / 1000)).length > 0;
            return { changes, replaces, deleteBeforeReplace: false };
        },

        async update(id: string, olds: RegistrationState, news: RegistrationInputs) {
            const clean = stateInputs(news);
            const api = apiFor(clean, options);
            if (olds.createdClient && registrationChanges(olds, clean, 0).includes("client name, description or scopes changed")) {
                await api.updateClient(id, { ...clientBody(clean), client_id: id });
            }
            const held = await registerKeys(api, clean, id, (olds.keys ?? []).map((k) => k.kid), await api.getKeys(id));
            const outs: RegistrationState = { ...clean, clientId: id, createdClient: olds.createdClient, ...held };
            return { outs: wire(outs) };
        },

        // Forget, never delete: `register: false`, removing selfService or the client, a replace and
        // `pulumi destroy` all leave the keys (and a created client) at Maskinporten.
        async delete() {
            return;
        },
    };
}
