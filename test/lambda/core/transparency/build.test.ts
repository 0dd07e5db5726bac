import { describe, expect, it } from 'vitest';
import { commitment, seedFromHex } from '../../../../lambda/core/lottery';
import { teamSummaries } from '../../../../lambda/core/transparency/aggregate';
import { buildMonthModel, type MonthModelInput } from '../../../../lambda/core/transparency/build';
import { parseMonthData } from '../../../../lambda/core/transparency/model';
import { renderTransparencyHtml } from '../../../../lambda/core/transparency/render/html';

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

  it('counts reasons and the time profile in calls too: a transferred call is one call', () => {
    const month = input();
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
