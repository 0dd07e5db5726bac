/**
 * Periods: the calendar month of an instant in the policy time zone, as `YYYY-MM`.
 *
 * Definitions (published, and shared by the sampler and the verifier):
 * - `periodBounds(P, tz).start` is the first UTC instant whose local date in `tz` lies in month P or
 *   later (normally local midnight on the 1st; if a DST gap swallows midnight, the first instant after
 *   the gap). `end` is the start of the next period. Both are whole milliseconds.
 * - `periodOf(t, tz)` is the P with `start(P) ≤ t < end(P)`. It is computed from the local calendar via
 *   `Intl.DateTimeFormat` and then checked against those bounds, so the two can never disagree.
 * - `elapsedFraction(t, tz) = (t − start) / (end − start)`, an IEEE-754 double in [0, 1), computed
 *   from integer milliseconds. Month length is the real length of that month in `tz`: a March in
 *   Europe/Paris lasts 743 h, an October 745 h.
 *
 * Pure: no I/O, no clock. Formatters and bounds are memoised (the results are deterministic).
 */

export class PeriodError extends Error {
  override readonly name = 'PeriodError';
}

const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Years accepted in a period; outside this range Date.UTC and Intl are not worth trusting. */
const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

export function isPeriod(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = PERIOD_RE.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

export function assertPeriod(value: unknown): asserts value is string {
  if (!isPeriod(value)) {
    throw new PeriodError(
      `${JSON.stringify(value)} is not a period (YYYY-MM, years ${MIN_YEAR}–${MAX_YEAR})`,
    );
  }
}

function splitPeriod(period: string): { year: number; month: number } {
  assertPeriod(period);
  return { year: Number(period.slice(0, 4)), month: Number(period.slice(5, 7)) };
}

function formatPeriod(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function nextPeriod(period: string): string {
  const { year, month } = splitPeriod(period);
  const next = month === 12 ? formatPeriod(year + 1, 1) : formatPeriod(year, month + 1);
  assertPeriod(next);
  return next;
}

export function previousPeriod(period: string): string {
  const { year, month } = splitPeriod(period);
  const prev = month === 1 ? formatPeriod(year - 1, 12) : formatPeriod(year, month - 1);
  assertPeriod(prev);
  return prev;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new PeriodError(`${JSON.stringify(tz)} is not an IANA time zone`);
    }
    formatters.set(tz, f);
  }
  return f;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localTime(ms: number, tz: string): LocalTime {
  const out: LocalTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(tz).formatToParts(ms)) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day') out[p.type] = Number(p.value);
    else if (p.type === 'hour' || p.type === 'minute' || p.type === 'second') out[p.type] = Number(p.value);
  }
  return out;
}

/** The local calendar month of an instant, straight from Intl (before the consistency check). */
function localPeriod(ms: number, tz: string): string {
  const l = localTime(ms, tz);
  return formatPeriod(l.year, l.month);
}

/** Offset of `tz` from UTC at instant `ms`, in ms (local wall clock read as UTC, minus the instant). */
function offsetAt(ms: number, tz: string): number {
  const l = localTime(ms, tz);
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  const whole = Math.floor(ms / 1000) * 1000;
  return wall - whole;
}

function validInstant(t: Date): number {
  const ms = t instanceof Date ? t.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new PeriodError('invalid instant (not a valid Date)');
  return ms;
}

const startCache = new Map<string, number>();

/** First instant (ms) whose local date in `tz` is (year, month, day) or later. */
function localDateStartMs(year: number, month: number, day: number, tz: string): number {
  const key = `${tz}\u0000${year}-${month}-${day}`;
  const cached = startCache.get(key);
  if (cached !== undefined) return cached;
  const wallMidnight = Date.UTC(year, month - 1, day);
  const target = wallMidnight; // local dates compare as their wall-clock midnights
  // Two-pass offset correction: exact whenever local midnight exists.
  let candidate = wallMidnight - offsetAt(wallMidnight, tz);
  candidate = wallMidnight - offsetAt(candidate, tz);
  const atOrAfter = (ms: number): boolean => {
    const l = localTime(ms, tz);
    return Date.UTC(l.year, l.month - 1, l.day) >= target;
  };
  if (!(atOrAfter(candidate) && !atOrAfter(candidate - 1))) {
    // Midnight fell in a DST gap (or a zone change): binary-search the first instant at or after the
    // date within ±2 days of the naive guess, at millisecond resolution.
    let lo = wallMidnight - 2 * 86_400_000; // not yet that date
    let hi = wallMidnight + 2 * 86_400_000; // already that date
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (atOrAfter(mid)) hi = mid;
      else lo = mid;
    }
    candidate = hi;
  }
  startCache.set(key, candidate);
  return candidate;
}

/** First instant (ms) whose local month in `tz` is `period` or later. */
function periodStartMs(period: string, tz: string): number {
  const { year, month } = splitPeriod(period);
  return localDateStartMs(year, month, 1, tz);
}

/** One local calendar day of a period: its first instant (ms) and its day of the week (0 = Sunday). */
export interface LocalDay {
  start: number;
  weekday: number;
}

const dayCache = new Map<string, readonly LocalDay[]>();

/**
 * The local calendar days of a period in `tz`, in order: day d starts at the first instant whose
 * local date is d or later (local midnight, or the end of a DST gap) and ends where day d + 1 starts
 * (the last one where the period ends), so a day lasts 23, 24 or 25 hours.
 */
export function localDays(period: string, tz: string): readonly LocalDay[] {
  const key = `${tz}\u0000${period}`;
  const cached = dayCache.get(key);
  if (cached) return cached;
  const { year, month } = splitPeriod(period);
  const count = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const days = Array.from({ length: count }, (_, i) => ({
    start: localDateStartMs(year, month, i + 1, tz),
    weekday: new Date(Date.UTC(year, month - 1, i + 1)).getUTCDay(),
  }));
  dayCache.set(key, days);
  return days;
}

export interface PeriodBounds {
  /** First instant of the period (inclusive). */
  start: Date;
  /** First instant of the next period (exclusive). */
  end: Date;
}

export function periodBounds(period: string, tz: string): PeriodBounds {
  return { start: new Date(periodStartMs(period, tz)), end: new Date(periodStartMs(nextPeriod(period), tz)) };
}

const lastHit = new Map<string, { period: string; start: number; end: number }>();

function periodAndBoundsMs(ms: number, tz: string): { period: string; start: number; end: number } {
  const hit = lastHit.get(tz);
  if (hit && ms >= hit.start && ms < hit.end) return hit;
  let period = localPeriod(ms, tz);
  assertPeriod(period);
  // Reconcile with the bounds (they differ only around a DST gap/overlap at a month boundary).
  if (ms < periodStartMs(period, tz)) period = previousPeriod(period);
  else if (ms >= periodStartMs(nextPeriod(period), tz)) period = nextPeriod(period);
  const entry = { period, start: periodStartMs(period, tz), end: periodStartMs(nextPeriod(period), tz) };
  lastHit.set(tz, entry);
  return entry;
}

/** The period (`YYYY-MM`) of instant `t` in time zone `tz`. */
export function periodOf(t: Date, tz: string): string {
  return periodAndBoundsMs(validInstant(t), tz).period;
}

/**
 * Elapsed fraction of t's period at t: (t − start) / (end − start), in [0, 1). Exactly 0 only at the
 * first millisecond of the period.
 */
export function elapsedFraction(t: Date, tz: string): number {
  const ms = validInstant(t);
  const { start, end } = periodAndBoundsMs(ms, tz);
  return (ms - start) / (end - start);
}
