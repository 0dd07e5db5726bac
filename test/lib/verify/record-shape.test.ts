/** The streamed audit verification's record check is the schema's, field for field. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditRecordSchema } from '../../../lambda/core/audit-chain';
import { isRecordShape } from '../../../lib/verify/audit-export';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
/** Mostly valid (so that whole records are valid often), sometimes one of the invalid values. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
/** Each field: a valid value, or one of the ways a forger gets it wrong. */
const field = {
  chain: mostly(fc.string({ minLength: 1, maxLength: 200 }), fc.constantFrom('', 'x'.repeat(201), 7, null)),
  seq: mostly(fc.integer({ min: 1 }), fc.constantFrom(0, -1, 1.5, '3', Number.MAX_SAFE_INTEGER + 2)),
  kind: mostly(fc.stringMatching(/^[a-z][a-z-]{0,8}$/), fc.constantFrom('', 'Decision', 'a_b', '-a', 1)),
  at: mostly(
    fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom(
      '2026-13-45T99:99:99Z',
      '2026-11-01T00:00:00+01:00',
      '2026-11-01',
      '2026-11-01T00:00:00.1234567891Z',
    ),
  ),
  actor: mostly(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('', null)),
  subject: mostly(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('', null, 3)),
  data: mostly(
    fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
    fc.constantFrom([], null, 'x', 1),
  ),
  prevHash: mostly(hex64, fc.constantFrom('0'.repeat(63), 'A'.repeat(64))),
  hash: mostly(hex64, fc.constantFrom('g'.repeat(64), '')),
};

describe('isRecordShape', () => {
  it('accepts exactly what auditRecordSchema accepts (JSON-parsed values, strings well formed)', () => {
    let validCount = 0;
    fc.assert(
      fc.property(
        fc.record(field, {
          requiredKeys: ['chain', 'seq', 'kind', 'at', 'actor', 'data', 'prevHash', 'hash'],
        }),
        mostly(fc.constant(undefined), fc.constantFrom('extra', '__proto__', 'expiresAt')),
        mostly(fc.constant(undefined), fc.constantFrom(...Object.keys(field))),
        (record, extra, dropped) => {
          const object: Record<string, unknown> = { ...record };
          if (dropped) delete object[dropped];
          const text = JSON.stringify(object).replace(
            /^\{/,
            extra ? `{"${extra}":1${Object.keys(object).length ? ',' : ''}` : '{',
          );
          const value: unknown = JSON.parse(text);
          const valid = auditRecordSchema.safeParse(value).success;
          expect(isRecordShape(value)).toBe(valid);
          if (valid) validCount++;
        },
      ),
      { numRuns: 2000 },
    );
    expect(validCount).toBeGreaterThan(200); // both answers are exercised
  });
});

describe('isRecordShape at the edges the property rarely reaches', () => {
  const valid = {
    chain: 'c'.repeat(200),
    seq: Number.MAX_SAFE_INTEGER,
    kind: 'listen',
    at: '2026-11-01T00:00:00.000Z',
    actor: 'coach-1',
    data: {},
    prevHash: '0'.repeat(64),
    hash: 'a'.repeat(64),
  };
  it.each([
    ['the longest chain and the largest seq', valid],
    ['a subject', { ...valid, subject: 's' }],
    ['a chain one character too long', { ...valid, chain: 'c'.repeat(201) }],
    ['a kind in an array', { ...valid, kind: ['listen'] }],
    ['a time in an array', { ...valid, at: [valid.at] }],
    ['a previous hash in an array', { ...valid, prevHash: [valid.prevHash] }],
    ['a hash in an array', { ...valid, hash: [valid.hash] }],
    ['a seq in a string', { ...valid, seq: '5' }],
    ['an unknown field', { ...valid, expiresAt: 1 }],
    ['a field missing', { ...valid, actor: undefined }],
    ['an array', [valid]],
    ['null', null],
    ['a string', JSON.stringify(valid)],
    ['an empty string', ''],
    ['a number', 3],
    ['true', true],
    ['a seq past the largest safe integer', { ...valid, seq: Number.MAX_SAFE_INTEGER + 1 }],
  ])('answers as the schema for %s', (_name, value) => {
    const parsed: unknown = JSON.parse(JSON.stringify(value));
    expect(isRecordShape(parsed)).toBe(auditRecordSchema.safeParse(parsed).success);
  });
});
