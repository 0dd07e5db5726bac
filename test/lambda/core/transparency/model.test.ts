import { describe, expect, it } from 'vitest';
import { crossTeamMatrix, teamSummaries, verdict } from '../../../../lambda/core/transparency/aggregate';
import { parseCsv, renderTransparencyCsv } from '../../../../lambda/core/transparency/csv';
import {
  type MonthData,
  MonthDataError,
  mergeSmallTeams,
  parseMonthData,
  SMALL_TEAMS_ID,
  SMALL_TEAMS_NAME,
} from '../../../../lambda/core/transparency/model';
import { exampleMonthData } from '../../../../lib/transparency-report/example';

const base = exampleMonthData();
const clone = (): MonthData => structuredClone(base);

describe('month data model', () => {
  it('accepts the example month, deterministically', () => {
    expect(parseMonthData(clone())).toEqual(base);
    expect(exampleMonthData()).toEqual(base);
    expect(base.agents.length).toBe(41);
    expect(base.assignments.every((x) => x.agentTeam !== x.coachTeam)).toBe(true);
  });

  it.each([
    ['a name as agent id', (m: MonthData) => (m.agents[0]!.id = 'Marie Dupont'), /not an opaque pseudonym/],
    [
      'a Connect user id as coach id',
      (m: MonthData) => (m.coaches[0]!.id = '3f0c2a4e-1b2c-4d5e-8f90-123456789abc'),
      /not an opaque pseudonym/,
    ],
    [
      'listens that disagree with assignments',
      (m: MonthData) => m.agents[0]!.listens++,
      /listens \d+ but \d+ assignments/,
    ],
    [
      'coach load that disagrees',
      (m: MonthData) => m.coaches[0]!.listens++,
      /listens \d+ but \d+ assignments/,
    ],
    ['reasons that do not add up', (m: MonthData) => m.reasons['not-drawn']++, /reasons add up to/],
    ['recorded ≠ recordings', (m: MonthData) => m.agents[0]!.recorded++, /recorded \d+ but \d+ recordings/],
    ['an unknown team', (m: MonthData) => (m.plans[0]!.agentTeam = 'nope'), /unknown team "nope"/],
    [
      'a recording outside the period',
      (m: MonthData) => (m.agents[0]!.recordings[0]!.decidedAt = '2027-04-02T10:00:00.000Z'),
      /outside period 2027-03/,
    ],
    [
      'a done request without completedAt',
      (m: MonthData) => delete m.requests[0]!.completedAt,
      /needs completedAt/,
    ],
    [
      'an unknown field (a phone number)',
      (m: MonthData) => Object.assign(m.requests[0]!, { phone: '+33…' }),
      /phone/,
    ],
    ['a sampling rate above 30 %', (m: MonthData) => (m.policy.samplingRate = 0.5), /samplingRate/],
  ])('rejects %s', (_what, mutate, message) => {
    const m = clone();
    mutate(m);
    expect(() => parseMonthData(m)).toThrow(MonthDataError);
    expect(() => parseMonthData(m)).toThrow(message);
  });
});

describe('limits from the data, not from a layout', () => {
  it('refuses a time profile that does not add up to the decisions and recordings', () => {
    expect(base.timeProfile?.hours).toHaveLength(24);
    const moved = clone();
    moved.timeProfile!.hours[10]!.calls += 1;
    expect(() => parseMonthData(moved)).toThrow(/timeProfile\.hours/);
    const over = clone();
    const bin = over.timeProfile!.weeks.find((b) => b.calls > 0)!;
    bin.recorded = bin.calls + 1;
    expect(() => parseMonthData(over)).toThrow(/exceeds calls/);
  });

  it('accepts and renders a month with 40 teams', () => {
    const m = clone();
    for (let t = 0; t < 36; t++) {
      const id = `extra-${t}`;
      m.teams.push({ id, name: `Équipe ${t}` });
      m.calls.byTeam.push({ team: id, calls: 0, recorded: 0, transferred: 0 });
      for (let k = 0; k < 3; k++) {
        m.agents.push({
          id: `B${String(t * 3 + k).padStart(3, '0')}`,
          team: id,
          excluded: false,
          decisions: 0,
          recorded: 0,
          recordings: [],
          listens: 0,
          planExtra: 0,
        });
      }
    }
    const parsed = parseMonthData(m);
    expect(parsed.teams).toHaveLength(40);
    const rows = parseCsv(renderTransparencyCsv(parsed), ';');
    // Header, 40 teams, the all-teams line.
    expect(rows).toHaveLength(42);
    expect(rows.map((r) => r[1])).toContain('extra-35');
  });
});

describe('small teams', () => {
  /** Move one agent and the coach of its first listen into a new team of their own. */
  const withTinyTeam = () => {
    const m = clone();
    const x0 = m.assignments[0]!;
    m.teams.push({ id: 'tiny', name: 'Tiny' });
    const moved = m.agents.find((a) => a.id === x0.agentId)!;
    // Its calls move with it (as if none was transferred: the model keeps counts, not legs).
    const from = m.calls.byTeam.find((c) => c.team === moved.team)!;
    const calls = { calls: moved.decisions, recorded: moved.recorded, transferred: 0 };
    from.calls -= calls.calls;
    from.recorded -= calls.recorded;
    m.calls.byTeam.push({ team: 'tiny', ...calls });
    moved.team = 'tiny';
    m.coaches.find((c) => c.id === x0.coachId)!.team = 'tiny';
    for (const x of m.assignments) {
      if (x.agentId === x0.agentId) x.agentTeam = 'tiny';
      if (x.coachId === x0.coachId) x.coachTeam = 'tiny';
    }
    const sameTeam = m.assignments.filter((x) => x.agentId === x0.agentId && x.coachId === x0.coachId);
    return { m, sameTeam: sameTeam.length };
  };

  it('refuses a team row about fewer than 3 agents', () => {
    expect(() => parseMonthData(withTinyTeam().m)).toThrow(/team tiny has 1 agent\(s\).*small-teams/);
  });

  it('merges them into one row and keeps the same-team listens countable', () => {
    const { m, sameTeam } = withTinyTeam();
    expect(sameTeam).toBeGreaterThan(0);
    const merged = parseMonthData(mergeSmallTeams(m));
    expect(merged.teams.map((t) => t.id)).not.toContain('tiny');
    expect(merged.teams.at(-1)).toEqual({ id: SMALL_TEAMS_ID, name: SMALL_TEAMS_NAME });
    expect(merged.smallTeams).toEqual({ merged: 1, sameTeamListens: sameTeam });
    expect(teamSummaries(merged).teams.map((r) => r.team)).toContain(SMALL_TEAMS_ID);
    expect(teamSummaries(merged).total.agents).toBe(base.agents.length);
    // The merge must not hide a same-team listen from the cross-team check.
    expect(crossTeamMatrix(merged).diagonal).toBe(sameTeam);
    expect(verdict(merged).checks.crossTeamOnly).toBe(false);
  });

  it('leaves a month without small teams unchanged', () => {
    expect(mergeSmallTeams(clone())).toEqual(base);
  });
});
