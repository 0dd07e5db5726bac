/**
 * `GET /transparency` as JSON: the month's aggregates per team, the checks and the verdict — what
 * the page shows, without its per-agent charts (people appear in none of these fields).
 */
import {
  crossTeamMatrix,
  reasonRows,
  requestSpeeds,
  seedTimeline,
  teamSummaries,
  verdict,
} from './aggregate';
import type { MonthData } from './model';

export function transparencySummary(m: MonthData) {
  const { teams, total } = teamSummaries(m);
  return {
    period: m.period,
    generatedAt: m.generatedAt,
    simulated: m.simulated,
    policy: m.policy,
    seeds: { ...m.seeds, ...seedTimeline(m) },
    verification: m.verification ?? null,
    verdict: verdict(m),
    teams,
    total,
    reasons: reasonRows(m),
    crossTeam: crossTeamMatrix(m),
    requests: requestSpeeds(m),
    timeProfile: m.timeProfile ?? null,
    smallTeams: m.smallTeams ?? null,
  };
}
