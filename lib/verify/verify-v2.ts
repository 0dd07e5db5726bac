/**
 * The checks `verify` makes on decisions of version 2 (`fairlisten-lottery-v2`), beside the ones
 * every decision gets (seed, draw, period, rate, exclusions, recorded ⇔ drawn):
 * - per record: the probability is null exactly for the calls without a position (excluded,
 *   objected, error); lotterySelected = (u < probability); the reason matches the outcome;
 * - per agent and period, in callIndex order: positions are exactly 1, 2, …, N (a dropped or
 *   duplicated decision shows as a hole or a repeat); recordedBefore equals the slots (reasons drawn
 *   and record-failed) of the earlier positions; the probability equals the published formula
 *   recomputed from (callIndex, recordedBefore, g(decidedAt)); no slot beyond the cap.
 */
import type { DecisionRecord } from '../../lambda/core/decision';
import { fairProbability, tookSlot, workingFraction } from '../../lambda/core/fair-lottery';
import type { RecordingPolicy } from '../../lambda/core/policy';

export type FairViolationCode =
  | 'probability-mismatch'
  | 'lottery-mismatch'
  | 'reason-mismatch'
  | 'sequence-gap'
  | 'sequence-mismatch'
  | 'cap-exceeded';

export interface FairRecord {
  line: number;
  r: DecisionRecord & { callIndex?: unknown; recordedBefore?: unknown; probability?: unknown };
}

type Report = (code: FairViolationCode, rec: FairRecord, message: string) => void;

const wholeOrNull = (v: unknown): v is number | null | undefined =>
  v == null || (typeof v === 'number' && Number.isInteger(v) && v >= 0);

/** Checks of one version-2 record; returns whether it belongs to the agent's sequence. */
export function checkFairRecord(rec: FairRecord, report: Report): boolean {
  const { r } = rec;
  const { callIndex, recordedBefore, probability } = r;
  if (!wholeOrNull(callIndex) || !wholeOrNull(recordedBefore)) {
    report('sequence-mismatch', rec, 'callIndex and recordedBefore must be whole numbers or null');
    return false;
  }
  if (
    !(probability == null || (typeof probability === 'number' && probability >= 0 && probability <= r.rate))
  ) {
    report('probability-mismatch', rec, `probability ${String(probability)} is not in [0, rate ${r.rate}]`);
    return false;
  }
  const positioned = callIndex != null;
  const ineligible = r.reason === 'excluded-line' || r.reason === 'caller-objected' || r.reason === 'error';
  if (
    positioned === ineligible ||
    (recordedBefore != null) !== positioned ||
    (probability != null) !== positioned
  ) {
    report(
      'reason-mismatch',
      rec,
      `reason ${r.reason} with callIndex ${String(callIndex)}, recordedBefore ${String(recordedBefore)}, probability ${String(probability)}`,
    );
    return false;
  }
  if (!positioned) {
    if (r.lotterySelected || r.recorded)
      report('reason-mismatch', rec, `reason ${r.reason} but selected or recorded`);
    return false;
  }
  if (r.u === null) {
    report('reason-mismatch', rec, 'a positioned call without its draw u');
    return false;
  }
  const selected = r.u < (probability as number);
  if (r.lotterySelected !== selected) {
    report(
      'lottery-mismatch',
      rec,
      `lotterySelected=${r.lotterySelected} but u ${r.u} ${selected ? '<' : '≥'} probability ${probability}`,
    );
  }
  const expectedReason = selected
    ? ['drawn', 'record-failed']
    : probability === 0
      ? ['agent-cap-reached']
      : ['not-drawn'];
  if (!expectedReason.includes(r.reason)) {
    report(
      'reason-mismatch',
      rec,
      `reason ${r.reason} but u ${r.u} and probability ${probability} give ${expectedReason.join(' or ')}`,
    );
  }
  return true;
}

/**
 * Replays one agent's period, in callIndex order — from its start, or (`from`, when the sequence is
 * checked piece by piece) after `from.start` positions that took `from.slots` slots.
 */
export function checkFairSequence(
  list: FairRecord[],
  policy: Pick<RecordingPolicy, 'samplingRate' | 'maxRecordingsPerAgentPerMonth' | 'timezone'>,
  report: Report,
  from: { readonly start: number; readonly slots: number } = { start: 0, slots: 0 },
): void {
  const sorted = [...list].sort(
    (a, b) => (a.r.callIndex as number) - (b.r.callIndex as number) || a.line - b.line,
  );
  const max = policy.maxRecordingsPerAgentPerMonth;
  let slots = from.slots;
  sorted.forEach((rec, index) => {
    const { r } = rec;
    const n = r.callIndex as number;
    const i = from.start + index;
    if (n !== i + 1) {
      report(
        'sequence-gap',
        rec,
        n < i + 1
          ? `position ${n} of agent ${r.agentId} in ${r.period} is used twice`
          : `positions ${i + 1}..${n - 1} of agent ${r.agentId} in ${r.period} have no decision`,
      );
    }
    if (r.recordedBefore !== slots) {
      report(
        'sequence-mismatch',
        rec,
        `recordedBefore ${String(r.recordedBefore)} but the earlier positions took ${slots} slot(s)`,
      );
    }
    let expected: number | string;
    try {
      expected = fairProbability(
        { samplingRate: r.rate, maxRecordingsPerAgentPerMonth: max },
        { callIndex: n, recordedBefore: slots },
        workingFraction(new Date(r.decidedAt), policy.timezone),
      );
    } catch (err) {
      expected = `no value (${err instanceof Error ? err.message : String(err)})`;
    }
    if (expected !== r.probability) {
      report(
        'probability-mismatch',
        rec,
        `probability ${String(r.probability)} but the formula gives ${expected}`,
      );
    }
    if (tookSlot(r.reason)) {
      slots++;
      if (slots > max)
        report(
          'cap-exceeded',
          rec,
          `slot #${slots} of agent ${r.agentId} in ${r.period} exceeds the cap ${max}`,
        );
    }
  });
}
