import { describe, expect, it } from 'vitest';
import { recordingTimeProfile } from '../../../../lambda/core/transparency/time-profile';

describe('recordingTimeProfile', () => {
  it('bins decisions by week of the period and local hour (Paris time), calls and recordings', () => {
    const p = recordingTimeProfile(
      [
        { decidedAt: '2026-12-01T07:30:00.000Z', recorded: true }, // day 1, 08:30 Paris
        { decidedAt: '2026-12-07T22:59:59.000Z', recorded: false }, // day 7, 23:59
        { decidedAt: '2026-12-07T23:00:00.000Z', recorded: false }, // day 8, 00:00
        { decidedAt: '2026-12-29T10:00:00.000Z', recorded: true }, // day 29, 11:00
        { decidedAt: '2026-12-31T22:30:00.000Z', recorded: false }, // day 31, 23:30
        { decidedAt: '2026-06-15T06:30:00.000Z', recorded: true }, // summer time: 08:30
      ],
      'Europe/Paris',
    );
    expect(p.weeks).toEqual([
      { calls: 2, recorded: 1 },
      { calls: 1, recorded: 0 },
      { calls: 1, recorded: 1 },
      { calls: 0, recorded: 0 },
      { calls: 2, recorded: 1 },
    ]);
    expect(p.hours[8]).toEqual({ calls: 2, recorded: 2 });
    expect(p.hours[23]).toEqual({ calls: 2, recorded: 0 });
    expect(p.hours[0]).toEqual({ calls: 1, recorded: 0 });
    expect(p.hours[11]).toEqual({ calls: 1, recorded: 1 });
    expect(p.hours.reduce((s, b) => s + b.calls, 0)).toBe(6);
  });
});
