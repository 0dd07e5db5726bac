import { describe, expect, it } from 'vitest';
import {
  checkDecision,
  checkProposal,
  effectiveStatus,
  extraListensByAgent,
  overlaps,
  type Plan,
  planExpiresAt,
  proposalSchema,
  runningPlanOf,
} from '../../../lambda/core/plans';

const NOW = new Date('2026-12-10T10:00:00.000Z');
const LIMITS = { maxDays: 30, maxExtraListens: 4 };
const AGENT = 'aaaaaaaa-0000-4000-8000-000000000001';
const COACH = 'cccccccc-0000-4000-8000-000000000001';
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();

const plan = (over: Partial<Plan> = {}): Plan => ({
  planId: 'p1',
  agentId: AGENT,
  proposedBy: COACH,
  proposerSubject: 'sub-coach',
  reason: 'onboarding follow-up agreed with the agent',
  extraListens: 2,
  createdAt: days(-5),
  endsAt: days(10),
  status: 'approved',
  decidedBy: 'dpo:sub-dpo',
  decidedAt: days(-4),
  expiresAt: 0,
  ...over,
});

describe('proposal schema', () => {
  const schema = proposalSchema(LIMITS);
  const ok = { agentId: AGENT, reason: 'x'.repeat(20), extraListens: 4, endsAt: days(30) };
  it.each([
    ['a valid proposal', ok, true],
    ['a 19-character reason', { ...ok, reason: 'x'.repeat(19) }, false],
    ['a reason of spaces', { ...ok, reason: ' '.repeat(30) }, false],
    ['no reason', { agentId: AGENT, extraListens: 1, endsAt: days(3) }, false],
    ['extra listens above the policy', { ...ok, extraListens: 5 }, false],
    ['zero extra listens', { ...ok, extraListens: 0 }, false],
    ['a fractional count', { ...ok, extraListens: 1.5 }, false],
    ['an agent that is not a UUID', { ...ok, agentId: 'bob' }, false],
    ['an unknown field', { ...ok, target: 'x' }, false],
  ])('%s → %s', (_name, input, valid) => {
    expect(schema.safeParse(input).success).toBe(valid);
  });
});

describe('checkProposal', () => {
  const base = { agentId: AGENT, reason: 'x'.repeat(25), extraListens: 2, endsAt: days(30) };
  const ctx = { now: NOW, limits: LIMITS, proposerId: COACH, existing: [] as Plan[] };
  it.each([
    ['accepted within limits', base, ctx, []],
    ['end in the past', { ...base, endsAt: days(-1) }, ctx, [/future/]],
    ['end at this very instant', { ...base, endsAt: NOW.toISOString() }, ctx, [/future/]],
    ['end beyond maxDays', { ...base, endsAt: days(31) }, ctx, [/at most 30 days/]],
    ['about the proposer', base, { ...ctx, proposerId: AGENT }, [/themself/]],
    ['a second running plan', base, { ...ctx, existing: [plan()] }, [/one at a time/]],
    // pending proposals do not block each other: the DPO approves at most one (checked on approval)
    ['a pending proposal does not', base, { ...ctx, existing: [plan({ status: 'proposed' })] }, []],
    ['an ended plan does not', base, { ...ctx, existing: [plan({ endsAt: days(-1) })] }, []],
    ['a rejected plan does not', base, { ...ctx, existing: [plan({ status: 'rejected' })] }, []],
  ] as const)('%s', (_name, proposal, context, expected) => {
    const problems = checkProposal(proposal, context);
    expect(problems).toHaveLength(expected.length);
    for (const [i, re] of expected.entries()) expect(problems[i]).toMatch(re);
  });
});

describe('checkDecision', () => {
  it.each([
    ['the DPO on a proposed plan', plan({ status: 'proposed' }), 'sub-dpo', true, []],
    ['a non-DPO', plan({ status: 'proposed' }), 'sub-x', false, [/data-protection officer/]],
    ['the proposer', plan({ status: 'proposed' }), 'sub-coach', true, [/proposer/]],
    ['an already approved plan', plan(), 'sub-dpo', true, [/approved, not proposed/]],
    ['an expired proposal', plan({ status: 'proposed', endsAt: days(-1) }), 'sub-dpo', true, [/expired/]],
  ] as const)('%s', (_name, p, subject, dpo, expected) => {
    const problems = checkDecision(p, { now: NOW, deciderSubject: subject, deciderIsDpo: dpo });
    expect(problems).toHaveLength(expected.length);
    for (const [i, re] of expected.entries()) expect(problems[i]).toMatch(re);
  });
});

describe('status and extra listens', () => {
  it('expires by date whatever is stored', () => {
    expect(effectiveStatus(plan(), NOW)).toBe('approved');
    expect(effectiveStatus(plan({ endsAt: NOW.toISOString() }), NOW)).toBe('expired');
    expect(effectiveStatus(plan({ status: 'rejected', endsAt: days(-3) }), NOW)).toBe('rejected');
  });

  it('counts only approved, running plans, capped per agent', () => {
    const other = 'aaaaaaaa-0000-4000-8000-000000000002';
    const extras = extraListensByAgent(
      [
        plan(),
        plan({ planId: 'p2', extraListens: 3 }), // same agent: capped at 4
        plan({ planId: 'p3', agentId: other, status: 'proposed' }), // no approval, no extra
        plan({ planId: 'p4', agentId: other, endsAt: days(-1) }), // ended
        plan({ planId: 'p5', agentId: other, decidedAt: days(1) }), // approved after the run
      ],
      NOW,
      4,
    );
    expect(extras).toEqual([{ agentId: AGENT, extra: 4, plans: 2 }]);
  });

  it('keeps a plan item for the audit retention after its creation', () => {
    expect(planExpiresAt('2026-12-20T00:00:00.000Z', 365)).toBe(Date.UTC(2026, 11, 20) / 1000 + 365 * 86_400);
    expect(planExpiresAt('2026-12-20T10:30:00.000Z', 30)).toBe(
      Date.UTC(2026, 11, 20, 10, 30) / 1000 + 30 * 86_400,
    );
  });
});

describe('extra listens by agent and running windows', () => {
  it('lists the agents in id order whatever the plans’ order', () => {
    const ids = [
      'aaaaaaaa-0000-4000-8000-000000000003',
      'aaaaaaaa-0000-4000-8000-000000000001',
      'aaaaaaaa-0000-4000-8000-000000000002',
    ];
    const extras = extraListensByAgent(
      ids.map((agentId, i) => plan({ planId: `p${i}`, agentId, extraListens: i + 1 })),
      NOW,
      4,
    );
    expect(extras).toEqual([
      { agentId: ids[1], extra: 2, plans: 1 },
      { agentId: ids[2], extra: 3, plans: 1 },
      { agentId: ids[0], extra: 1, plans: 1 },
    ]);
  });

  it('a plan overlaps [from, to) when it was created before `to` and ends after `from`', () => {
    const from = new Date('2026-11-01T00:00:00.000Z');
    const to = new Date('2026-12-01T00:00:00.000Z');
    const window = (createdAt: string, endsAt: string) => overlaps({ createdAt, endsAt }, from, to);
    expect(window('2026-10-20T00:00:00.000Z', '2026-11-10T00:00:00.000Z')).toBe(true);
    expect(window('2026-11-30T23:59:59.999Z', '2026-12-20T00:00:00.000Z')).toBe(true);
    // Created at the end of the window: it never ran within it.
    expect(window('2026-12-01T00:00:00.000Z', '2026-12-20T00:00:00.000Z')).toBe(false);
    // Ended at the start of the window: it never ran within it.
    expect(window('2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')).toBe(false);
    expect(window('2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.001Z')).toBe(true);
    // Before or after the window entirely.
    expect(window('2026-09-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z')).toBe(false);
    expect(window('2026-12-05T00:00:00.000Z', '2026-12-20T00:00:00.000Z')).toBe(false);
  });
});

describe('running plans at an instant', () => {
  it('a plan approved at the very instant of the run counts', () => {
    expect(extraListensByAgent([plan({ decidedAt: NOW.toISOString() })], NOW, 4)).toEqual([
      { agentId: AGENT, extra: plan().extraListens, plans: 1 },
    ]);
  });

  it('the running plan of an agent, leaving out the one being decided', () => {
    const running = plan({ planId: 'running' });
    expect(runningPlanOf([running], NOW)?.planId).toBe('running');
    // Approving "running" itself again must not find it as another running plan.
    expect(runningPlanOf([running], NOW, 'running')).toBeUndefined();
    expect(runningPlanOf([running, plan({ planId: 'other' })], NOW, 'running')?.planId).toBe('other');
  });
});
