/**
 * An HMAC-SHA256 and draw written from the RFC 2104 definition on top of a plain SHA-256, sharing no
 * code with lambda/core/lottery.ts: the known-answer tests compare the implementation against it.
 */
import { createHash } from 'node:crypto';

export function hmacSha256(key: Uint8Array, message: Uint8Array): Buffer {
  const block = Buffer.alloc(64);
  Buffer.from(key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
  const ipad = Buffer.from(block.map((b) => b ^ 0x36));
  const opad = Buffer.from(block.map((b) => b ^ 0x5c));
  const inner = createHash('sha256').update(ipad).update(message).digest();
  return createHash('sha256').update(opad).update(inner).digest();
}

/** u = floor(x / 2^11) / 2^53, x = first 8 bytes big-endian — computed via a hex string and BigInt. */
export function independentDraw(seedHex: string, drawKey: string): number {
  const mac = hmacSha256(Buffer.from(seedHex, 'hex'), Buffer.from(drawKey, 'utf8'));
  const x = BigInt(`0x${mac.subarray(0, 8).toString('hex')}`);
  return Number(x / 2048n) / 9007199254740992;
}
