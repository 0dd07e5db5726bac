import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CoachingDeps, createCoaching } from '../../../lambda/plans/coaching';
import { createTables } from '../../../lib/local';
import {
  apiEvent,
  IDENTITY,
  PEOPLE,
  type Persona,
  putAssignment,
  ROSTER,
  silentLogger,
  uuid,
} from '../../support/listening';
import { localDynamoPerFile } from '../../support/local';
import { MemoryAudit } from '../../support/memory-audit';

const NOW = new Date('2026-12-10T10:00:00.000Z');
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();
const db = localDynamoPerFile({ removeUndefinedValues: true });
let tables: Record<string, string>;
let audit: MemoryAudit;
let n = 0;
let ids = 0;
let roster: { agents: { agentId: string; team: string }[]; coaches: { coachId: string; team: string }[] };

beforeEach(async () => {
  n += 1;
  tables = await createTables(db.dynamo.client, undefined, (l) => `${l}-co${n}`);
  audit = new MemoryAudit();
  roster = { agents: [...ROSTER.agents], coaches: [...ROSTER.coaches] };
});

const deps = (): CoachingDeps => ({
  ddb: db.doc,
  plansTable: tables.plans!,
  listeningTable: tables.listening!,
  audit,
  identity: IDENTITY,
  limits: { maxDays: 30, maxExtraListens: 4 },
  loadRoster: async () => roster,
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
      await db.doc.send(new GetCommand({ TableName: tables.plans!, Key: { planId: plan.planId } }))
    ).Item!;
    // Counted from creation, not from the plan's end: never beyond auditRetentionDays of it.
    expect(stored.expiresAt).toBe(Math.floor(NOW.getTime() / 1000) + 365 * 86_400);
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

  const storedPlans = async () =>
    ((await db.doc.send(new ScanCommand({ TableName: tables.plans! }))).Items ?? []).map((p) => p.planId);

  it('a coach of the agent’s own team cannot propose: 403, nothing audited or stored', async () => {
    roster.coaches = [{ coachId: PEOPLE.coach, team: 'team-a' }, ...roster.coaches.slice(1)];
    const res = await propose();
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'agent-not-assignable' });
    expect(JSON.parse(res.body).error.message).toMatch(/another team/);
    expect(audit.entries).toEqual([]);
    expect(await storedPlans()).toEqual([]);
  });

  it('an unknown agent id, or a caller not placed as a coach, is refused and nothing is written', async () => {
    const unknown = await propose('coach', { agentId: uuid(99, 'a') });
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('agent-not-found');
    // a caller with the coach token group but not placed as a coach in Connect
    roster.coaches = roster.coaches.filter((c) => c.coachId !== PEOPLE.coach);
    const notCoach = await propose();
    expect(notCoach.statusCode).toBe(403);
    expect(JSON.parse(notCoach.body).error.code).toBe('not-a-coach');
    expect(audit.entries).toEqual([]);
    expect(await storedPlans()).toEqual([]);
  });

  it('pending proposals do not block each other; once one is approved, the second is refused', async () => {
    const first = await propose();
    const second = await propose('otherCoach');
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    const [a, b] = [JSON.parse(first.body).planId, JSON.parse(second.body).planId];
    expect((await storedPlans()).sort()).toEqual([a, b].sort());
    expect((await decide(a, 'dpo')).statusCode).toBe(200);
    const refused = await decide(b, 'dpo');
    expect(refused.statusCode).toBe(409);
    expect(JSON.parse(refused.body).error).toMatchObject({ code: 'plan-running' });
    expect(JSON.parse(refused.body).error.message).toMatch(/already has an approved, running plan/);
    expect(JSON.parse(refused.body).error.message).toContain(a);
    // the refused approval is not audited; the refused plan can still be rejected
    expect(audit.entries.map((r) => [r.subject, r.data?.action])).toEqual([
      [a, 'proposed'],
      [b, 'proposed'],
      [a, 'approved'],
    ]);
    expect((await decide(b, 'dpo', 'reject')).statusCode).toBe(200);
    // a new proposal while a plan runs is refused
    const third = await propose('otherCoach');
    expect(third.statusCode).toBe(422);
    expect(JSON.parse(third.body).error.message).toMatch(/one at a time/);
  });

  it('two approvals raced: exactly one wins, one plan approved in the table', async () => {
    const ids = [];
    for (const who of ['coach', 'otherCoach', 'otherCoach'] as const)
      ids.push(JSON.parse((await propose(who)).body).planId);
    const results = await Promise.all(ids.map((id) => decide(id, 'dpo')));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    const plans = (await db.doc.send(new ScanCommand({ TableName: tables.plans! }))).Items ?? [];
    expect(plans.filter((p) => p.status === 'approved')).toHaveLength(1);
    expect(audit.entries.filter((r) => r.data?.action === 'approved')).toHaveLength(1);
  });

  it('a failed approval audit gives the running-plan marker back', async () => {
    const a = JSON.parse((await propose()).body).planId;
    audit.failing = true;
    expect((await decide(a, 'dpo')).statusCode).toBe(503);
    audit.failing = false;
    const b = JSON.parse((await propose('otherCoach')).body).planId;
    expect((await decide(b, 'dpo')).statusCode).toBe(200);
    expect((await decide(a, 'dpo')).statusCode).toBe(409);
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
    await putAssignment(db.doc, tables.listening!, { contactId, period: '2026-11', plays: [] });
    expect((await evaluate('coach')).statusCode).toBe(409); // not listened yet
    await putAssignment(db.doc, tables.listening!, {
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
      await db.doc.send(
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
    await putAssignment(db.doc, tables.listening!, {
      contactId,
      period: '2026-11',
      plays: [NOW.toISOString()],
    });
    expect((await evaluate('coach', body)).statusCode).toBe(400);
  });

  it('refuses another coach (403) and other roles', async () => {
    await putAssignment(db.doc, tables.listening!, {
      contactId,
      period: '2026-11',
      plays: [NOW.toISOString()],
    });
    expect((await evaluate('otherCoach')).statusCode).toBe(403);
    expect((await evaluate('agent')).statusCode).toBe(403);
    expect((await evaluate('dpo')).statusCode).toBe(403);
    expect((await evaluate('none')).statusCode).toBe(401);
  });
});
