import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatClock, parseClock, passageRange } from '../../app/src/ranges';

describe('parseClock / formatClock', () => {
  it.each([
    ['00:10', 10],
    ['1:05', 65],
    ['10:00', 600],
    [' 02:30 ', 150],
    ['120:59', 7259],
  ])('%s is %i s', (text, seconds) => expect(parseClock(text)).toBe(seconds));

  it.each(['', '10', '00:60', '0:5', 'aa:bb', '-1:00', '00:10:00', '1234:00', '00,10'])(
    'refuses %j',
    (text) => expect(parseClock(text)).toBeUndefined(),
  );

  it('round-trips every whole number of seconds below 1000 minutes', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 59_999 }), (s) => parseClock(formatClock(s)) === s));
  });
});

describe('passageRange', () => {
  const range = (from: string, to: string) => ({ kind: 'range' as const, from, to });
  it('gives the range in seconds when it is well formed, ordered and within the recording', () => {
    expect(passageRange(range('00:10', '00:25'), 60)).toEqual({ ok: true, range: { from: 10, to: 25 } });
    expect(passageRange(range('00:10', '01:00'), 60)).toEqual({ ok: true, range: { from: 10, to: 60 } });
  });
  it('refuses a malformed start or end and says which', () => {
    expect(passageRange(range('0:1', '00:25'), 60)).toEqual({
      ok: false,
      error: { key: 'range.malformedFrom' },
    });
    expect(passageRange(range('00:10', '25'), 60)).toEqual({
      ok: false,
      error: { key: 'range.malformedTo' },
    });
  });
  it('refuses a reversed or empty range', () => {
    expect(passageRange(range('00:25', '00:10'), 60)).toEqual({
      ok: false,
      error: { key: 'range.reversed' },
    });
    expect(passageRange(range('00:10', '00:10'), 60)).toEqual({
      ok: false,
      error: { key: 'range.reversed' },
    });
  });
  it('refuses a range past the end of the recording, naming the end', () => {
    expect(passageRange(range('00:50', '01:01'), 60.9)).toEqual({
      ok: false,
      error: { key: 'range.pastEnd', end: '01:00' },
    });
  });
  it('checks only form and order when the length is not known', () => {
    expect(passageRange(range('10:00', '11:00'), undefined)).toEqual({
      ok: true,
      range: { from: 600, to: 660 },
    });
  });
  it('turns "the last N seconds" into the end of the recording', () => {
    expect(passageRange({ kind: 'last', seconds: '15' }, 42.7)).toEqual({
      ok: true,
      range: { from: 27, to: 42 },
    });
    expect(passageRange({ kind: 'last', seconds: '60' }, 42)).toEqual({
      ok: false,
      error: { key: 'range.lastTooLong', end: '00:42' },
    });
    expect(passageRange({ kind: 'last', seconds: '0' }, 42)).toEqual({
      ok: false,
      error: { key: 'range.lastMalformed' },
    });
    expect(passageRange({ kind: 'last', seconds: '1.5' }, 42)).toEqual({
      ok: false,
      error: { key: 'range.lastMalformed' },
    });
    expect(passageRange({ kind: 'last', seconds: '10' }, undefined)).toEqual({
      ok: false,
      error: { key: 'range.noLength' },
    });
  });
  it('never gives a range that is reversed or past the known end', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5999 }),
        fc.integer({ min: 0, max: 5999 }),
        fc.integer({ min: 1, max: 6000 }),
        (a, b, len) => {
          const r = passageRange(range(formatClock(a), formatClock(b)), len);
          return !r.ok || (r.range.from < r.range.to && r.range.to <= len);
        },
      ),
    );
  });
});
