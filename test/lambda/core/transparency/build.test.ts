import { describe, expect, it } from 'vitest';
import { commitment, seedFromHex } from '../../../../lambda/core/lottery';
import { teamSummaries } from '../../../../lambda/core/transparency/aggregate';
import { buildMonthModel, type MonthModelInput } from '../../../../lambda/core/transparency/build';
import { parseMonthData } from '../../../../lambda/core/transparency/model';

const SEED = 'ab'.repeat(32);
const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Two teams of three agents; calls 1 and 2 are transferred (1 between teams, 2 within team A). */
const input = (): MonthModelInput => ({
  period: '2026-11',
  generatedAt: '2026-12-03T06:00:00.000Z',
  simulated: true,
  policy: {
    version: '7',
    samplingRate: 0.2,
    maxRecordingsPerAgentPerMonth: 8,
    listensPerAgentPerMonth: { min: 1, max: 4 },
    maxListensPerCoachPerMonth: 40,
    retentionDays: 90,
    playbackUrlTtlSeconds: 300,
    timezone: 'Europe/Paris',
  },
  teams: [
    { id: 'g-a', name: 'Team A' },
    { id: 'g-b', name: 'Team B' },
  ],
  agents: ['a1', 'a2', 'a3', 'b1', 'b2', 'b3'].map((id) => ({
    id,
    teamId: id.startsWith('a') ? 'g-a' : 'g-b',
    excluded: false,
  })),
  coaches: [
    { id: 'ka', teamId: 'g-a' },
    { id: 'kb', teamId: 'g-b' },
  ],
  decisions: [
    { contactId: uuid(1), agentId: 'a1', decidedAt: at(3), reason: 'drawn' },
    { contactId: uuid(2), initialContactId: uuid(1), agentId: 'b1', decidedAt: at(3), reason: 'not-drawn' },
    { contactId: uuid(3), agentId: 'a2', decidedAt: at(4), reason: 'not-drawn' },
    { contactId: uuid(4), initialContactId: uuid(3), agentId: 'a3', decidedAt: at(4), reason: 'drawn' },
    { contactId: uuid(5), agentId: 'b2', decidedAt: at(5), reason: 'drawn' },
  ],
  assignments: [],
  plans: [],
  requests: [],
  seed: {
    commitment: commitment(seedFromHex(SEED)),
    committedAt: '2026-10-20T00:00:00.000Z',
    seed: SEED,
    revealedAt: '2026-12-02T00:15:00.000Z',
  },
});

describe('buildMonthModel', () => {
  it('counts calls, not contact legs: the legs of a transferred call are one call', () => {
    const m = buildMonthModel(input());
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

  it('gives the same model whatever order the producer lists things in', () => {
    const a = input();
    const b: MonthModelInput = {
      ...a,
      teams: [...a.teams].reverse(),
      agents: [...a.agents].reverse(),
      coaches: [...a.coaches].reverse(),
      decisions: [...a.decisions].reverse(),
    };
    expect(JSON.stringify(buildMonthModel(b))).toBe(JSON.stringify(buildMonthModel(a)));
  });

  it('detects a model whose call counts contradict its legs', () => {
    const m = buildMonthModel(input());
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
