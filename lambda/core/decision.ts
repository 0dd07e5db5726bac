/**
 * The sampler's decision (steps 1–6 of the published algorithm), pure: the Lambda handler loads the
 * seed and the agent's count, calls `decide`, then (outcome `record`) reserves the slot atomically
 * with the same `mayRecord` check and calls StartContactRecording; if Connect refuses, it releases
 * the slot and stores reason `record-failed`.
 *
 * Choice: u is computed and stored for every decision that had a seed, excluded and objected
 * contacts included. It reveals nothing (the seed is published later anyway) and lets the verifier
 * check every stored draw the same way: `lotterySelected === (u < rate)` holds on every record whose
 * u is not null. Only reason `error` (e.g. the seed could not be read) may store u = null.
 */
import { compareUtf16 } from './canonical-json';
import { ALGORITHM_VERSION, draw } from './lottery';
import { mayRecord } from './pacing';
import { elapsedFraction, periodOf } from './period';
import { HARD_LIMITS, type RecordingPolicy } from './policy';

/** The attribute the inbound flow sets when the caller objects to recording. */
export const CALLER_OBJECTED_ATTRIBUTE = 'fairlistenCallerObjected';

export type DecideReason = 'excluded-line' | 'caller-objected' | 'not-drawn' | 'agent-cap-reached' | 'drawn';
/** Every stored reason: `decide`'s, plus `record-failed` and `error` which the handler produces. */
export type Reason = DecideReason | 'record-failed' | 'error';
export const REASONS: readonly Reason[] = [
  'excluded-line',
  'caller-objected',
  'not-drawn',
  'agent-cap-reached',
  'drawn',
  'record-failed',
  'error',
];

export type DecisionPolicy = Pick<
  RecordingPolicy,
  'samplingRate' | 'maxRecordingsPerAgentPerMonth' | 'timezone' | 'excludedAgents' | 'excludedQueues'
>;

export interface DecisionInput {
  contactId: string;
  initialContactId?: string | undefined;
  /** Bare agent UUID. */
  agentId: string;
  /** Bare queue UUID, when the contact has a queue. */
  queueId?: string | undefined;
  callerObjected: boolean;
  at: Date;
  /** The agent's recordings reserved so far in the period of `at` (released slots not counted). */
  recordedSoFar: number;
}

export interface Decision {
  period: string;
  /** InitialContactId, or ContactId when there is none. */
  drawKey: string;
  u: number;
  /** u < samplingRate. */
  lotterySelected: boolean;
  outcome: 'record' | 'skip';
  reason: DecideReason;
}

/** One stored decision (a line of decisions.jsonl; an item of the decisions table). */
export interface DecisionRecord {
  contactId: string;
  initialContactId: string | null;
  agentArn: string;
  agentId: string;
  /** Bare queue UUID, or null. */
  queue: string | null;
  period: string;
  /** ISO-8601 UTC instant of the decision (`Date.toISOString()`), the `at` given to `decide`. */
  decidedAt: string;
  /** The draw; null only with reason `error`. */
  u: number | null;
  rate: number;
  lotterySelected: boolean;
  recorded: boolean;
  reason: Reason;
  policyVersion: string;
  /** SHA-256 of the published policy document in force (core/policy-document.ts); null if none. */
  policyHash: string | null;
  algorithmVersion: string;
}

/** Where a decision stands among the stored ones (decisions.jsonl, the audit export). */
export type DecisionKey = Pick<DecisionRecord, 'decidedAt' | 'contactId'>;

/** The order of the stored decisions: by decidedAt, then contactId (UTF-16 code units, like `<`). */
export const compareDecisionKeys = (a: DecisionKey, b: DecisionKey): number =>
  compareUtf16(a.decidedAt, b.decidedAt) || compareUtf16(a.contactId, b.contactId);

export class DecisionError extends Error {
  override readonly name = 'DecisionError';
}

const excludedSets = new WeakMap<readonly string[], Set<string>>();
function asSet(list: readonly string[]): Set<string> {
  let s = excludedSets.get(list);
  // Stryker disable next-line ConditionalExpression: a cache miss every time builds the same set, only slower
  if (!s) {
    s = new Set(list);
    excludedSets.set(list, s);
  }
  return s;
}

/** Step 2: is the agent or the queue excluded? */
export function isExcludedLine(policy: DecisionPolicy, agentId: string, queueId?: string | null): boolean {
  return (
    asSet(policy.excludedAgents).has(agentId) || (!!queueId && asSet(policy.excludedQueues).has(queueId))
  );
}

export function drawKeyOf(contactId: string, initialContactId?: string | null): string {
  return initialContactId ? initialContactId : contactId;
}

/** The call as every algorithm version reads it (version 2 has no count: it reads the agent's state). */
export type CallInput = Omit<DecisionInput, 'recordedSoFar'>;

/**
 * Steps 1 and 4, which every algorithm version shares: the period and the draw, after checking the
 * rate and the ids. `seed` must be the seed of `periodOf(input.at, policy.timezone)`.
 */
export function drawCall(
  input: CallInput,
  policy: DecisionPolicy,
  seed: Uint8Array,
): Pick<Decision, 'period' | 'drawKey' | 'u'> {
  const rate = policy.samplingRate;
  if (!(typeof rate === 'number' && rate > 0 && rate <= HARD_LIMITS.samplingRate.max)) {
    throw new DecisionError(`samplingRate ${rate} is outside (0, ${HARD_LIMITS.samplingRate.max}]`);
  }
  if (!input.contactId || !input.agentId) throw new DecisionError('contactId and agentId are required');
  const period = periodOf(input.at, policy.timezone); // step 1
  const drawKey = drawKeyOf(input.contactId, input.initialContactId);
  const u = draw(seed, drawKey); // step 4 (computed for every decision, see the header)
  return { period, drawKey, u };
}

/** Steps 1–6. `seed` must be the seed of `periodOf(input.at, policy.timezone)`. */
export function decide(input: DecisionInput, policy: DecisionPolicy, seed: Uint8Array): Decision {
  const { period, drawKey, u } = drawCall(input, policy, seed);
  const lotterySelected = u < policy.samplingRate;
  let reason: DecideReason;
  if (isExcludedLine(policy, input.agentId, input.queueId))
    reason = 'excluded-line'; // step 2
  else if (input.callerObjected)
    reason = 'caller-objected'; // step 3
  else if (!lotterySelected)
    reason = 'not-drawn'; // step 5
  else if (
    !mayRecord(
      input.recordedSoFar,
      policy.maxRecordingsPerAgentPerMonth,
      elapsedFraction(input.at, policy.timezone),
    )
  ) {
    reason = 'agent-cap-reached'; // step 6
  } else reason = 'drawn'; // step 7 (the handler reserves the slot and records)
  return { period, drawKey, u, lotterySelected, outcome: reason === 'drawn' ? 'record' : 'skip', reason };
}

/** The fields of a stored decision that every algorithm version writes, in this order. */
export type DecisionRecordBase = Omit<DecisionRecord, 'algorithmVersion'>;

/** The common fields of the record to store; `reason` is the decision's, or what overrode it. */
export function decisionRecordBase(args: {
  input: Pick<DecisionInput, 'contactId' | 'initialContactId' | 'agentId' | 'queueId' | 'at'>;
  /** u is null only for reason `error` (no draw was made). */
  decision: Pick<Decision, 'period' | 'lotterySelected'> & { u: number | null };
  reason: Reason;
  agentArn: string;
  policy: DecisionPolicy & Pick<RecordingPolicy, 'version'>;
  /** SHA-256 of the published policy document. @default null */
  policyHash?: string;
}): DecisionRecordBase {
  const { input, decision, reason, policy } = args;
  return {
    contactId: input.contactId,
    initialContactId: input.initialContactId ?? null,
    agentArn: args.agentArn,
    agentId: input.agentId,
    queue: input.queueId ?? null,
    period: decision.period,
    decidedAt: input.at.toISOString(),
    u: decision.u,
    rate: policy.samplingRate,
    lotterySelected: decision.lotterySelected,
    recorded: reason === 'drawn',
    reason,
    policyVersion: policy.version,
    policyHash: args.policyHash ?? null,
  };
}

/**
 * The common fields of a record of reason `error` (the decision could not be made or acted on, so the
 * call is not recorded), for every algorithm version. `drawn` is the draw when there was one.
 */
export function errorRecordBase(args: {
  input: Pick<DecisionInput, 'contactId' | 'initialContactId' | 'agentId' | 'queueId' | 'at'>;
  period: string;
  /** @default no draw: u null, not selected */
  drawn?: Pick<Decision, 'u' | 'lotterySelected'> | undefined;
  agentArn: string;
  policy: DecisionPolicy & Pick<RecordingPolicy, 'version'>;
  /** SHA-256 of the published policy document. @default null */
  policyHash?: string;
}): DecisionRecordBase {
  const { drawn } = args;
  const decision = {
    period: args.period,
    u: drawn?.u ?? null,
    lotterySelected: drawn?.lotterySelected ?? false,
  };
  return decisionRecordBase({ ...args, decision, reason: 'error' });
}

/** The record to store for a decision; `final` overrides the reason when the handler's step 7 failed. */
export function toDecisionRecord(args: {
  input: DecisionInput;
  decision: Decision;
  agentArn: string;
  policy: DecisionPolicy & Pick<RecordingPolicy, 'version'>;
  /** SHA-256 of the published policy document. @default null */
  policyHash?: string;
  final?: 'record-failed';
}): DecisionRecord {
  return {
    ...decisionRecordBase({ ...args, reason: args.final ?? args.decision.reason }),
    algorithmVersion: ALGORITHM_VERSION,
  };
}

export { ALGORITHM_VERSION };
