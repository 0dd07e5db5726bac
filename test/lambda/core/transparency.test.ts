import { describe, expect, it } from 'vitest';
import {
  buildTransparency,
  CSV_COLUMNS,
  distribution,
  recordingTimeProfile,
  SMALL_TEAMS,
  type TransparencyInput,
  transparencyCsv,
} from '../../../lambda/core/transparency';

const policy = { minPerAgent: 2, maxPerAgent: 4, maxPerCoach: 40, maxExtraListens: 4 };

function input(over: Partial<TransparencyInput> = {}): TransparencyInput {
  const agentTeams: Record<string, string> = {};
  for (const t of ['A', 'B']) for (let i = 1; i <= 3; i++) agentTeams[`${t}${i}`] = `t${t}`;
  agentTeams.S1 = 'tS'; // a team of one
  return {
    period: '2026-11',
    policy,
    agentTeams,
    coachTeams: { cA: 'tA', cB: 'tB', cA2: 'tA' },
    teamNames: { tA: 'Team A', tB: 'Team B', tS: 'Solo' },
    decisions: [
      ...['A1', 'A1', 'A2', 'A3', 'B1', 'B2', 'S1'].map((agentId) => ({ agentId, recorded: false })),
      ...['A1', 'A2', 'B1'].map((agentId) => ({ agentId, recorded: true })),
    ],
    contacts: [
      { contactId: 'k1', agentId: 'A1', state: 'kept' },
      { contactId: 'k2', agentId: 'A2', state: 'redacted' },
      { contactId: 'k3', agentId: 'B1', state: 'deleted' },
      { contactId: 'k4', agentId: 'B1', state: 'kept' },
    ],
    assignments: [
      { contactId: 'k1', agentId: 'A1', coachId: 'cB', coachTeam: 'tB', playsAllowed: 2, playsLeft: 1 },
      { contactId: 'k2', agentId: 'A2', coachId: 'cB', coachTeam: 'tB', playsAllowed: 2, playsLeft: 2 },
      { contactId: 'k4', agentId: 'B1', coachId: 'cA', coachTeam: 'tA', playsAllowed: 2, playsLeft: 0 },
    ],
    plans: [
      { agentId: 'A1', status: 'approved', extraListens: 2 },
      { agentId: 'B2', status: 'rejected', extraListens: 1 },
    ],
    requests: [
      { contactId: 'k3', kind: 'deletion', status: 'done' },
      { contactId: 'k2', kind: 'redaction', status: 'done' },
      { contactId: 'zz', kind: 'deletion', status: 'failed' },
    ],
    run: {
      status: 'complete',
      listens: 3,
      missingListens: 1,
      agentsBelowMin: 1,
      shortfallByTeam: { tA: { agentsBelowMin: 1, missingListens: 1 } },
    },
    seed: {
      commitment: 'c'.repeat(64),
      committedAt: '2026-10-01T00:15:00.000Z',
      seed: 'a'.repeat(64),
      revealedAt: '2026-12-02T00:15:00.000Z',
    },
    ...over,
  };
}

describe('distribution', () => {
  it.each([
    [[], null],
    [[3], { min: 3, median: 3, max: 3 }],
    [[4, 1, 2], { min: 1, median: 2, max: 4 }],
    [[1, 2, 3, 4], { min: 1, median: 2.5, max: 4 }],
  ])('%j → %j', (values, expected) => expect(distribution(values)).toEqual(expected));
});

describe('buildTransparency', () => {
  const report = buildTransparency(input());
  const row = (name: string) => report.teams.find((t) => t.team === name)!;

  it('aggregates per team: decisions, recordings and rate, listens, coach load, plans, requests', () => {
    expect(row('Team A')).toMatchObject({
      callsDecided: 6,
      recordedCalls: 2,
      recordings: { kept: 1, redacted: 1, deleted: 0 },
      listens: { assigned: 2, played: 1, perAgent: { min: 1, median: 1, max: 1 }, cap: 4 },
      coachLoad: { coaches: 2, max: 1, cap: 40 },
      plans: { approved: 1, extraListens: 2 },
      requests: { redaction: { done: 1 } },
      shortfall: { agentsBelowMin: 1, missingListens: 1 },
      capBreaches: { agents: 0, coaches: 0 },
    });
    expect(row('Team A').recordingRate).toBeCloseTo(2 / 6);
    expect(row('Team B')).toMatchObject({
      recordings: { kept: 1, deleted: 1 },
      requests: { deletion: { done: 1 } },
      coachLoad: { max: 2 },
    });
    expect(report.total.callsDecided).toBe(10);
    expect(report.total.requests.deletion).toEqual({ done: 1, failed: 1 });
  });

  it('merges teams under the minimum group size, so no row describes one person', () => {
    expect(report.teams.map((t) => t.team)).not.toContain('Solo');
    expect(row(SMALL_TEAMS).callsDecided).toBe(1);
  });

  it('shows the seed commitment and reveal, and the assignment state', () => {
    expect(report.seed).toMatchObject({ revealed: true, commitment: 'c'.repeat(64) });
    expect(report.assignment).toEqual({
      status: 'complete',
      listens: 3,
      missingListens: 1,
      agentsBelowMin: 1,
    });
    const pending = buildTransparency(input({ run: undefined, seed: { commitment: 'd'.repeat(64) } }));
    expect(pending.assignment.status).toBe('pending');
    expect(pending.seed).toMatchObject({ revealed: false, seed: null });
  });

  it('reports cap breaches (must be 0)', () => {
    expect(report.capBreaches).toEqual({ agents: 0, coaches: 0 });
    const many = Array.from({ length: 5 }, (_, i) => ({
      contactId: `x${i}`,
      agentId: 'A3',
      coachId: 'cB',
      coachTeam: 'tB',
      playsAllowed: 1,
      playsLeft: 1,
    }));
    const breached = buildTransparency(
      input({ assignments: many, agentMax: { A3: 4 }, policy: { ...policy, maxPerCoach: 3 } }),
    );
    expect(breached.capBreaches).toEqual({ agents: 1, coaches: 1 });
    expect(breached.teams.find((t) => t.team === 'Team A')!.capBreaches.agents).toBe(1);
    expect(breached.teams.find((t) => t.team === 'Team B')!.capBreaches.coaches).toBe(1);
  });
});

describe('transparencyCsv', () => {
  it('has a header, one line per team and a total, CRLF, and neutralizes formulas', () => {
    const csv = transparencyCsv(
      buildTransparency(input({ teamNames: { tA: '=HYPERLINK("x")', tB: 'Team, B' } })),
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.at(-1)).toBe('');
    // Team A, Team B, (small teams), (no team: a request whose contact is not indexed), total
    expect(lines).toHaveLength(1 + 4 + 1 + 1);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('"Team, B"');
    expect(lines[lines.length - 2]).toMatch(/^2026-11,\(all teams\),/);
    for (const line of lines.slice(1, -1))
      expect(line.split(',').length).toBeGreaterThanOrEqual(CSV_COLUMNS.length);
  });
});

describe('recordingTimeProfile', () => {
  it('bins decisions by week of the period and local hour (Paris time), calls and recordings', () => {
    const p = recordingTimeProfile(
      [
        { decidedAt: '2026-12-01T07:30:00.000Z', recorded: true }, // day 1, 08:30 Paris
        { decidedAt: '2026-12-07T22:59:59.000Z', recorded: false }, // day 7, 23:59
        { decidedAt: '2026-12-07T23:00:00.000Z', recorded: false }, // day 8, 00:00
        { decidedAt: '2026-12-29T10:00:00.000Z', recorded: true }, // day 29, 11:00
        { decidedAt: '2026-12-31T22:30:00.000Z', recorded: false }, // day 31, 23:30
        { decidedAt: '2026-06-15T06:30:00.000Z', recorded: true }, // summer time: 08:30
      ],
      'Europe/Paris',
    );
    expect(p.weeks).toEqual([
      { calls: 2, recorded: 1 },
      { calls: 1, recorded: 0 },
      { calls: 1, recorded: 1 },
      { calls: 0, recorded: 0 },
      { calls: 2, recorded: 1 },
    ]);
    expect(p.hours[8]).toEqual({ calls: 2, recorded: 2 });
    expect(p.hours[23]).toEqual({ calls: 2, recorded: 0 });
    expect(p.hours[0]).toEqual({ calls: 1, recorded: 0 });
    expect(p.hours[11]).toEqual({ calls: 1, recorded: 1 });
    expect(p.hours.reduce((s, b) => s + b.calls, 0)).toBe(6);
  });
});
