/**
 * The passage to mask, as the agent types it: a range `mm:ss–mm:ss`, or "the last N seconds".
 * Pure: checked here before anything is sent (a range past the end, reversed or malformed is
 * refused with a message key, and no request leaves the browser). The API checks again.
 */

/** Seconds from `m:ss`, `mm:ss` or `mmm:ss` (seconds 00–59); undefined when malformed. */
export function parseClock(text: string): number | undefined {
  const m = /^\s*(\d{1,3}):([0-5]\d)\s*$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** `mm:ss` of a number of seconds (whole seconds, floor). */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export type PassageInput =
  | { readonly kind: 'range'; readonly from: string; readonly to: string }
  | { readonly kind: 'last'; readonly seconds: string };

export type RangeError =
  | { readonly key: 'range.malformedFrom' }
  | { readonly key: 'range.malformedTo' }
  | { readonly key: 'range.reversed' }
  | { readonly key: 'range.pastEnd'; readonly end: string }
  | { readonly key: 'range.lastMalformed' }
  | { readonly key: 'range.lastTooLong'; readonly end: string }
  | { readonly key: 'range.noLength' };

export type PassageResult =
  | { readonly ok: true; readonly range: { readonly from: number; readonly to: number } }
  | { readonly ok: false; readonly error: RangeError };

/**
 * The range in seconds from the start of the recording, or why not. `lengthSeconds` is how long
 * the recording is (after the call) or has run so far (during it); undefined when unknown, which
 * a "last N seconds" cannot do without and a range is then only checked for form and order.
 */
export function passageRange(input: PassageInput, lengthSeconds: number | undefined): PassageResult {
  const end = lengthSeconds === undefined ? undefined : Math.floor(lengthSeconds);
  if (input.kind === 'last') {
    if (!/^\s*\d{1,5}\s*$/.test(input.seconds) || Number(input.seconds) < 1) {
      return { ok: false, error: { key: 'range.lastMalformed' } };
    }
    if (end === undefined) return { ok: false, error: { key: 'range.noLength' } };
    const n = Number(input.seconds);
    if (n > end) return { ok: false, error: { key: 'range.lastTooLong', end: formatClock(end) } };
    return { ok: true, range: { from: end - n, to: end } };
  }
  const from = parseClock(input.from);
  if (from === undefined) return { ok: false, error: { key: 'range.malformedFrom' } };
  const to = parseClock(input.to);
  if (to === undefined) return { ok: false, error: { key: 'range.malformedTo' } };
  if (from >= to) return { ok: false, error: { key: 'range.reversed' } };
  if (end !== undefined && to > end) {
    return { ok: false, error: { key: 'range.pastEnd', end: formatClock(end) } };
  }
  return { ok: true, range: { from, to } };
}
