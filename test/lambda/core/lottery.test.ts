import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALGORITHM_VERSION,
  commitment,
  draw,
  drawMac,
  drawReference,
  isCommitment,
  LotteryError,
  MAX_DRAW_KEY_LENGTH,
  seedFromHex,
  seedToHex,
  uniformFromMac,
} from '../../../lambda/core/lottery';
import { hmacSha256, independentDraw } from '../../support/independent-hmac';

const KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

/** Known answers, computed with `openssl dgst -sha256 -mac HMAC -macopt hexkey:KEY` and Python. */
const VECTORS = [
  {
    key: '5ca32fbd-8f92-46af-92a5-6b0f970f0efe',
    mac: '86057f6aa45450a640be978a5e708a558fe42d40f737f6d228f9bac5cc6a119f',
    u: 0.5235213885647039,
  },
  {
    key: '00000000-0000-4000-8000-000000000000',
    mac: 'f2eccb42d9497c9eab593284ac3690e6f9da714fd336584eac6f0dd33a1c7765',
    u: 0.9489256895260832,
  },
  {
    key: 'été',
    mac: 'e9e734f82e5dc5a3d8852a5c46e5613c09ac38b932b5e3fc4d5fae31c3205091',
    u: 0.9136841874991353,
  },
];

/**
 * Seeds and keys across the padding boundaries of the fast path (55/56 bytes: one or two inner
 * blocks; 256: the longest key), each MAC computed once with
 * `printf %s KEY | openssl dgst -sha256 -mac HMAC -macopt hexkey:SEED` and written down here, so the
 * check runs everywhere, with or without openssl.
 */
const OPENSSL_VECTORS = [
  {
    seed: 'a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00',
    key: `contact-3-é-${'x'.repeat(39)}`,
    mac: '66824a92ae5a76ca96f0d6606bd3cf3a50fdf7918d5aab6197b8fd01dcb2515a',
    u: 0.40042558747368573,
  },
  {
    seed: 'f'.repeat(64),
    key: 'k'.repeat(55),
    mac: '083c585bf7109974f25ee5358b8cda050f18f9edf9d5c07e196ba10c140ea1c0',
    u: 0.03217079396478295,
  },
  {
    seed: `${'0'.repeat(62)}ff`,
    key: 'k'.repeat(56),
    mac: 'efe88c60c9b3118cf55267eb76697d1f23f573bb23bf62648b7c41e48c142f64',
    u: 0.9371421562479549,
  },
  {
    seed: '7f3a9c0e5d2b18466e0a91c2d3b4f5061728394a5b6c7d8e9fa0b1c2d3e4f506',
    key: 'z'.repeat(256),
    mac: '8443274d821b6089bc8d5cc9be5b5751e342e8c34a8c5124730b67471f652885',
    u: 0.5166496814946249,
  },
  {
    seed: '0123456789abcdef'.repeat(4),
    key: '日本語の鍵🙂',
    mac: '06cd37f4c8d2fa8bc39ee3f4e8f4dc9bb1dea634ceeec4e67fe9961f9b12f82a',
    u: 0.02656888700660065,
  },
];

describe('draw (step 4)', () => {
  const seed = seedFromHex(KEY);

  it('matches published known-answer vectors', () => {
    expect(ALGORITHM_VERSION).toBe('fairlisten-lottery-v1');
    for (const v of VECTORS) {
      expect(draw(seed, v.key)).toBe(v.u);
      expect(drawReference(seed, v.key)).toBe(v.u);
      expect(independentDraw(KEY, v.key)).toBe(v.u);
    }
  });

  it('agrees with MACs computed by openssl (padding boundaries, the longest key, unicode)', () => {
    for (const v of OPENSSL_VECTORS) {
      const seedV = seedFromHex(v.seed);
      expect(drawMac(seedV, v.key).toString('hex')).toBe(v.mac);
      expect(independentDraw(v.seed, v.key)).toBe(v.u);
      expect(drawReference(seedV, v.key)).toBe(v.u);
      expect(draw(seedV, v.key)).toBe(v.u);
      expect(uniformFromMac(Buffer.from(v.mac, 'hex'))).toBe(v.u);
    }
  });

  it('keeps a cached key schedule per seed: interleaved seeds give each its own draw', () => {
    const [a, b] = [OPENSSL_VECTORS[0]!, OPENSSL_VECTORS[1]!];
    for (let i = 0; i < 3; i++) {
      expect(draw(seedFromHex(a.seed), a.key)).toBe(a.u);
      expect(draw(seedFromHex(b.seed), b.key)).toBe(b.u);
    }
    // Seeds differing only in the last byte must not share the cache.
    const s1 = seedFromHex(`${'0'.repeat(62)}fe`);
    const s2 = seedFromHex(`${'0'.repeat(62)}ff`);
    expect(draw(s1, 'k'.repeat(56))).toBe(independentDraw(seedToHex(s1), 'k'.repeat(56)));
    expect(draw(s2, 'k'.repeat(56))).toBe(OPENSSL_VECTORS[2]!.u);
  });

  it('a seed buffer changed in place after a draw is drawn under its new bytes, not the cached ones', () => {
    const v = OPENSSL_VECTORS[2]!;
    const buf = seedFromHex(`${'0'.repeat(62)}fe`);
    expect(draw(buf, v.key)).toBe(independentDraw(`${'0'.repeat(62)}fe`, v.key));
    buf[31] = 0xff; // the same object now holds the vector's seed
    expect(draw(buf, v.key)).toBe(v.u);
  });

  it('fast path equals the reference and the independent HMAC for any seed and key (incl. multi-block, unicode)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ minLength: 1, maxLength: 120, unit: 'grapheme' }),
        (s, key) => {
          fc.pre(key.length <= 256);
          const u = draw(s, key);
          expect(u).toBe(drawReference(s, key));
          expect(u).toBe(independentDraw(Buffer.from(s).toString('hex'), key));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is deterministic and in [0, 1)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uuid(), (s, id) => {
        const u = draw(s, id);
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThan(1);
        expect(draw(new Uint8Array(s), id)).toBe(u);
        expect(Number.isInteger(u * 2 ** 53)).toBe(true);
      }),
    );
  });

  it('selects a share of contacts within 5 sigma of the rate', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.double({ min: 0.01, max: 0.3, noNaN: true }),
        (s, rate) => {
          const n = 20_000;
          let hits = 0;
          for (let i = 0; i < n; i++) if (draw(s, crypto.randomUUID()) < rate) hits++;
          const sigma = Math.sqrt(n * rate * (1 - rate));
          expect(Math.abs(hits - n * rate)).toBeLessThan(5 * sigma);
        },
      ),
      { numRuns: 5 },
    );
  });

  it('accepts a key of exactly 256 characters and refuses 257, in draw and drawMac alike', () => {
    const longest = 'x'.repeat(MAX_DRAW_KEY_LENGTH);
    expect(MAX_DRAW_KEY_LENGTH).toBe(256);
    expect(draw(seed, longest)).toBe(independentDraw(KEY, longest));
    expect(drawMac(seed, longest)).toEqual(hmacSha256(seed, Buffer.from(longest)));
    for (const f of [draw, drawMac, drawReference] as ((s: Uint8Array, k: string) => unknown)[]) {
      expect(() => f(seed, `${longest}x`)).toThrow(/at most 256 characters/);
      expect(() => f(seed, '')).toThrow(/non-empty string/);
      expect(() => f(seed, 42 as unknown as string)).toThrow(LotteryError);
      expect(() => f(new Uint8Array(31), 'x')).toThrow(/a seed must be 32 bytes/);
      expect(() => f(new Uint8Array(33), 'x')).toThrow(/a seed must be 32 bytes/);
      expect(() => f(Array.from(seed) as unknown as Uint8Array, 'x')).toThrow(/a seed must be 32 bytes/);
    }
  });

  it('rejects bad seeds and keys with LotteryError', () => {
    expect(() => draw(new Uint8Array(31), 'x')).toThrow(LotteryError);
    expect(() => draw(seed, '')).toThrow(LotteryError);
    expect(() => draw(seed, 'x'.repeat(257))).toThrow(LotteryError);
    expect(() => seedFromHex('ab')).toThrow(LotteryError);
    expect(() => seedFromHex(KEY.toUpperCase())).toThrow(LotteryError);
    expect(() => seedFromHex(`${KEY.slice(0, 63)}g`)).toThrow(LotteryError);
  });

  it('reads seeds and MACs that are views into a larger buffer at their own offset', () => {
    const backing = new Uint8Array(48).fill(0xee);
    backing.set(seed, 8);
    const view = backing.subarray(8, 40);
    expect(seedToHex(view)).toBe(KEY);
    expect(commitment(view)).toBe(commitment(seed));
    expect(draw(view, VECTORS[0]!.key)).toBe(VECTORS[0]!.u);
    const mac = Buffer.from(VECTORS[0]!.mac, 'hex');
    const macBacking = new Uint8Array(mac.length + 5).fill(0xff);
    macBacking.set(mac, 5);
    expect(uniformFromMac(macBacking.subarray(5))).toBe(VECTORS[0]!.u);
    expect(uniformFromMac(mac.subarray(0, 8))).toBe(VECTORS[0]!.u);
    expect(() => uniformFromMac(mac.subarray(0, 7))).toThrow(/at least 8 bytes/);
  });

  it('accepts only seeds and commitments of the published form', () => {
    expect(() => seedFromHex([KEY] as unknown as string)).toThrow(/64 lowercase hex characters/);
    expect(() => seedFromHex(`${KEY}0`)).toThrow(LotteryError);
    expect(() => seedToHex(new Uint8Array(31))).toThrow(/32 bytes/);
    expect(() => commitment(new Uint8Array(33))).toThrow(/32 bytes/);
    expect(isCommitment(commitment(seed))).toBe(true);
    expect(isCommitment([commitment(seed)])).toBe(false);
    expect(isCommitment(commitment(seed).toUpperCase())).toBe(false);
    expect(isCommitment(commitment(seed).slice(1))).toBe(false);
    // U+007F is the last one-byte character: both encodings of a key containing it agree.
    expect(draw(seed, 'a\u007fb')).toBe(independentDraw(KEY, 'a\u007fb'));
    expect(draw(seed, 'a\u0080b')).toBe(independentDraw(KEY, 'a\u0080b'));
  });

  it('commitment is SHA-256 of the raw seed bytes', () => {
    expect(commitment(seed)).toBe(createHash('sha256').update(Buffer.from(KEY, 'hex')).digest('hex'));
    expect(seedToHex(seed)).toBe(KEY);
  });
});
