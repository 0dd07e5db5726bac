import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../lambda/core/transparency/csv';
import { publishMonthlyReport } from '../../../lambda/monthly-report/monthly-report';
import { createCoaching } from '../../../lambda/plans/coaching';
import { createPlayback } from '../../../lambda/playback/playback';
import { type MonthSource, readMonthModel } from '../../../lambda/shared/month-source';
import type { ReportPolicy } from '../../../lambda/shared/report-config';
import { createViews, type ViewsDeps } from '../../../lambda/views/views';
import {
  createTables,
  type LocalDynamo,
  type LocalS3,
  startLocalDynamo,
  startLocalS3,
} from '../../../lib/local';
import { writeTransparencyReport } from '../../../lib/transparency-report';
import {
  apiEvent,
  IDENTITY,
  PEOPLE,
  type Persona,
  putAssignment,
  putContact,
  ROSTER,
  silentLogger,
  uuid,
} from '../../support/listening';
import { MemoryAudit } from '../../support/memory-audit';

const NOW = new Date('2026-12-10T10:00:00.000Z');
const REPORT_POLICY: ReportPolicy = {
  version: '2026-11-01',
  samplingRate: 0.05,
  maxRecordingsPerAgentPerMonth: 5,
  listensPerAgentPerMonth: { min: 2, max: 4 },
  maxListensPerCoachPerMonth: 40,
  retentionDays: 30,
  playbackUrlTtlSeconds: 300,
  timezone: 'Europe/Paris',
  excludedAgents: [],
};
const P = '2026-11';
const AUDIT_BUCKET = 'audit';
let dynamo: LocalDynamo;
let s3: LocalS3;
let ddb: DynamoDBDocumentClient;
let tables: Record<string, string>;

const c = (i: number) => uuid(i, '7');

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  ddb = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  s3 = await startLocalS3({ buckets: [AUDIT_BUCKET, 'recordings'] });
  tables = await createTables(dynamo.client, undefined, (l) => `${l}-vw`);
  // The agent: 3 recordings in P (kept, redacted, deleted), one listened and evaluated.
  await putContact(ddb, tables.recordings!, { contactId: c(1), agentId: PEOPLE.agent, period: P });
  await putContact(ddb, tables.recordings!, {
    contactId: c(2),
    agentId: PEOPLE.agent,
    period: P,
    state: 'redacted',
  });
  await putContact(ddb, tables.recordings!, {
    contactId: c(3),
    agentId: PEOPLE.agent,
    period: P,
    state: 'deleted',
  });
  await putContact(ddb, tables.recordings!, { contactId: c(4), agentId: PEOPLE.otherAgent, period: P });
  await putAssignment(ddb, tables.listening!, {
    contactId: c(1),
    period: P,
    plays: ['2026-12-05T09:00:00.000Z'],
    playsLeft: 1,
  });
  await putAssignment(ddb, tables.listening!, {
    contactId: c(2),
    period: P,
    coachId: PEOPLE.otherCoach,
    coachTeam: 'team-c',
  });
  await putAssignment(ddb, tables.listening!, {
    contactId: c(4),
    period: P,
    agentId: PEOPLE.otherAgent,
    agentTeam: 'team-b',
    coachTeam: 'team-a',
  });
  await ddb.send(
    new PutCommand({
      TableName: tables.listening!,
      Item: {
        period: P,
        sk: `eval#${c(1)}`,
        contactId: c(1),
        agentId: PEOPLE.agent,
        coachId: PEOPLE.coach,
        coachTeam: 'team-b',
        scores: { greeting: 4, needAnalysis: 4, solution: 4, clarity: 4, courtesy: 4, closing: 4 },
        comment: 'good',
        createdAt: '2026-12-05T09:30:00.000Z',
        expiresAt: 2_000_000_000,
      },
    }),
  );
  await ddb.send(
    new PutCommand({
      TableName: tables.listening!,
      Item: {
        period: P,
        sk: '#roster',
        agents: { [PEOPLE.agent]: 'team-a', [PEOPLE.otherAgent]: 'team-b' },
        coaches: { [PEOPLE.coach]: 'team-b', [PEOPLE.otherCoach]: 'team-c' },
        teamNames: { 'team-a': 'Team A', 'team-b': 'Team B', 'team-c': 'Team C' },
        takenAt: '2026-12-02T02:00:00.000Z',
        expiresAt: 2_000_000_000,
      },
    }),
  );
  await ddb.send(
    new PutCommand({
      TableName: tables.plans!,
      Item: {
        planId: uuid(1, '9'),
        agentId: PEOPLE.agent,
        proposedBy: PEOPLE.coach,
        proposerSubject: 'sub-coach',
        reason: 'agreed follow-up after onboarding',
        extraListens: 2,
        createdAt: '2026-11-20T00:00:00.000Z',
        endsAt: '2026-12-05T00:00:00.000Z',
        status: 'approved',
        decidedAt: '2026-11-21T00:00:00.000Z',
        decidedBy: 'dpo:sub-dpo',
        expiresAt: 2_000_000_000,
      },
    }),
  );
  await ddb.send(
    new PutCommand({
      TableName: tables.requests!,
      Item: {
        requestId: uuid(1, '8'),
        contactId: c(3),
        kind: 'deletion',
        status: 'done',
        createdAt: '2026-11-12T00:00:00.000Z',
      },
    }),
  );
  // Six calls of P: the agent's three recordings and one call not drawn; the other agent's
  // recording and one call not drawn (4 recorded of 6: 66.67 %).
  for (const [i, agentId, reason] of [
    [1, PEOPLE.agent, 'drawn'],
    [2, PEOPLE.agent, 'drawn'],
    [3, PEOPLE.agent, 'drawn'],
    [5, PEOPLE.agent, 'not-drawn'],
    [4, PEOPLE.otherAgent, 'drawn'],
    [6, PEOPLE.otherAgent, 'not-drawn'],
  ] as const) {
    await ddb.send(
      new PutCommand({
        TableName: tables.decisions!,
        Item: {
          contactId: c(i),
          agentId,
          period: P,
          decidedAt: `2026-11-${String(10 + i).padStart(2, '0')}T09:00:00.000Z`,
          reason,
          recorded: reason === 'drawn',
          policyVersion: '2026-11-01',
        },
      }),
    );
  }
  await s3.client.send(
    new PutObjectCommand({
      Bucket: AUDIT_BUCKET,
      Key: `transparency/seeds/${P}.json`,
      Body: JSON.stringify({
        period: P,
        commitment: 'c'.repeat(64),
        committedAt: '2026-10-01T00:15:00.000Z',
        seed: 'a'.repeat(64),
        revealedAt: '2026-12-02T00:15:00.000Z',
      }),
    }),
  );
});
afterAll(async () => {
  await s3.stop();
  await dynamo.stop();
});

const deps = (over: Partial<ViewsDeps> = {}): ViewsDeps => ({
  ddb,
  listeningTable: tables.listening!,
  plansTable: tables.plans!,
  recordingsTable: tables.recordings!,
  requestsTable: tables.requests!,
  decisionsTable: tables.decisions!,
  s3: s3.client,
  transparencyBucket: AUDIT_BUCKET,
  identity: IDENTITY,
  policy: REPORT_POLICY,
  now: () => NOW,
  logger: silentLogger,
  ...over,
});
const view = (
  routeKey: string,
  persona: Persona,
  query?: Record<string, string>,
  headers?: Record<string, string>,
) =>
  createViews(deps())(
    apiEvent(routeKey, persona, { ...(query ? { query } : {}), ...(headers ? { headers } : {}) }),
  );

describe('GET /me', () => {
  it('shows the agent their contacts and states, who listened and when, evaluations and plans', async () => {
    const res = await view('GET /me', 'agent', { period: P });
    expect(res.statusCode).toBe(200);
    const me = JSON.parse(res.body);
    expect(me.contacts.map((x: { state: string }) => x.state).sort()).toEqual([
      'deleted',
      'kept',
      'redacted',
    ]);
    expect(me.listens).toEqual([
      expect.objectContaining({
        contactId: c(1),
        coachId: PEOPLE.coach,
        coachTeam: 'Team B',
        listenedAt: ['2026-12-05T09:00:00.000Z'],
      }),
      expect.objectContaining({
        contactId: c(2),
        coachId: PEOPLE.otherCoach,
        coachTeam: 'Team C',
        listenedAt: [],
      }),
    ]);
    expect(me.evaluations).toEqual([
      expect.objectContaining({ contactId: c(1), comment: 'good', coachTeam: 'Team B' }),
    ]);
    expect(me.plans).toEqual([
      expect.objectContaining({ reason: 'agreed follow-up after onboarding', status: 'expired' }),
    ]);
    expect(res.body).not.toContain(PEOPLE.otherAgent);
    expect(res.body).not.toContain('sub-coach');
  });

  it('defaults to the current period and shows the listens of the previous one (listened now)', async () => {
    const me = JSON.parse((await view('GET /me', 'agent')).body);
    expect(me.period).toBe('2026-12');
    expect(me.contacts).toEqual([]);
    expect(me.listens).toHaveLength(2);
  });
});

describe('GET /transparency', () => {
  it('gives staff representatives per-team aggregates from the one month model, with no person', async () => {
    const res = await view('GET /transparency', 'staffRepresentative', { period: P });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const report = JSON.parse(res.body);
    expect(report).toMatchObject({ period: P, simulated: false, policy: { version: '2026-11-01' } });
    expect(report.seeds).toMatchObject({
      commitment: 'c'.repeat(64),
      revealedAt: '2026-12-02T00:15:00.000Z',
    });
    // Teams A, B (one agent each) and C (a coach only) are under 3 agents: one merged row.
    expect(report.teams.map((t: { team: string }) => t.team)).toEqual(['small-teams']);
    expect(report.total).toMatchObject({
      agents: 2,
      decisions: 6,
      recorded: 4,
      listens: 3,
      deletions: 1,
      redactions: 0,
      plansApproved: 1,
      planExtraListens: 2,
      capBreaches: { total: 0 },
    });
    expect(report.reasons).toContainEqual({ reason: 'not-drawn', count: 2, share: 2 / 6 });
    expect(report.verdict.checks).toMatchObject({ decisionsVerified: false, seedMatches: false });
    for (const id of Object.values(PEOPLE)) expect(res.body).not.toContain(id);
    for (const i of [1, 2, 3, 4, 5, 6]) expect(res.body).not.toContain(c(i));
  });

  it('exports the staff representatives’ CSV: French headers, `;`, decimal comma, BOM, CRLF', async () => {
    const res = await view('GET /transparency', 'dpo', { period: P, format: 'csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(`transparency-${P}.csv`);
    expect(res.body.startsWith('\ufeffpériode;id_équipe;équipe;agents;appels;')).toBe(true);
    expect(res.body.endsWith('\r\n')).toBe(true);
    expect(res.body.replaceAll('\r\n', '')).not.toContain('\n');
    const rows = parseCsv(res.body, ';');
    const all = rows.find((r) => r[1] === '*')!;
    expect(all.slice(0, 8)).toEqual([P, '*', 'Toutes équipes', '2', '6', '0', '4', '66,67']);
    expect(all.at(-1)).toBe('système en production');
  });

  it.each([
    ['?lang=en', { period: P, format: 'csv', lang: 'en' }, {}],
    ['Accept-Language', { period: P, format: 'csv' }, { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' }],
    ['Accept and Accept-Language', { period: P }, { accept: 'text/csv', 'accept-language': 'en' }],
  ])('gives the English CSV on %s', async (_how, query, headers) => {
    const res = await view('GET /transparency', 'staffRepresentative', query, headers);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`transparency-${P}.en.csv`);
    expect(res.body.startsWith('period,team_id,team,agents,calls,transferred_calls,')).toBe(true);
    const all = parseCsv(res.body, ',').find((r) => r[1] === '*')!;
    expect(all.slice(0, 8)).toEqual([P, '*', 'All teams', '2', '6', '0', '4', '66.67']);
  });

  it('prefers French when Accept-Language ranks it first, and ?lang over the header', async () => {
    const fr = await view(
      'GET /transparency',
      'dpo',
      { period: P, format: 'csv' },
      { 'accept-language': 'fr-FR, en;q=0.8' },
    );
    expect(fr.body.startsWith('\ufeffpériode;')).toBe(true);
    const forced = await view(
      'GET /transparency',
      'dpo',
      { period: P, format: 'csv', lang: 'fr' },
      { 'accept-language': 'en' },
    );
    expect(forced.body.startsWith('\ufeffpériode;')).toBe(true);
  });

  it('requires a valid period, format and language', async () => {
    expect((await view('GET /transparency', 'dpo')).statusCode).toBe(400);
    expect((await view('GET /transparency', 'dpo', { period: '2026-13' })).statusCode).toBe(400);
    expect((await view('GET /transparency', 'dpo', { period: P, format: 'xlsx' })).statusCode).toBe(400);
    expect((await view('GET /transparency', 'dpo', { period: P, lang: 'de' })).statusCode).toBe(400);
  });

  it.each(['9999-12', '2027-01', '2100-06'])(
    'answers 404 for %s, a month that has not started',
    async (period) => {
      const res = await view('GET /transparency', 'staffRepresentative', { period });
      expect(res.statusCode).toBe(404);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'period-not-found' } });
    },
  );

  it('answers 404 for a past month without a published seed commitment (nothing was recorded)', async () => {
    const res = await view('GET /transparency', 'staffRepresentative', { period: '1970-01' });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'period-not-found' } });
  });

  it('answers 503 when the decisions or the audit bucket are not configured', async () => {
    const res = await createViews(deps({ decisionsTable: undefined }))(
      apiEvent('GET /transparency', 'dpo', { query: { period: P } }),
    );
    expect(res.statusCode).toBe(503);
  });
});

describe('the monthly report: stored by the monthly-report function, served by GET /transparency/{period}', () => {
  const audit = new MemoryAudit();
  const source = (): MonthSource => ({
    ddb,
    tables: {
      decisions: tables.decisions!,
      listening: tables.listening!,
      plans: tables.plans!,
      requests: tables.requests!,
    },
    s3: s3.client,
    auditBucket: AUDIT_BUCKET,
    policy: REPORT_POLICY,
  });
  const publish = (period?: string) =>
    publishMonthlyReport(
      { source: source(), s3: s3.client, audit, now: () => NOW, logger: silentLogger },
      period,
    );
  const read = (
    persona: Persona,
    query: Record<string, string> = {},
    headers?: Record<string, string>,
    deps2 = {},
  ) =>
    createViews(deps({ audit, ...deps2 }))(
      apiEvent('GET /transparency/{period}', persona, {
        path: { period: P },
        query,
        ...(headers ? { headers } : {}),
      }),
    );

  beforeAll(async () => {
    // The period's assignment ran: the report may be made.
    await ddb.send(
      new PutCommand({
        TableName: tables.listening!,
        Item: {
          period: P,
          sk: '#run',
          status: 'complete',
          startedAt: '2026-12-02T02:00:00.000Z',
          expiresAt: 2_000_000_000,
        },
      }),
    );
  });

  it('waits for the period’s assignment, then stores the four files once, audited', async () => {
    expect(await publish('2026-10')).toEqual({ period: '2026-10', outcome: 'not-ready' });
    const first = await publish();
    expect(first).toMatchObject({ period: P, outcome: 'stored' });
    expect(first.outcome === 'stored' && first.keys.sort()).toEqual([
      `transparency/reports/${P}/transparency-${P}.csv`,
      `transparency/reports/${P}/transparency-${P}.en.csv`,
      `transparency/reports/${P}/transparency-${P}.en.html`,
      `transparency/reports/${P}/transparency-${P}.html`,
    ]);
    expect(audit.entries.filter((e) => e.kind === 'report-published')).toHaveLength(1);
    expect(await publish()).toEqual({ period: P, outcome: 'already-stored' });
  });

  it('serves the bytes the CLI renders from the same data, every read audited', async () => {
    const model = await readMonthModel(source(), P, { generatedAt: NOW.toISOString() });
    const dir = mkdtempSync(join(tmpdir(), 'views-report-'));
    try {
      const cli = {
        fr: writeTransparencyReport(model, dir, 'fr'),
        en: writeTransparencyReport(model, dir, 'en'),
      };
      const before = audit.entries.filter((e) => e.kind === 'report-read').length;
      const html = await read('staffRepresentative');
      expect(html.statusCode).toBe(200);
      expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(html.body).toBe(readFileSync(cli.fr.html, 'utf8'));
      const csvEn = await read('dpo', { format: 'csv', lang: 'en' });
      expect(csvEn.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csvEn.body).toBe(readFileSync(cli.en.csv, 'utf8'));
      const byHeaders = await read(
        'staffRepresentative',
        {},
        { accept: 'text/csv', 'accept-language': 'fr' },
      );
      expect(byHeaders.body).toBe(readFileSync(cli.fr.csv, 'utf8'));
      const reads = audit.entries.filter((e) => e.kind === 'report-read').slice(before);
      expect(reads.map((e) => [e.chain, e.data])).toEqual([
        [`transparency/${P}`, { key: `transparency/reports/${P}/transparency-${P}.html` }],
        [`transparency/${P}`, { key: `transparency/reports/${P}/transparency-${P}.en.csv` }],
        [`transparency/${P}`, { key: `transparency/reports/${P}/transparency-${P}.csv` }],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves nothing when the read cannot be audited', async () => {
    audit.failNext = true;
    const res = await read('staffRepresentative');
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('<html');
    expect((await read('staffRepresentative', {}, undefined, { audit: undefined })).statusCode).toBe(503);
  });

  it('answers 404 for a period without a stored report and 400 for a bad period or format', async () => {
    const missing = await createViews(deps({ audit }))(
      apiEvent('GET /transparency/{period}', 'dpo', { path: { period: '2026-09' } }),
    );
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ error: { code: 'report-not-found' } });
    const bad = await createViews(deps({ audit }))(
      apiEvent('GET /transparency/{period}', 'dpo', { path: { period: '2026-13' } }),
    );
    expect(bad.statusCode).toBe(400);
    expect((await read('dpo', { format: 'json' })).statusCode).toBe(400);
  });
});

/**
 * Every route × every role. `ok` = the role passes authorization (the status then depends on the
 * data: 2xx or a business refusal such as 404/409/422, never 401/403).
 */
describe('GET /me: my requests', () => {
  it("lists the deletion and redaction requests I made on my recordings, with status and proof; not a DPO's, not another agent's", async () => {
    const S = '2026-09';
    await putContact(ddb, tables.recordings!, { contactId: c(21), agentId: PEOPLE.agent, period: S });
    await putContact(ddb, tables.recordings!, { contactId: c(22), agentId: PEOPLE.otherAgent, period: S });
    const request = (
      n: number,
      contactId: string,
      requestedBy: string,
      extra: Record<string, unknown> = {},
    ) =>
      ddb.send(
        new PutCommand({
          TableName: tables.requests!,
          Item: {
            requestId: uuid(n, 'e'),
            contactId,
            kind: 'redaction',
            requestedBy,
            reason: 'personal data',
            status: 'done',
            ranges: [{ from: 10, to: 25 }],
            createdAt: `2026-09-0${n}T10:00:00.000Z`,
            updatedAt: `2026-09-0${n}T10:00:05.000Z`,
            completedAt: `2026-09-0${n}T10:00:05.000Z`,
            proof: { sha256: 'ab'.repeat(32) },
            ...extra,
          },
        }),
      );
    await request(1, c(21), `agent:${PEOPLE.agent}`);
    await request(2, c(21), 'dpo:sub-dpo');
    await request(3, c(22), `agent:${PEOPLE.otherAgent}`);
    const me = JSON.parse((await view('GET /me', 'agent', { period: S })).body);
    expect(me.requests).toEqual([
      {
        requestId: uuid(1, 'e'),
        kind: 'redaction',
        contactId: c(21),
        status: 'done',
        ranges: [{ from: 10, to: 25 }],
        createdAt: '2026-09-01T10:00:00.000Z',
        completedAt: '2026-09-01T10:00:05.000Z',
        proof: { sha256: 'ab'.repeat(32) },
      },
    ]);
    expect(JSON.stringify(me)).not.toContain('personal data');
  });
});

describe('GET /assignments', () => {
  it("gives the coach their own assigned listens only, with plays left and whether evaluated; not the agent's id", async () => {
    const res = await view('GET /assignments', 'coach');
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.coachId).toBe(PEOPLE.coach);
    expect(body.listens.map((l: { contactId: string }) => l.contactId)).toEqual([c(1), c(4)]);
    expect(body.listens[0]).toMatchObject({ period: P, evaluated: true, open: true, playsAllowed: 2 });
    expect(body.listens[1]).toMatchObject({ evaluated: false });
    expect(res.body).not.toContain(c(2)); // the other coach's listen
    expect(res.body).not.toContain(PEOPLE.agent);
    const other = JSON.parse((await view('GET /assignments', 'otherCoach')).body);
    expect(other.listens.map((l: { contactId: string }) => l.contactId)).toEqual([c(2)]);
  });

  it('refuses agents, the DPO and staff representatives (403)', async () => {
    for (const p of ['agent', 'dpo', 'staffRepresentative'] as const) {
      expect((await view('GET /assignments', p)).statusCode).toBe(403);
    }
  });
});

describe('authorization matrix', () => {
  const personas: Persona[] = ['agent', 'coach', 'otherCoach', 'staffRepresentative', 'dpo', 'none'];
  const matrix: Record<string, { route: string; allowed: Persona[]; run: (p: Persona) => Promise<number> }> =
    {
      playback: {
        route: 'POST /recordings/{contactId}/playback',
        allowed: ['coach'],
        run: async (p) => {
          await putAssignment(ddb, tables.listening!, {
            contactId: c(1),
            period: P,
            playsLeft: 2,
            plays: [],
          });
          const audit = new MemoryAudit();
          return (
            await createPlayback({
              ddb,
              s3: s3.client,
              listeningTable: tables.listening!,
              recordingsTable: tables.recordings!,
              bucket: 'recordings',
              audit,
              identity: IDENTITY,
              urlTtlSeconds: 300,
              now: () => NOW,
              logger: silentLogger,
            })(apiEvent('POST /recordings/{contactId}/playback', p, { path: { contactId: c(1) } }))
          ).statusCode;
        },
      },
      propose: {
        route: 'POST /plans',
        allowed: ['coach', 'otherCoach'],
        run: async (p) =>
          (
            await coaching()(
              apiEvent('POST /plans', p, {
                body: {
                  agentId: PEOPLE.otherAgent,
                  reason: 'x'.repeat(30),
                  extraListens: 1,
                  endsAt: '2027-01-01T00:00:00Z',
                },
              }),
            )
          ).statusCode,
      },
      approve: {
        route: 'POST /plans/{planId}/approval',
        allowed: ['dpo'],
        run: async (p) =>
          (
            await coaching()(
              apiEvent('POST /plans/{planId}/approval', p, {
                path: { planId: uuid(1, '9') },
                body: { decision: 'approve' },
              }),
            )
          ).statusCode,
      },
      evaluate: {
        route: 'POST /assignments/{contactId}/evaluation',
        allowed: ['coach'],
        run: async (p) =>
          (
            await coaching()(
              apiEvent('POST /assignments/{contactId}/evaluation', p, {
                path: { contactId: c(1) },
                body: {
                  scores: { greeting: 1, needAnalysis: 1, solution: 1, clarity: 1, courtesy: 1, closing: 1 },
                },
              }),
            )
          ).statusCode,
      },
      me: { route: 'GET /me', allowed: ['agent'], run: async (p) => (await view('GET /me', p)).statusCode },
      transparency: {
        route: 'GET /transparency',
        allowed: ['staffRepresentative', 'dpo'],
        run: async (p) => (await view('GET /transparency', p, { period: P })).statusCode,
      },
      report: {
        route: 'GET /transparency/{period}',
        allowed: ['staffRepresentative', 'dpo'],
        run: async (p) =>
          (
            await createViews(deps({ audit: new MemoryAudit() }))(
              apiEvent('GET /transparency/{period}', p, { path: { period: P } }),
            )
          ).statusCode,
      },
    };
  const coaching = () =>
    createCoaching({
      ddb,
      plansTable: tables.plans!,
      listeningTable: tables.listening!,
      audit: new MemoryAudit(),
      identity: IDENTITY,
      limits: { maxDays: 30, maxExtraListens: 4 },
      loadRoster: async () => ROSTER,
      timezone: 'Europe/Paris',
      auditRetentionDays: 365,
      now: () => NOW,
      newId: () => uuid(Math.floor(Math.random() * 1e9), '6'),
      logger: silentLogger,
    });

  for (const [name, { route, allowed, run }] of Object.entries(matrix)) {
    it.each(personas)(`${route} as %s`, async (persona) => {
      const status = await run(persona);
      if (persona === 'none') expect(status).toBe(401);
      else if (!allowed.includes(persona)) expect(status).toBe(403);
      else expect(status, `${name} as ${persona}`).not.toBeOneOf([401, 403, 500]);
    });
  }
});
