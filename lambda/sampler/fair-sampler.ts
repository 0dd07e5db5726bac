/**
 * Steps 3–6 of the sampler under version 2 of the algorithm (`fairlisten-lottery-v2`).
 *
 * The agent's quota item (agentId, period) counts calls as well as recordings: `calls` is the number
 * of the agent's eligible calls decided so far in the period and `reserved` the slots they took; it
 * holds nothing else, so its size does not grow with the agent's calls (DynamoDB's item limit is
 * 400 KB). A contact is positioned at most once thanks to a claim item of its own in the same table,
 * (agentId, `<period>#contact#<contactId>`), put with a condition that it does not exist before the
 * counters are touched: a retried invocation that finds the claim but no stored decision is not
 * recorded (reason error), never positioned twice. Every eligible call reads the item, decides with
 * callIndex = calls + 1 and recordedBefore = reserved, then writes it back with a compare-and-set
 * (the update succeeds only if `calls` and `reserved` are still what was read). The decisions of one
 * agent are therefore totally ordered by callIndex, each one sees exactly the slots of the calls
 * before it (what `verify` replays), and `reserved` can only go from k to k + 1 when k < max: the
 * cap holds under any concurrency. A lost race is retried with the new counters; after
 * MAX_CAS_ATTEMPTS the call is not recorded (reason error), never recorded blind. A call drawn with
 * u ≥ rate cannot be selected (p ≤ rate), so it skips the read and takes its position with one
 * atomic increment, whose returned item gives its callIndex and recordedBefore.
 *
 * Unlike version 1, a slot whose StartContactRecording failed is kept (reason record-failed): the
 * probability of every later call depends on it, and a held slot can only make the agent recorded
 * less.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type DecisionRecord, errorRecordBase } from '../core/decision';
import {
  ALGORITHM_V2,
  decideFair,
  type FairDecision,
  type FairDecisionRecord,
  type FairState,
  type Screened,
  screen,
  toFairDecisionRecord,
} from '../core/fair-lottery';
import { ttlAfterDays } from '../core/retention';
import { putIfAbsent, writeIf } from '../shared/dynamo';
import { callInputOf, type SamplerInput } from './event';
import { type SamplerAnswer, type SamplerDeps, startRecording } from './sampler';

/** Compare-and-set attempts before giving up (one agent handles one call at a time: a race is rare and short). */
export const MAX_CAS_ATTEMPTS = 4;

export interface FairQuota {
  calls: number;
  reserved: number;
}

/** Sort key of the claim item that marks a contact as positioned (beside the agent's quota item). */
export const claimKey = (period: string, contactId: string): string => `${period}#contact#${contactId}`;

export interface FairStep {
  /** Stores the record unless one exists; answers what is stored. */
  store(record: DecisionRecord): Promise<SamplerAnswer>;
  getStored(contactId: string): Promise<DecisionRecord | undefined>;
  /** Stores a drawn record as the contact's reservation (before StartContactRecording). */
  reserve(record: DecisionRecord): Promise<void>;
  /** SHA-256 of the published policy document, stored with every decision. */
  policyHash: string;
}

export function createFairDecider(deps: SamplerDeps, step: FairStep) {
  const { ddb, connect, config, logger } = deps;
  const { policy } = config;
  const minBudget = deps.minConnectBudgetMs ?? 600;

  // Counted from the quota item's creation (if_not_exists keeps the first value): auditRetentionDays at most.
  const expiresAtOf = (): number => ttlAfterDays(deps.now().getTime(), policy.auditRetentionDays);

  const readQuota = async (agentId: string, period: string): Promise<FairQuota> => {
    const { Item } = await ddb.send(
      new GetCommand({ TableName: config.quotasTable, Key: { agentId, period }, ConsistentRead: true }),
    );
    const item = Item as { calls?: number; reserved?: number } | undefined;
    return { calls: item?.calls ?? 0, reserved: item?.reserved ?? 0 };
  };

  /** Claims the contact's one position; false when it was claimed already (a retried invocation). */
  const claim = (input: SamplerInput, period: string): Promise<boolean> =>
    putIfAbsent(ddb, {
      TableName: config.quotasTable,
      Item: { agentId: input.agentId, period: claimKey(period, input.contactId), expiresAt: expiresAtOf() },
      ConditionExpression: 'attribute_not_exists(agentId)',
    });

  /** The compare-and-set of one decision; false when another decision of the agent came first. */
  const commit = async (
    input: SamplerInput,
    period: string,
    seen: FairQuota,
    d: FairDecision,
  ): Promise<boolean> => {
    const expiresAt = expiresAtOf();
    return writeIf(
      ddb,
      new UpdateCommand({
        TableName: config.quotasTable,
        Key: { agentId: input.agentId, period },
        UpdateExpression: 'SET calls = :n, reserved = :k2, expiresAt = if_not_exists(expiresAt, :exp)',
        ConditionExpression:
          '(attribute_not_exists(calls) OR calls = :c) AND (attribute_not_exists(reserved) OR reserved = :k)',
        ExpressionAttributeValues: {
          ':c': seen.calls,
          ':n': seen.calls + 1,
          ':k': seen.reserved,
          ':k2': seen.reserved + (d.outcome === 'record' ? 1 : 0),
          ':exp': expiresAt,
        },
      }),
    );
  };

  /** Counts a (claimed) call that cannot be selected: one atomic increment gives its position. */
  const count = async (input: SamplerInput, period: string): Promise<FairState> => {
    const { Attributes } = await ddb.send(
      new UpdateCommand({
        TableName: config.quotasTable,
        Key: { agentId: input.agentId, period },
        UpdateExpression: 'SET expiresAt = if_not_exists(expiresAt, :exp) ADD calls :one',
        ExpressionAttributeValues: { ':one': 1, ':exp': expiresAtOf() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = Attributes as { calls: number; reserved?: number };
    return { callIndex: item.calls, recordedBefore: item.reserved ?? 0 };
  };

  /** Every caller has screened the call: its draw is stored, never selected (no position was taken). */
  const errorRecord = (input: SamplerInput, at: Date, s: Screened, period: string): FairDecisionRecord => ({
    ...errorRecordBase({
      input: { ...input, at },
      period,
      drawn: { u: s.u, lotterySelected: false },
      agentArn: input.agentArn,
      policy,
      policyHash: step.policyHash,
    }),
    algorithmVersion: ALGORITHM_V2,
    callIndex: null,
    recordedBefore: null,
    probability: null,
  });

  return async (input: SamplerInput, at: Date, period: string, seed: Uint8Array, remaining: () => number) => {
    const ids = { contactId: input.contactId, agentId: input.agentId };
    const fairInput = callInputOf(input, at);
    const screened = screen(fairInput, policy, seed);
    /** The record of `decision` for this call (with the outcome of acting on it, when it differs). */
    type RecordArgs = Parameters<typeof toFairDecisionRecord>[0];
    const recordOf = (decision: RecordArgs['decision'], final?: RecordArgs['final']) =>
      toFairDecisionRecord({
        input: fairInput,
        decision,
        agentArn: input.agentArn,
        policy,
        policyHash: step.policyHash,
        ...(final ? { final } : {}),
      });
    const store = (record: FairDecisionRecord) => step.store(record);
    if (screened.ineligible) {
      const decision = decideFair(screened, policy, null);
      return store(recordOf(decision));
    }
    // A possible recording needs time for Connect; decide only when there is some (p ≤ rate, so a
    // draw u ≥ rate can never record and needs none).
    if (screened.u < policy.samplingRate && remaining() < minBudget) {
      logger.warn('too little time left to record', { ...ids, remainingMs: remaining() });
      return store(errorRecord(input, at, screened, period));
    }

    // One position per contact: the claim comes first, so a crash after it leaves the contact
    // unpositioned (a retry answers error), never positioned twice. Only a repeated invocation finds
    // the claim taken, so only it reads the stored decision: a first invocation (nearly every one)
    // saves that round trip on the whisper flow's path.
    if (!(await claim(input, period))) {
      const stored = await step.getStored(input.contactId);
      if (stored) {
        logger.info('repeated invocation: stored decision', { ...ids, reason: stored.reason });
        return { record: stored.recorded ? 'true' : 'false', reason: stored.reason } as SamplerAnswer;
      }
      // An earlier attempt of this contact claimed its position and then failed before storing: its
      // outcome is unknown here, so answer "not recorded" (verify shows any hole in the sequence).
      logger.error('contact already claimed without a stored decision: not recording', ids);
      return store(errorRecord(input, at, screened, period));
    }
    let decision: FairDecision | undefined;
    if (screened.u >= policy.samplingRate) {
      // p ≤ rate, so this call cannot be selected whatever its position: one atomic increment gives
      // its position and the slots before it (the item's state right after it), with no race to lose.
      decision = decideFair(screened, policy, await count(input, period));
    }
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS && !decision; attempt++) {
      const seen = await readQuota(input.agentId, period);
      const d = decideFair(screened, policy, { callIndex: seen.calls + 1, recordedBefore: seen.reserved });
      if (await commit(input, period, seen, d)) decision = d;
    }
    if (!decision) {
      logger.warn('quota contention: not recording', { ...ids, attempts: MAX_CAS_ATTEMPTS });
      return store(errorRecord(input, at, screened, period));
    }

    let final: 'record-failed' | undefined;
    if (decision.outcome === 'record') {
      if (remaining() < minBudget) {
        final = 'record-failed';
        logger.warn('too little time left to record: slot kept', { ...ids, remainingMs: remaining() });
      } else {
        try {
          await step.reserve(recordOf(decision));
          await startRecording(connect, config.instanceId, input, remaining());
        } catch (err) {
          final = 'record-failed';
          logger.error('StartContactRecording failed: slot kept', {
            ...ids,
            error: err instanceof Error ? err.name : 'unknown',
          });
        }
      }
    }
    const record = recordOf(decision, final);
    const answer = await store(record);
    logger.info('decision', { ...ids, period, reason: answer.reason, recorded: answer.record === 'true' });
    return answer;
  };
}
