import { describe, expect, it } from 'vitest';
import { markPlanListens, planGrants } from '../../../lambda/core/plan-listens';
import type { Plan } from '../../../lambda/core/plans';

const listen = (agentId: string, n: number) => ({ agentId, contactId: `${agentId}-c${n}` });
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

describe('markPlanListens — order and ownership', () => {
  it('marks by contact order whatever the input order, and only the plan owner’s listens', () => {
    const listens = [9, 8, 7, 6, 5, 4, 3, 2, 1].map((n) => listen('a', n));
    const others = [5, 4, 3, 2, 1].map((n) => listen('b', n));
    const out = markPlanListens([...listens, ...others], 3, [{ agentId: 'a', planId: 'p1', extra: 6 }]);
    const marked = out.filter((x) => x.planId === 'p1').map((x) => x.contactId);
    expect(marked.sort()).toEqual(['a-c4', 'a-c5', 'a-c6', 'a-c7', 'a-c8', 'a-c9']);
    // b has no plan: its listens beyond the maximum stay unmarked, whatever a's plan grants.
    expect(out.filter((x) => x.agentId === 'b').every((x) => x.planId === undefined)).toBe(true);
  });
});

describe('planGrants — which plans run', () => {
  it('with room to spare, grants only approved plans decided by then and not ended, none of zero', () => {
    expect(
      planGrants(
        [
          plan({ planId: 'running', agentId: 'a' }),
          plan({ planId: 'approved-at-that-instant', agentId: 'b', decidedAt: at.toISOString() }),
          plan({
            planId: 'approved-a-millisecond-later',
            agentId: 'c',
            decidedAt: '2026-12-02T02:00:00.001Z',
          }),
          plan({ planId: 'proposed', agentId: 'd', status: 'proposed', decidedAt: undefined }),
          plan({ planId: 'rejected', agentId: 'e', status: 'rejected' }),
          plan({ planId: 'ended', agentId: 'f', endsAt: '2026-12-01T00:00:00.000Z' }),
          plan({ planId: 'nothing-extra', agentId: 'g', extraListens: 0 }),
        ],
        at,
        100,
      ),
    ).toEqual([
      { agentId: 'a', planId: 'running', extra: 2 },
      { agentId: 'b', planId: 'approved-at-that-instant', extra: 2 },
    ]);
  });

  it('serves an agent’s plans in decision order, then by plan id, until the cap', () => {
    const plans = [
      plan({ planId: 'p-a', decidedAt: '2026-11-05T00:00:00.000Z' }),
      plan({ planId: 'p-b', decidedAt: '2026-11-04T00:00:00.000Z' }),
    ];
    expect(planGrants(plans, at, 2)).toEqual([{ agentId: 'a', planId: 'p-b', extra: 2 }]);
    expect(planGrants([...plans].reverse(), at, 2)).toEqual([{ agentId: 'a', planId: 'p-b', extra: 2 }]);
    const sameDay = [plan({ planId: 'p-z' }), plan({ planId: 'p-y' })];
    expect(planGrants(sameDay, at, 3)).toEqual([
      { agentId: 'a', planId: 'p-y', extra: 2 },
      { agentId: 'a', planId: 'p-z', extra: 1 },
    ]);
  });
});
