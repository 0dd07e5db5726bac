import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayRecord, PacingError, pacedLimit } from '../../../lambda/core/pacing';

describe('pacing (step 6)', () => {
  it('is ceil(max × f), 0 at f = 0', () => {
    expect(pacedLimit(8, 0)).toBe(0);
    expect(pacedLimit(8, Number.MIN_VALUE)).toBe(1);
    expect(pacedLimit(8, 0.125)).toBe(1);
    expect(pacedLimit(8, 0.1250001)).toBe(2);
    expect(pacedLimit(8, 0.999999)).toBe(8);
    expect(mayRecord(0, 8, 0)).toBe(false);
    expect(mayRecord(0, 8, 1e-9)).toBe(true);
    expect(mayRecord(1, 8, 0.125)).toBe(false);
    expect(mayRecord(7, 8, 0.99)).toBe(true);
    expect(mayRecord(8, 8, 0.99)).toBe(false);
  });

  it('never allows more than max', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (max, f) => {
          const limit = pacedLimit(max, f);
          expect(limit).toBeLessThanOrEqual(max);
          expect(mayRecord(max, max, f)).toBe(false);
        },
      ),
    );
  });

  it('rejects invalid inputs', () => {
    expect(() => pacedLimit(8, 1)).toThrow(PacingError);
    expect(() => pacedLimit(8, -0.1)).toThrow(PacingError);
    expect(() => pacedLimit(1.5, 0.5)).toThrow(PacingError);
    expect(() => mayRecord(-1, 8, 0.5)).toThrow(PacingError);
    expect(() => pacedLimit(-1, 0.5)).toThrow(/max must be a whole number ≥ 0, got -1/);
    expect(() => mayRecord(0, -1, 0.5)).toThrow(/max must be a whole number/);
    expect(() => pacedLimit(8, '0.5' as unknown as number)).toThrow(/f must be in \[0, 1\), got 0.5/);
    expect(() => pacedLimit(8, Number.NaN)).toThrow(PacingError);
    expect(() => mayRecord(0.5, 8, 0.5)).toThrow(/countSoFar must be a whole number/);
    expect(pacedLimit(0, 0.5)).toBe(0);
  });
});
