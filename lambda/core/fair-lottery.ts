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
 *   f  = elapsed fraction of the period at the decision instant (as in version 1)
 *   N0 = 3 × max / rate          prior volume of an agent's month, in eligible calls
 *   λ  = ((n − 1) + W × N0) / (f + W)    with W = 0.05: the agent's expected calls in a whole period
 *   E  = 1 + λ × (1 − f)         expected eligible calls from this one to the end of the period
 *   p  = 0 if k ≥ max, else min(rate, (max − k) / E)
 *   the call takes a slot (is recorded) iff u < p.
 *
 * p spreads the agent's remaining slots evenly over its expected remaining calls (sequential
 * sampling, Knuth's algorithm S, with the unknown total estimated from the agent's own pace), so a
 * call early or late, in the morning or the evening, right after a recording or long after one, has
 * about the same chance. Every operation is one IEEE-754 double operation in the order written, so
 * p is bit-for-bit the same in any language; p ≤ rate always, and k < max is required, so the rate
 * and the cap hold by construction. n and k are public (the agent's earlier decisions of the
 * period), so anyone can replay them from decisions.jsonl.
 */
import {
  type DecideReason,
  DecisionError,
  type DecisionPolicy,
  type DecisionRecord,
  decisionRecordBase,
  drawKeyOf,
  isExcludedLine,
  type Reason,
} from './decision';
import { draw } from './lottery';
import { elapsedFraction, periodOf } from './period';
import { HARD_LIMITS, type RecordingPolicy } from './policy';

export const ALGORITHM_V2 = 'fairlisten-lottery-v2';
/** The prior volume is PRIOR_FACTOR × max / rate eligible calls a period. */
export const PRIOR_FACTOR = 3;
/** Weight of the prior, as a fraction of the period (0.05 ≈ a day and a half). */
export const PRIOR_WEIGHT = 0.05;

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

/** p of the published formula (see the header). `f` is the elapsed fraction in [0, 1). */
export function fairProbability(
  policy: Pick<RecordingPolicy, 'samplingRate' | 'maxRecordingsPerAgentPerMonth'>,
  state: FairState,
  f: number,
): number {
  const rate = policy.samplingRate;
  const max = policy.maxRecordingsPerAgentPerMonth;
  checkState(state, max);
  if (!(typeof f === 'number' && f >= 0 && f < 1)) throw new DecisionError(`f must be in [0, 1), got ${f}`);
  if (state.recordedBefore >= max) return 0;
  const n0 = (PRIOR_FACTOR * max) / rate;
  const lambda = (state.callIndex - 1 + PRIOR_WEIGHT * n0) / (f + PRIOR_WEIGHT);
  const expected = 1 + lambda * (1 - f);
  return Math.min(rate, (max - state.recordedBefore) / expected);
}

export interface FairInput {
  contactId: string;
  initialContactId?: string | undefined;
  agentId: string;
  queueId?: string | undefined;
  callerObjected: boolean;
  at: Date;
}

/** Steps 1–4: what is known before the agent's counters are read. */
export interface Screened {
  period: string;
  drawKey: string;
  u: number;
  /** null when the call is eligible; else the reason it is not recorded. */
  ineligible: 'excluded-line' | 'caller-objected' | null;
  /** Elapsed fraction of the period at the decision instant. */
  f: number;
}

export function screen(input: FairInput, policy: DecisionPolicy, seed: Uint8Array): Screened {
  const rate = policy.samplingRate;
  if (!(typeof rate === 'number' && rate > 0 && rate <= HARD_LIMITS.samplingRate.max)) {
    throw new DecisionError(`samplingRate ${rate} is outside (0, ${HARD_LIMITS.samplingRate.max}]`);
  }
  if (!input.contactId || !input.agentId) throw new DecisionError('contactId and agentId are required');
  const period = periodOf(input.at, policy.timezone);
  const drawKey = drawKeyOf(input.contactId, input.initialContactId);
  const u = draw(seed, drawKey);
  const ineligible = isExcludedLine(policy, input.agentId, input.queueId)
    ? 'excluded-line'
    : input.callerObjected
      ? 'caller-objected'
      : null;
  return { period, drawKey, u, ineligible, f: elapsedFraction(input.at, policy.timezone) };
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
  const probability = fairProbability(policy, state, screened.f);
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
  input: FairInput;
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
