/**
 * The views, with injected clients and clock:
 *  - `GET /me[?period=YYYY-MM]` (agent): my recorded contacts of the period and their state; the
 *    listens of my recordings of this and the previous period (listens of P happen in P+1): coach
 *    id and team, when they listened; my evaluations; every coaching plan about me; my deletion
 *    and redaction requests on those recordings, with their status and proof;
 *  - `GET /assignments` (coach): my assigned listens of this and the previous period, nothing else;
 *  - `GET /transparency?period=YYYY-MM[&format=csv]` (staff representatives, data-protection
 *    officer): aggregates only, per team (lambda/core/transparency.ts).
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { isPeriod, nextPeriod, periodBounds, periodOf, previousPeriod } from '../core/period';
import { effectiveStatus, overlaps, type Plan } from '../core/plans';
import { buildTransparency, type TransparencyInput, transparencyCsv } from '../core/transparency';
import { queryAll, scanAll } from '../shared/dynamo';
import {
  type ApiEvent,
  type ApiResult,
  connectUserOf,
  createRouter,
  HttpError,
  json,
  notFound,
  text,
} from '../shared/http';
import {
  AGENT_LOAD_PREFIX,
  ASSIGN_PREFIX,
  type AssignmentItem,
  EVAL_PREFIX,
  type EvaluationItem,
  type LoadItem,
  ROSTER_SK,
  type RosterItem,
  RUN_SK,
  type RunItem,
} from '../shared/listening-items';
import type { IdentityConfig, Principal } from '../shared/principal';
import { CONTACT_SK, type ContactItem, type RequestRecord } from '../shared/requests';
import type { Roster } from '../shared/roster';
import { API_ROUTES } from '../shared/routes';

export interface ViewsDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly listeningTable: string;
  readonly plansTable: string;
  /** @default - none: no contacts are shown */
  readonly recordingsTable?: string;
  /** @default - none: deletion and redaction requests are not counted */
  readonly requestsTable?: string;
  /** @default - none: calls decided are not counted */
  readonly decisionsTable?: string;
  readonly s3: S3Client;
  /** Bucket of `transparency/seeds/<period>.json`. @default - none: no seed information */
  readonly transparencyBucket?: string;
  /** Live roster, used when the period has no roster snapshot yet (before its assignment). */
  readonly loadRoster?: () => Promise<Roster>;
  readonly identity: IdentityConfig;
  readonly policy: TransparencyInput['policy'] & { readonly timezone: string };
  readonly now: () => Date;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

function periodParam(event: ApiEvent, fallback?: string): string {
  const raw = event.queryStringParameters?.period ?? fallback;
  if (raw === undefined) throw new HttpError(400, 'invalid-query', 'period=YYYY-MM is required');
  if (!isPeriod(raw)) throw new HttpError(400, 'invalid-query', 'period must be YYYY-MM');
  return raw;
}

/** Reads the seed transparency object of `period`, if any. */
async function readSeedObject(s3: S3Client, bucket: string | undefined, period: string) {
  if (!bucket) return undefined;
  try {
    const out = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `transparency/seeds/${period}.json` }),
    );
    const o = JSON.parse((await out.Body?.transformToString('utf8')) ?? '{}') as Record<string, unknown>;
    if (typeof o.commitment !== 'string') return undefined;
    return {
      commitment: o.commitment,
      ...(typeof o.committedAt === 'string' ? { committedAt: o.committedAt } : {}),
      ...(typeof o.seed === 'string' ? { seed: o.seed } : {}),
      ...(typeof o.revealedAt === 'string' ? { revealedAt: o.revealedAt } : {}),
    };
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
    throw err;
  }
}

/** Everything the transparency report of `period` aggregates (exported for the local report). */
export async function gatherTransparencyInput(deps: ViewsDeps, period: string): Promise<TransparencyInput> {
  const { ddb, listeningTable } = deps;
  const now = deps.now();
  const get = async (sk: string) =>
    (await ddb.send(new GetCommand({ TableName: listeningTable, Key: { period, sk } }))).Item;
  const run = (await get(RUN_SK)) as RunItem | undefined;
  const snapshot = (await get(ROSTER_SK)) as RosterItem | undefined;
  let agentTeams: Record<string, string> = snapshot?.agents ?? {};
  let coachTeams: Record<string, string> = snapshot?.coaches ?? {};
  let teamNames: Record<string, string> = snapshot?.teamNames ?? {};
  if (!snapshot && deps.loadRoster) {
    const live = await deps.loadRoster();
    agentTeams = Object.fromEntries(live.agents.map((a) => [a.agentId, a.team]));
    coachTeams = Object.fromEntries(live.coaches.map((c) => [c.coachId, c.team]));
    teamNames = { ...live.teamNames };
  }
  const listening = await queryAll(ddb, {
    TableName: listeningTable,
    KeyConditionExpression: 'period = :p',
    ExpressionAttributeValues: { ':p': period },
  });
  const assignments = listening.filter((i) =>
    String(i.sk).startsWith(ASSIGN_PREFIX),
  ) as unknown as AssignmentItem[];
  const agentMax: Record<string, number> = {};
  for (const i of listening) {
    if (!String(i.sk).startsWith(AGENT_LOAD_PREFIX)) continue;
    const load = i as unknown as LoadItem;
    if (typeof load.max === 'number') agentMax[load.loadOf] = load.max;
  }
  const decisions = deps.decisionsTable
    ? (
        await scanAll(ddb, {
          TableName: deps.decisionsTable,
          FilterExpression: 'period = :p',
          ProjectionExpression: 'agentId, recorded',
          ExpressionAttributeValues: { ':p': period },
        })
      ).map((d) => ({ agentId: String(d.agentId), recorded: d.recorded === true }))
    : [];
  const contacts = deps.recordingsTable
    ? (
        await scanAll(ddb, {
          TableName: deps.recordingsTable,
          FilterExpression: 'period = :p AND sk = :c',
          ProjectionExpression: 'contactId, agentId, #s',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':p': period, ':c': CONTACT_SK },
        })
      ).map((c) => ({ contactId: String(c.contactId), agentId: String(c.agentId), state: String(c.state) }))
    : [];
  const bounds = periodBounds(period, deps.policy.timezone);
  const inPeriod = new Set(contacts.map((c) => c.contactId));
  const requests = deps.requestsTable
    ? (
        await scanAll(ddb, {
          TableName: deps.requestsTable,
          ProjectionExpression: 'contactId, kind, #s, createdAt',
          ExpressionAttributeNames: { '#s': 'status' },
        })
      )
        .filter((r) => {
          const created = Date.parse(String(r.createdAt));
          return (
            inPeriod.has(String(r.contactId)) ||
            (created >= bounds.start.getTime() && created < bounds.end.getTime())
          );
        })
        .map((r) => ({
          contactId: String(r.contactId),
          kind: r.kind === 'redaction' ? ('redaction' as const) : ('deletion' as const),
          status: String(r.status),
        }))
    : [];
  // Plans that ran during the period or during its listening window (the next period).
  const windowEnd = periodBounds(nextPeriod(period), deps.policy.timezone).end;
  const plans = ((await scanAll(ddb, { TableName: deps.plansTable })) as unknown as Plan[])
    .filter((p) => overlaps(p, bounds.start, windowEnd))
    .map((p) => ({ agentId: p.agentId, status: effectiveStatus(p, now), extraListens: p.extraListens }));
  const seed = await readSeedObject(deps.s3, deps.transparencyBucket, period);
  return {
    period,
    policy: {
      minPerAgent: deps.policy.minPerAgent,
      maxPerAgent: deps.policy.maxPerAgent,
      maxPerCoach: deps.policy.maxPerCoach,
      maxExtraListens: deps.policy.maxExtraListens,
    },
    agentTeams,
    coachTeams,
    teamNames,
    decisions,
    contacts,
    assignments,
    agentMax,
    plans,
    requests,
    ...(run ? { run } : {}),
    ...(seed ? { seed } : {}),
  };
}

export function createViews(deps: ViewsDeps): (event: unknown) => Promise<ApiResult> {
  const { ddb } = deps;

  async function me(event: ApiEvent, principal: Principal): Promise<ApiResult> {
    const agentId = connectUserOf(principal);
    const now = deps.now();
    const period = periodParam(event, periodOf(now, deps.policy.timezone));
    const contacts = deps.recordingsTable
      ? (
          (await queryAll(ddb, {
            TableName: deps.recordingsTable,
            IndexName: 'byAgent',
            KeyConditionExpression: 'agentId = :a AND period = :p',
            FilterExpression: 'sk = :c',
            ExpressionAttributeValues: { ':a': agentId, ':p': period, ':c': CONTACT_SK },
          })) as unknown as ContactItem[]
        )
          .map((c) => ({ contactId: c.contactId, period: c.period, state: c.state, updatedAt: c.updatedAt }))
          .sort((a, b) => (a.contactId < b.contactId ? -1 : 1))
      : [];
    const mine = await queryAll(ddb, {
      TableName: deps.listeningTable,
      IndexName: 'byAgent',
      KeyConditionExpression: 'agentId = :a AND period BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':a': agentId, ':from': previousPeriod(period), ':to': period },
    });
    const teamNames: Record<string, string> = {};
    for (const p of new Set(mine.map((i) => String(i.period)))) {
      const snap = (
        await ddb.send(new GetCommand({ TableName: deps.listeningTable, Key: { period: p, sk: ROSTER_SK } }))
      ).Item as RosterItem | undefined;
      Object.assign(teamNames, snap?.teamNames ?? {});
    }
    const listens = (
      mine.filter((i) => String(i.sk).startsWith(ASSIGN_PREFIX)) as unknown as AssignmentItem[]
    )
      .map((a) => ({
        contactId: a.contactId,
        period: a.period,
        coachId: a.coachId,
        coachTeam: teamNames[a.coachTeam] ?? a.coachTeam,
        assignedAt: a.assignedAt,
        listenUntil: a.validUntil,
        listenedAt: a.plays ?? [],
      }))
      .sort((a, b) => (a.period + a.contactId < b.period + b.contactId ? -1 : 1));
    const evaluations = (
      mine.filter((i) => String(i.sk).startsWith(EVAL_PREFIX)) as unknown as EvaluationItem[]
    )
      .map((e) => ({
        contactId: e.contactId,
        period: e.period,
        coachId: e.coachId,
        coachTeam: teamNames[e.coachTeam] ?? e.coachTeam,
        scores: e.scores,
        ...(e.comment ? { comment: e.comment } : {}),
        createdAt: e.createdAt,
      }))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    const plans = (
      (await queryAll(ddb, {
        TableName: deps.plansTable,
        IndexName: 'byAgent',
        KeyConditionExpression: 'agentId = :a',
        ExpressionAttributeValues: { ':a': agentId },
      })) as unknown as Plan[]
    )
      .map((p) => ({
        planId: p.planId,
        proposedBy: p.proposedBy,
        reason: p.reason,
        extraListens: p.extraListens,
        createdAt: p.createdAt,
        endsAt: p.endsAt,
        status: effectiveStatus(p, now),
        ...(p.decidedAt ? { decidedAt: p.decidedAt } : {}),
      }))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    const requests = deps.requestsTable
      ? (
          await Promise.all(
            contacts.map(
              async (c) =>
                (await queryAll(ddb, {
                  TableName: deps.requestsTable,
                  IndexName: 'byContact',
                  KeyConditionExpression: 'contactId = :c',
                  ExpressionAttributeValues: { ':c': c.contactId },
                })) as unknown as RequestRecord[],
            ),
          )
        )
          .flat()
          // Only the requests this agent made (a DPO's request on my recording is the DPO's to show).
          .filter((r) => r.requestedBy === `agent:${agentId}`)
          .map((r) => ({
            requestId: r.requestId,
            kind: r.kind,
            contactId: r.contactId,
            status: r.status,
            ...(r.ranges ? { ranges: r.ranges } : {}),
            createdAt: r.createdAt,
            ...(r.completedAt ? { completedAt: r.completedAt } : {}),
            proof: r.proof ?? null,
          }))
          .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
      : [];
    return json(200, { agentId, period, contacts, listens, evaluations, plans, requests });
  }

  async function assignments(_event: ApiEvent, principal: Principal): Promise<ApiResult> {
    const coachId = connectUserOf(principal);
    const now = deps.now();
    const period = periodOf(now, deps.policy.timezone);
    const items = (await queryAll(ddb, {
      TableName: deps.listeningTable,
      IndexName: 'byCoach',
      KeyConditionExpression: 'coachId = :c AND period BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':c': coachId, ':from': previousPeriod(period), ':to': period },
    })) as unknown as (AssignmentItem | EvaluationItem)[];
    const evaluated = new Set(
      items.filter((i) => i.sk.startsWith(EVAL_PREFIX)).map((i) => `${i.period}/${i.contactId}`),
    );
    const listens = (items.filter((i) => i.sk.startsWith(ASSIGN_PREFIX)) as AssignmentItem[])
      .map((a) => ({
        contactId: a.contactId,
        period: a.period,
        agentTeam: a.agentTeam,
        playsLeft: a.playsLeft,
        playsAllowed: a.playsAllowed,
        listenUntil: a.validUntil,
        open: Date.parse(a.validUntil) > now.getTime(),
        evaluated: evaluated.has(`${a.period}/${a.contactId}`),
      }))
      .sort((a, b) => (a.period + a.contactId < b.period + b.contactId ? -1 : 1));
    return json(200, { coachId, listens });
  }

  async function transparency(event: ApiEvent): Promise<ApiResult> {
    const period = periodParam(event);
    // A month that has not begun has no data (and 9999-12 has no following month to bound it).
    const current = periodOf(deps.now(), deps.policy.timezone);
    if (period > current)
      throw notFound('period-not-found', `period ${period} has not started: there is no data for it yet`);
    const format = event.queryStringParameters?.format ?? 'json';
    if (format !== 'json' && format !== 'csv')
      throw new HttpError(400, 'invalid-query', 'format must be json or csv');
    const report = buildTransparency(await gatherTransparencyInput(deps, period));
    if (format === 'csv') {
      return text(
        200,
        'text/csv; charset=utf-8',
        transparencyCsv(report),
        `fairlisten-transparency-${period}.csv`,
      );
    }
    return json(200, report);
  }

  return createRouter(
    [
      [API_ROUTES.views.me, me],
      [API_ROUTES.views.assignments, assignments],
      [API_ROUTES.views.transparency, transparency],
    ],
    { identity: deps.identity, logger: deps.logger },
  );
}
