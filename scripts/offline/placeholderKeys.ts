/**
 * Placeholder RSA key pairs for the offline plan. A fresh RSA-2048 key costs two 1024-bit primes
 * (~60 ms of CPU); the plan only needs keys that look and parse like the real ones and have
 * distinct kids, never keys anyone uses. So every pair of primes from a pool makes one key: k
 * primes give k(k-1)/2 distinct, well-formed keys (2048 bits, e = 65537, n, d, p, q, dp, dq, qi
 * consistent). The pool starts with PLACEHOLDER_PRIMES, published here on purpose (120 keys at
 * the cost of a modular inverse each, the same kids on every run); past those it draws fresh
 * primes. Keys made of public or shared primes are worthless as secrets: they never leave the
 * offline plan, which labels their kids as placeholders.
 */
import { createPrivateKey, generatePrime, KeyObject } from "node:crypto";

const E = 65537n;
const PRIME_BITS = 1024;
/** 1024-bit primes >= PRIME_FLOOR with gcd(65537, p - 1) = 1; tests/placeholderKeys.test.ts checks them. */
export const PLACEHOLDER_PRIMES: readonly bigint[] = [
    0xfc39291fcb06fbe0fbae3d9a856755bd927f0a74e38081bc55ff273370b9c81dedefb7daa5636dd087ae2989894bb837df950c30efa48d99a4cebc10d02cb2de791289d80cbdb5d76b98335cd85fec4dcaee2bf39dae3ad0de2fe789a2c178b29506efccf5f5ff2087c8f5572bc903ec7416582746aa9c2418364bf54a176035n,
    0xdbce36ffe38b1d63fdc62bdb8cc9027548b09b159bd2dbb5e16c77763a7ac7b478272802016088c122ad79ca11b4af06a3736a51eea717e5aa68c83cb6ea620dcb7b86a2b93a6ff7a349c9ed4da091ff30f8c04eeb99c82f529f0cc1dd7e3fd909e009d25b81dd52e00f48bb29347be3072958e64f38690b312514245d731859n,
    0xc7935b77e895d1addb71fd2eb1f33631779159cb0d5f19a2e1df2c93c2a9830189881500f2fe982353870601c43cec35a2a87aee690bcd7732a3a41753027b02682815a6468871ab693c3721bb4fc19f78efae53e027be77eb0ad5d36acdab274393f5a987fee4f245924ffa1c27b289cebdc909fe4530f7f8af35deffeb91cdn,
    0xd30ca60e9f20d63210968e8a45236f1b1d3c6e6039502af2b8c857ea316c0b635aed4d9f18cc9c5b99bd7b6268924311427fa0b5b4606bfcb5d22f63dd4016652a7b56695033cd7b7b381b813af8f087e1001858decee290324c00f634fcc3592c88c4b52654ddf2c91f2fda47a4525f74b5331cb51b5ed3626b7131d96204f1n,
    0xe2273f5717fbd322d10ede402ed9f629420dc3c35879f4b16b4e30c0af50fffd8f6cfb5a9a0bb0c44a40780fb9e0f80c7ab70e17d16972338c7b0954c7695f4ded3b096614fceb2c058885400d20ee926ee2a2d5be54dcfb00113ba50966d4b3d359ab486901142de28058c41749a310a74020ab9b524be0d6e72b2def4ec48dn,
    0xcf06c3ba61199eb5a5cb9888c79ca32d6f7f0acdd4f389139bd279888b4a621fab3695690781b00c1287bd8d874dd3b8ca81c4eca9654e66ec09d28294982a55ab529acc298691cbae50d6ac665de19080c2568acf0143cceb7f6a5dc88b3ad95b2ae27b3afc45e3d723927ff31c21d98a87364db9b992ef2d5d7f555dbd4f31n,
    0xcc5f9231f9b7d78bb71cb159b44f9c20aa036e7bc565999de3756f0afc29adac61bbae7348d6e1a2f20a5e96c1b3afa68523a3a02c47dd649d2e9b5f7ccc8fe9735947c839cfe8182d231786ec845e9dfea0457d0ee841540836ce052bc9a52cf53232f02a4adc2dbfee85449bc1332d5396586ff83d53bb709378eea0490b4bn,
    0xcdf21ecd737e6016aaf79c689ed6a022134cde749a007796f6a28a470b26827809d99e0ba3f117154c1c5375a2426a78a0687ef9b739722ceeaa1aef26d91f0d962569e561ff33d4e6b38342608258795e800828ec6520040d8e56e0e8ee39b47e94f21977074a01200a5a72cb9f4e511f1435f0aa792e069430135e5df6523fn,
    0xfec98799ad1842d4ca998d8fd8bfd811df07582333d4bec03001889ef0975217ebb9b2bd6a04d7c930dfb16005eeb89e1a2b8f41501d0c04a8c550b7931119a5e29917d7cabc1e1ab26d3a056d443f19db8ebe08a089e1561f9c3dc0b747d2df0bc6842c25e8a3a5f4eea043539a1c4b2b57119770e16c260f39f71fe3d9c169n,
    0xe5c37c01c3408d08cc7cccf0545023644f9d90b488c76db1abbad772410fe4d7595659b2140d27edb52e172c8930455d0ced95a4ea737982f3736762c0d8cc5fb61b4d2607f8493d417c90a918ce0198cd6ce6d294c2eef40e81c361cab47da9e2f909286d1fa54d374a489aa8ab1c8a63473947acbbabd2462f9ef2623367b3n,
    0xcb86a269e03d3975bc9c296a09c5879dabca7e7812e8666644a3c0dc13521977814fc91beeb895af55f6706e7bdba073b6a7d66f98f7d2825a368c1afd69181883bb171b1b9fb1a50af6e21102586f64c91b73ce8a777e6ecb7dda32e75f269545853b34da7d7846621413b18cdb6cd8c971e2fa9390042587784f9c02137debn,
    0xe64dfa3b33d6e59fadf9bbf5d0536fd4a622fad6da45c5d4da4b3e9f08c3efce9187ac5ff029aed61b7e11b65091030a935c4c75bd0da0c5a539638e4749bdf710d6949d83c1abef62d05e4ece8c064623d90473e3edaa4a1acaca4d497797442c3f1735a96e85df97135a5918352d325d82756a0662f2d7a32f05c60bd9bf2bn,
    0xe36592d45597a2f86cb6ec1648b687bfad082ad1f4ed65dde53ad57c8c525e3f576a6abb4220f6a312e68eb64a008b75abd231b91045c46fe4c00b80fc1a8cb68e81bde327e384fd4320a9b062995c8ebe26e871fba33996b852359e3796e59f8652a47d81a58591c6fb0808773a72ada2609e0f5414851bcf5cfa23a92040abn,
    0xea7bf621ecc4e7a2bc809eb9aee600643f34c72a49a0196aa4c481bb4c10c9f1adfb83bf248457f4d18e1705231f77b6b1359969e184f976b5e5d2a218ec6e3fd618a66cd400a8952185cdee88ebf9f887225570dc51cf1399e27ce07b741649bd2f2dbcee3755853150066f260e29fe9ea9e03c6145cac61afb2f91d1fb5631n,
    0xcb77ab3d10c38141742d1d5ccc7134e89c1d8020808be3306cc6e45ef2e52bfffbe1d4df887c04ec76cac3d1bffe6fe18659948d4b548414dac4b06da2173091cd3ee9b8f441cfaf70f0cf52a605c2811fa8be489d48464438098a20fcfced99a65a332548a4a43d21fb315020976a61da6d8f2bd22db84b3ad9d096dd265789n,
    0xe6d75458720eb0cc978f03bb565bc5a77fb5586d1225a74b3f5fcf62b49d8d9bbb5a2b5ed850d26a6715fca76d2c7fbcd33abca12c9b22d0225b03849e61be83fbbb49f0d16d5b0f16a9a2c183641213cfea814dd3151595db3133e725540fc89964ee1c7876a385f801ff8c9dc405a1555e96f1954f15679ea67e053aa45289n,
];

/** Both primes at least sqrt(2) * 2^1023, so their product has exactly 2048 bits. */
const PRIME_FLOOR = 0xb505n << BigInt(PRIME_BITS - 16);

function randomPrime(bits: number): Promise<bigint> {
    return new Promise((resolve, reject) => generatePrime(bits, { bigint: true }, (err, p) => (err ? reject(err) : resolve(p))));
}

function gcd(a: bigint, b: bigint): bigint {
    while (b) [a, b] = [b, a % b];
    return a;
}

/** a^-1 mod m (extended Euclid); a and m coprime. */
function modInverse(a: bigint, m: bigint): bigint {
    let [r0, r1, s0, s1] = [((a % m) + m) % m, m, 1n, 0n];
    while (r1) {
        const q = r0 / r1;
        [r0, r1] = [r1, r0 - q * r1];
        [s0, s1] = [s1, s0 - q * s1];
    }
    return ((s0 % m) + m) % m;
}

function base64url(n: bigint): string {
    const hex = n.toString(16);
    return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex").toString("base64url");
}

/** A 1024-bit prime p with p >= PRIME_FLOOR and gcd(e, p - 1) = 1. */
async function suitablePrime(): Promise<bigint> {
    for (;;) {
        const p = await randomPrime(PRIME_BITS);
        if (p >= PRIME_FLOOR && gcd(E, p - 1n) === 1n) return p;
    }
}

/** The RSA private key made of two distinct primes. */
export function rsaKeyFromPrimes(p: bigint, q: bigint): KeyObject {
    const n = p * q;
    // d from phi rather than lcm(p-1, q-1): as valid (e*d = 1 mod lambda too), one big gcd fewer.
    const phi = (p - 1n) * (q - 1n);
    const d = modInverse(E, phi);
    const qi = modInverse(q, p);
    const jwk = { kty: "RSA", n: base64url(n), e: base64url(E), d: base64url(d), p: base64url(p), q: base64url(q), dp: base64url(d % (p - 1n)), dq: base64url(d % (q - 1n)), qi: base64url(qi) };
    // A wrong inverse would show here, not as a bad signature three layers up.
    if (p === q || (d * E) % phi !== 1n || (qi * q) % p !== 1n) throw new Error("placeholder key is inconsistent");
    return createPrivateKey({ key: jwk, format: "jwk" });
}

/** Hands out distinct placeholder keys; one pool per process (or per mocks installation). */
export class PlaceholderKeyPool {
    private readonly primes: Promise<bigint>[] = PLACEHOLDER_PRIMES.map((p) => Promise.resolve(p));
    private issued = 0;

    /** Primes `a` and `b` (a > b) of the i-th key: (1,0), (2,0), (2,1), (3,0), ... */
    private static pairOf(i: number): [number, number] {
        let a = 1;
        while ((a * (a + 1)) / 2 <= i) a++;
        return [a, i - (a * (a - 1)) / 2];
    }

    private prime(index: number): Promise<bigint> {
        // Past the published primes, fresh ones are drawn in the thread pool, so both cores work.
        while (this.primes.length <= index) this.primes.push(suitablePrime());
        return this.primes[index];
    }

    /** How many keys were handed out. */
    get count(): number {
        return this.issued;
    }

    async next(): Promise<KeyObject> {
        const [a, b] = PlaceholderKeyPool.pairOf(this.issued++);
        const [p, q] = await Promise.all([this.prime(a), this.prime(b)]);
        return rsaKeyFromPrimes(p, q);
    }
}
