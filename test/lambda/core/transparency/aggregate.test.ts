import { describe, expect, it } from 'vitest';
import {
  agentPacing,
  capBreaches,
  crossTeamMatrix,
  distribution,
  median,
  pacingGrid,
  pacingSummary,
  requestSpeeds,
  teamSummaries,
  verdict,
} from '../../../../lambda/core/transparency/aggregate';
import type { MonthData } from '../../../../lambda/core/transparency/model';
import { exampleMonthData } from '../../../../lib/transparency-report/example';

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
