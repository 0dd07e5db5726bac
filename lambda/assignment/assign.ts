/**
 * The assignment run, once per period, with injected clients, clock and audit sink.
 *
 * Timing. The assignment lottery is seeded with the period's seed, which stays secret until the
 * period has ended (+ grace day) and only the sampler and the seed function may read the seeds
 * table (C2). So the assignment for period P runs *after* P, from the revealed seed published in
 * the audit bucket (`transparency/seeds/<P>.json`, checked: SHA-256(seed) = commitment), and the
 * listens of P's recordings happen in P+1 (the listening window ends with P+1; recordings are kept
 * 90 days). Anyone can therefore recompute the assignment from public data once it is made.
 *
 * Each daily run: P = the previous period. Nothing happens when P's run is complete, or when P's
 * seed is not revealed yet (logged). Otherwise: roster from Connect, each agent's kept or redacted
 * recordings of P (recordings index, GSI byAgent), last period's pairs, approved plans' extra
 * listens → `assignListens` → write (all conditional or overwrite-safe, so a retried run continues
 * where it stopped):
 *   `#run` (status started → complete, figures, shortfall by team), `#roster` (the teams used),
 *   one `assign#<contactId>` per listen (attribute_not_exists), one `load#coach#<id>` per coach
 *   (after its `assignment` audit record on chain `listens/<P>`), one `load#agent#<id>` per agent,
 *   and a closing `assignment` audit record with the run's figures.
 * A run interrupted after some audit records may repeat a coach's record once (at-least-once).
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type AssignmentResult, assignListens, type ListenAssignment } from '../core/assignment';
import { commitment as commitmentOf, seedFromHex } from '../core/lottery';
import { nextPeriod, periodBounds, periodOf, previousPeriod } from '../core/period';
import { markPlanListens, planGrants } from '../core/plan-listens';
import { extraListensByAgent, type Plan } from '../core/plans';
import { ttlAfterDays } from '../core/retention';
import type { AuditSink } from '../shared/audit-sink';
import { isConditionFailure, queryAll, scanAll } from '../shared/dynamo';
import {
  AGENT_LOAD_PREFIX,
  ASSIGN_PREFIX,
  type AssignmentItem,
  type AssignmentPolicy,
  assignSk,
  COACH_LOAD_PREFIX,
  type LoadItem,
  ROSTER_SK,
  type RosterItem,
  RUN_SK,
  type RunItem,
} from '../shared/listening-items';
import { CONTACT_SK, type ContactItem } from '../shared/requests';
import type { Roster } from '../shared/roster';

export type { AssignmentPolicy };

export const ASSIGNMENT_ACTOR = 'function:assignment';

export interface AssignmentRunDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly listeningTable: string;
  /** The recordings index; without it nothing is assigned. */
  readonly recordingsTable?: string;
  readonly plansTable: string;
  readonly s3: S3Client;
  /** Bucket of `transparency/seeds/<period>.json`; without it no seed is ever available. */
  readonly transparencyBucket?: string;
  readonly loadRoster: () => Promise<Roster>;
  readonly audit: AuditSink;
  readonly policy: AssignmentPolicy;
  readonly now: () => Date;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export type RunOutcome = 'assigned' | 'already-assigned' | 'seed-not-revealed' | 'seed-mismatch' | 'no-index';

export interface RunReport {
  period: string;
  outcome: RunOutcome;
  listens?: number;
  missingListens?: number;
}

export const seedObjectKey = (period: string): string => `transparency/seeds/${period}.json`;

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The revealed seed of `period` from its transparency object, or why it is not usable. */
export async function readRevealedSeed(
  s3: S3Client,
  bucket: string | undefined,
  period: string,
): Promise<
  | { ok: true; seed: Uint8Array; commitment: string; revealedAt: string }
  | { ok: false; outcome: 'seed-not-revealed' | 'seed-mismatch'; why: string }
> {
  if (!bucket) return { ok: false, outcome: 'seed-not-revealed', why: 'no transparency bucket configured' };
  let text: string;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: seedObjectKey(period) }));
    text = (await out.Body?.transformToString('utf8')) ?? '';
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'NoSuchKey' || name === 'NotFound') {
      return { ok: false, outcome: 'seed-not-revealed', why: 'no transparency object for the period' };
    }
    throw err;
  }
  let object: { period?: unknown; commitment?: unknown; seed?: unknown; revealedAt?: unknown };
  try {
    object = JSON.parse(text) as typeof object;
  } catch {
    return { ok: false, outcome: 'seed-mismatch', why: 'the transparency object is not JSON' };
  }
  if (typeof object.seed !== 'string' || typeof object.revealedAt !== 'string') {
    return { ok: false, outcome: 'seed-not-revealed', why: 'the seed is not revealed yet' };
  }
  if (object.period !== period || typeof object.commitment !== 'string') {
    return {
      ok: false,
      outcome: 'seed-mismatch',
      why: 'the transparency object names another period or no commitment',
    };
  }
  let seed: Uint8Array;
  try {
    seed = seedFromHex(object.seed);
  } catch {
    return { ok: false, outcome: 'seed-mismatch', why: 'the revealed seed is not 32 bytes of hex' };
  }
  if (commitmentOf(seed) !== object.commitment) {
    return {
      ok: false,
      outcome: 'seed-mismatch',
      why: 'SHA-256(seed) does not match the published commitment',
    };
  }
  return { ok: true, seed, commitment: object.commitment, revealedAt: object.revealedAt };
}

/** Kept or redacted recordings of `agentId` in `period` (recordings index, GSI byAgent). */
async function keptRecordings(
  ddb: DynamoDBDocumentClient,
  table: string,
  agentId: string,
  period: string,
): Promise<string[]> {
  const items = await queryAll(ddb, {
    TableName: table,
    IndexName: 'byAgent',
    KeyConditionExpression: 'agentId = :a AND period = :p',
    FilterExpression: 'sk = :contact AND (#s = :kept OR #s = :redacted)',
    ExpressionAttributeNames: { '#s': 'state' },
    ExpressionAttributeValues: {
      ':a': agentId,
      ':p': period,
      ':contact': CONTACT_SK,
      ':kept': 'kept',
      ':redacted': 'redacted',
    },
  });
  const contacts = (items as ContactItem[]).map((item) => item.contactId);
  return contacts;
}

/** Every plan whose stored status is approved (the plans table is small: one item per plan). */
export async function approvedPlans(ddb: DynamoDBDocumentClient, table: string): Promise<Plan[]> {
  const plans = (await scanAll(ddb, {
    TableName: table,
    FilterExpression: '#s = :approved',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':approved': 'approved' },
  })) as unknown as Plan[];
  return plans;
}

export async function runAssignment(deps: AssignmentRunDeps, requested?: string): Promise<RunReport> {
  const { ddb, listeningTable, policy, logger } = deps;
  const now = deps.now();
  const period = requested ?? previousPeriod(periodOf(now, policy.timezone));

  const existing = (
    await ddb.send(
      new GetCommand({ TableName: listeningTable, Key: { period, sk: RUN_SK }, ConsistentRead: true }),
    )
  ).Item as RunItem | undefined;
  if (existing?.status === 'complete') {
    logger.info('assignment already made', { period });
    return { period, outcome: 'already-assigned', listens: existing.listens };
  }

  const seed = await readRevealedSeed(deps.s3, deps.transparencyBucket, period);
  if (!seed.ok) {
    const log = seed.outcome === 'seed-mismatch' ? logger.error : logger.info;
    log.call(logger, 'no assignment: the period seed is not usable', { period, why: seed.why });
    return { period, outcome: seed.outcome };
  }
  if (!deps.recordingsTable) {
    logger.error('no assignment: the recordings index is not configured', { period });
    return { period, outcome: 'no-index' };
  }
  const recordingsTable = deps.recordingsTable;

  // Inputs.
  const roster = await deps.loadRoster();
  const agents = (
    await mapLimit(roster.agents, 8, async (a) => ({
      agentId: a.agentId,
      team: a.team,
      recordings: (
        await keptRecordings(ddb, recordingsTable, a.agentId, period)
      ).map((contactId) => ({ contactId })),
    }))
  ).filter((a) => a.recordings.length > 0);
  const previous = (
    await queryAll(ddb, {
      TableName: listeningTable,
      KeyConditionExpression: 'period = :p AND begins_with(sk, :a)',
      ExpressionAttributeValues: { ':p': previousPeriod(period), ':a': ASSIGN_PREFIX },
    })
  ).map((i) => ({ agentId: String(i.agentId), coachId: String(i.coachId) }));
  const approved = await approvedPlans(ddb, deps.plansTable);
  const extras = extraListensByAgent(approved, now, policy.maxExtraListens);

  const result: AssignmentResult = assignListens({
    period,
    seed: seed.seed,
    agents,
    coaches: roster.coaches,
    previous,
    policy: {
      minPerAgent: policy.minPerAgent,
      maxPerAgent: policy.maxPerAgent,
      maxPerCoach: policy.maxPerCoach,
    },
    extraListens: extras.map(({ agentId, extra }) => ({ agentId, extra })),
  });

  // Listens beyond the maximum carry the id of the plan that granted them (C5, checkable offline).
  const listens = markPlanListens(
    result.assignments,
    policy.maxPerAgent,
    planGrants(approved, now, policy.maxExtraListens),
  );
  const validUntil = periodBounds(nextPeriod(period), policy.timezone).end;
  // Counted from the run (the items' creation): auditRetentionDays at most, the listening window included.
  const expiresAt = ttlAfterDays(now.getTime(), policy.auditRetentionDays);
  const startedAt = now.toISOString();

  // Claim the run (a retry of an interrupted run continues it).
  const figures = {
    commitment: seed.commitment,
    seedRevealedAt: seed.revealedAt,
    listens: result.stats.listens,
    agents: result.stats.agents,
    coaches: result.stats.coaches,
    minTarget: result.stats.minTarget,
    minCovered: result.stats.minCovered,
    missingListens: result.shortfall.missingListens,
    agentsBelowMin: result.shortfall.agentsBelowMin.length,
    shortfallByTeam: result.shortfall.byTeam,
    extraListens: extras.reduce((s, e) => s + e.extra, 0),
    plansApplied: extras.reduce((s, e) => s + e.plans, 0),
    unplacedUsers: roster.unplaced,
  };
  const run: RunItem = { period, sk: RUN_SK, status: 'started', startedAt, ...figures, expiresAt };
  await ddb.send(
    new PutCommand({
      TableName: listeningTable,
      Item: run,
      ConditionExpression: 'attribute_not_exists(sk) OR #s = :started',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':started': 'started' },
    }),
  );
  const rosterItem: RosterItem = {
    period,
    sk: ROSTER_SK,
    agents: Object.fromEntries(roster.agents.map((a) => [a.agentId, a.team])),
    coaches: Object.fromEntries(roster.coaches.map((c) => [c.coachId, c.team])),
    teamNames: { ...roster.teamNames },
    takenAt: startedAt,
    expiresAt,
  };
  await ddb.send(new PutCommand({ TableName: listeningTable, Item: rosterItem }));

  // Assignments (never overwritten: a retry keeps what a previous attempt wrote, plays included).
  let conflicts = 0;
  await mapLimit(listens, 16, async (a) => {
    const item: AssignmentItem = {
      period,
      sk: assignSk(a.contactId),
      contactId: a.contactId,
      agentId: a.agentId,
      agentTeam: a.agentTeam,
      coachId: a.coachId,
      coachTeam: a.coachTeam,
      ...(a.planId ? { planId: a.planId } : {}),
      playsLeft: policy.playsPerListen,
      playsAllowed: policy.playsPerListen,
      plays: [],
      assignedAt: startedAt,
      validUntil: validUntil.toISOString(),
      expiresAt,
    };
    try {
      await ddb.send(
        new PutCommand({
          TableName: listeningTable,
          Item: item,
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      conflicts++;
    }
  });
  if (conflicts > 0) logger.warn('assignments already present (retried run)', { period, conflicts });

  // Per coach: the audit record of their list, then their load item.
  const byCoach = new Map<string, (ListenAssignment & { planId?: string })[]>();
  for (const a of listens) {
    const list = byCoach.get(a.coachId) ?? [];
    list.push(a);
    byCoach.set(a.coachId, list);
  }
  for (const [coachId, list] of [...byCoach].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const sk = `${COACH_LOAD_PREFIX}${coachId}`;
    const load = (
      await ddb.send(new GetCommand({ TableName: listeningTable, Key: { period, sk }, ConsistentRead: true }))
    ).Item as LoadItem | undefined;
    if (load?.auditSeq !== undefined) continue;
    const appended = await deps.audit.append({
      chain: `listens/${period}`,
      kind: 'assignment',
      actor: ASSIGNMENT_ACTOR,
      subject: period,
      at: now,
      data: {
        scope: 'coach',
        coachId,
        coachTeam: list[0]!.coachTeam,
        listens: list.map((a) => ({
          contactId: a.contactId,
          agentId: a.agentId,
          agentTeam: a.agentTeam,
          ...(a.planId ? { planId: a.planId } : {}),
        })),
      },
    });
    const item: LoadItem = {
      period,
      sk,
      loadOf: coachId,
      team: list[0]!.coachTeam,
      assigned: list.length,
      auditSeq: appended.seq,
      expiresAt,
    };
    await ddb.send(new PutCommand({ TableName: listeningTable, Item: item }));
  }
  const extraOf = new Map(extras.map((e) => [e.agentId, e.extra]));
  const gotOf = new Map<string, number>();
  for (const a of result.assignments) gotOf.set(a.agentId, (gotOf.get(a.agentId) ?? 0) + 1);
  await mapLimit(agents, 16, async (a) => {
    const item: LoadItem = {
      period,
      sk: `${AGENT_LOAD_PREFIX}${a.agentId}`,
      loadOf: a.agentId,
      team: a.team,
      assigned: gotOf.get(a.agentId) ?? 0,
      max: policy.maxPerAgent + (extraOf.get(a.agentId) ?? 0),
      expiresAt,
    };
    await ddb.send(new PutCommand({ TableName: listeningTable, Item: item }));
  });

  await deps.audit.append({
    chain: `listens/${period}`,
    kind: 'assignment',
    actor: ASSIGNMENT_ACTOR,
    subject: period,
    at: now,
    // The regular maximum the run applied: `fairlisten verify --month` checks C5 against it.
    data: { scope: 'run', ...figures, maxPerAgent: policy.maxPerAgent, validUntil: validUntil.toISOString() },
  });
  await ddb.send(
    new UpdateCommand({
      TableName: listeningTable,
      Key: { period, sk: RUN_SK },
      UpdateExpression: 'SET #s = :complete, completedAt = :at',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':complete': 'complete', ':at': deps.now().toISOString() },
    }),
  );
  logger.info('assignment made', {
    period,
    listens: result.stats.listens,
    missingListens: result.shortfall.missingListens,
  });
  return {
    period,
    outcome: 'assigned',
    listens: result.stats.listens,
    missingListens: result.shortfall.missingListens,
  };
}
