/**
 * Pacing and cap (step 6 of the algorithm).
 *
 * With `max` = maxRecordingsPerAgentPerMonth and `f` the elapsed fraction of the period at the
 * decision instant, the paced limit is `ceil(max × f)`. A contact may be recorded when the slot it
 * would take, `count + 1` (count = the agent's recordings already reserved this period), satisfies
 * `count + 1 ≤ ceil(max × f)`, and so also `count + 1 ≤ max` since f < 1.
 *
 * - At f = 0 exactly (the first millisecond of the month) the limit is 0: nothing is recorded.
 *   From the next millisecond on the limit is ≥ 1, so an agent's first recording may come at once.
 * - `max × f` is one IEEE-754 double multiplication (round to nearest even), then `Math.ceil`:
 *   bit-for-bit reproducible in every IEEE-754 language. The sampler and the verifier both call
 *   this function, so they can never round differently.
 */

export class PacingError extends Error {
  override readonly name = 'PacingError';
}

function check(max: number, f: number): void {
  if (!Number.isInteger(max) || max < 0) throw new PacingError(`max must be a whole number ≥ 0, got ${max}`);
  if (!(typeof f === 'number' && f >= 0 && f < 1)) throw new PacingError(`f must be in [0, 1), got ${f}`);
}

/** ceil(max × f): the most recordings an agent may have at elapsed fraction f of the period. */
export function pacedLimit(max: number, f: number): number {
  check(max, f);
  return Math.min(max, Math.ceil(max * f));
}

/** Whether one more recording (slot countSoFar + 1) keeps the agent within pace and cap. */
export function mayRecord(countSoFar: number, max: number, f: number): boolean {
  if (!Number.isInteger(countSoFar) || countSoFar < 0) {
    throw new PacingError(`countSoFar must be a whole number ≥ 0, got ${countSoFar}`);
  }
  return countSoFar + 1 <= pacedLimit(max, f);
}
