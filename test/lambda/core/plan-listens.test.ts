import { describe, expect, it } from 'vitest';
import { markPlanListens, planGrants } from '../../../lambda/core/plan-listens';
import type { Plan } from '../../../lambda/core/plans';

const listen = (agentId: string, n: number) => ({ agentId, contactId: `${agentId}-c${n}` });

describe('markPlanListens', () => {
  it('marks the listens beyond the maximum, in contact order, up to the plan extra', () => {
    const listens = [listen('a', 3), listen('a', 1), listen('a', 4), listen('a', 2), listen('b', 1)];
    const out = markPlanListens(listens, 2, [{ agentId: 'a', planId: 'p1', extra: 2 }]);
    expect(out.map((x) => [x.contactId, x.planId])).toEqual([
      ['a-c3', 'p1'],
      ['a-c1', undefined],
      ['a-c4', 'p1'],
      ['a-c2', undefined],
      ['b-c1', undefined],
    ]);
  });

  it('leaves a listen beyond the maximum and the extra unmarked (the check reports it)', () => {
    const listens = [1, 2, 3, 4].map((n) => listen('a', n));
    const out = markPlanListens(listens, 2, [{ agentId: 'a', planId: 'p1', extra: 1 }]);
    expect(out.filter((x) => x.planId === 'p1')).toHaveLength(1);
    expect(out.filter((x) => !x.planId)).toHaveLength(3);
  });
});

describe('planGrants', () => {
  const plan = (over: Partial<Plan>): Plan => ({
    planId: 'p',
    agentId: 'a',
    proposedBy: 'k',
    proposerSubject: 's',
    reason: 'x'.repeat(20),
    extraListens: 2,
    createdAt: '2026-11-01T00:00:00.000Z',
    endsAt: '2026-12-20T00:00:00.000Z',
    status: 'approved',
    decidedAt: '2026-11-02T00:00:00.000Z',
    expiresAt: 0,
    ...over,
  });
  const at = new Date('2026-12-02T02:00:00.000Z');

  it('grants the running approved plans, capped together per agent', () => {
    expect(
      planGrants(
        [
          plan({ planId: 'p1', extraListens: 3 }),
          plan({ planId: 'p2', extraListens: 3, decidedAt: '2026-11-03T00:00:00.000Z' }),
          plan({ planId: 'ended', endsAt: '2026-11-30T00:00:00.000Z' }),
          plan({ planId: 'later', decidedAt: '2026-12-03T00:00:00.000Z' }),
          plan({ planId: 'proposed', status: 'proposed' }),
        ],
        at,
        4,
      ),
    ).toEqual([
      { agentId: 'a', planId: 'p1', extra: 3 },
      { agentId: 'a', planId: 'p2', extra: 1 },
    ]);
  });
});
