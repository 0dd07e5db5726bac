import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CoachingDeps, createCoaching } from '../../../lambda/plans/coaching';
import { createTables, type LocalDynamo, startLocalDynamo } from '../../../lib/local';
import {
  apiEvent,
  IDENTITY,
  PEOPLE,
  type Persona,
  putAssignment,
  silentLogger,
  uuid,
} from '../../support/listening';
import { MemoryAudit } from '../../support/memory-audit';

const NOW = new Date('2026-12-10T10:00:00.000Z');
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();
let dynamo: LocalDynamo;
let ddb: DynamoDBDocumentClient;
let tables: Record<string, string>;
let audit: MemoryAudit;
let n = 0;
let ids = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  ddb = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
});
afterAll(() => dynamo.stop());
beforeEach(async () => {
  n += 1;
  tables = await createTables(dynamo.client, undefined, (l) => `${l}-co${n}`);
  audit = new MemoryAudit();
});

const deps = (): CoachingDeps => ({
  ddb,
  plansTable: tables.plans!,
  listeningTable: tables.listening!,
  audit,
  identity: IDENTITY,
  limits: { maxDays: 30, maxExtraListens: 4 },
  timezone: 'Europe/Paris',
  auditRetentionDays: 365,
  now: () => NOW,
  newId: () => uuid(++ids, '9'),
  logger: silentLogger,
});
const call = (routeKey: string, persona: Persona, options: Parameters<typeof apiEvent>[2] = {}) =>
  createCoaching(deps())(apiEvent(routeKey, persona, options));
const propose = (persona: Persona = 'coach', body: Record<string, unknown> = {}) =>
  call('POST /plans', persona, {
    body: {
      agentId: PEOPLE.agent,
      reason: 'agreed follow-up after onboarding',
      extraListens: 2,
      endsAt: days(20),
      ...body,
    },
  });
const decide = (planId: string, persona: Persona, decision = 'approve') =>
  call('POST /plans/{planId}/approval', persona, { path: { planId }, body: { decision } });

describe('coaching plans', () => {
  it('a coach proposes, the DPO approves; both audited on the governance chain', async () => {
    const res = await propose();
    expect(res.statusCode).toBe(201);
    const plan = JSON.parse(res.body);
    expect(plan).toMatchObject({
      agentId: PEOPLE.agent,
      status: 'proposed',
      effectiveStatus: 'proposed',
      proposedBy: PEOPLE.coach,
    });
    expect(plan).not.toHaveProperty('proposerSubject');
    const approved = await decide(plan.planId, 'dpo');
    expect(approved.statusCode).toBe(200);
    expect(JSON.parse(approved.body)).toMatchObject({ status: 'approved', decidedBy: 'dpo:sub-dpo' });
    expect(audit.entries.map((r) => [r.chain, r.kind, r.data?.action])).toEqual([
      ['governance/2026-12', 'plan', 'proposed'],
      ['governance/2026-12', 'plan', 'approved'],
    ]);
    expect(JSON.stringify(audit.entries)).not.toContain('onboarding'); // no free text in the audit
    const stored = (
      await ddb.send(new GetCommand({ TableName: tables.plans!, Key: { planId: plan.planId } }))
    ).Item!;
    expect(stored.expiresAt).toBe(Math.floor(Date.parse(days(20)) / 1000) + 365 * 86_400);
    // decided once
    expect((await decide(plan.planId, 'dpo', 'reject')).statusCode).toBe(409);
  });

  it.each([
    ['a short reason', { reason: 'too short' }, 400],
    ['too many extra listens', { extraListens: 5 }, 400],
    ['an end beyond maxDays', { endsAt: days(31) }, 422],
    ['an end in the past', { endsAt: days(-1) }, 422],
  ])('refuses %s', async (_name, body, status) => {
    expect((await propose('coach', body)).statusCode).toBe(status);
    expect(audit.entries).toEqual([]);
  });

  it('one running plan per agent', async () => {
    expect((await propose()).statusCode).toBe(201);
    const second = await propose('otherCoach');
    expect(second.statusCode).toBe(422);
    expect(JSON.parse(second.body).error.message).toMatch(/one at a time/);
  });

  it('only the DPO decides, and never on a plan they proposed', async () => {
    const plan = JSON.parse((await propose()).body);
    expect((await decide(plan.planId, 'coach')).statusCode).toBe(403);
    expect((await decide(plan.planId, 'otherCoach')).statusCode).toBe(403);
    expect((await decide(plan.planId, 'staffRepresentative')).statusCode).toBe(403);
    expect((await decide(plan.planId, 'agent')).statusCode).toBe(403);
    expect((await decide(plan.planId, 'none')).statusCode).toBe(401);
    expect((await decide(uuid(77, '9'), 'dpo')).statusCode).toBe(404);
    // a person who is both coach and DPO cannot approve their own proposal
    const both = {
      routeKey: 'POST /plans/{planId}/approval',
      requestContext: {
        authorizer: {
          jwt: {
            claims: {
              sub: 'sub-coach',
              'cognito:groups': '[coaches dpo]',
              'custom:connect_user_id': PEOPLE.coach,
            },
          },
        },
      },
      pathParameters: { planId: plan.planId },
      body: JSON.stringify({ decision: 'approve' }),
    };
    const self = await createCoaching(deps())(both);
    expect(self.statusCode).toBe(403);
    expect(JSON.parse(self.body).error.message).toMatch(/proposer/);
  });

  it('stores nothing when the audit log is down (503)', async () => {
    audit.failing = true;
    expect((await propose()).statusCode).toBe(503);
  });
});

describe('evaluations', () => {
  const contactId = uuid(5);
  const scores = { greeting: 4, needAnalysis: 3, solution: 5, clarity: 4, courtesy: 5, closing: 3 };
  const evaluate = (persona: Persona, body: unknown = { scores, comment: 'clear and kind' }) =>
    call('POST /assignments/{contactId}/evaluation', persona, { path: { contactId }, body });

  it('the assigned coach evaluates once, after listening; stored with its TTL and audited', async () => {
    await putAssignment(ddb, tables.listening!, { contactId, period: '2026-11', plays: [] });
    expect((await evaluate('coach')).statusCode).toBe(409); // not listened yet
    await putAssignment(ddb, tables.listening!, {
      contactId,
      period: '2026-11',
      plays: [NOW.toISOString()],
      playsLeft: 1,
    });
    const res = await evaluate('coach');
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({
      contactId,
      agentId: PEOPLE.agent,
      scores,
      comment: 'clear and kind',
    });
    const item = (
      await ddb.send(
        new GetCommand({ TableName: tables.listening!, Key: { period: '2026-11', sk: `eval#${contactId}` } }),
      )
    ).Item!;
    expect(item.expiresAt).toBe(Math.floor(NOW.getTime() / 1000) + 365 * 86_400);
    expect(audit.entries.at(-1)).toMatchObject({
      chain: 'listens/2026-11',
      kind: 'evaluation',
      subject: contactId,
    });
    expect(JSON.stringify(audit.entries)).not.toContain('clear and kind');
    expect((await evaluate('coach')).statusCode).toBe(409);
  });

  it.each([
    ['a missing criterion', { scores: { ...scores, closing: undefined } }],
    ['a score of 6', { scores: { ...scores, closing: 6 } }],
    ['an unknown criterion', { scores: { ...scores, attitude: 2 } }],
    ['a comment over 500 characters', { scores, comment: 'x'.repeat(501) }],
    ['audio', { scores, audio: 'UklGRg==' }],
  ])('refuses %s', async (_name, body) => {
    await putAssignment(ddb, tables.listening!, { contactId, period: '2026-11', plays: [NOW.toISOString()] });
    expect((await evaluate('coach', body)).statusCode).toBe(400);
  });

  it('refuses another coach (403) and other roles', async () => {
    await putAssignment(ddb, tables.listening!, { contactId, period: '2026-11', plays: [NOW.toISOString()] });
    expect((await evaluate('otherCoach')).statusCode).toBe(403);
    expect((await evaluate('agent')).statusCode).toBe(403);
    expect((await evaluate('dpo')).statusCode).toBe(403);
    expect((await evaluate('none')).statusCode).toBe(401);
  });
});
