import { describe, expect, it } from 'vitest';
import {
  crossTeamMatrix,
  reasonRows,
  requestSpeeds,
  teamSummaries,
  verdict,
} from '../../../../lambda/core/transparency/aggregate';
import { buildMonthModel } from '../../../../lambda/core/transparency/build';
import { type MonthData, mergeSmallTeams, parseMonthData } from '../../../../lambda/core/transparency/model';
import { transparencySummary } from '../../../../lambda/core/transparency/summary';
import { monthInput } from '../../../support/transparency-month';

describe('transparencySummary (GET /transparency as JSON)', () => {
  it('holds the page’s aggregates and the seed’s timeline, no agent or coach', () => {
    const m = buildMonthModel(monthInput());
    const { teams, total } = teamSummaries(m);
    expect(transparencySummary(m)).toEqual({
      period: '2026-11',
      generatedAt: '2026-12-03T06:00:00.000Z',
      simulated: true,
      policy: m.policy,
      seeds: {
        commitment: m.seeds.commitment,
        committedAt: '2026-10-20T00:00:00.000Z',
        revealedAt: '2026-12-02T00:15:00.000Z',
        commitmentMatches: true,
        periodStart: '2026-10-31T23:00:00.000Z',
        periodEnd: '2026-11-30T23:00:00.000Z',
        committedBeforeStart: true,
        revealedAfterEnd: true,
      },
      // Not run by this producer: null, not left out (the reader sees it is missing).
      verification: null,
      verdict: verdict(m),
      teams,
      total,
      reasons: reasonRows(m),
      crossTeam: crossTeamMatrix(m),
      requests: requestSpeeds(m),
      timeProfile: m.timeProfile,
      smallTeams: null,
    });
    expect(transparencySummary(m).verdict.ok).toBe(false);
    expect(JSON.stringify(transparencySummary(m))).not.toMatch(/"A\d{3}"|"K\d{2}"/);
  });

  it('passes on the verification, the time profile and the merged small teams when the month has them', () => {
    const input = monthInput();
    const verification: MonthData['verification'] = {
      decisions: { ok: true, violations: 0 },
      audit: { ok: false, chains: 3, records: 12 },
    };
    // b3 moves to a team of its own: merged into the small-teams row.
    input.teams = [...input.teams, { id: 'g-c', name: 'Team C' }];
    input.agents = input.agents.map((a) => (a.id === 'b3' ? { ...a, teamId: 'g-c' } : a));
    const m = buildMonthModel({ ...input, verification });
    const s = transparencySummary(m);
    expect(s.verification).toEqual(verification);
    expect(s.smallTeams).toEqual({ merged: 2, sameTeamListens: 0 });
    expect(s.timeProfile).toEqual(m.timeProfile);
    const { timeProfile: _t, ...withoutProfile } = m;
    expect(transparencySummary(parseMonthData(mergeSmallTeams(withoutProfile))).timeProfile).toBeNull();
  });
});
