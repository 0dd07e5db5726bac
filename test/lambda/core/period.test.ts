import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  elapsedFraction,
  nextPeriod,
  PeriodError,
  periodBounds,
  periodOf,
  previousPeriod,
} from '../../../lambda/core/period';

const PARIS = 'Europe/Paris';
const H = 3_600_000;

describe('periods in Europe/Paris', () => {
  it('March 2026 starts in CET, ends in CEST and lasts 743 h', () => {
    const { start, end } = periodBounds('2026-03', PARIS);
    expect(start.toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(end.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect((end.getTime() - start.getTime()) / H).toBe(743);
  });

  it('October 2026 lasts 745 h', () => {
    const { start, end } = periodBounds('2026-10', PARIS);
    expect(start.toISOString()).toBe('2026-09-30T22:00:00.000Z');
    expect(end.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect((end.getTime() - start.getTime()) / H).toBe(745);
  });

  it('assigns instants around month and year ends by local time', () => {
    expect(periodOf(new Date('2026-12-31T22:59:59.999Z'), PARIS)).toBe('2026-12');
    expect(periodOf(new Date('2026-12-31T23:00:00.000Z'), PARIS)).toBe('2027-01');
    expect(periodOf(new Date('2026-03-31T21:59:59.999Z'), PARIS)).toBe('2026-03');
    expect(periodOf(new Date('2026-03-31T22:00:00.000Z'), PARIS)).toBe('2026-04');
    expect(periodOf(new Date('2026-10-31T22:30:00.000Z'), PARIS)).toBe('2026-10');
    expect(periodOf(new Date('2026-10-31T23:00:00.000Z'), PARIS)).toBe('2026-11');
    expect(periodOf(new Date('2027-01-01T00:00:00.000Z'), 'UTC')).toBe('2027-01');
  });

  it('elapsed fraction is 0 at the first instant and counts real hours across DST', () => {
    expect(elapsedFraction(new Date('2026-02-28T23:00:00.000Z'), PARIS)).toBe(0);
    // 2026-03-29 is the change to summer time: noon local on the 29th is 27·24 + 12 − 0 = 660 h...
    // in UTC it is 2026-03-29T10:00Z, i.e. 28 days and 11 h after the start.
    expect(elapsedFraction(new Date('2026-03-29T10:00:00.000Z'), PARIS)).toBe((28 * 24 + 11) / 743);
    expect(elapsedFraction(new Date('2026-10-31T22:59:59.999Z'), PARIS)).toBe((745 * H - 1) / (745 * H));
  });

  it('next/previous periods wrap years and validate', () => {
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(previousPeriod('2027-01')).toBe('2026-12');
    expect(() => nextPeriod('2026-13')).toThrow(PeriodError);
    expect(() => periodBounds('2026-1', PARIS)).toThrow(PeriodError);
    expect(() => periodOf(new Date(Number.NaN), PARIS)).toThrow(PeriodError);
    expect(() => periodOf(new Date(), 'Mars/Olympus')).toThrow(PeriodError);
  });

  it('periodOf and periodBounds agree for any instant in several zones', () => {
    const zones = [
      PARIS,
      'UTC',
      'America/Sao_Paulo',
      'Australia/Lord_Howe',
      'Pacific/Apia',
      'America/Santiago',
      'Asia/Kolkata',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, tz) => {
          const t = new Date(ms);
          const p = periodOf(t, tz);
          const { start, end } = periodBounds(p, tz);
          expect(start.getTime()).toBeLessThanOrEqual(ms);
          expect(end.getTime()).toBeGreaterThan(ms);
          expect(periodOf(new Date(start.getTime() - 1), tz)).toBe(previousPeriod(p));
          const f = elapsedFraction(t, tz);
          expect(f).toBeGreaterThanOrEqual(0);
          expect(f).toBeLessThan(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
