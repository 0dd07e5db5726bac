import { describe, expect, it } from 'vitest';
import { crossTeamMatrix, teamSummaries, verdict } from '../../../../lambda/core/transparency/aggregate';
import { buildMonthModel } from '../../../../lambda/core/transparency/build';
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
import {
  contactUuid,
  knownMonthInput,
  monthInput,
  transferredCall,
  withExtraTeams,
} from '../../../support/transparency-month';

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
    const m = withExtraTeams(clone(), 36, (t) => `Équipe ${t}`);
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

describe('every check names its path and both numbers', () => {
  const known = buildMonthModel(knownMonthInput());
  const issuesOf = (spoil: (m: MonthData) => void): string[] => {
    const m = structuredClone(known);
    spoil(m);
    try {
      parseMonthData(m);
      return [];
    } catch (e) {
      if (!(e instanceof MonthDataError)) throw e;
      return e.message
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/^ {2}- /, ''));
    }
  };

  it.each<[string, (m: MonthData) => void, string[]]>([
    [
      'a listens minimum above the maximum',
      (m) => (m.policy.listensPerAgentPerMonth = { min: 5, max: 4 }),
      ['policy.listensPerAgentPerMonth: listensPerAgentPerMonth.min is above max'],
    ],
    [
      'a time zone IANA does not know',
      (m) => (m.policy.timezone = 'Mars/Olympus'),
      ['policy.timezone: timezone "Mars/Olympus" is not an IANA time zone'],
    ],
    [
      'a team listed twice',
      (m) => m.teams.push({ id: 'team-c', name: 'Team C bis' }),
      ['teams.3.id: duplicate team id team-c'],
    ],
    [
      'a team row about 2 agents',
      (m) => (m.agents[9]!.team = 'team-a'),
      [
        'teams.2.id: team team-c has 2 agent(s): teams under 3 agents must be merged into small-teams (mergeSmallTeams)',
      ],
    ],
    [
      'an excluded agent with recordings',
      (m) => (m.agents[0]!.excluded = true),
      ['agents.0.recorded: excluded agent A001 has recordings'],
    ],
    [
      'a recording at the first instant of the next month',
      (m) => (m.agents[0]!.recordings[1]!.decidedAt = '2026-11-30T23:00:00.000Z'),
      ['agents.0.recordings.1.decidedAt: 2026-11-30T23:00:00.000Z is outside period 2026-11'],
    ],
    [
      'a listen of an agent in another team than the one stated',
      (m) => (m.assignments[0]!.agentTeam = 'team-c'),
      ['assignments.0.agentTeam: agent A001 is in team team-a, not team-c'],
    ],
    [
      'a listen by a coach in another team than the one stated',
      (m) => (m.assignments[0]!.coachTeam = 'team-a'),
      ['assignments.0.coachTeam: coach K02 is in team team-b, not team-a'],
    ],
    [
      'an agent’s listens',
      (m) => (m.agents[0]!.listens = 3),
      ['agents.0.listens: listens 3 but 2 assignments'],
    ],
    [
      'a coach’s listens',
      (m) => (m.coaches[0]!.listens = 4),
      ['coaches.0.listens: listens 4 but 3 assignments'],
    ],
    [
      'a plan of an unknown team',
      (m) => (m.plans[0]!.agentTeam = 'nope'),
      ['plans.0.agentTeam: unknown team "nope"'],
    ],
    ...(['plan-03', 'plan-04', 'plan-99'] as const).map(
      (planId): [string, (m: MonthData) => void, string[]] => [
        `a listen under ${planId} (proposed, rejected, unknown)`,
        (m) => (m.assignments[1]!.planId = planId),
        [`assignments.1.planId: listen under plan ${planId}, which is not an approved plan`],
      ],
    ),
    [
      'more listens under a plan than it granted',
      (m) => {
        m.assignments[0]!.planId = 'plan-02';
        m.assignments[5]!.planId = 'plan-02';
      },
      ['plans.1.extraListens: plan plan-02 granted 2 listens, above its 1 extra'],
    ],
    [
      'a request of an unknown team',
      (m) => (m.requests[0]!.agentTeam = 'nope'),
      ['requests.0.agentTeam: unknown team "nope"'],
    ],
    [
      'a done request without completedAt',
      (m) => delete m.requests[0]!.completedAt,
      ['requests.0.completedAt: a done request needs completedAt'],
    ],
    [
      'a request completed a millisecond before it was made',
      (m) => (m.requests[0]!.completedAt = '2026-11-03T09:59:59.999Z'),
      [
        'requests.0.completedAt: completedAt 2026-11-03T09:59:59.999Z is before requestedAt 2026-11-03T10:00:00.000Z',
      ],
    ],
    [
      'reasons that count a leg as a call',
      (m) => m.reasons['not-drawn']++,
      ['reasons: reasons add up to 9 but the month has 8 calls'],
    ],
    [
      'a week with more recorded calls than calls',
      (m) => (m.timeProfile!.weeks[0]!.recorded = 7),
      [
        'timeProfile.weeks.0.recorded: recorded 7 exceeds calls 6',
        'timeProfile.weeks: weeks count 8 calls and 8 recorded but the month has 8 and 6',
      ],
    ],
    [
      'weeks whose recorded calls do not add up',
      (m) => (m.timeProfile!.weeks[1]!.recorded = 2),
      ['timeProfile.weeks: weeks count 8 calls and 7 recorded but the month has 8 and 6'],
    ],
    [
      'a team with two calls rows',
      (m) => m.calls.byTeam.push({ team: 'team-c', calls: 0, recorded: 0, transferred: 0 }),
      ['calls.byTeam.3.team: duplicate calls row for team-c'],
    ],
    [
      'a calls row of an unknown team',
      (m) => m.calls.byTeam.push({ team: 'nope', calls: 0, recorded: 0, transferred: 0 }),
      ['calls.byTeam.3.team: unknown team "nope"'],
    ],
    ['a team without a calls row', (m) => m.calls.byTeam.pop(), ['teams.2.id: team team-c has no calls row']],
    [
      'a team with more calls than legs',
      (m) => (m.calls.byTeam[0]!.calls = 5),
      ['calls.byTeam.0.calls: 5 calls but 4 legs'],
    ],
    [
      'a team with more recorded calls than recorded legs',
      (m) => (m.calls.byTeam[1]!.recorded = 4),
      ['calls.byTeam.1.recorded: 4 recorded calls but 6 calls, 3 recorded legs'],
    ],
    [
      'a team with more transferred calls than calls',
      (m) => (m.calls.byTeam[0]!.transferred = 4),
      ['calls.byTeam.0.transferred: 4 transferred of 3 calls'],
    ],
    [
      'as many transferred calls as calls, without the legs for them',
      (m) => (m.calls.total.transferred = 8),
      ['calls.total.transferred: 8 transferred calls need more than 2 extra legs'],
    ],
    [
      'one transferred call more than the extra legs allow',
      (m) => (m.calls.total.transferred = 3),
      ['calls.total.transferred: 3 transferred calls need more than 2 extra legs'],
    ],
    [
      'drawn calls that are not the recorded calls',
      (m) => {
        m.reasons.drawn--;
        m.reasons['not-drawn']++;
      },
      ['reasons.drawn: drawn 5 but the month has 6 recorded calls'],
    ],
  ])('refuses %s', (_what, spoil, issues) => {
    expect(issuesOf(spoil)).toEqual(issues);
  });

  it.each<[string, (m: MonthData) => void, string]>([
    ['an agent listed twice', (m) => (m.agents[1]!.id = 'A001'), 'agents.1.id: duplicate agent A001'],
    [
      'an agent of an unknown team',
      (m) => (m.agents[9]!.team = 'nope'),
      'agents.9.team: unknown team "nope"',
    ],
    [
      'recorded that is not the number of recordings',
      (m) => (m.agents[0]!.recorded = 1),
      'agents.0.recorded: recorded 1 but 2 recordings listed',
    ],
    [
      'more recordings than decisions',
      (m) => (m.agents[0]!.decisions = 1),
      'agents.0.recorded: recorded 2 exceeds decisions 1',
    ],
    ['a coach listed twice', (m) => (m.coaches[1]!.id = 'K01'), 'coaches.1.id: duplicate pseudonym K01'],
    [
      'a coach named like an agent',
      (m) => (m.coaches[0]!.id = 'A001'),
      'coaches.0.id: duplicate pseudonym A001',
    ],
    [
      'a coach of an unknown team',
      (m) => (m.coaches[2]!.team = 'nope'),
      'coaches.2.team: unknown team "nope"',
    ],
    [
      'a listen of an unknown agent',
      (m) => (m.assignments[0]!.agentId = 'A099'),
      'assignments.0.agentId: unknown agent A099',
    ],
    [
      'a listen by an unknown coach',
      (m) => (m.assignments[0]!.coachId = 'K99'),
      'assignments.0.coachId: unknown coach K99',
    ],
    ['more calls than legs', (m) => (m.calls.total.calls = 11), 'calls.total.calls: 11 calls but 10 legs'],
    [
      'more recorded calls than recorded legs',
      (m) => (m.calls.total.recorded = 7),
      'calls.total.recorded: 7 recorded calls but 8 calls, 6 recorded legs',
    ],
    [
      'more transferred calls than calls',
      (m) => (m.calls.total.transferred = 9),
      'calls.total.transferred: 9 transferred of 8 calls',
    ],
  ])('refuses %s (among the issues it causes)', (_what, spoil, issue) => {
    expect(issuesOf(spoil)).toContain(issue);
  });

  it.each<[string, (m: MonthData) => void]>([
    [
      'as many listens as the minimum and the maximum',
      (m) => (m.policy.listensPerAgentPerMonth = { min: 4, max: 4 }),
    ],
    [
      'a team without agents',
      (m) => {
        m.teams.push({ id: 'team-d', name: 'Team D' });
        m.calls.byTeam.push({ team: 'team-d', calls: 0, recorded: 0, transferred: 0 });
      },
    ],
    [
      'a recording at the month’s last millisecond',
      (m) => (m.agents[0]!.recordings[1]!.decidedAt = '2026-11-30T22:59:59.999Z'),
    ],
    [
      'listens under an approved plan up to its extra, and under an expired one',
      (m) => {
        m.assignments[0]!.planId = 'plan-01';
        m.assignments[5]!.planId = 'plan-01';
        m.assignments[1]!.planId = 'plan-02';
      },
    ],
    [
      'a request completed the instant it was made',
      (m) => (m.requests[0]!.completedAt = m.requests[0]!.requestedAt),
    ],
    ['a team with as many calls as legs', (m) => (m.calls.byTeam[0]!.calls = 4)],
    ['a month without a time profile', (m) => delete m.timeProfile],
  ])('accepts %s', (_what, spoil) => {
    expect(issuesOf(spoil)).toEqual([]);
  });

  it('accepts a month whose every call has one leg (as many calls as decisions)', () => {
    const i = monthInput();
    i.decisions = i.decisions.map(({ initialContactId: _, ...d }) => d);
    const m = buildMonthModel(i);
    expect(m.calls.total).toEqual({ calls: 5, recorded: 3, transferred: 0 });
  });

  it('lists at most 20 issues, then how many more', () => {
    const message = (duplicates: number) => {
      const m = structuredClone(known);
      for (let k = 0; k < duplicates; k++) m.teams.push({ id: 'team-c', name: `Team C ${k}` });
      try {
        parseMonthData(m, 'the month');
      } catch (e) {
        return (e as Error).message.split('\n');
      }
      return [];
    };
    const twenty = message(20);
    expect(twenty).toHaveLength(21);
    expect(twenty[0]).toBe('Invalid the month:');
    expect(twenty.at(-1)).toBe('  - teams.22.id: duplicate team id team-c');
    const more = message(22);
    expect(more).toHaveLength(22);
    expect(more.at(-2)).toBe('  - teams.22.id: duplicate team id team-c');
    expect(more.at(-1)).toBe('  … and 2 more');
  });
});

describe('merging small teams into a row that exists already', () => {
  it('adds the new small team to the row: its agents, coaches, listens, calls and same-team listens', () => {
    // Team C of two agents, c1's call transferred to c2 and c2's recording listened to by a coach of
    // team C: merged once when the month is built.
    const i = knownMonthInput();
    i.agents = i.agents.filter((a) => a.id !== 'c3');
    i.coaches = [...i.coaches, { id: 'kc', teamId: 'g-c' }];
    i.decisions = [...i.decisions, ...transferredCall(20, 'c1', 'c2', 14)];
    i.assignments = [
      ...i.assignments,
      {
        ...i.assignments[0]!,
        contactId: contactUuid(21),
        agentId: 'c2',
        agentTeam: 'g-c',
        coachId: 'kc',
        coachTeam: 'g-c',
      },
    ];
    const once = buildMonthModel(i);
    expect(once.calls.byTeam.at(-1)).toEqual({ team: SMALL_TEAMS_ID, calls: 1, recorded: 1, transferred: 1 });
    expect(once.smallTeams).toEqual({ merged: 1, sameTeamListens: 1 });
    // Then a team D of one agent (A099) and one coach (K09): a listen inside team D, one of team C.
    const m: MonthData = structuredClone(once);
    m.teams.push({ id: 'team-d', name: 'Team D' });
    m.agents.push({ ...m.agents[1]!, id: 'A099', team: 'team-d', decisions: 2, listens: 1 });
    m.coaches.push({ id: 'K09', team: 'team-d', listens: 2 });
    m.assignments.push(
      {
        contactId: contactUuid(22),
        agentId: 'A099',
        agentTeam: 'team-d',
        coachId: 'K09',
        coachTeam: 'team-d',
      },
      {
        contactId: contactUuid(23),
        agentId: 'A009',
        agentTeam: SMALL_TEAMS_ID,
        coachId: 'K09',
        coachTeam: 'team-d',
      },
    );
    m.calls.byTeam.push({ team: 'team-d', calls: 2, recorded: 0, transferred: 1 });
    const merged = mergeSmallTeams(m);
    expect(merged.teams.map((t) => t.id)).toEqual(['team-a', 'team-b', SMALL_TEAMS_ID]);
    expect(merged.agents.find((a) => a.id === 'A099')!.team).toBe(SMALL_TEAMS_ID);
    expect(merged.coaches.find((c) => c.id === 'K09')!.team).toBe(SMALL_TEAMS_ID);
    expect(merged.assignments.slice(-2).map((x) => [x.agentTeam, x.coachTeam])).toEqual([
      [SMALL_TEAMS_ID, SMALL_TEAMS_ID],
      [SMALL_TEAMS_ID, SMALL_TEAMS_ID],
    ]);
    expect(merged.calls.byTeam).toEqual([
      once.calls.byTeam[0],
      once.calls.byTeam[1],
      { team: SMALL_TEAMS_ID, calls: 3, recorded: 1, transferred: 2 },
    ]);
    expect(merged.calls.total).toEqual(once.calls.total);
    expect(merged.smallTeams).toEqual({ merged: 2, sameTeamListens: 2 });
  });
});
