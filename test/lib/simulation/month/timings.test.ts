import { describe, expect, it } from 'vitest';
import { scheduleArrivals } from '../../../../lib/simulation/month/arrivals';
import { describeTimings, legsPerSecond, phaseLabel } from '../../../../lib/simulation/month/timings';

describe('month timings', () => {
  it('gives legs per second of the calls phase and of the whole month, phases in the order they ran', () => {
    const line = describeTimings(
      {
        bundle: 800,
        setup: 2_000,
        calls: 12_600,
        'after-calls/schedule-arrivals': 300,
        'after-calls/run-timeline': 4_240,
        'audit-export': 3_000,
        'after-calls': 8_000,
        'total-simulation': 23_000,
        outputs: 1_500,
        total: 25_200,
      },
      12_600,
    );
    expect(line).toBe(
      'setup 2.0 s · calls 12.6 s (1,000 legs/s) · after-calls 8.0 s [schedule-arrivals 0.3 s, run-timeline 4.2 s] · outputs 1.5 s · whole month 25.2 s (500 legs/s)',
    );
  });

  it('leaves out what was not measured and gives no rate for no time', () => {
    expect(describeTimings({ calls: 0 }, 10)).toBe('calls 0.0 s (0 legs/s)');
    expect(legsPerSecond(10, undefined)).toBe(0);
    expect(legsPerSecond(63_014, 120_000)).toBe(525);
  });

  it('names a phase after its function', () => {
    expect(phaseLabel(scheduleArrivals)).toBe('schedule-arrivals');
  });
});
