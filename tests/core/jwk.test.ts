import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeJwk, jwks, PRIVATE_JWK_MEMBERS, privateJwkFromPem, publicJwk } from "../../core/maskinporten/jwk";
import { calculateJwkThumbprint } from "jose";

function pkcs8(bits = 2048): string {
    return generateKeyPairSync("rsa", { modulusLength: bits }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

const pem = pkcs8();

describe("private JWK", () => {
    it("has every member the builtin client requires, with use sig and alg RS256", async () => {
        const jwk = await privateJwkFromPem(pem);
        for (const m of PRIVATE_JWK_MEMBERS) expect(jwk[m], m).toMatch(/\S/);
        expect(jwk).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256" });
    });

    it("uses the RFC 7638 thumbprint as kid", async () => {
        const jwk = await privateJwkFromPem(pem);
        expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: "RSA", n: jwk.n, e: jwk.e }));
        expect((await privateJwkFromPem(pkcs8())).kid).not.toBe(jwk.kid);
    });

    it("refuses a key that is not 2048 bits", async () => {
        await expect(privateJwkFromPem(pkcs8(3072))).rejects.toThrow("the key pair has 3072 bits; Maskinporten accepts only 2048");
    });
});

describe("encoding", () => {
    it("stores the JWK as standard base64, padded, never base64url", async () => {
        const encoded = encodeJwk(await privateJwkFromPem(pem));
        expect(encoded).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
        expect(encoded.length % 4).toBe(0);
        expect(Buffer.from(encoded, "base64").toString("base64")).toBe(encoded);
    });

    it("is deterministic: the same key gives the same bytes", async () => {
        const a = encodeJwk(await privateJwkFromPem(pem));
        const b = encodeJwk(await privateJwkFromPem(pem));
        expect(a).toBe(b);
    });

    it("encodes one JWK object, not a JWK Set", async () => {
        const decoded = JSON.parse(Buffer.from(encodeJwk(await privateJwkFromPem(pem)), "base64").toString("utf8"));
        expect(decoded.keys).toBeUndefined();
        expect(decoded.kty).toBe("RSA");
    });
});

describe("public JWK", () => {
    it("has no private members", async () => {
        const pub = publicJwk(await privateJwkFromPem(pem));
        expect(Object.keys(pub).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
        const set = jwks([pub]);
        expect(set.keys[0]).toEqual(pub);
        for (const m of ["d", "p", "q", "dp", "dq", "qi"]) expect(JSON.stringify(set)).not.toContain(`"${m}"`);
    });
});
