import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  assertPeriod,
  elapsedFraction,
  isPeriod,
  localDays,
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

describe('periods whose first midnight does not exist or occurs twice', () => {
  // Each of these zones moved its clocks forward at 00:00 on the 1st: the period starts at 01:00.
  it.each([
    ['America/Asuncion', '2017-10', '2017-10-01T04:00:00.000Z', '2017-11-01T03:00:00.000Z', 743],
    ['Asia/Damascus', '2006-04', '2006-03-31T22:00:00.000Z', '2006-04-30T21:00:00.000Z', 719],
    ['America/Havana', '2012-04', '2012-04-01T05:00:00.000Z', '2012-05-01T04:00:00.000Z', 719],
    ['Africa/Cairo', '2014-08', '2014-07-31T22:00:00.000Z', '2014-08-31T21:00:00.000Z', 743],
  ])('%s %s starts after the gap, at 01:00 local', (tz, period, start, end, hours) => {
    const b = periodBounds(period, tz);
    expect(b.start.toISOString()).toBe(start);
    expect(b.end.toISOString()).toBe(end);
    expect((b.end.getTime() - b.start.getTime()) / H).toBe(hours);
    expect(periodOf(b.start, tz)).toBe(period);
    expect(periodOf(new Date(b.start.getTime() - 1), tz)).toBe(previousPeriod(period));
    expect(periodBounds(previousPeriod(period), tz).end).toEqual(b.start);
    expect(elapsedFraction(b.start, tz)).toBe(0);
    expect(elapsedFraction(new Date(b.start.getTime() + H), tz)).toBe(1 / hours);
  });

  it('an instant after a fall-back past midnight belongs to the new period though the wall clock shows the old one', () => {
    // St John's went back from 00:01 NDT to 23:01 NST on 2009-11-01: 23:15 local on 31 October, the
    // second time, is already November by the published definition (the first November instant passed).
    const tz = 'America/St_Johns';
    const t = new Date('2009-11-01T02:45:00.000Z');
    expect(t.toLocaleString('en-GB', { timeZone: tz })).toBe('31/10/2009, 23:15:00');
    expect(periodBounds('2009-11', tz).start.toISOString()).toBe('2009-11-01T02:30:00.000Z');
    expect(periodOf(t, tz)).toBe('2009-11');
    expect(elapsedFraction(t, tz)).toBe(
      (15 * 60_000) / (periodBounds('2009-11', tz).end.getTime() - Date.parse('2009-11-01T02:30:00.000Z')),
    );
    expect(periodOf(new Date('2009-11-01T02:29:59.999Z'), tz)).toBe('2009-10');
  });

  it('finds an existing midnight with the two-pass offset guess alone (the search is only for gaps)', () => {
    // Zones and months no other test touches, so nothing is cached. Each period start costs two
    // offset look-ups and two checks; the binary search would cost ~40 more.
    const spy = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      for (const [tz, period, start] of [
        ['Asia/Kathmandu', '2031-05', '2031-04-30T18:15:00.000Z'],
        ['America/St_Johns', '2031-07', '2031-07-01T02:30:00.000Z'],
        ['Pacific/Chatham', '2031-01', '2030-12-31T10:15:00.000Z'],
        ['America/New_York', '2031-11', '2031-11-01T04:00:00.000Z'],
        ['Asia/Tokyo', '2031-03', '2031-02-28T15:00:00.000Z'],
        // An offset with seconds (Monrovia: −0:44:30 until 1972): the guess must read the seconds too.
        ['Africa/Monrovia', '1971-05', '1971-05-01T00:44:30.000Z'],
      ] as const) {
        spy.mockClear();
        expect(periodBounds(period, tz).start.toISOString(), `${tz} ${period}`).toBe(start);
        expect(spy.mock.calls.length, `${tz} ${period}`).toBeLessThanOrEqual(8);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('caches the last period per zone without letting its end leak into the next one', () => {
    const { end } = periodBounds('2027-02', PARIS);
    expect(periodOf(new Date(end.getTime() - 1), PARIS)).toBe('2027-02');
    expect(periodOf(end, PARIS)).toBe('2027-03');
    expect(elapsedFraction(end, PARIS)).toBe(0);
    expect(periodOf(new Date(end.getTime() - 1), PARIS)).toBe('2027-02');
    expect(periodOf(new Date(end.getTime() - 1), 'UTC')).toBe('2027-02');
    expect(periodOf(end, 'UTC')).toBe('2027-02');
  });
});

describe('local days of a period', () => {
  it('March 2026 in Paris: 31 days from Sunday the 1st, the 29th lasting 23 h (spring forward), cached', () => {
    const days = localDays('2026-03', PARIS);
    expect(days).toHaveLength(31);
    expect(days[0]).toEqual({ start: Date.parse('2026-02-28T23:00:00.000Z'), weekday: 0 });
    expect(days[1]).toEqual({ start: Date.parse('2026-03-01T23:00:00.000Z'), weekday: 1 });
    expect(days[28]!.start).toBe(Date.parse('2026-03-28T23:00:00.000Z'));
    expect(days[29]).toEqual({ start: Date.parse('2026-03-29T22:00:00.000Z'), weekday: 1 });
    expect(days[30]!.weekday).toBe(2);
    expect(days[0]!.start).toBe(periodBounds('2026-03', PARIS).start.getTime());
    expect(localDays('2026-03', PARIS)).toBe(days);
    expect(localDays('2024-02', 'UTC')).toHaveLength(29);
  });
});

describe('period strings', () => {
  it('accepts years 1970 to 9999 and months 01 to 12 only', () => {
    for (const ok of ['1970-01', '2026-12', '9999-12', '9999-01']) expect(isPeriod(ok), ok).toBe(true);
    for (const bad of [
      '1969-12',
      '10000-01',
      '2026-00',
      '2026-13',
      '2026-1',
      ' 2026-01',
      '2026-01 ',
      202601,
      null,
    ]) {
      expect(isPeriod(bad), String(bad)).toBe(false);
      expect(() => assertPeriod(bad)).toThrow(/is not a period \(YYYY-MM, years 1970–9999\)/);
    }
  });

  it('a value that only prints as a period is not one (a String object, an object with toString)', () => {
    for (const look of [new String('2026-01'), { toString: () => '2026-01' }, ['2026-01']]) {
      expect(isPeriod(look), String(look)).toBe(false);
      expect(() => assertPeriod(look)).toThrow(PeriodError);
    }
  });

  it('steps across the ends of the accepted range (9999-12 has no end, so no bounds)', () => {
    expect(nextPeriod('9999-11')).toBe('9999-12');
    expect(() => nextPeriod('9999-12')).toThrow(PeriodError);
    expect(previousPeriod('1970-02')).toBe('1970-01');
    expect(() => previousPeriod('1970-01')).toThrow(PeriodError);
    expect(nextPeriod('2026-09')).toBe('2026-10');
    expect(previousPeriod('2026-10')).toBe('2026-09');
    // The last period with an end is 9999-11; 9999-12 is a valid name but its end is out of range.
    expect(periodBounds('9999-11', 'UTC').end.toISOString()).toBe('9999-12-01T00:00:00.000Z');
    expect(() => periodBounds('9999-12', 'UTC')).toThrow(/"10000-01" is not a period/);
    expect(() => periodOf(new Date('9999-12-15T00:00:00Z'), 'UTC')).toThrow(PeriodError);
    expect(periodOf(new Date('1970-01-01T00:00:00Z'), 'UTC')).toBe('1970-01');
  });
});
