/**
 * The month's transparency model (lambda/core/transparency/) from the deployed tables: the one
 * reader behind `GET /transparency`, the monthly report function and `fairlisten export --month`.
 *
 * Sources, for period P:
 *  - decisions table: every decision of P (calls, reasons, recordings, policy version);
 *  - listening table: the roster snapshot the assignment took (teams, agents, coaches; the live
 *    roster from Connect before the assignment ran) and the listens assigned (`assign#` items);
 *  - plans table: the coaching plans that ran during P, labelled `plan-01`… by creation;
 *  - requests table: deletion and redaction requests about P's contacts;
 *  - the audit bucket's public seed object `transparency/seeds/P.json` (commitment, reveal).
 * People seen in decisions or listens but no longer in the roster are kept, in team `unplaced`.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { periodBounds } from '../core/period';
import { effectiveStatus, overlaps, type Plan } from '../core/plans';
import { REQUEST_STATUSES, type RequestStatus } from '../core/request-status';
import {
  type AssignmentLine,
  buildMonthModel,
  type MonthDecision,
  type MonthModelInput,
  type PlanOutcome,
  type RequestOutcome,
} from '../core/transparency/build';
import type { MonthData } from '../core/transparency/model';
import { queryAll, scanAll } from './dynamo';
import { ASSIGN_PREFIX, ROSTER_SK, type RosterItem } from './listening-items';
import type { ReportPolicy } from './report-config';
import type { Roster } from './roster';
import { transparencyKey } from './seed-item';

export const UNPLACED_TEAM = { id: 'unplaced', name: 'Sans équipe (hors annuaire)' } as const;

export interface MonthSource {
  readonly ddb: DynamoDBDocumentClient;
  readonly tables: {
    readonly decisions: string;
    readonly listening: string;
    readonly plans: string;
    /** @default - none: no privacy request is counted */
    readonly requests?: string;
  };
  readonly s3: Pick<S3Client, 'send'>;
  /** The audit bucket (public seed objects). */
  readonly auditBucket: string;
  readonly policy: ReportPolicy;
  /** The live roster, used while the period has no snapshot (before its assignment). */
  readonly loadRoster?: () => Promise<Roster>;
}

export interface MonthReadOptions {
  readonly generatedAt: string;
  /** @default false */
  readonly simulated?: boolean;
  /** @default - absent: the verifications were not run (the page says so) */
  readonly verification?: MonthData['verification'];
}

/** The period has no published seed commitment: nothing was recorded in it, there is no report. */
export class MonthNotAvailableError extends Error {
  override readonly name = 'MonthNotAvailableError';
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));
const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

async function readSeed(source: MonthSource, period: string): Promise<MonthModelInput['seed']> {
  let text: string | undefined;
  try {
    const out = await source.s3.send(
      new GetObjectCommand({ Bucket: source.auditBucket, Key: transparencyKey(period) }),
    );
    text = await out.Body?.transformToString('utf8');
  } catch (err) {
    const name = (err as Error).name;
    if (name !== 'NoSuchKey' && name !== 'NotFound') throw err;
  }
  let o: Record<string, unknown> = {};
  try {
    o = JSON.parse(text ?? '{}') as Record<string, unknown>;
  } catch {
    o = {};
  }
  if (typeof o.commitment !== 'string' || typeof o.committedAt !== 'string')
    throw new MonthNotAvailableError(`no seed commitment is published for ${period}: nothing was recorded`);
  return {
    commitment: o.commitment,
    committedAt: o.committedAt,
    ...(typeof o.seed === 'string' && typeof o.revealedAt === 'string'
      ? { seed: o.seed, revealedAt: o.revealedAt }
      : {}),
  };
}

/** One item of the period in the listening table (the roster snapshot, the run marker …), read consistently. */
export async function readListeningItem<T>(
  source: MonthSource,
  period: string,
  sk: string,
): Promise<T | undefined> {
  const { Item } = await source.ddb.send(
    new GetCommand({ TableName: source.tables.listening, Key: { period, sk }, ConsistentRead: true }),
  );
  return Item as T | undefined;
}

async function readRoster(source: MonthSource, period: string) {
  const snapshot = await readListeningItem<RosterItem>(source, period, ROSTER_SK);
  if (snapshot) return { agents: snapshot.agents, coaches: snapshot.coaches, teamNames: snapshot.teamNames };
  if (!source.loadRoster) return { agents: {}, coaches: {}, teamNames: {} };
  const live = await source.loadRoster();
  return {
    agents: Object.fromEntries(live.agents.map((a) => [a.agentId, a.team])),
    coaches: Object.fromEntries(live.coaches.map((c) => [c.coachId, c.team])),
    teamNames: { ...live.teamNames },
  };
}

/** When a request was completed; a done request without `completedAt` (older items) has `updatedAt`. */
function completion(r: Record<string, unknown>): { completedAt?: string } {
  if (typeof r.completedAt === 'string') return { completedAt: r.completedAt };
  if (r.status !== 'done') return {};
  return { completedAt: typeof r.updatedAt === 'string' ? r.updatedAt : str(r.createdAt) };
}

/** Everything the model of `period` is built from, read from the tables. */
export async function readMonthInput(
  source: MonthSource,
  period: string,
  options: MonthReadOptions,
): Promise<MonthModelInput> {
  const { ddb, tables, policy } = source;
  const { start, end } = periodBounds(period, policy.timezone);
  const seed = await readSeed(source, period);
  const roster = await readRoster(source, period);

  const decisions: MonthDecision[] = (
    await scanAll(ddb, {
      TableName: tables.decisions,
      FilterExpression: 'period = :p',
      ExpressionAttributeValues: { ':p': period },
      ConsistentRead: true,
    })
  ).map((d) => ({
    contactId: str(d.contactId),
    ...(typeof d.initialContactId === 'string' ? { initialContactId: d.initialContactId } : {}),
    agentId: str(d.agentId),
    decidedAt: str(d.decidedAt),
    reason: str(d.reason),
    ...(typeof d.policyVersion === 'string' ? { policyVersion: d.policyVersion } : {}),
  }));

  const assignments = await readAssignmentLines(ddb, tables.listening, period);

  // Teams and people: the roster, plus anyone the month's data names that it no longer lists.
  const teamNames: Record<string, string> = { ...roster.teamNames };
  const agentTeams = new Map(Object.entries(roster.agents));
  const coachTeams = new Map(Object.entries(roster.coaches));
  const place = (map: Map<string, string>, id: string, team?: string) => {
    if (map.has(id)) return;
    const t = team && teamNames[team] !== undefined ? team : UNPLACED_TEAM.id;
    if (t === UNPLACED_TEAM.id) teamNames[UNPLACED_TEAM.id] = UNPLACED_TEAM.name;
    map.set(id, t);
  };
  for (const x of assignments) {
    place(agentTeams, x.agentId, x.agentTeam);
    place(coachTeams, x.coachId, x.coachTeam);
  }
  for (const d of decisions) place(agentTeams, d.agentId);
  for (const team of [...agentTeams.values(), ...coachTeams.values()]) {
    if (teamNames[team] === undefined) teamNames[team] = team;
  }
  const excluded = new Set(policy.excludedAgents);

  // Plans that ran during the period, with their status at its end.
  const plans: PlanOutcome[] = ((await scanAll(ddb, { TableName: tables.plans })) as unknown as Plan[])
    .filter((p) => overlaps(p, start, end))
    .sort((a, b) => byKey<Plan>((p) => `${p.createdAt}|${p.planId}`)(a, b))
    .map((p, i) => {
      place(agentTeams, p.agentId);
      return {
        label: `plan-${String(i + 1).padStart(2, '0')}`,
        planId: p.planId,
        agentId: p.agentId,
        extraListens: p.extraListens,
        status: effectiveStatus(p, end),
      };
    });

  // Requests about the period's contacts.
  const agentOfContact = new Map(decisions.map((d) => [d.contactId, d.agentId]));
  const requests: RequestOutcome[] = tables.requests
    ? (await scanAll(ddb, { TableName: tables.requests, ConsistentRead: true }))
        .filter((r) => agentOfContact.has(str(r.contactId)))
        .filter((r) => REQUEST_STATUSES.includes(r.status as RequestStatus))
        .map((r) => {
          const proof = r.proof as { deleted?: unknown[]; replaced?: unknown[] } | undefined;
          return {
            kind: r.kind === 'redaction' ? ('redaction' as const) : ('deletion' as const),
            arrival: r.arrival === 'request-first' ? ('request-first' as const) : ('file-first' as const),
            contactId: str(r.contactId),
            agentId: agentOfContact.get(str(r.contactId))!,
            requestId: str(r.requestId),
            status: r.status as RequestStatus,
            requestedAt: str(r.createdAt),
            ...completion(r),
            proved: (proof?.deleted?.length ?? 0) + (proof?.replaced?.length ?? 0) > 0,
          };
        })
    : [];

  return {
    period,
    generatedAt: options.generatedAt,
    simulated: options.simulated ?? false,
    policy,
    teams: Object.entries(teamNames).map(([id, name]) => ({ id, name })),
    agents: [...agentTeams].map(([id, teamId]) => ({ id, teamId, excluded: excluded.has(id) })),
    coaches: [...coachTeams].map(([id, teamId]) => ({ id, teamId })),
    decisions,
    assignments,
    plans,
    requests,
    seed,
    ...(options.verification ? { verification: options.verification } : {}),
  };
}

/** The validated model of `period` (see `buildMonthModel`). */
export async function readMonthModel(
  source: MonthSource,
  period: string,
  options: MonthReadOptions,
): Promise<MonthData> {
  return buildMonthModel(await readMonthInput(source, period, options));
}

/**
 * The period's listens as `assignments.jsonl` lists them, sorted by contact id: who may listen to
 * whose recording, and under which coaching plan when beyond the regular maximum.
 */
export async function readAssignmentLines(
  ddb: DynamoDBDocumentClient,
  listeningTable: string,
  period: string,
): Promise<AssignmentLine[]> {
  const items = await queryAll(ddb, {
    TableName: listeningTable,
    KeyConditionExpression: 'period = :p AND begins_with(sk, :a)',
    ExpressionAttributeValues: { ':p': period, ':a': ASSIGN_PREFIX },
    ConsistentRead: true,
  });
  return items
    .map((i) => ({
      period,
      contactId: str(i.contactId),
      agentId: str(i.agentId),
      agentTeam: str(i.agentTeam),
      coachId: str(i.coachId),
      coachTeam: str(i.coachTeam),
      ...(typeof i.planId === 'string' ? { planId: i.planId } : {}),
    }))
    .sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
}
