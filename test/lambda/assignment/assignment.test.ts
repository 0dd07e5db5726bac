import { ConnectClient } from '@aws-sdk/client-connect';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AssignmentRunDeps, readRevealedSeed, runAssignment } from '../../../lambda/assignment/assign';
import { commitment, seedToHex } from '../../../lambda/core/lottery';
import type { Plan } from '../../../lambda/core/plans';
import type { AssignmentItem, RunItem } from '../../../lambda/shared/listening-items';
import { loadRoster, placeInHierarchy } from '../../../lambda/shared/roster';
import {
  type ConnectSeed,
  createTables,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalStack,
  startLocalStack,
} from '../../../lib/local';
import { putContact, silentLogger, uuid } from '../../support/listening';
import { MemoryAudit } from '../../support/memory-audit';

const AUDIT_BUCKET = 'audit';
const P = '2026-11';
const NOW = new Date('2026-12-02T02:00:00.000Z');
const SEED = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
const INSTANCE = '11111111-2222-4333-8444-555555555555';

// Hierarchy: Site (LevelOne) / Team A|B|C (LevelTwo) / Coaches (LevelThree).
const g = (n: number) => uuid(n, 'e');
const TEAMS = { a: g(2), b: g(3), c: g(4) };
const agentId = (team: string, i: number) => uuid(i, team === 'a' ? 'a' : team === 'b' ? 'b' : 'd');
const coachId = (team: string, i: number) => uuid(100 + i, team === 'a' ? 'a' : team === 'b' ? 'b' : 'd');

const connectSeed: ConnectSeed = {
  instanceId: INSTANCE,
  hierarchyGroups: [
    { id: g(1), name: 'Site', level: 1 },
    { id: TEAMS.a, name: 'Team A', level: 2, path: [g(1), TEAMS.a] },
    { id: TEAMS.b, name: 'Team B', level: 2, path: [g(1), TEAMS.b] },
    { id: TEAMS.c, name: 'Team C', level: 2, path: [g(1), TEAMS.c] },
    { id: g(12), name: 'Coaches', level: 3, path: [g(1), TEAMS.a, g(12)] },
    { id: g(13), name: 'coaches', level: 3, path: [g(1), TEAMS.b, g(13)] },
    { id: g(14), name: 'Coaches', level: 3, path: [g(1), TEAMS.c, g(14)] },
  ],
  users: [
    ...['a', 'b', 'c'].flatMap((t) =>
      [1, 2, 3, 4].map((i) => ({
        id: agentId(t, i),
        username: `agent-${t}${i}`,
        hierarchyGroupId: TEAMS[t as 'a' | 'b' | 'c'],
      })),
    ),
    { id: coachId('a', 1), username: 'coach-a1', hierarchyGroupId: g(12) },
    { id: coachId('b', 1), username: 'coach-b1', hierarchyGroupId: g(13) },
    { id: coachId('c', 1), username: 'coach-c1', hierarchyGroupId: g(14) },
    { id: uuid(900, 'f'), username: 'no-team' },
    { id: uuid(901, 'f'), username: 'site-only', hierarchyGroupId: g(1) },
  ],
};

let local: LocalStack;
let ddb: DynamoDBDocumentClient;
let connect: ConnectClient;
let tables: Record<string, string>;
let audit: MemoryAudit;
let n = 0;

beforeAll(async () => {
  local = await startLocalStack({ buckets: [AUDIT_BUCKET], connectState: connectSeed });
  ddb = DynamoDBDocumentClient.from(local.dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  connect = new ConnectClient({
    endpoint: local.connect.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});
afterAll(async () => {
  connect.destroy();
  await local.stop();
});
beforeEach(async () => {
  n += 1;
  tables = await createTables(local.dynamo.client, undefined, (logical) => `${logical}-as${n}`);
  audit = new MemoryAudit();
});

const roster = () => loadRoster({ connect, instanceId: INSTANCE, teamLevel: 'LevelTwo', concurrency: 3 });

const deps = (over: Partial<AssignmentRunDeps> = {}): AssignmentRunDeps => ({
  ddb,
  listeningTable: tables.listening!,
  recordingsTable: tables.recordings!,
  plansTable: tables.plans!,
  s3: local.s3.client,
  transparencyBucket: AUDIT_BUCKET,
  loadRoster: roster,
  audit,
  policy: {
    minPerAgent: 2,
    maxPerAgent: 3,
    maxPerCoach: 40,
    maxExtraListens: 4,
    timezone: 'Europe/Paris',
    auditRetentionDays: 365,
    playsPerListen: 2,
  },
  now: () => NOW,
  logger: silentLogger,
  ...over,
});

async function publishSeed(object: Record<string, unknown>, period = P) {
  await local.s3.client.send(
    new PutObjectCommand({
      Bucket: AUDIT_BUCKET,
      Key: `transparency/seeds/${period}.json`,
      Body: JSON.stringify(object),
    }),
  );
}
const revealed = () => ({
  period: P,
  commitment: commitment(SEED),
  committedAt: '2026-10-01T00:15:00.000Z',
  seed: seedToHex(SEED),
  revealedAt: '2026-12-02T00:15:00.000Z',
});

/** Each agent: 6 kept recordings in P, one deleted one, one in the next period. */
async function seedRecordings() {
  let c = 0;
  for (const t of ['a', 'b', 'c']) {
    for (const i of [1, 2, 3, 4]) {
      for (let k = 0; k < 6; k++) {
        await putContact(ddb, tables.recordings!, {
          contactId: uuid(++c, '7'),
          agentId: agentId(t, i),
          period: P,
        });
      }
      await putContact(ddb, tables.recordings!, {
        contactId: uuid(++c, '7'),
        agentId: agentId(t, i),
        period: P,
        state: 'deleted',
      });
      await putContact(ddb, tables.recordings!, {
        contactId: uuid(++c, '7'),
        agentId: agentId(t, i),
        period: '2026-12',
      });
    }
  }
}

const assignments = async (period = P) =>
  (
    await ddb.send(
      new QueryCommand({
        TableName: tables.listening!,
        KeyConditionExpression: 'period = :p AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':p': period, ':a': 'assign#' },
      }),
    )
  ).Items as AssignmentItem[];

describe('roster from Connect', () => {
  it('places agents and coaches in the team at the configured hierarchy level', async () => {
    const r = await roster();
    expect(r.agents).toHaveLength(12);
    expect(r.coaches.map((c) => c.team).sort()).toEqual([TEAMS.a, TEAMS.b, TEAMS.c].sort());
    expect(r.agents.find((a) => a.agentId === agentId('b', 2))!.team).toBe(TEAMS.b);
    expect(r.teamNames).toMatchObject({ [TEAMS.a]: 'Team A', [TEAMS.b]: 'Team B' });
    // no hierarchy group, or a path that does not reach LevelTwo: not placed
    expect(r.unplaced).toBe(2);
    // one DescribeUserHierarchyGroup per group, not per user
    const describes = local.connect.standIn.calls.filter((c) => c.operation === 'DescribeUserHierarchyGroup');
    expect(describes.length).toBeLessThanOrEqual(7);
  });

  it.each([
    ['Coaches', 'LevelTwo', true],
    ['COACHES ', 'LevelTwo', true],
    ['Coaches', 'LevelThree', false], // the coach group *is* the team level: not below it
    ['Seniors', 'LevelTwo', false],
  ] as const)('group %j at team level %s → coach %s', (name, level, coach) => {
    const group = {
      Id: 'g3',
      Name: name,
      HierarchyPath: {
        LevelOne: { Id: 'g1', Name: 'S' },
        LevelTwo: { Id: 'g2', Name: 'T' },
        LevelThree: { Id: 'g3', Name: name },
      },
    };
    expect(placeInHierarchy(group, level)?.coach).toBe(coach);
  });
});

describe('revealed seed', () => {
  it('is used only when revealed and matching its commitment', async () => {
    expect(await readRevealedSeed(local.s3.client, AUDIT_BUCKET, '2026-01')).toMatchObject({
      ok: false,
      outcome: 'seed-not-revealed',
    });
    await publishSeed({ period: '2026-02', commitment: commitment(SEED), committedAt: 'x' }, '2026-02');
    expect(await readRevealedSeed(local.s3.client, AUDIT_BUCKET, '2026-02')).toMatchObject({
      ok: false,
      outcome: 'seed-not-revealed',
    });
    await publishSeed({ ...revealed(), period: '2026-03', commitment: 'ab'.repeat(32) }, '2026-03');
    expect(await readRevealedSeed(local.s3.client, AUDIT_BUCKET, '2026-03')).toMatchObject({
      ok: false,
      outcome: 'seed-mismatch',
    });
    expect(await readRevealedSeed(local.s3.client, undefined, P)).toMatchObject({ ok: false });
  });
});

describe('assignment run', () => {
  it('does nothing before the seed is revealed', async () => {
    await seedRecordings();
    await local.s3.client.send(
      new PutObjectCommand({
        Bucket: AUDIT_BUCKET,
        Key: `transparency/seeds/${P}.json`,
        Body: JSON.stringify({ period: P, commitment: commitment(SEED), committedAt: 'x' }),
      }),
    );
    const report = await runAssignment(deps());
    expect(report).toEqual({ period: P, outcome: 'seed-not-revealed' });
    expect(await assignments()).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('assigns cross-team, capped listens of kept recordings, with plans, audit and shortfall; once', async () => {
    await seedRecordings();
    await publishSeed(revealed());
    const planned = agentId('a', 1);
    const plan: Plan = {
      planId: uuid(1, '9'),
      agentId: planned,
      proposedBy: coachId('b', 1),
      proposerSubject: 's',
      reason: 'new employee, agreed onboarding follow-up',
      extraListens: 2,
      createdAt: '2026-11-20T00:00:00.000Z',
      endsAt: '2026-12-15T00:00:00.000Z',
      status: 'approved',
      decidedBy: 'dpo:x',
      decidedAt: '2026-11-21T00:00:00.000Z',
      expiresAt: 2_000_000_000,
    };
    await ddb.send(new PutCommand({ TableName: tables.plans!, Item: plan }));

    const report = await runAssignment(deps());
    expect(report.outcome).toBe('assigned');
    const items = await assignments();
    expect(items.length).toBe(report.listens);
    // 11 agents × 3 + planned agent 3 + 2
    expect(items.length).toBe(11 * 3 + 5);
    const perAgent = new Map<string, number>();
    for (const a of items) {
      expect(a.agentTeam).not.toBe(a.coachTeam); // C10
      expect(a.playsLeft).toBe(2);
      expect(a.validUntil).toBe('2026-12-31T23:00:00.000Z'); // end of P+1 in Paris
      // Expires auditRetentionDays after the run that created it, not after the listening window.
      expect(a.expiresAt).toBe(NOW.getTime() / 1000 + 365 * 86_400);
      perAgent.set(a.agentId, (perAgent.get(a.agentId) ?? 0) + 1);
    }
    expect(perAgent.get(planned)).toBe(5);
    for (const [id, k] of perAgent) if (id !== planned) expect(k).toBe(3);
    // only kept recordings of P
    const { Items: deleted } = await ddb.send(
      new QueryCommand({
        TableName: tables.recordings!,
        IndexName: 'byAgent',
        KeyConditionExpression: 'agentId = :a AND period = :p',
        FilterExpression: '#s = :d',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':a': planned, ':p': P, ':d': 'deleted' },
      }),
    );
    expect(items.map((i) => i.contactId)).not.toContain(deleted![0]!.contactId);

    const run = (
      await ddb.send(new GetCommand({ TableName: tables.listening!, Key: { period: P, sk: '#run' } }))
    ).Item as RunItem;
    expect(run).toMatchObject({
      status: 'complete',
      listens: items.length,
      missingListens: 0,
      plansApplied: 1,
      extraListens: 2,
    });
    expect(run.commitment).toBe(commitment(SEED));
    const snapshot = (
      await ddb.send(new GetCommand({ TableName: tables.listening!, Key: { period: P, sk: '#roster' } }))
    ).Item;
    expect(Object.keys(snapshot!.agents)).toHaveLength(12);

    // audit: one record per coach, one for the run
    expect(audit.entries.every((r) => r.chain === `listens/${P}` && r.kind === 'assignment')).toBe(true);
    expect(audit.entries).toHaveLength(3 + 1);
    const listed = audit.entries
      .filter((r) => r.data?.scope === 'coach')
      .flatMap((r) => (r.data!.listens as { contactId: string }[]).map((l) => l.contactId));
    expect(listed.sort()).toEqual(items.map((i) => i.contactId).sort());

    // idempotent: a second run changes nothing
    const again = await runAssignment(deps());
    expect(again.outcome).toBe('already-assigned');
    expect(await assignments()).toHaveLength(items.length);
    expect(audit.entries).toHaveLength(4);
  });

  it('continues an interrupted run without duplicating assignments or coach records', async () => {
    await seedRecordings();
    await publishSeed(revealed());
    // first attempt: audit fails after the assignment items were written
    audit.failing = true;
    await expect(runAssignment(deps())).rejects.toThrow(/audit store unavailable/);
    const partial = await assignments();
    expect(partial.length).toBeGreaterThan(0);
    audit.failing = false;
    const report = await runAssignment(deps());
    expect(report.outcome).toBe('assigned');
    const items = await assignments();
    expect(items.map((i) => i.sk).sort()).toEqual(partial.map((i) => i.sk).sort());
    expect(audit.entries.filter((r) => r.data?.scope === 'coach')).toHaveLength(3);
  });

  it('assigns nothing without the recordings index', async () => {
    await publishSeed(revealed());
    expect((await runAssignment(deps({ recordingsTable: undefined }))).outcome).toBe('no-index');
  });
});
