/**
 * The sampler's runtime, with every dependency injected: DynamoDB document client,
 * Connect client, clock, seed loader, logger. `handler.ts` only builds these once per execution
 * environment and forwards the invocation.
 *
 * One invocation, for one contact leg:
 *  1. parse the event (malformed → record=false, reason error; logged with ids only);
 *  2. load the period's seed (missing / unpublished / late → fail closed with reason error);
 *  3. `decide`; only when the outcome is record: a final decision already stored for this ContactId
 *     (a Connect retry) → the same answer; else decide again with recordedSoFar = the agent's
 *     reserved slots, this contact's own slot excluded (a skip never depends on the count);
 *  4. (every other retry is caught by the conditional put of step 6, which answers what is stored);
 *  5. outcome record → reserve the slot atomically (conditional UpdateItem: below the paced limit and
 *     not already holding a slot), store the drawn decision as the contact's reservation (so a
 *     recording whose decision was never stored is still recognised, lambda/shared/reservations.ts),
 *     then StartContactRecording; a refusal releases the slot (`record-failed`); a full quota is
 *     `agent-cap-reached`; too little time left → reason error;
 *  6. store the decision with a conditional put (first writer wins; a loser answers what was stored).
 * Every path returns the flat string map `{record, reason}`: nothing is thrown back to Connect.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type ConnectClient, StartContactRecordingCommand } from '@aws-sdk/client-connect';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ALGORITHM_VERSION,
  type Decision,
  type DecisionRecord,
  decide,
  errorRecordBase,
  type Reason,
  toDecisionRecord,
} from '../core/decision';
import { ALGORITHM_V2 } from '../core/fair-lottery';
import { pacedLimit } from '../core/pacing';
import { elapsedFraction, periodOf } from '../core/period';
import { policyDocument } from '../core/policy-document';
import { ttlAfterDays } from '../core/retention';
import { isConditionFailure } from '../shared/dynamo';
import { reservationItem } from '../shared/reservations';
import type { SamplerConfig } from './config';
import { callInputOf, InvalidEventError, parseContactFlowEvent, type SamplerInput } from './event';
import { createFairDecider } from './fair-sampler';
import { type SeedLoader, SeedUnavailableError } from './seed-loader';

/** The answer the whisper flow reads (STRING_MAP). */
export interface SamplerAnswer extends Record<string, string> {
  record: 'true' | 'false';
  reason: Reason;
}

/** The subset of the Powertools Logger the sampler uses (tests pass a recorder). */
export type SamplerLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** What the sampler reads from the Lambda context. */
export interface InvocationContext {
  getRemainingTimeInMillis?: () => number;
}

export interface SamplerDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly connect: ConnectClient;
  readonly config: SamplerConfig;
  readonly loadSeed: SeedLoader;
  /** The decision instant; read once, first thing in the invocation. */
  readonly now: () => Date;
  readonly logger: SamplerLogger;
  /**
   * Least time that must remain before calling Connect; below it the sampler answers record=false
   * (reason error) and releases its reservation.
   * @default 600
   */
  readonly minConnectBudgetMs?: number;
}

/** A stored decision item: the record plus its TTL. */
export interface StoredDecision extends DecisionRecord {
  expiresAt: number;
}

export const ERROR_ANSWER: SamplerAnswer = Object.freeze({
  record: 'false',
  reason: 'error',
}) as SamplerAnswer;

const answerOf = (r: Pick<DecisionRecord, 'recorded' | 'reason'>): SamplerAnswer => ({
  record: r.recorded ? 'true' : 'false',
  reason: r.reason,
});

/** A refusal the service answered (as opposed to a timeout or a network error with an unknown outcome). */
const isServiceRefusal = (err: unknown): boolean =>
  typeof (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode ===
  'number';

/** Identifiers of a malformed event that are safe to log: a contact id only if it looks like one. */
function malformedIds(event: unknown): Record<string, unknown> {
  try {
    const cid = (event as { Details?: { ContactData?: { ContactId?: unknown } } } | null)?.Details
      ?.ContactData?.ContactId;
    return typeof cid === 'string' && /^[0-9a-f-]{36}$/.test(cid) ? { contactId: cid } : {};
  } catch {
    return {};
  }
}

/** Where each problem is (the part before the colon): never the offending value, which may be personal. */
const problemPaths = (err: InvalidEventError): string[] =>
  err.problems.map((p) => p.slice(0, Math.max(0, p.indexOf(':'))).slice(0, 120));

/** Connect gets what is left minus 300 ms to store the decision (whole ms, as AbortSignal.timeout requires). */
export const connectTimeoutMs = (remainingMs: number): number =>
  Math.max(1, Math.floor(Math.min(remainingMs - 300, 60_000)));

/**
 * Stores the drawn decision `item` (the decision item the sampler will store) as the contact's
 * reservation, before StartContactRecording. The first reservation of a contact stays (a retry
 * of the invocation finds it and goes on).
 */
export async function reserveRecording(
  ddb: DynamoDBDocumentClient,
  table: string,
  item: StoredDecision,
  at: Date,
): Promise<void> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: table,
        Item: reservationItem(item, at),
        ConditionExpression: 'attribute_not_exists(contactId)',
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

/**
 * Starts recording the whole call (both tracks) on the contact's current leg, giving Connect only
 * the time left before the decision must be stored. Both lottery versions record through this.
 */
export function startRecording(
  connect: ConnectClient,
  instanceId: string,
  input: SamplerInput,
  remainingMs: number,
): Promise<unknown> {
  return connect.send(
    new StartContactRecordingCommand({
      InstanceId: instanceId,
      ContactId: input.contactId,
      InitialContactId: input.initialContactId ?? input.contactId,
      VoiceRecordingConfiguration: { VoiceRecordingTrack: 'ALL' },
    }),
    { abortSignal: AbortSignal.timeout(connectTimeoutMs(remainingMs)) },
  );
}

type SlotOutcome = 'reserved' | 'already-ours' | 'full';

export interface Sampler {
  handle(event: unknown, context?: InvocationContext): Promise<SamplerAnswer>;
}

export function createSampler(deps: SamplerDeps): Sampler {
  const { ddb, connect, config, logger } = deps;
  const { policy } = config;
  // Every decision names the policy document it was taken under (published by the seed function).
  const policyHash = policyDocument(policy).sha256;
  const minBudget = deps.minConnectBudgetMs ?? 600;

  const getStored = async (contactId: string): Promise<StoredDecision | undefined> => {
    const { Item } = await ddb.send(
      new GetCommand({ TableName: config.decisionsTable, Key: { contactId }, ConsistentRead: true }),
    );
    return Item as StoredDecision | undefined;
  };

  const getQuota = async (
    agentId: string,
    period: string,
  ): Promise<{ reserved?: number; contacts?: Set<string> } | undefined> => {
    const { Item } = await ddb.send(
      new GetCommand({ TableName: config.quotasTable, Key: { agentId, period }, ConsistentRead: true }),
    );
    return Item as { reserved?: number; contacts?: Set<string> } | undefined;
  };

  const reserve = async (input: SamplerInput, period: string, limit: number): Promise<SlotOutcome> => {
    // Counted from the item's creation (if_not_exists below keeps the first value): never beyond
    // auditRetentionDays of it, whenever in the period the first reservation falls.
    const expiresAt = ttlAfterDays(deps.now().getTime(), policy.auditRetentionDays);
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: config.quotasTable,
          Key: { agentId: input.agentId, period },
          UpdateExpression:
            'SET expiresAt = if_not_exists(expiresAt, :exp) ADD reserved :one, contacts :cids',
          ConditionExpression:
            '(attribute_not_exists(reserved) OR reserved < :limit) AND NOT contains(contacts, :cid)',
          ExpressionAttributeValues: {
            ':one': 1,
            ':cids': new Set([input.contactId]),
            ':cid': input.contactId,
            ':limit': limit,
            ':exp': expiresAt,
          },
        }),
      );
      return 'reserved';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const quota = await getQuota(input.agentId, period);
      return quota?.contacts?.has(input.contactId) ? 'already-ours' : 'full';
    }
  };

  const release = async (input: SamplerInput, period: string): Promise<void> => {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: config.quotasTable,
          Key: { agentId: input.agentId, period },
          UpdateExpression: 'ADD reserved :minusOne DELETE contacts :cids',
          ConditionExpression: 'contains(contacts, :cid)',
          ExpressionAttributeValues: {
            ':minusOne': -1,
            ':cids': new Set([input.contactId]),
            ':cid': input.contactId,
          },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // already released
    }
  };

  /** The decisions-table item of a record: the record and its TTL. */
  const storedItem = (record: DecisionRecord): StoredDecision => ({
    ...record,
    expiresAt: ttlAfterDays(Date.parse(record.decidedAt), policy.auditRetentionDays),
  });

  /** Reserves the recording of a drawn record (before StartContactRecording). */
  const reserveDrawn = (record: DecisionRecord): Promise<void> =>
    reserveRecording(ddb, config.reservationsTable, storedItem(record), deps.now());

  /** Stores the record unless one exists; answers what is stored in the end. */
  const store = async (record: DecisionRecord): Promise<SamplerAnswer> => {
    const item = storedItem(record);
    try {
      await ddb.send(
        new PutCommand({
          TableName: config.decisionsTable,
          Item: item,
          ConditionExpression: 'attribute_not_exists(contactId)',
        }),
      );
      return answerOf(record);
    } catch (err) {
      if (isConditionFailure(err)) {
        const stored = await getStored(record.contactId);
        if (stored) return answerOf(stored);
      }
      logger.error('decision not stored', {
        contactId: record.contactId,
        reason: record.reason,
        error: err instanceof Error ? err.name : 'unknown',
      });
      return answerOf(record);
    }
  };

  const errorRecord = (
    input: SamplerInput,
    at: Date,
    period: string,
    decision?: Decision,
  ): DecisionRecord => ({
    ...errorRecordBase({
      input: { ...input, at },
      period,
      drawn: decision,
      agentArn: input.agentArn,
      policy,
      policyHash,
    }),
    algorithmVersion: policy.algorithmVersion ?? ALGORITHM_VERSION,
  });

  const decideFairContact =
    policy.algorithmVersion === ALGORITHM_V2
      ? createFairDecider(deps, { store, getStored, reserve: reserveDrawn, policyHash })
      : undefined;

  const decideContact = async (
    input: SamplerInput,
    at: Date,
    remaining: () => number,
  ): Promise<SamplerAnswer> => {
    const ids = { contactId: input.contactId, agentId: input.agentId };
    const instanceId = input.instanceArn.slice(input.instanceArn.lastIndexOf('/') + 1);
    if (instanceId !== config.instanceId) {
      logger.warn('event of another Connect instance', { ...ids, instanceId });
      return ERROR_ANSWER;
    }

    const period = periodOf(at, policy.timezone);
    let seed: Uint8Array;
    try {
      seed = await deps.loadSeed(period);
    } catch (err) {
      const problem = err instanceof SeedUnavailableError ? err.problem : 'read-failed';
      logger.error('seed unavailable: not recording (fail closed)', { ...ids, period, problem });
      return store(errorRecord(input, at, period));
    }
    if (decideFairContact) return decideFairContact(input, at, period, seed, remaining);

    // Steps 1–6 with the most permissive count first: a skip stays a skip with the real count (only
    // step 6 reads it), and its idempotency is the conditional put, which answers what is stored.
    const decisionInput = { ...callInputOf(input, at), recordedSoFar: 0 };
    let decision = decide(decisionInput, policy, seed);
    if (decision.outcome === 'record') {
      // A final decision of this contact (Connect retried us): the same answer, no second slot.
      const stored = await getStored(input.contactId);
      if (stored) {
        logger.info('repeated invocation: stored decision', { ...ids, reason: stored.reason });
        return answerOf(stored);
      }
      const quota = await getQuota(input.agentId, period);
      const own = quota?.contacts?.has(input.contactId) === true; // a retry of an unfinished attempt
      decisionInput.recordedSoFar = Math.max(0, (quota?.reserved ?? 0) - (own ? 1 : 0));
      decision = decide(decisionInput, policy, seed);
    }
    let final: 'record-failed' | undefined;

    if (decision.outcome === 'record') {
      if (remaining() < minBudget) {
        logger.warn('too little time left to record', { ...ids, remainingMs: remaining() });
        return store(errorRecord(input, at, period, decision));
      }
      const limit = pacedLimit(policy.maxRecordingsPerAgentPerMonth, elapsedFraction(at, policy.timezone));
      const slot = await reserve(input, period, limit);
      if (slot === 'full') {
        decision = { ...decision, outcome: 'skip', reason: 'agent-cap-reached' };
      } else if (remaining() < minBudget) {
        if (slot === 'reserved') await release(input, period);
        logger.warn('too little time left to record', { ...ids, remainingMs: remaining() });
        return store(errorRecord(input, at, period, decision));
      } else {
        try {
          const drawn = toDecisionRecord({
            input: decisionInput,
            decision,
            agentArn: input.agentArn,
            policy,
            policyHash,
          });
          await reserveDrawn(drawn);
          await startRecording(connect, config.instanceId, input, remaining());
        } catch (err) {
          final = 'record-failed';
          // Release only on a refusal by Connect: after a timeout the recording may have started,
          // and a held slot over-counts (safe for the cap) where a released one could overshoot it.
          // A retry that found the slot already ours does not know whether the first attempt's
          // recording runs: it keeps the slot too.
          const released = slot === 'reserved' && isServiceRefusal(err);
          if (released) await release(input, period);
          logger.error('StartContactRecording failed', {
            ...ids,
            error: err instanceof Error ? err.name : 'unknown',
            slotReleased: released,
          });
        }
      }
    }

    const record = toDecisionRecord({
      input: decisionInput,
      decision,
      agentArn: input.agentArn,
      policy,
      policyHash,
      ...(final ? { final } : {}),
    });
    const answer = await store(record);
    logger.info('decision', { ...ids, period, reason: answer.reason, recorded: answer.record === 'true' });
    return answer;
  };

  return {
    async handle(event, context) {
      let at: Date;
      try {
        at = deps.now(); // first thing: the decision instant is the invocation instant
      } catch {
        return ERROR_ANSWER;
      }
      const remaining = (): number => {
        try {
          return context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
        } catch {
          return 0;
        }
      };
      let input: SamplerInput;
      try {
        input = parseContactFlowEvent(event);
      } catch (err) {
        logger.warn('malformed contact-flow event: not recording', {
          ...malformedIds(event),
          problems: err instanceof InvalidEventError ? problemPaths(err) : ['unexpected'],
        });
        return ERROR_ANSWER;
      }
      try {
        return await decideContact(input, at, remaining);
      } catch (err) {
        logger.error('sampler failed: not recording', {
          contactId: input.contactId,
          agentId: input.agentId,
          error: err instanceof Error ? err.name : 'unknown',
        });
        return ERROR_ANSWER;
      }
    },
  };
}
