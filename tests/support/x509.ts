/**
 * Throwaway X.509 certificates for tests, built with node:crypto and a few lines of DER: Node can
 * parse and verify certificates (X509Certificate) but not create them, and this avoids a
 * dependency (and any openssl process) for what a business certificate chain looks like.
 */
import { createSign, KeyObject } from "node:crypto";

function length(n: number): Buffer {
    if (n < 0x80) return Buffer.from([n]);
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const oid = (hex: string) => tlv(0x06, Buffer.from(hex, "hex"));
const SHA256_WITH_RSA = seq(oid("2a864886f70d01010b"), Buffer.from([0x05, 0x00]));
const name = (cn: string) => seq(tlv(0x31, seq(oid("550403"), tlv(0x0c, Buffer.from(cn, "utf8")))));
const utcTime = (d: Date) => tlv(0x17, Buffer.from(d.toISOString().replace(/^\d\d|[-:T]|\.\d+/g, "").replace(/Z$/, "Z"), "ascii"));

/** A certificate for `subjectKey`, signed by `issuerKey` (self-signed when they are the same), as PEM. */
export function certificate(opts: { subject: string; issuer: string; subjectKey: KeyObject; issuerKey: KeyObject; serial: number; days?: number }): string {
    const now = Date.now();
    const tbs = seq(
        tlv(0xa0, tlv(0x02, Buffer.from([2]))),
        tlv(0x02, Buffer.from([opts.serial & 0x7f])),
        SHA256_WITH_RSA,
        name(opts.issuer),
        seq(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + (opts.days ?? 30) * 86_400_000))),
        name(opts.subject),
        opts.subjectKey.export({ type: "spki", format: "der" }) as Buffer,
    );
    const signature = createSign("sha256").update(tbs).sign(opts.issuerKey);
    const der = seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
    return `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}
