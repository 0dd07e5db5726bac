/**
 * The simulated clock: replaces the global `Date` of the simulation process (and only there — the
 * production code reads `new Date()` like any Lambda) so that the bundled handler, the Connect
 * stand-in and the SDK all see the simulated instant. `new Date(x)` with arguments is untouched.
 */
export interface SimulatedClock {
  /** Sets the simulated instant (ms since the epoch). */
  set(ms: number): void;
  now(): number;
  /** Puts the real `Date` back. */
  restore(): void;
}

export function installSimulatedClock(startMs: number): SimulatedClock {
  const RealDate = globalThis.Date;
  let current = startMs;
  class SimDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(current);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return current;
    }
  }
  globalThis.Date = SimDate as DateConstructor;
  let restored = false;
  return {
    set(ms) {
      current = ms;
    },
    now: () => current,
    restore() {
      if (restored) return;
      restored = true;
      globalThis.Date = RealDate;
    },
  };
}
