import { describe, expect, it } from 'vitest';
import {
  agentPacing,
  capBreaches,
  crossTeamMatrix,
  distribution,
  median,
  pacingGrid,
  pacingSummary,
  reasonRows,
  requestSpeeds,
  seedTimeline,
  type TeamSummary,
  teamSummaries,
  verdict,
} from '../../../../lambda/core/transparency/aggregate';
import { buildMonthModel } from '../../../../lambda/core/transparency/build';
import { type MonthData, REASON_KEYS, SMALL_TEAMS_ID } from '../../../../lambda/core/transparency/model';
import { exampleMonthData } from '../../../../lib/transparency-report/example';
import { knownMonthInput, monthInput } from '../../../support/transparency-month';

const m = exampleMonthData();

describe('aggregation helpers', () => {
  it.each([
    [[], null],
    [[4], 4],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('median(%j) = %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('distribution gives min, median and max', () => {
    expect(distribution([5, 2, 9, 2])).toEqual({ min: 2, median: 3.5, max: 9 });
    expect(distribution([])).toBeNull();
  });

  it('sums teams into the all-teams row', () => {
    const { teams, total } = teamSummaries(m);
    expect(teams.map((t) => t.team)).toEqual(m.teams.map((t) => t.id));
    for (const key of ['agents', 'decisions', 'recorded', 'listens', 'deletions', 'redactions'] as const) {
      expect(teams.reduce((s, t) => s + t[key], 0)).toBe(total[key]);
    }
    // Calls, not legs: a transfer makes several legs of one call, so there are fewer calls than
    // legs; a call transferred between teams counts in both teams, once in the total.
    expect(total.calls).toBe(m.calls.total.calls);
    expect(total.calls).toBeLessThan(total.decisions);
    expect(total.transferred).toBeGreaterThan(0);
    expect(teams.reduce((s, t) => s + t.calls, 0)).toBeGreaterThanOrEqual(total.calls);
    expect(total.rate).toBeCloseTo(total.recordedCalls / total.calls, 12);
    expect(total.rate!).toBeLessThanOrEqual(0.3);
  });

  it('counts the cross-team matrix with an empty diagonal', () => {
    const mx = crossTeamMatrix(m);
    expect(mx.diagonal).toBe(0);
    expect(mx.cells.flat().reduce((s, n) => s + n, 0)).toBe(m.assignments.length);
    const same = structuredClone(m);
    same.assignments[0]!.coachTeam = same.assignments[0]!.agentTeam;
    expect(crossTeamMatrix(same).diagonal).toBe(1);
    expect(verdict(same).ok).toBe(false);
  });

  it('recounts cap breaches', () => {
    expect(capBreaches(m).total).toBe(0);
    const over: MonthData = structuredClone(m);
    over.coaches[0]!.listens = over.policy.maxListensPerCoachPerMonth + 1;
    over.agents[0]!.recorded = over.policy.maxRecordingsPerAgentPerMonth + 1;
    over.agents[1]!.listens = over.policy.listensPerAgentPerMonth.max + over.agents[1]!.planExtra + 1;
    expect(capBreaches(over)).toEqual({ recordings: 1, listens: 1, coaches: 1, total: 3 });
  });

  it('lays out the days of a DST month (March in Paris: 31 days, the 28th lasts 23 h)', () => {
    const grid = pacingGrid(m);
    expect(grid.days).toBe(31);
    expect(grid.dayStart[0]).toBe(0);
    const hours = (d: number) => ((grid.dayStart[d] ?? 1) - grid.dayStart[d - 1]!) * 743;
    expect(hours(1)).toBeCloseTo(24, 9);
    expect(hours(28)).toBeCloseTo(23, 9);
    expect(grid.staircase).toEqual(Array.from({ length: 8 }, (_v, k) => ({ from: k / 8, limit: k + 1 })));
  });

  it('keeps every agent under the pacing staircase, every day', () => {
    for (const team of [undefined, ...m.teams.map((t) => t.id)]) {
      for (const day of pacingSummary(m, team)) expect(day.max).toBeLessThanOrEqual(day.limit);
    }
    const agents = agentPacing(m);
    expect(agents).toHaveLength(m.agents.filter((a) => !a.excluded).length);
    for (const a of agents) expect(a.byDay.at(-1)).toBe(a.fractions.length);
  });

  it('measures request completion per kind and arrival order', () => {
    const speeds = requestSpeeds(m);
    expect(speeds.map((s) => `${s.kind}:${s.arrival}`)).toEqual([
      'deletion:request-first',
      'deletion:file-first',
      'redaction:request-first',
      'redaction:file-first',
    ]);
    expect(speeds.reduce((s, r) => s + r.requests, 0)).toBe(m.requests.length);
    for (const s of speeds) {
      expect(s.done + s.open + s.failed).toBe(s.requests);
      if (s.medianSeconds !== null) expect(s.medianSeconds).toBeLessThanOrEqual(s.maxSeconds!);
    }
  });
});

const known = buildMonthModel(knownMonthInput());

describe('aggregations of a month known by hand', () => {
  it('gives every team its own figures, and the all-teams row everyone', () => {
    const { teams, total } = teamSummaries(known);
    const figures = (t: TeamSummary) => {
      const { team, name, capBreaches: _c, ...rest } = t;
      return { team, name, ...rest };
    };
    expect(teams.map(figures)).toEqual([
      {
        team: 'team-a',
        name: 'Team A',
        agents: 3,
        excludedAgents: 0,
        coaches: 1,
        decisions: 4,
        recorded: 3,
        calls: 3,
        recordedCalls: 3,
        transferred: 2,
        rate: 1,
        recordingsPerAgent: { min: 0, median: 1, max: 2 },
        listens: 3,
        // a2 has no recording: it is not counted (it could not be listened to).
        listensPerAgent: { min: 1, median: 1.5, max: 2 },
        coachLoadMax: 3,
        deletions: 2,
        redactions: 0,
        // The approved plan and the expired one (it was approved), 2 + 1 extra listens.
        plansApproved: 2,
        planExtraListens: 3,
      },
      {
        team: 'team-b',
        name: 'Team B',
        agents: 4,
        excludedAgents: 1,
        coaches: 2,
        decisions: 6,
        recorded: 3,
        calls: 6,
        recordedCalls: 3,
        transferred: 1,
        rate: 0.5,
        // b4 (excluded) is in neither distribution.
        recordingsPerAgent: { min: 1, median: 1, max: 1 },
        listens: 3,
        listensPerAgent: { min: 1, median: 1, max: 1 },
        coachLoadMax: 2,
        deletions: 3,
        redactions: 1,
        // The proposed and the rejected plans grant nothing.
        plansApproved: 1,
        planExtraListens: 4,
      },
      {
        team: 'team-c',
        name: 'Team C',
        agents: 3,
        excludedAgents: 1,
        coaches: 0,
        decisions: 0,
        recorded: 0,
        calls: 0,
        recordedCalls: 0,
        transferred: 0,
        rate: null,
        recordingsPerAgent: { min: 0, median: 0, max: 0 },
        listens: 0,
        listensPerAgent: null,
        coachLoadMax: null,
        deletions: 0,
        redactions: 0,
        plansApproved: 0,
        planExtraListens: 0,
      },
    ]);
    expect(figures(total)).toEqual({
      team: '*',
      name: '',
      agents: 10,
      excludedAgents: 2,
      coaches: 3,
      decisions: 10,
      recorded: 6,
      calls: 8,
      recordedCalls: 6,
      transferred: 2,
      rate: 0.75,
      recordingsPerAgent: { min: 0, median: 1, max: 2 },
      listens: 6,
      listensPerAgent: { min: 1, median: 1, max: 2 },
      coachLoadMax: 3,
      deletions: 5,
      redactions: 1,
      plansApproved: 3,
      planExtraListens: 7,
    });
    for (const t of [...teams, total])
      expect(t.capBreaches).toEqual({ recordings: 0, listens: 0, coaches: 0, total: 0 });
  });

  it('counts a cap breach above the cap, never at it', () => {
    const at = structuredClone(known);
    const k01 = at.coaches.find((c) => c.id === 'K01')!;
    k01.listens = at.policy.maxListensPerCoachPerMonth;
    expect(capBreaches(at)).toEqual({ recordings: 0, listens: 0, coaches: 0, total: 0 });
    k01.listens++;
    expect(capBreaches(at)).toEqual({ recordings: 0, listens: 0, coaches: 1, total: 1 });
    // Per team: the breach is team A's (K01 is its coach).
    const { teams } = teamSummaries(at);
    expect(teams.map((t) => t.capBreaches.coaches)).toEqual([1, 0, 0]);
  });

  it('lays the listens out coach team × agent team', () => {
    expect(crossTeamMatrix(known)).toEqual({
      teams: ['team-a', 'team-b', 'team-c'],
      cells: [
        [0, 3, 0],
        [3, 0, 0],
        [0, 0, 0],
      ],
      diagonal: 0,
    });
    // Same-team listens counted before small teams were merged add to those on the diagonal.
    const before = structuredClone(known);
    before.assignments[0]!.coachTeam = before.assignments[0]!.agentTeam;
    before.smallTeams = { merged: 2, sameTeamListens: 2 };
    expect(crossTeamMatrix(before).diagonal).toBe(3);
    // The merged row's own cell mixes teams (listens across two small teams): not on the diagonal.
    const merged = structuredClone(known);
    merged.teams[2]!.id = SMALL_TEAMS_ID;
    Object.assign(merged.assignments[0]!, { coachTeam: SMALL_TEAMS_ID, agentTeam: SMALL_TEAMS_ID });
    expect(crossTeamMatrix(merged).cells[2]![2]).toBe(1);
    expect(crossTeamMatrix(merged).diagonal).toBe(0);
  });

  it('times requests in seconds per kind and arrival: done, failed and open', () => {
    expect(requestSpeeds(known)).toEqual([
      {
        kind: 'deletion',
        arrival: 'request-first',
        requests: 3,
        done: 3,
        open: 0,
        failed: 0,
        medianSeconds: 120,
        maxSeconds: 600,
      },
      {
        kind: 'deletion',
        arrival: 'file-first',
        requests: 2,
        done: 0,
        open: 1,
        failed: 1,
        medianSeconds: null,
        maxSeconds: null,
      },
      {
        kind: 'redaction',
        arrival: 'request-first',
        requests: 0,
        done: 0,
        open: 0,
        failed: 0,
        medianSeconds: null,
        maxSeconds: null,
      },
      {
        kind: 'redaction',
        arrival: 'file-first',
        requests: 1,
        done: 1,
        open: 0,
        failed: 0,
        medianSeconds: 30,
        maxSeconds: 30,
      },
    ]);
  });

  it('gives each reason its count and its share of the calls', () => {
    const rows = reasonRows(known);
    expect(rows.map((r) => r.reason)).toEqual([...REASON_KEYS]);
    expect(rows.filter((r) => r.count > 0)).toEqual([
      { reason: 'drawn', count: 6, share: 0.75 },
      { reason: 'not-drawn', count: 1, share: 0.125 },
      { reason: 'excluded-line', count: 1, share: 0.125 },
    ]);
    expect(rows.filter((r) => r.count === 0).map((r) => r.share)).toEqual([0, 0, 0, 0]);
    // A month without calls has no share to give: 0, not NaN.
    const quiet = buildMonthModel({ ...monthInput(), decisions: [] });
    expect(reasonRows(quiet).map((r) => [r.count, r.share])).toEqual(REASON_KEYS.map(() => [0, 0]));
  });

  it('counts each agent’s recordings day by day: one at midnight belongs to the day it starts', () => {
    const grid = pacingGrid(known);
    expect(grid.days).toBe(30);
    expect(grid.dayStart).toHaveLength(30);
    // November in Paris has no clock change: day d starts at (d − 1) / 30 of the month.
    for (const [d, f] of grid.dayStart.entries()) expect(f).toBeCloseTo(d / 30, 12);
    const teamA = agentPacing(known, 'team-a');
    expect(teamA.map((a) => a.agentId)).toEqual(['A001', 'A002', 'A003']);
    const a1 = teamA[0]!;
    expect(a1.fractions).toEqual([(2 * 24 + 11) / 720, 9 / 30]);
    expect(a1.byDay.slice(0, 11)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2]);
    expect(a1.byDay.at(-1)).toBe(2);
    expect(teamA[2]!.byDay.slice(2, 5)).toEqual([0, 1, 1]);
    expect(agentPacing(known, 'team-c').map((a) => a.agentId)).toEqual(['A008', 'A009']);
    // Whatever order the recordings are listed in, the fractions ascend.
    const reversed = structuredClone(known);
    reversed.agents[0]!.recordings.reverse();
    expect(agentPacing(reversed, 'team-a')[0]!.fractions).toEqual(a1.fractions);
  });

  it('gives the day’s highest and median count and the paced limit at its end', () => {
    const days = pacingSummary(known, 'team-a');
    expect(days.map((d) => d.day)).toEqual(Array.from({ length: 30 }, (_v, i) => i + 1));
    // ceil(8 × d / 30), the sampler's paced cap at the end of day d; 8 on the last day.
    expect(days.map((d) => d.limit)).toEqual(
      Array.from({ length: 30 }, (_v, i) => Math.ceil((8 * (i + 1)) / 30)),
    );
    expect(days.slice(1, 4).map((d) => [d.max, d.median])).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(days.at(-1)).toEqual({ day: 30, max: 2, median: 1, limit: 8 });
    expect(pacingSummary(known, 'team-c').at(-1)).toEqual({ day: 30, max: 0, median: 0, limit: 8 });
    expect(pacingSummary({ ...known, agents: [] }).at(-1)).toEqual({ day: 30, max: 0, median: 0, limit: 8 });
  });
});

describe('the seed timeline and the verdict', () => {
  const start = '2026-10-31T23:00:00.000Z';
  const end = '2026-11-30T23:00:00.000Z';
  const withSeeds = (seeds: Partial<MonthData['seeds']>): MonthData => {
    const m = structuredClone(known);
    Object.assign(m.seeds, seeds);
    if ('revealedAt' in seeds && seeds.revealedAt === undefined) delete m.seeds.revealedAt;
    return m;
  };

  it('says whether the seed was committed before the month began and revealed after it ended', () => {
    expect(seedTimeline(known)).toEqual({
      periodStart: start,
      periodEnd: end,
      committedBeforeStart: true,
      revealedAfterEnd: true,
    });
    const ms = (iso: string, d: number) => new Date(Date.parse(iso) + d).toISOString();
    expect(seedTimeline(withSeeds({ committedAt: start, revealedAt: end }))).toMatchObject({
      committedBeforeStart: true,
      revealedAfterEnd: true,
    });
    expect(seedTimeline(withSeeds({ committedAt: ms(start, 1), revealedAt: ms(end, -1) }))).toMatchObject({
      committedBeforeStart: false,
      revealedAfterEnd: false,
    });
    expect(seedTimeline(withSeeds({ revealedAt: undefined })).revealedAfterEnd).toBeNull();
  });

  /** `known` with a recorded share of 3 calls in 10: at the ceiling, so every check passes. */
  const clean = (): MonthData => {
    const m = structuredClone(known);
    m.calls.total = { calls: 10, recorded: 3, transferred: 2 };
    return m;
  };

  it('passes a month whose every check holds, a recorded share of exactly 30 % included', () => {
    expect(verdict(clean())).toEqual({
      checks: {
        rateBelowCeiling: true,
        noCapBreach: true,
        crossTeamOnly: true,
        seedCommittedBeforeStart: true,
        seedMatches: true,
        decisionsVerified: true,
        auditVerified: true,
      },
      ok: true,
    });
  });

  it.each<[string, keyof ReturnType<typeof verdict>['checks'], (m: MonthData) => void]>([
    ['a recorded share above 30 %', 'rateBelowCeiling', (m) => (m.calls.total.recorded = 4)],
    ['a breach in the data', 'noCapBreach', (m) => (m.agents[0]!.recorded = 9)],
    ['a breach the producer counted', 'noCapBreach', (m) => (m.capBreaches = 1)],
    [
      'a same-team listen',
      'crossTeamOnly',
      (m) => (m.assignments[0]!.coachTeam = m.assignments[0]!.agentTeam),
    ],
    ['a seed committed after the start', 'seedCommittedBeforeStart', (m) => (m.seeds.committedAt = end)],
    ['a seed that does not match', 'seedMatches', (m) => (m.seeds.commitmentMatches = false)],
    ['a seed not revealed yet', 'seedMatches', (m) => delete m.seeds.revealedAt],
    [
      'decisions that failed verification',
      'decisionsVerified',
      (m) => (m.verification!.decisions.ok = false),
    ],
    ['a decision violation', 'decisionsVerified', (m) => (m.verification!.decisions.violations = 1)],
    ['a broken audit chain', 'auditVerified', (m) => (m.verification!.audit.ok = false)],
  ])('fails on %s, that check only', (_what, check, spoil) => {
    const m = clean();
    spoil(m);
    const { checks, ok } = verdict(m);
    expect(ok).toBe(false);
    expect(Object.entries(checks).filter(([, v]) => !v)).toEqual([[check, false]]);
  });

  it('leaves both verifications open when the producer did not run them', () => {
    const m = clean();
    delete m.verification;
    const { checks } = verdict(m);
    expect([checks.decisionsVerified, checks.auditVerified]).toEqual([false, false]);
  });
});
