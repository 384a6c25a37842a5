/**
 * RSA key pair -> the JWK forms Maskinporten and Altinn apps use. Pure (async only because
 * jose uses WebCrypto). Deterministic: the same key always gives the same bytes.
 */
import { calculateJwkThumbprint, exportJWK, importPKCS8 } from "jose";
import { MASKINPORTEN_KEY_SIZE } from "../config/limits";

/** Every member of a private RSA JWK, as the builtin Maskinporten client requires them. */
export const PRIVATE_JWK_MEMBERS = ["kty", "use", "kid", "alg", "n", "e", "d", "p", "q", "qi", "dp", "dq"] as const;
export const PUBLIC_JWK_MEMBERS = ["kty", "use", "kid", "alg", "n", "e"] as const;

export type PrivateRsaJwk = Record<(typeof PRIVATE_JWK_MEMBERS)[number], string>;
export type PublicRsaJwk = Record<(typeof PUBLIC_JWK_MEMBERS)[number], string>;

/** JSON with keys in sorted order, so equal JWKs serialize to equal bytes. */
export function stableJson(value: Record<string, unknown>): string {
    return JSON.stringify(Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]])));
}

/**
 * The private JWK of a PKCS#8 PEM RSA key: `use: sig`, `alg: RS256`, and `kid` = the RFC 7638
 * thumbprint of the public key (unique across Maskinporten's customers, stable for the key).
 */
export async function privateJwkFromPem(pkcs8Pem: string): Promise<PrivateRsaJwk> {
    const key = await importPKCS8(pkcs8Pem, "RS256", { extractable: true });
    const jwk = await exportJWK(key);
    if (jwk.kty !== "RSA" || !jwk.n || !jwk.d) throw new Error("the key pair is not an RSA private key");
    const bits = Buffer.from(jwk.n, "base64url").length * 8;
    if (bits !== MASKINPORTEN_KEY_SIZE) throw new Error(`the key pair has ${bits} bits; Maskinporten accepts only ${MASKINPORTEN_KEY_SIZE}`);
    const kid = await calculateJwkThumbprint({ kty: "RSA", e: jwk.e, n: jwk.n }, "sha256");
    const full: Record<string, unknown> = { ...jwk, kid, use: "sig", alg: "RS256" };
    const missing = PRIVATE_JWK_MEMBERS.filter((m) => typeof full[m] !== "string" || full[m] === "");
    if (missing.length) throw new Error(`the private JWK lacks ${missing.join(", ")}`);
    return Object.fromEntries(PRIVATE_JWK_MEMBERS.map((m) => [m, full[m]])) as PrivateRsaJwk;
}

/** The public half to register at Samarbeidsportalen: no private members. */
export function publicJwk(jwk: PrivateRsaJwk): PublicRsaJwk {
    return Object.fromEntries(PUBLIC_JWK_MEMBERS.map((m) => [m, jwk[m]])) as PublicRsaJwk;
}

/**
 * The value Altinn apps read (legacy `EncodedJwk`, builtin `JwkBase64`): standard base64
 * (`+/`, padded; .NET's Convert.FromBase64String refuses base64url) of the UTF-8 JSON of the one
 * private JWK, keys sorted.
 */
export function encodeJwk(jwk: PrivateRsaJwk): string {
    return Buffer.from(stableJson(jwk), "utf8").toString("base64");
}

/** A JWK Set of public keys, sorted by kid for stable output. */
export function jwks(keys: PublicRsaJwk[]): { keys: PublicRsaJwk[] } {
    return { keys: [...keys].sort((a, b) => a.kid.localeCompare(b.kid)).map((k) => JSON.parse(stableJson(k)) as PublicRsaJwk) };
}
