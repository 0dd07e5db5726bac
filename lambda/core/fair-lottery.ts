/**
 * Version 2 of the published algorithm (`fairlisten-lottery-v2`): within a period, every eligible
 * call of an agent has (as far as the cap allows) the same chance of being recorded, whatever the
 * hour, the day or the distance to the agent's last recording.
 *
 * Steps 1–4 are those of version 1 (period, exclusions, objection, the HMAC draw u). Then, for an
 * eligible call (not excluded, not objected):
 *
 *   n  = the call's position among the agent's eligible calls of the period (1, 2, …)
 *   k  = the calls among positions 1..n−1 that took a recording slot (reason drawn or record-failed)
 *   g  = the working-time fraction of the period at the decision instant: the period's local days
 *        weigh 10 (Monday–Friday) or 1 (Saturday, Sunday), and g is the weighted time elapsed over
 *        the period's weighted length (`workingFraction`)
 *   N0 = 3 × max / rate          prior volume of an agent's period, in eligible calls
 *   λ  = ((n − 1) + W × N0) / (g + W)    with W = 0.04: the agent's expected calls in a whole period
 *   E  = 1 + 1.1 × λ × (1 − g)  the expected eligible calls from this one to the end of the period,
 *                               with a 10 % margin
 *   p  = 0 if k ≥ max, else min(rate, (max − k) / E)
 *   the call takes a slot (is recorded) iff u < p.
 *
 * p spreads the agent's remaining slots evenly over its expected remaining calls (sequential
 * sampling, Knuth's algorithm S, with the unknown total estimated from the agent's own pace). The
 * working-time clock keeps weekends from reading as a slowdown of the agent; the margin keeps agents
 * who drew well early from using up their slots before the month ends, which the rate limit
 * (p ≤ rate) could not make up for at the end. Every operation is one IEEE-754 double operation in
 * the order written, so p is bit-for-bit the same in any language; p ≤ rate always, and k < max is
 * required, so the rate and the cap hold by construction. n and k are public (the agent's earlier
 * decisions of the period), so anyone can replay them from decisions.jsonl.
 */
import {
  type CallInput,
  type DecideReason,
  DecisionError,
  type DecisionPolicy,
  type DecisionRecord,
  decisionRecordBase,
  drawCall,
  isExcludedLine,
  type Reason,
} from './decision';
import { localDays, periodBounds, periodOf } from './period';
import type { RecordingPolicy } from './policy';

export const ALGORITHM_V2 = 'fairlisten-lottery-v2';
/** The prior volume is PRIOR_FACTOR × max / rate eligible calls a period. */
export const PRIOR_FACTOR = 3;
/** Weight of the prior, as a fraction of the period's working time (0.04 ≈ a working day). */
export const PRIOR_WEIGHT = 0.04;
/** The expected remaining calls are inflated by this factor (a 10 % margin). */
export const REMAINING_MARGIN = 1.1;
/** Weights of a local day in the working-time clock: Monday–Friday, and Saturday or Sunday. */
export const WEEKDAY_WEIGHT = 10;
export const WEEKEND_WEIGHT = 1;

interface WorkingClock {
  /** Σ weight × length (ms) of the days before day i; the last entry is the period's total. */
  before: number[];
  days: readonly { start: number; weekday: number }[];
}
const clocks = new Map<string, WorkingClock>();

function workingClock(period: string, tz: string): WorkingClock {
  const key = `${tz}\u0000${period}`;
  let clock = clocks.get(key);
  if (!clock) {
    const days = localDays(period, tz);
    const end = periodBounds(period, tz).end.getTime();
    const before = [0];
    days.forEach((d, i) => {
      const length = (days[i + 1]?.start ?? end) - d.start;
      before.push(before[i]! + dayWeight(d.weekday) * length);
    });
    clock = { before, days };
    clocks.set(key, clock);
  }
  return clock;
}

const dayWeight = (weekday: number): number =>
  weekday === 0 || weekday === 6 ? WEEKEND_WEIGHT : WEEKDAY_WEIGHT;

/**
 * The working-time fraction of the period at t, in [0, 1): with w(d) the weight of local day d
 * (WEEKDAY_WEIGHT Monday–Friday, WEEKEND_WEIGHT Saturday and Sunday) and len(d) its length in ms,
 * g = (Σ over the days before t's day of w·len + w(t's day) × (t − its start)) / Σ over all the
 * period's days of w·len. Numerator and denominator are whole numbers below 2^53 (exact), then one
 * division. Exactly 0 only at the first millisecond of the period.
 */
export function workingFraction(t: Date, tz: string): number {
  const ms = t instanceof Date ? t.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new DecisionError('invalid instant (not a valid Date)');
  const { before, days } = workingClock(periodOf(t, tz), tz);
  let lo = 0;
  let hi = days.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (days[mid]!.start <= ms) lo = mid;
    else hi = mid - 1;
  }
  const day = days[lo]!;
  return (before[lo]! + dayWeight(day.weekday) * (ms - day.start)) / before[days.length]!;
}

export interface FairState {
  /** Position of this call among the agent's eligible calls of the period, from 1. */
  callIndex: number;
  /** Slots taken by the agent's earlier eligible calls of the period. */
  recordedBefore: number;
}

function checkState(s: FairState, max: number): void {
  if (!Number.isInteger(s.callIndex) || s.callIndex < 1) {
    throw new DecisionError(`callIndex must be a whole number ≥ 1, got ${s.callIndex}`);
  }
  if (!Number.isInteger(s.recordedBefore) || s.recordedBefore < 0 || s.recordedBefore >= s.callIndex) {
    throw new DecisionError(
      `recordedBefore must be a whole number in [0, callIndex), got ${s.recordedBefore} (callIndex ${s.callIndex})`,
    );
  }
  if (!Number.isInteger(max) || max < 0)
    throw new DecisionError(`max must be a whole number ≥ 0, got ${max}`);
}

/** p of the published formula (see the header). `g` is the working-time fraction in [0, 1). */
export function fairProbability(
  policy: Pick<RecordingPolicy, 'samplingRate' | 'maxRecordingsPerAgentPerMonth'>,
  state: FairState,
  g: number,
): number {
  const rate = policy.samplingRate;
  const max = policy.maxRecordingsPerAgentPerMonth;
  checkState(state, max);
  if (!(typeof g === 'number' && g >= 0 && g < 1)) throw new DecisionError(`g must be in [0, 1), got ${g}`);
  if (state.recordedBefore >= max) return 0;
  const n0 = (PRIOR_FACTOR * max) / rate;
  const lambda = (state.callIndex - 1 + PRIOR_WEIGHT * n0) / (g + PRIOR_WEIGHT);
  const expected = 1 + REMAINING_MARGIN * lambda * (1 - g);
  return Math.min(rate, (max - state.recordedBefore) / expected);
}

/** Steps 1–4: what is known before the agent's counters are read. */
export interface Screened {
  period: string;
  drawKey: string;
  u: number;
  /** null when the call is eligible; else the reason it is not recorded. */
  ineligible: 'excluded-line' | 'caller-objected' | null;
  /** Working-time fraction of the period at the decision instant (`workingFraction`). */
  g: number;
}

export function screen(input: CallInput, policy: DecisionPolicy, seed: Uint8Array): Screened {
  const { period, drawKey, u } = drawCall(input, policy, seed);
  const ineligible = isExcludedLine(policy, input.agentId, input.queueId)
    ? 'excluded-line'
    : input.callerObjected
      ? 'caller-objected'
      : null;
  return { period, drawKey, u, ineligible, g: workingFraction(input.at, policy.timezone) };
}

export interface FairDecision {
  period: string;
  drawKey: string;
  u: number;
  /** null for an ineligible call (it has no position and no probability). */
  state: FairState | null;
  probability: number | null;
  /** u < probability (false for an ineligible call). */
  lotterySelected: boolean;
  outcome: 'record' | 'skip';
  reason: DecideReason;
}

/**
 * The decision of a screened call. An eligible call needs its state (the handler reads it atomically
 * from the agent's quota item); an ineligible one ignores it.
 */
export function decideFair(
  screened: Screened,
  policy: DecisionPolicy,
  state: FairState | null,
): FairDecision {
  const { period, drawKey, u } = screened;
  if (screened.ineligible) {
    return {
      period,
      drawKey,
      u,
      state: null,
      probability: null,
      lotterySelected: false,
      outcome: 'skip',
      reason: screened.ineligible,
    };
  }
  if (!state) throw new DecisionError('an eligible call needs its callIndex and recordedBefore');
  const probability = fairProbability(policy, state, screened.g);
  const selected = u < probability;
  const reason: DecideReason =
    state.recordedBefore >= policy.maxRecordingsPerAgentPerMonth
      ? 'agent-cap-reached'
      : selected
        ? 'drawn'
        : 'not-drawn';
  return {
    period,
    drawKey,
    u,
    state,
    probability,
    lotterySelected: selected,
    outcome: selected ? 'record' : 'skip',
    reason,
  };
}

/** A version-2 stored decision: the version-1 fields plus the position, the slots before it and p. */
export interface FairDecisionRecord extends Omit<DecisionRecord, 'algorithmVersion'> {
  algorithmVersion: typeof ALGORITHM_V2;
  callIndex: number | null;
  recordedBefore: number | null;
  probability: number | null;
}

/** Whether a stored reason means the call took a slot (version 2 keeps the slot of a failed start). */
export const tookSlot = (reason: Reason): boolean => reason === 'drawn' || reason === 'record-failed';

export function toFairDecisionRecord(args: {
  input: CallInput;
  decision: FairDecision;
  agentArn: string;
  policy: DecisionPolicy & Pick<RecordingPolicy, 'version'>;
  /** SHA-256 of the published policy document. @default null */
  policyHash?: string;
  final?: 'record-failed';
}): FairDecisionRecord {
  const { decision } = args;
  return {
    ...decisionRecordBase({ ...args, reason: args.final ?? decision.reason }),
    algorithmVersion: ALGORITHM_V2,
    callIndex: decision.state?.callIndex ?? null,
    recordedBefore: decision.state?.recordedBefore ?? null,
    probability: decision.probability,
  };
}
