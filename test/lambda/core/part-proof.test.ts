import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  compositeChecksum,
  type ProofPart,
  proofShapeProblems,
  sha256Base64,
} from '../../../lambda/core/part-proof';

// FIPS 180-2's "abc" vector: ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad.
const ABC = Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString(
  'base64',
);
const digestOf = (s: string) => createHash('sha256').update(s).digest('base64');

describe('part checksums', () => {
  it('a part’s checksum is its SHA-256 in base64, as S3 returns it', () => {
    expect(sha256Base64(new TextEncoder().encode('abc'))).toBe(ABC);
  });

  it('the composite is the SHA-256 of the binary part digests, then "-" and the part count', () => {
    const parts = [digestOf('one'), digestOf('two'), digestOf('three')];
    const joined = Buffer.concat(parts.map((d) => Buffer.from(d, 'base64')));
    expect(joined).toHaveLength(96);
    expect(compositeChecksum(parts)).toBe(`${createHash('sha256').update(joined).digest('base64')}-3`);
    // Order matters: S3 hashes the digests in part order.
    expect(compositeChecksum([...parts].reverse())).not.toBe(compositeChecksum(parts));
  });

  it.each([
    ['a hex digest', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['a digest without its padding', ABC.slice(0, 43)],
    ['a digest one character short', `${ABC.slice(0, 42)}=`],
    ['a digest with a character outside base64', `${ABC.slice(0, 42)}!=`],
    ['text around a digest', ` ${ABC}`],
  ])('refuses %s', (_what, digest) => {
    expect(() => compositeChecksum([ABC, digest])).toThrow(/not a base64 SHA-256 digest/);
  });
});

describe('proofShapeProblems', () => {
  const parts: ProofPart[] = [
    { start: 0, end: 10, sha256: digestOf('a') },
    { start: 10, end: 25, sha256: digestOf('b') },
    { start: 25, end: 30, sha256: digestOf('c') },
  ];
  const checksum = compositeChecksum(parts.map((p) => p.sha256));
  const edit = (i: number, over: Partial<ProofPart>) =>
    parts.map((p, j) => (j === i ? { ...p, ...over } : p));

  it('accepts parts that tile the file in order with the composite of their digests', () => {
    expect(proofShapeProblems(parts, checksum, 30)).toEqual([]);
  });

  it('names every shape problem, and checks the composite only when the shape is sound', () => {
    expect(proofShapeProblems([], checksum, 30)).toEqual(['the proof lists no parts']);
    expect(proofShapeProblems(edit(1, { start: 11 }), checksum, 30)).toEqual([
      'part 2: bytes 11-25 do not follow on from byte 10',
    ]);
    expect(proofShapeProblems(edit(1, { start: 9 }), checksum, 30)).toEqual([
      'part 2: bytes 9-25 do not follow on from byte 10',
    ]);
    // An empty part, a reversed one, and offsets that are not byte counts.
    expect(proofShapeProblems(edit(2, { end: 25 }), checksum, 25)).toEqual([
      'part 3: bytes 25-25 do not follow on from byte 25',
    ]);
    expect(proofShapeProblems(edit(0, { end: 10.5 }), checksum, 30)).toEqual([
      'part 1: bytes 0-10.5 do not follow on from byte 0',
      // A part end that is not a byte count moves nothing: the next part is checked from byte 0.
      'part 2: bytes 10-25 do not follow on from byte 0',
    ]);
    expect(proofShapeProblems(edit(0, { start: 0.5 }), checksum, 30)).toEqual([
      'part 1: bytes 0.5-10 do not follow on from byte 0',
    ]);
    expect(proofShapeProblems(edit(1, { sha256: 'nope' }), checksum, 30)).toEqual([
      'part 2: "nope" is not a SHA-256',
    ]);
    expect(proofShapeProblems(parts, checksum, 31)).toEqual(['the parts cover 30 bytes, the file has 31']);
    expect(proofShapeProblems(parts.slice(0, 2), checksum, 30)).toEqual([
      'the parts cover 25 bytes, the file has 30',
    ]);
  });

  it('refuses a composite that is not the one of the listed digests (a part swapped in)', () => {
    const swapped = edit(1, { sha256: digestOf('B') });
    const problems = proofShapeProblems(swapped, checksum, 30);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe(
      `the object checksum ${checksum} is not the composite of the part checksums (${compositeChecksum(swapped.map((p) => p.sha256))})`,
    );
    expect(proofShapeProblems(parts, checksum.replace('-3', '-2'), 30)).toHaveLength(1);
  });
});
