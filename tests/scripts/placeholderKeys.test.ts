import { checkPrimeSync, createPublicKey, KeyObject, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { privateJwkFromPem, PRIVATE_JWK_MEMBERS } from "../../core/maskinporten/jwk";
import { PlaceholderKeyPool, PLACEHOLDER_PRIMES } from "../../scripts/offline/placeholderKeys";

describe("offline placeholder keys", () => {
    it("publishes only 1024-bit primes large enough for a 2048-bit modulus, usable with e = 65537", () => {
        expect(PLACEHOLDER_PRIMES.length).toBeGreaterThanOrEqual(15);
        expect(new Set(PLACEHOLDER_PRIMES).size).toBe(PLACEHOLDER_PRIMES.length);
        for (const p of PLACEHOLDER_PRIMES) {
            expect(p.toString(2)).toHaveLength(1024);
            expect(p >= 0xb505n << 1008n).toBe(true);
            expect((p - 1n) % 65537n).not.toBe(0n);
            expect(checkPrimeSync(p)).toBe(true);
        }
    });

    it("hands out distinct, well-formed RSA-2048 keys that sign and verify, without generating any", async () => {
        const pool = new PlaceholderKeyPool();
        const started = process.hrtime.bigint();
        const keys = await Promise.all(Array.from({ length: 105 }, (_, i) => pool.keyFor(`maskinporten-Client${i}-key-1`)));
        // 105 fresh RSA-2048 keys take seconds; pairs of published primes take milliseconds each.
        expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(3000);
        const jwks = await Promise.all(keys.slice(0, 12).map((k) => privateJwkFromPem(String(k.export({ type: "pkcs8", format: "pem" })))));
        for (const jwk of jwks) for (const m of PRIVATE_JWK_MEMBERS) expect(jwk[m]).toBeTruthy();
        expect(new Set(jwks.map((j) => j.kid)).size).toBe(12);
        const moduli = keys.map((k) => createPublicKey(k).export({ format: "jwk" }).n);
        expect(new Set(moduli).size).toBe(105);
        for (const key of [keys[0], keys[104]]) {
            expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
            const signature = sign("sha256", Buffer.from("assertion"), key);
            expect(verify("sha256", Buffer.from("assertion"), createPublicKey(key), signature)).toBe(true);
        }
    });

    it("gives a resource the same key whatever was asked for before it", async () => {
        const modulus = (k: KeyObject) => createPublicKey(k).export({ format: "jwk" }).n;
        const alone = new PlaceholderKeyPool();
        const afterOthers = new PlaceholderKeyPool();
        for (let i = 0; i < 20; i++) await afterOthers.keyFor(`maskinporten-Other${i}-key-1`);
        expect(modulus(await afterOthers.keyFor("maskinporten-Mine-key-1"))).toBe(modulus(await alone.keyFor("maskinporten-Mine-key-1")));
        expect(modulus(await alone.keyFor("maskinporten-Mine-key-1"))).toBe(modulus(await alone.keyFor("maskinporten-Mine-key-1")));
    });
});
