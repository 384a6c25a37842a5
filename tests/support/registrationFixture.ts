/**
 * What the registration provider tests share: a throwaway admin business certificate (a CA and a
 * leaf), the admin credentials in the environment, public JWKs by kid, and the inputs the
 * component would pass, pointed at a FakeMaskinporten on 127.0.0.1.
 */
import { generateKeyPairSync, KeyObject, X509Certificate } from "node:crypto";
import type { PublicKey, RegistrationInputs } from "../../providers/maskinporten/provider";
import { FakeMaskinporten } from "./fakeMaskinporten";
import { certificate } from "./x509";

export const ADMIN_CLIENT_ID = "0f0e0d0c-admin-client";
export const LABEL = "maskinportenClients[section=MaskinportenSettings]";
const KEY_VARIABLE = "MASKINPORTEN_ADMIN_KEY";
const CERT_VARIABLE = "MASKINPORTEN_ADMIN_CERT";

// 1024 bits keeps the suite fast; the fake checks signatures and claims, not key sizes.
export const caKeys = generateKeyPairSync("rsa", { modulusLength: 1024 });
const adminKeys = generateKeyPairSync("rsa", { modulusLength: 1024 });
export const caPem = certificate({ subject: "Fake Buypass Class 3 Test4 CA", issuer: "Fake Buypass Class 3 Test4 CA", subjectKey: caKeys.publicKey, issuerKey: caKeys.privateKey, serial: 1 });
const leafPem = certificate({ subject: "TESTORG 991825827", issuer: "Fake Buypass Class 3 Test4 CA", subjectKey: adminKeys.publicKey, issuerKey: caKeys.privateKey, serial: 2 });
export const ADMIN_KEY_PEM = adminKeys.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
export const ADMIN_CERT_PEM = leafPem + caPem;

/** Put the admin credentials (back) into the environment. */
export function setAdminCredentials(): void {
    process.env[KEY_VARIABLE] = ADMIN_KEY_PEM;
    process.env[CERT_VARIABLE] = ADMIN_CERT_PEM;
}

/** A fake that trusts the CA above and knows the admin client. Call `start()`. */
export function newFake(): FakeMaskinporten {
    return new FakeMaskinporten(new X509Certificate(caPem), ADMIN_CLIENT_ID);
}

/** A public JWK with the given kid (the modulus is real; Maskinporten's kid is what matters here). */
export function publicKey(kid: string, key: KeyObject = caKeys.publicKey): PublicKey {
    const jwk = key.export({ format: "jwk" }) as { n: string; e: string };
    return { kty: "RSA", use: "sig", kid, alg: "RS256", n: jwk.n, e: jwk.e };
}

/** The inputs the component would declare for one client, pointed at `fake`. */
export function registrationInputs(fake: FakeMaskinporten, kids: string[], extra: Partial<RegistrationInputs> = {}): RegistrationInputs {
    return {
        apiUrl: fake.apiUrl,
        authority: fake.issuer,
        adminClientId: ADMIN_CLIENT_ID,
        label: LABEL,
        client: { name: "ttd app-a MaskinportenSettings (altinn-app-secrets tt02)", description: "test", scopes: ["altinn:serviceowner/instances.read"] },
        keys: kids.map((k) => publicKey(k)),
        ...extra,
    };
}

/** The message of the error `p` rejects with (recorded in `into`, stack included); fails when it resolves. */
export async function failureOf(p: Promise<unknown>, into: string[] = []): Promise<string> {
    try {
        await p;
    } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        into.push(message, e instanceof Error ? String(e.stack) : "");
        return message;
    }
    throw new Error("expected a failure");
}
