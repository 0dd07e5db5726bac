/**
 * C5 from a month folder's assignments.jsonl against the audit records, without a simulated month:
 * each case is a forgery of the file (or of the chain's view of it) that the check must name.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyListens } from '../../../lib/verify/listens';

const root = mkdtempSync(join(tmpdir(), 'fairlisten-listens-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const P = '2026-10';
const Q = '2026-11';
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const AGENT = 'agent-a';
const OTHER = 'agent-b';

interface Listen {
  period: string;
  contactId: string;
  agentId: string;
  planId?: string;
}

/** The records the assignment run and the DPO's approval leave in the audit chains. */
const coach = (period: string, listens: readonly Listen[], chain = `listens/${period}`) => ({
  chain,
  kind: 'assignment',
  subject: period,
  data: {
    scope: 'coach',
    coachId: 'coach-1',
    listens: listens.map(({ contactId, agentId, planId }) => ({
      contactId,
      agentId,
      ...(planId ? { planId } : {}),
    })),
  },
});
const run = (period: string, maxPerAgent: unknown, chain = `listens/${period}`, kind = 'assignment') => ({
  chain,
  kind,
  subject: period,
  data: { scope: 'run', maxPerAgent },
});
const plan = (
  planId: string,
  agentId: string,
  extraListens: number,
  action = 'approved',
  chain = `governance/${P}`,
) => ({
  chain,
  kind: 'plan',
  subject: planId,
  data: { action, agentId, extraListens },
});

function check(listens: readonly (Listen | string)[], records: readonly unknown[]) {
  const dir = join(root, `m-${n++}`);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'assignments.jsonl'),
    listens.map((l) => `${typeof l === 'string' ? l : JSON.stringify(l)}\n`).join(''),
  );
  return verifyListens(dir, records);
}
const codes = (r: ReturnType<typeof check>) => r.findings.map((f) => f.code);

/** Two regular listens of AGENT (the maximum), one plan listen of AGENT under an approved plan of 1. */
const regular: Listen[] = [
  { period: P, contactId: id(1), agentId: AGENT },
  { period: P, contactId: id(2), agentId: AGENT },
  { period: P, contactId: id(3), agentId: OTHER },
];
const planned: Listen = { period: P, contactId: id(4), agentId: AGENT, planId: 'plan-1' };
const month = [...regular, planned];
const chains = [coach(P, month), run(P, 2), plan('plan-1', AGENT, 1)];

describe('verifyListens', () => {
  it('accepts the listens the chains hold, at the maximum and at the approved extra', () => {
    const r = check(month, chains);
    expect(r.findings).toEqual([]);
    expect(r.checked).toEqual({ listens: 4, planListens: 1, periods: [P] });
  });

  it('checks nothing, and says so, without assignments.jsonl', () => {
    expect(verifyListens(join(root, 'no-such-month'), chains)).toEqual({ findings: [] });
  });

  it('names a listen added to the file after the fact, also one chained in another period only', () => {
    const added = { period: P, contactId: id(9), agentId: OTHER };
    const moved = { ...regular[2]!, period: Q };
    const r = check([...regular.slice(0, 2), planned, added, moved], [...chains, run(Q, 2)]);
    expect(r.findings).toContainEqual({
      code: 'listen-not-in-chain',
      period: P,
      message: `the listen of recording ${id(9)} (${P}) is not in the listens audit chain: it was added after the fact`,
    });
    expect(r.findings).toContainEqual(expect.objectContaining({ code: 'listen-not-in-chain', period: Q }));
    expect(r.checked?.periods).toEqual([P, Q]);
  });

  it('ignores listens recorded anywhere but a coach record of the listens chain', () => {
    const elsewhere = [
      { ...coach(P, month), chain: `governance/${P}` },
      { ...coach(P, month), kind: 'plan' },
      { ...coach(P, month), data: { ...coach(P, month).data, scope: 'run' } },
      { ...coach(P, month), data: { scope: 'coach', listens: 'not a list' } },
    ];
    for (const forged of elsewhere) {
      const r = check(month, [forged, run(P, 2), plan('plan-1', AGENT, 1)]);
      expect(codes(r).filter((c) => c === 'listen-not-in-chain')).toHaveLength(4);
    }
  });

  it('names a listen moved to another agent, or given or stripped of a plan', () => {
    const cases: Listen[][] = [
      [{ ...regular[0]!, agentId: OTHER }, ...month.slice(1)],
      [{ ...regular[0]!, planId: 'plan-1' }, ...month.slice(1)],
      [...regular, { period: P, contactId: id(4), agentId: AGENT }],
      [...regular, { ...planned, planId: 'plan-2' }],
    ];
    for (const listens of cases) {
      const r = check(listens, chains);
      expect(codes(r), JSON.stringify(listens)).toContain('listen-differs-from-chain');
    }
    const r = check([{ ...regular[0]!, agentId: OTHER }, ...month.slice(1)], chains);
    expect(r.findings).toContainEqual({
      code: 'listen-differs-from-chain',
      period: P,
      message: `the listen of recording ${id(1)} (${P}) says agent ${OTHER}, plan none but the audit chain says agent ${AGENT}, plan none`,
    });
  });

  it('names a chained listen dropped from the file', () => {
    const r = check(month.slice(1), chains);
    expect(r.findings).toEqual([
      {
        code: 'listen-missing',
        period: P,
        message: `the listen of recording ${id(1)} (${P}) is in the audit chain but missing from assignments.jsonl`,
      },
    ]);
  });

  it('names an agent with one regular listen above the maximum; plan listens do not count', () => {
    const extra = { period: P, contactId: id(5), agentId: AGENT };
    const r = check([...month, extra], [coach(P, [...month, extra]), run(P, 2), plan('plan-1', AGENT, 1)]);
    expect(r.findings).toEqual([
      {
        code: 'listens-above-maximum',
        period: P,
        message: `agent ${AGENT} has 3 regular listens in ${P}, above the maximum of 2 (C5)`,
      },
    ]);
    // The maximum applies per period: the same count in two periods is within each.
    const next = month.map((l) => ({ ...l, period: Q, contactId: l.contactId.replace('8000', '9000') }));
    const both = check([...month, ...next], [...chains, coach(Q, next), run(Q, 2), plan('plan-1', AGENT, 2)]);
    expect(both.findings).toEqual([]);
  });

  it('cannot check C5 without the run record of the period’s maximum', () => {
    const noMax = [
      [coach(P, month), plan('plan-1', AGENT, 1)],
      [coach(P, month), run(P, '2'), plan('plan-1', AGENT, 1)],
      [coach(P, month), run(P, 2, `listens/${Q}`), plan('plan-1', AGENT, 1)],
      [coach(P, month), run(P, 2, `governance/${P}`), plan('plan-1', AGENT, 1)],
      [coach(P, month), run(P, 2, `listens/${P}`, 'plan'), plan('plan-1', AGENT, 1)],
    ];
    for (const records of noMax) {
      const r = check(month, records);
      expect(r.findings).toEqual([
        {
          code: 'no-listening-maximum',
          period: P,
          message: `the listens audit chain of ${P} records no maximum per agent: C5 cannot be checked`,
        },
      ]);
    }
  });

  it('names plan listens above the approved extra, of another agent, or under a plan nobody approved', () => {
    const second = { period: P, contactId: id(6), agentId: AGENT, planId: 'plan-1' };
    const above = check(
      [...month, second],
      [coach(P, [...month, second]), run(P, 2), plan('plan-1', AGENT, 1)],
    );
    expect(above.findings).toEqual([
      {
        code: 'plan-listens-above-extra',
        period: P,
        message: `plan plan-1 granted 2 listens in ${P}, above the 1 extra listens the DPO approved (C5)`,
      },
    ]);

    const ofOther = { ...planned, agentId: OTHER };
    const other = check(
      [...regular, ofOther],
      [coach(P, [...regular, ofOther]), run(P, 2), plan('plan-1', AGENT, 1)],
    );
    expect(other.findings).toEqual([
      {
        code: 'plan-other-agent',
        period: P,
        message: `1 listen(s) of plan plan-1 are of another agent than the plan's ${AGENT}`,
      },
    ]);

    const unapproved = [
      [coach(P, month), run(P, 2)],
      [coach(P, month), run(P, 2), plan('plan-1', AGENT, 1, 'proposed')],
      [coach(P, month), run(P, 2), plan('plan-1', AGENT, 1, 'approved', `listens/${P}`)],
      [coach(P, month), run(P, 2), { ...plan('plan-1', AGENT, 1), kind: 'assignment' }],
    ];
    for (const records of unapproved) {
      expect(check(month, records).findings).toEqual([
        {
          code: 'plan-not-approved',
          period: P,
          message: `1 listen(s) in ${P} name plan plan-1, which no DPO approval in the audit chain shows (C5, C7)`,
        },
      ]);
    }
  });

  it('names each plan in plan order', () => {
    const a = { period: P, contactId: id(7), agentId: AGENT, planId: 'plan-b' };
    const b = { period: P, contactId: id(8), agentId: AGENT, planId: 'plan-a' };
    const c = { period: P, contactId: id(9), agentId: AGENT, planId: 'plan-c' };
    const r = check([a, c, b], [coach(P, [a, b, c]), run(P, 2)]);
    expect(r.findings.map((f) => f.message.split(' name plan ')[1]?.split(',')[0])).toEqual([
      'plan-a',
      'plan-b',
      'plan-c',
    ]);
  });

  it('names a line that is not JSON by its number, and skips blank lines', () => {
    const r = check([regular[0]!, '', '{not json', ...month.slice(1)], chains);
    expect(r.findings).toEqual([
      { code: 'malformed-listen', message: 'assignments.jsonl line 3 is not valid JSON' },
    ]);
    expect(r.checked?.listens).toBe(4);
  });
});
