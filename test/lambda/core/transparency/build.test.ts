import { beforeEach, describe, expect, it } from 'vitest';
import { teamSummaries } from '../../../../lambda/core/transparency/aggregate';
import {
  buildMonthModel,
  callsOf,
  canonicalMonthInput,
  type MonthModelInput,
  teamSlug,
} from '../../../../lambda/core/transparency/build';
import { type MonthData, MonthDataError, parseMonthData } from '../../../../lambda/core/transparency/model';
import { renderTransparencyHtml } from '../../../../lambda/core/transparency/render/html';
import {
  KNOWN_MIDNIGHT,
  knownMonthInput,
  monthInput,
  novemberAt,
  transferredCall,
  contactUuid as uuid,
} from '../../../support/transparency-month';

describe('buildMonthModel', () => {
  it('counts calls, not contact legs: the legs of a transferred call are one call', () => {
    const m = buildMonthModel(monthInput());
    expect(m.agents.reduce((s, a) => s + a.decisions, 0)).toBe(5);
    expect(m.calls.total).toEqual({ calls: 3, recorded: 3, transferred: 2 });
    expect(m.calls.byTeam).toEqual([
      // Calls 1 and 2 (both transferred, both with a recorded leg of team A).
      { team: 'team-a', calls: 2, recorded: 2, transferred: 2 },
      // Call 1 (its team-B leg was not recorded) and call 3.
      { team: 'team-b', calls: 2, recorded: 1, transferred: 1 },
    ]);
    const { teams, total } = teamSummaries(m);
    expect(total).toMatchObject({ decisions: 5, recorded: 3, calls: 3, recordedCalls: 3, rate: 1 });
    expect(teams.map((t) => [t.team, t.calls, t.transferred, t.rate])).toEqual([
      ['team-a', 2, 2, 1],
      ['team-b', 2, 1, 0.5],
    ]);
  });

  it('counts reasons and the time profile in calls too: a transferred call is one call', () => {
    const month = monthInput();
    month.decisions = [
      ...month.decisions,
      // Call 4: not drawn for b3 at 09:00 Paris, transferred to a1, excluded line: one call, not drawn.
      { contactId: uuid(6), agentId: 'b3', decidedAt: '2026-11-12T08:00:00.000Z', reason: 'not-drawn' },
      {
        contactId: uuid(7),
        initialContactId: uuid(6),
        agentId: 'a1',
        decidedAt: '2026-11-12T08:20:00.000Z',
        reason: 'excluded-line',
      },
      // Call 5: transferred twice (three legs), the last leg failed to record.
      { contactId: uuid(8), agentId: 'a2', decidedAt: '2026-11-12T16:00:00.000Z', reason: 'not-drawn' },
      {
        contactId: uuid(9),
        initialContactId: uuid(8),
        agentId: 'b2',
        decidedAt: '2026-11-12T16:05:00.000Z',
        reason: 'not-drawn',
      },
      {
        contactId: uuid(10),
        initialContactId: uuid(8),
        agentId: 'b3',
        decidedAt: '2026-11-12T17:10:00.000Z',
        reason: 'record-failed',
      },
    ];
    const m = buildMonthModel(month);
    expect(m.agents.reduce((s, a) => s + a.decisions, 0)).toBe(10);
    expect(m.calls.total).toEqual({ calls: 5, recorded: 3, transferred: 4 });
    // Calls 1–3 recorded (a leg of each was drawn); call 4 as an excluded line (it comes before
    // not-drawn in the precedence); call 5 as a failed recording, whatever its first legs said.
    expect(m.reasons).toEqual({
      drawn: 3,
      'not-drawn': 0,
      'agent-cap-reached': 0,
      'excluded-line': 1,
      'caller-objected': 0,
      'record-failed': 1,
      error: 0,
    });
    const sum = (bins: { calls: number; recorded: number }[]) =>
      bins.reduce((s, b) => ({ calls: s.calls + b.calls, recorded: s.recorded + b.recorded }), {
        calls: 0,
        recorded: 0,
      });
    expect(sum(m.timeProfile!.weeks)).toEqual({ calls: 5, recorded: 3 });
    expect(sum(m.timeProfile!.hours)).toEqual({ calls: 5, recorded: 3 });
    // Each call at its first leg's hour (Paris): 11:00 (calls 1–3), 09:00 (call 4), 17:00 (call 5);
    // the legs at 09:20 and 18:10 add no call.
    expect(m.timeProfile!.hours[11]).toEqual({ calls: 3, recorded: 3 });
    expect(m.timeProfile!.hours[9]).toEqual({ calls: 1, recorded: 0 });
    expect(m.timeProfile!.hours[17]).toEqual({ calls: 1, recorded: 0 });
    expect(m.timeProfile!.hours[18]).toEqual({ calls: 0, recorded: 0 });
    // The page's §8 table shows the same call counts, and their shares are of the 5 calls.
    const html = renderTransparencyHtml(m);
    expect(html).toMatch(/data-testid="s8:count:drawn" data-value="3"/);
    expect(html).toMatch(/data-testid="s8:count:record-failed" data-value="1"/);
    // A model that counts legs again is refused.
    const legs = structuredClone(m);
    legs.reasons['not-drawn'] += 3;
    expect(() => parseMonthData(legs)).toThrow(/reasons add up to 8 but the month has 5 calls/);
    const hours = structuredClone(m);
    hours.timeProfile!.hours[18]!.calls = 1;
    hours.timeProfile!.weeks[1]!.calls += 1;
    expect(() => parseMonthData(hours)).toThrow(
      /hours count 6 calls and 3 recorded but the month has 5 and 3/,
    );
  });

  it('detects a model whose call counts contradict its legs', () => {
    const m = buildMonthModel(monthInput());
    const more = structuredClone(m);
    more.calls.byTeam[1]!.calls = 3; // team B answered only 2 legs
    expect(() => parseMonthData(more)).toThrow(/calls\.byTeam\.1\.calls: 3 calls but 2 legs/);
    const transfers = structuredClone(m);
    transfers.calls.total.transferred = 3; // 5 legs for 3 calls leave room for 2 transfers
    expect(() => parseMonthData(transfers)).toThrow(/calls\.total\.transferred/);
    const missing = structuredClone(m);
    missing.calls.byTeam.pop();
    expect(() => parseMonthData(missing)).toThrow(/team team-b has no calls row/);
  });
});

describe('buildMonthModel, a month known by hand', () => {
  // Built inside each test, so that a mutation run sees which test reads what.
  let known: MonthData;
  beforeEach(() => {
    known = buildMonthModel(knownMonthInput());
  });

  it('names agents and coaches by pseudonym in id order, with their teams and figures', () => {
    expect(
      known.agents.map((a) => [a.id, a.team, a.excluded, a.decisions, a.recorded, a.listens, a.planExtra]),
    ).toEqual([
      ['A001', 'team-a', false, 2, 2, 2, 2],
      ['A002', 'team-a', false, 1, 0, 0, 0],
      // a3's plan expired, b1's was only proposed and b2's rejected: no extra listens.
      ['A003', 'team-a', false, 1, 1, 1, 0],
      ['A004', 'team-b', false, 2, 1, 1, 0],
      ['A005', 'team-b', false, 1, 1, 1, 0],
      ['A006', 'team-b', false, 2, 1, 1, 4],
      ['A007', 'team-b', true, 1, 0, 0, 0],
      ['A008', 'team-c', false, 0, 0, 0, 0],
      ['A009', 'team-c', false, 0, 0, 0, 0],
      ['A010', 'team-c', true, 0, 0, 0, 0],
    ]);
    expect(known.agents[0]!.recordings).toEqual([
      { contactId: uuid(1), decidedAt: novemberAt(3) },
      { contactId: uuid(9), decidedAt: KNOWN_MIDNIGHT },
    ]);
    expect(known.coaches).toEqual([
      { id: 'K01', team: 'team-a', listens: 3 },
      { id: 'K02', team: 'team-b', listens: 2 },
      { id: 'K03', team: 'team-b', listens: 1 },
    ]);
    expect(known.capBreaches).toBe(0);
  });

  it('lists listens by contact, plans as given and requests by instant, under pseudonyms and team slugs', () => {
    expect(
      known.assignments.map((x) => [x.contactId, x.agentId, x.agentTeam, x.coachId, x.coachTeam]),
    ).toEqual([
      [uuid(1), 'A001', 'team-a', 'K02', 'team-b'],
      [uuid(4), 'A003', 'team-a', 'K02', 'team-b'],
      [uuid(5), 'A005', 'team-b', 'K01', 'team-a'],
      [uuid(6), 'A004', 'team-b', 'K01', 'team-a'],
      [uuid(7), 'A006', 'team-b', 'K01', 'team-a'],
      [uuid(9), 'A001', 'team-a', 'K03', 'team-b'],
    ]);
    expect(known.plans).toEqual([
      { planId: 'plan-01', agentTeam: 'team-a', extraListens: 2, status: 'approved' },
      { planId: 'plan-02', agentTeam: 'team-a', extraListens: 1, status: 'expired' },
      { planId: 'plan-03', agentTeam: 'team-b', extraListens: 5, status: 'proposed' },
      { planId: 'plan-04', agentTeam: 'team-b', extraListens: 7, status: 'rejected' },
      { planId: 'plan-05', agentTeam: 'team-b', extraListens: 4, status: 'approved' },
    ]);
    expect(known.requests.map((r) => [r.kind, r.agentTeam, r.status, r.arrival, r.completedAt])).toEqual([
      ['deletion', 'team-a', 'done', 'request-first', '2026-11-03T10:01:00.000Z'],
      ['deletion', 'team-b', 'done', 'request-first', '2026-11-05T10:10:00.000Z'],
      ['deletion', 'team-b', 'done', 'request-first', '2026-11-06T10:02:00.000Z'],
      ['deletion', 'team-b', 'failed', 'file-first', '2026-11-07T10:01:30.000Z'],
      ['deletion', 'team-a', 'waiting-for-recording', 'file-first', undefined],
      ['redaction', 'team-b', 'done', 'file-first', '2026-11-09T10:00:30.000Z'],
    ]);
    expect(Object.keys(known.requests[4]!)).not.toContain('completedAt');
    expect(known.verification).toEqual(knownMonthInput().verification);
    expect(known.seeds).toEqual({
      commitment: knownMonthInput().seed.commitment,
      committedAt: '2026-10-20T00:00:00.000Z',
      revealedAt: '2026-12-02T00:15:00.000Z',
      commitmentMatches: true,
    });
  });

  it('gives the same model whatever order every list is given in, ties included', () => {
    const a = knownMonthInput();
    // Two recordings of b2 at the same instant, and two requests at the same instant.
    a.decisions = [
      ...a.decisions,
      { contactId: uuid(12), agentId: 'b2', decidedAt: novemberAt(20), reason: 'drawn' },
      { contactId: uuid(11), agentId: 'b2', decidedAt: novemberAt(20), reason: 'drawn' },
    ];
    a.requests = [...a.requests, { ...a.requests[5]!, requestId: 'r0', kind: 'deletion' }];
    const b: MonthModelInput = {
      ...a,
      teams: [...a.teams].reverse(),
      agents: [...a.agents].reverse(),
      coaches: [...a.coaches].reverse(),
      decisions: [...a.decisions].reverse(),
      assignments: [...a.assignments].reverse(),
      requests: [...a.requests].reverse(),
    };
    const ma = buildMonthModel(a);
    expect(JSON.stringify(buildMonthModel(b))).toBe(JSON.stringify(ma));
    expect(ma.agents[4]!.recordings.map((r) => r.contactId)).toEqual([uuid(5), uuid(11), uuid(12)]);
    expect(ma.requests.slice(-2).map((r) => r.kind)).toEqual(['deletion', 'redaction']);
  });

  it('orders teams by name (numbers as numbers), then by id', () => {
    const teams = [
      { id: 'g-1', name: 'Zebra' },
      { id: 'g-2', name: 'Team 10' },
      { id: 'g-4', name: 'Same' },
      { id: 'g-3', name: 'Team 9' },
      { id: 'g-5', name: 'Alpha' },
      { id: 'g-0', name: 'Same' },
    ];
    expect(canonicalMonthInput({ ...monthInput(), teams }).teams.map((t) => t.id)).toEqual([
      'g-5',
      'g-0',
      'g-4',
      'g-3',
      'g-2',
      'g-1',
    ]);
  });

  it('names a listen granted under a plan by the plan’s label, and no plan when it is unknown', () => {
    const i = knownMonthInput();
    i.plans = i.plans.map((p, k) => (k === 0 ? { ...p, planId: 'stored-7f3a' } : p));
    i.assignments = i.assignments.map((x, k) =>
      k === 1 ? { ...x, planId: 'stored-7f3a' } : k === 2 ? { ...x, planId: 'stored-unknown' } : x,
    );
    const m = buildMonthModel(i);
    expect(m.assignments.find((x) => x.contactId === uuid(9))!.planId).toBe('plan-01');
    expect(m.assignments.filter((x) => 'planId' in x)).toHaveLength(1);
  });

  it('counts a cap breach above each cap, none at it', () => {
    const breaches = (policy: Partial<MonthModelInput['policy']>, edit?: (i: MonthModelInput) => void) => {
      const i = knownMonthInput();
      i.policy = { ...i.policy, ...policy };
      edit?.(i);
      return buildMonthModel(i).capBreaches;
    };
    // a1 recorded twice, given 2 listens with 2 extra; coach ka listens 3 times.
    const atCaps = {
      maxRecordingsPerAgentPerMonth: 2,
      listensPerAgentPerMonth: { min: 0, max: 1 },
      maxListensPerCoachPerMonth: 3,
    };
    expect(breaches(atCaps)).toBe(0);
    expect(breaches({ ...atCaps, maxRecordingsPerAgentPerMonth: 1 })).toBe(1);
    expect(
      breaches(atCaps, (i) => (i.plans = [{ ...i.plans[0]!, extraListens: 0 }, ...i.plans.slice(1)])),
    ).toBe(1);
    expect(breaches({ ...atCaps, maxListensPerCoachPerMonth: 2 })).toBe(1);
  });

  it('matches the seed only when it is revealed, well formed and hashes to the commitment', () => {
    const matches = (seed: Partial<MonthModelInput['seed']>) => {
      const i = knownMonthInput();
      i.seed = { ...i.seed, ...seed };
      return buildMonthModel(i).seeds;
    };
    const hidden = matches({ seed: undefined, revealedAt: undefined });
    expect(hidden.commitmentMatches).toBe(false);
    expect(Object.keys(hidden)).not.toContain('revealedAt');
    expect(matches({ seed: 'cd'.repeat(32) }).commitmentMatches).toBe(false);
    expect(matches({ seed: 'not hex' }).commitmentMatches).toBe(false);
  });

  it('states the policy version the month’s decisions carry, all of them when it changed', () => {
    const versionOf = (versions: (string | undefined)[]) => {
      const i = knownMonthInput();
      i.decisions = i.decisions.map((d, k) => ({ ...d, policyVersion: versions[k % versions.length] }));
      return buildMonthModel(i).policy.version;
    };
    expect(versionOf([undefined])).toBe('7');
    expect(versionOf(['9', undefined, '8', '9'])).toBe('8 + 9');
    expect(versionOf(['v'.repeat(40), 'w'.repeat(40)])).toBe(`${'v'.repeat(40)} + ${'w'.repeat(21)}`);
  });

  it('merges teams under 3 agents, a call transferred between two of them counted once in their row', () => {
    const i = knownMonthInput();
    i.teams = [...i.teams, { id: 'g-d', name: 'Team D' }];
    i.agents = [
      ...i.agents.filter((a) => a.id !== 'c2' && a.id !== 'c3'),
      { id: 'd1', teamId: 'g-d', excluded: false },
    ];
    i.decisions = [...i.decisions, ...transferredCall(20, 'c1', 'd1', 14)];
    const m = buildMonthModel(i);
    expect(m.teams.map((t) => t.id)).toEqual(['team-a', 'team-b', 'small-teams']);
    expect(m.calls.byTeam.at(-1)).toEqual({ team: 'small-teams', calls: 1, recorded: 1, transferred: 1 });
    expect(m.calls.total).toEqual({ calls: 9, recorded: 7, transferred: 3 });
    expect(m.smallTeams).toEqual({ merged: 2, sameTeamListens: 0 });
  });

  it.each<[string, (i: MonthModelInput) => void, RegExp]>([
    [
      'an agent of an unknown team',
      (i) => (i.agents = [{ ...i.agents[0]!, teamId: 'g-x' }, ...i.agents.slice(1)]),
      /unknown team g-x/,
    ],
    [
      'a decision of an unknown agent',
      (i) => (i.decisions = [...i.decisions, { ...i.decisions[0]!, agentId: 'zz' }]),
      /decision for unknown agent zz/,
    ],
    [
      'a decision with an unknown reason',
      (i) => (i.decisions = [...i.decisions, { ...i.decisions[0]!, contactId: uuid(30), reason: 'maybe' }]),
      /unknown reason maybe/,
    ],
    ['a listen of an unknown agent', (i) => (i.assignments[0]!.agentId = 'zz'), /unknown agent zz/],
    ['a listen by an unknown coach', (i) => (i.assignments[0]!.coachId = 'kz'), /unknown coach kz/],
  ])('refuses %s', (_what, spoil, message) => {
    const i = knownMonthInput();
    spoil(i);
    expect(() => buildMonthModel(i)).toThrow(MonthDataError);
    expect(() => buildMonthModel(i)).toThrow(message);
  });

  it('slugs team names: lower case, one dash for each run of other characters, none at the ends, 40 at most', () => {
    expect(teamSlug('Ventes & Grands  Comptes')).toBe('ventes-grands-comptes');
    expect(teamSlug('  (Nuit) ')).toBe('nuit');
    expect(teamSlug('x'.repeat(50))).toBe('x'.repeat(40));
    expect(teamSlug('ÉÉ')).toBe('team');
  });
});

describe('callsOf', () => {
  it('refuses a reason it does not know', () => {
    const d = { contactId: uuid(1), agentId: 'a1', decidedAt: novemberAt(3), reason: 'maybe' };
    expect(() => callsOf([d], () => 'g-a')).toThrow(MonthDataError);
  });
});
