/**
 * The month's wall-clock phases as one line for the console: each phase in seconds, and legs per
 * second for the calls phase (every leg through the sampler) and for the whole month. Wall clock,
 * so never part of the deterministic files (DIR/timings.json holds the same figures).
 */

/** The phases in the order the month runs them; the after-calls phases are listed by runPhases. */
const ORDER = ['setup', 'calls', 'after-calls', 'outputs', 'total'] as const;

/** Whole legs per second of `legs` in `ms` (0 when no time was measured). */
export function legsPerSecond(legs: number, ms: number | undefined): number {
  return ms && ms > 0 ? Math.round((legs * 1000) / ms) : 0;
}

/**
 * `calls 12.3 s (1,024 legs/s) · after-calls 4.5 s [run-timeline 2.0 s, …] · outputs 1.1 s · whole
 * month 20.0 s (630 legs/s)`: the phases measured, in the order they ran.
 */
export function describeTimings(timings: Readonly<Record<string, number>>, legs: number): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rate = (ms: number) => `${legsPerSecond(legs, ms).toLocaleString('en-US')} legs/s`;
  const inner = Object.entries(timings)
    .filter(([name]) => name.startsWith('after-calls/'))
    .map(([name, ms]) => `${name.slice('after-calls/'.length)} ${s(ms)}`);
  const parts: string[] = [];
  for (const name of ORDER) {
    const ms = timings[name];
    if (ms === undefined) continue;
    if (name === 'calls') parts.push(`calls ${s(ms)} (${rate(ms)})`);
    else if (name === 'after-calls')
      parts.push(`after-calls ${s(ms)}${inner.length ? ` [${inner.join(', ')}]` : ''}`);
    else if (name === 'total') parts.push(`whole month ${s(ms)} (${rate(ms)})`);
    else parts.push(`${name} ${s(ms)}`);
  }
  return parts.join(' · ');
}

/** `scheduleArrivals` → `schedule-arrivals`: a phase's name in timings.json. */
export const phaseLabel = (fn: { name: string }): string =>
  fn.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) || 'phase';
