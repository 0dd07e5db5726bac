import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALGORITHM_VERSION,
  commitment,
  draw,
  drawReference,
  LotteryError,
  seedFromHex,
  seedToHex,
} from '../../../lambda/core/lottery';
import { independentDraw } from '../../support/independent-hmac';

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

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

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

  it.runIf(hasOpenssl())('agrees with openssl HMAC-SHA256 on random seeds and keys', () => {
    for (let i = 0; i < 8; i++) {
      const seedHex = randomBytes(32).toString('hex');
      const key = i % 2 ? crypto.randomUUID() : `contact-${i}-é-${'x'.repeat(i * 13)}`;
      const out = execFileSync(
        'openssl',
        ['dgst', '-sha256', '-mac', 'HMAC', '-macopt', `hexkey:${seedHex}`],
        {
          input: Buffer.from(key, 'utf8'),
        },
      ).toString();
      const hex = out.trim().split(/\s+/).pop()!;
      const u = Number(BigInt(`0x${hex.slice(0, 16)}`) >> 11n) / 2 ** 53;
      expect(draw(seedFromHex(seedHex), key)).toBe(u);
    }
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

  it('rejects bad seeds and keys with LotteryError', () => {
    expect(() => draw(new Uint8Array(31), 'x')).toThrow(LotteryError);
    expect(() => draw(seed, '')).toThrow(LotteryError);
    expect(() => draw(seed, 'x'.repeat(257))).toThrow(LotteryError);
    expect(() => seedFromHex('ab')).toThrow(LotteryError);
    expect(() => seedFromHex(KEY.toUpperCase())).toThrow(LotteryError);
    expect(() => seedFromHex(`${KEY.slice(0, 63)}g`)).toThrow(LotteryError);
  });

  it('commitment is SHA-256 of the raw seed bytes', () => {
    expect(commitment(seed)).toBe(createHash('sha256').update(Buffer.from(KEY, 'hex')).digest('hex'));
    expect(seedToHex(seed)).toBe(KEY);
  });
});
