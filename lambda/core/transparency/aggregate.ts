/**
 * Pure aggregations behind every chart, table and CSV line of the transparency report. The HTML and
 * the CSV both read these, so the page and the spreadsheet cannot disagree.
 *
 * Definitions (published with the report):
 * - a call: the legs of one call (a transfer makes one leg per agent, grouped by initial contact
 *   id); a team counts the calls one of its agents answered a leg of;
 * - recorded share = recorded calls / calls answered (excluded lines included);
 * - recordings per agent: agents that may be recorded (not excluded);
 * - listens per agent: agents with at least one recording (an agent without one cannot be listened
 *   to, counting them would pull the minimum to 0 and say nothing);
 * - median: the middle value, or the mean of the two middle values;
 * - a cap breach: an agent recorded more than the monthly cap, an agent given more listens than the
 *   maximum plus the approved plan's extra, or a coach given more listens than the coach cap.
 */
import { elapsedFraction, periodBounds } from '../period';
import {
  ARRIVALS,
  type Arrival,
  type MonthData,
  REASON_KEYS,
  REQUEST_KINDS,
  type RequestKind,
  SMALL_TEAMS_ID,
} from './model';

export interface Distribution {
  min: number;
  median: number;
  max: number;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  return { min: Math.min(...values), median: median(values)!, max: Math.max(...values) };
}

export interface CapBreaches {
  recordings: number;
  listens: number;
  coaches: number;
  total: number;
}

export interface TeamSummary {
  /** Team id, or `*` for the all-teams row. */
  team: string;
  name: string;
  agents: number;
  excludedAgents: number;
  coaches: number;
  /** Sampler decisions: contact legs (a transferred call has several). */
  decisions: number;
  /** Recorded legs. */
  recorded: number;
  /** Calls answered (legs grouped by call). */
  calls: number;
  /** Calls with a recorded leg. */
  recordedCalls: number;
  /** Calls with more than one leg. */
  transferred: number;
  /** recordedCalls / calls; null without calls. */
  rate: number | null;
  recordingsPerAgent: Distribution | null;
  listens: number;
  listensPerAgent: Distribution | null;
  coachLoadMax: number | null;
  deletions: number;
  redactions: number;
  plansApproved: number;
  planExtraListens: number;
  capBreaches: CapBreaches;
}

export const ALL_TEAMS = '*';

type Agent = MonthData['agents'][number];
type Coach = MonthData['coaches'][number];

function summarize(
  m: MonthData,
  team: string,
  name: string,
  keep: (teamId: string) => boolean,
  calls: { calls: number; recorded: number; transferred: number },
): TeamSummary {
  const agents = m.agents.filter((a) => keep(a.team));
  const coaches = m.coaches.filter((c) => keep(c.team));
  const eligible = agents.filter((a) => !a.excluded);
  const decisions = agents.reduce((s, a) => s + a.decisions, 0);
  const recorded = agents.reduce((s, a) => s + a.recorded, 0);
  const requests = m.requests.filter((r) => keep(r.agentTeam));
  const plans = m.plans.filter(
    (p) => keep(p.agentTeam) && (p.status === 'approved' || p.status === 'expired'),
  );
  return {
    team,
    name,
    agents: agents.length,
    excludedAgents: agents.length - eligible.length,
    coaches: coaches.length,
    decisions,
    recorded,
    calls: calls.calls,
    recordedCalls: calls.recorded,
    transferred: calls.transferred,
    rate: calls.calls === 0 ? null : calls.recorded / calls.calls,
    recordingsPerAgent: distribution(eligible.map((a) => a.recorded)),
    listens: agents.reduce((s, a) => s + a.listens, 0),
    listensPerAgent: distribution(agents.filter((a) => a.recorded > 0).map((a) => a.listens)),
    coachLoadMax: coaches.length === 0 ? null : Math.max(...coaches.map((c) => c.listens)),
    deletions: requests.filter((r) => r.kind === 'deletion').length,
    redactions: requests.filter((r) => r.kind === 'redaction').length,
    plansApproved: plans.length,
    planExtraListens: plans.reduce((s, p) => s + p.extraListens, 0),
    capBreaches: capBreaches(m, agents, coaches),
  };
}

export function capBreaches(
  m: MonthData,
  agents: readonly Agent[] = m.agents,
  coaches: readonly Coach[] = m.coaches,
) {
  const p = m.policy;
  const recordings = agents.filter((a) => a.recorded > p.maxRecordingsPerAgentPerMonth).length;
  const listens = agents.filter((a) => a.listens > p.listensPerAgentPerMonth.max + a.planExtra).length;
  const coachBreaches = coaches.filter((c) => c.listens > p.maxListensPerCoachPerMonth).length;
  return { recordings, listens, coaches: coachBreaches, total: recordings + listens + coachBreaches };
}

/** One summary per team, in the model's team order, then the all-teams row. */
export function teamSummaries(m: MonthData): { teams: TeamSummary[]; total: TeamSummary } {
  return {
    teams: m.teams.map((t) =>
      summarize(m, t.id, t.name, (id) => id === t.id, m.calls.byTeam.find((c) => c.team === t.id)!),
    ),
    total: summarize(m, ALL_TEAMS, '', () => true, m.calls.total),
  };
}

export interface CrossTeamMatrix {
  /** Team ids, the order of both rows (coach team) and columns (agent team). */
  teams: string[];
  /** cells[coachTeam][agentTeam] = listens assigned. */
  cells: number[][];
  /** Listens where coach and agent are in the same team (must be 0, C10), merged small teams included. */
  diagonal: number;
}

export function crossTeamMatrix(m: MonthData): CrossTeamMatrix {
  const teams = m.teams.map((t) => t.id);
  const index = new Map(teams.map((t, i) => [t, i]));
  const cells = teams.map(() => teams.map(() => 0));
  for (const x of m.assignments) cells[index.get(x.coachTeam)!]![index.get(x.agentTeam)!]!++;
  // The merged small-teams cell mixes teams: its same-team listens were counted before the merge.
  const diagonal =
    teams.reduce((s, t, i) => s + (t === SMALL_TEAMS_ID ? 0 : cells[i]![i]!), 0) +
    (m.smallTeams?.sameTeamListens ?? 0);
  return { teams, cells, diagonal };
}

export interface RequestSpeed {
  kind: RequestKind;
  arrival: Arrival;
  requests: number;
  done: number;
  /** Not done yet (waiting for the recording or in progress) or failed. */
  open: number;
  failed: number;
  /** Seconds from request to completion, done requests only. */
  medianSeconds: number | null;
  maxSeconds: number | null;
}

export function requestSpeeds(m: MonthData): RequestSpeed[] {
  const out: RequestSpeed[] = [];
  for (const kind of REQUEST_KINDS) {
    for (const arrival of ARRIVALS) {
      const rs = m.requests.filter((r) => r.kind === kind && r.arrival === arrival);
      const seconds = rs
        .filter((r) => r.status === 'done' && r.completedAt)
        .map((r) => (Date.parse(r.completedAt!) - Date.parse(r.requestedAt)) / 1000);
      const failed = rs.filter((r) => r.status === 'failed').length;
      out.push({
        kind,
        arrival,
        requests: rs.length,
        done: seconds.length,
        failed,
        open: rs.length - seconds.length - failed,
        medianSeconds: median(seconds),
        maxSeconds: seconds.length ? Math.max(...seconds) : null,
      });
    }
  }
  return out;
}

export function reasonRows(
  m: MonthData,
): { reason: (typeof REASON_KEYS)[number]; count: number; share: number }[] {
  const total = REASON_KEYS.reduce((s, k) => s + m.reasons[k], 0);
  return REASON_KEYS.map((reason) => ({
    reason,
    count: m.reasons[reason],
    share: total === 0 ? 0 : m.reasons[reason] / total,
  }));
}

/** Local calendar day (1..31) of an instant in a time zone. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function localDay(ms: number, tz: string): number {
  let f = dayFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, day: 'numeric' });
    dayFormats.set(tz, f);
  }
  return Number(f.format(new Date(ms)));
}

export interface PacingGrid {
  /** Number of local days in the period. */
  days: number;
  /** dayStart[d - 1] = elapsed fraction at the first instant of local day d (dayStart[0] = 0). */
  dayStart: number[];
  /** The paced limit `ceil(cap × f)` as steps: from fraction `from` on, at most `limit` recordings. */
  staircase: { from: number; limit: number }[];
  cap: number;
}

/**
 * The pacing staircase of the period: `ceil(cap × f)` rises by one just after f = k / cap (the
 * sampler's rule, lambda/core/pacing.ts), and the local day boundaries in the policy time zone
 * (a DST month has a 23- or 25-hour day, so days are not equally wide).
 */
export function pacingGrid(m: MonthData): PacingGrid {
  const tz = m.policy.timezone;
  const { start, end } = periodBounds(m.period, tz);
  const s = start.getTime();
  const e = end.getTime();
  const days = localDay(e - 1, tz);
  const dayStart = [0];
  for (let d = 2; d <= days; d++) {
    // First instant whose local day is ≥ d (binary search; local day is monotonic in the period).
    let lo = s;
    // Stryker disable next-line ArithmeticOperator: hi = e + 1 only widens the range past instants never reached (the answer is a day before e)
    let hi = e - 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (localDay(mid, tz) >= d) hi = mid;
      else lo = mid + 1;
    }
    dayStart.push((lo - s) / (e - s));
  }
  const cap = m.policy.maxRecordingsPerAgentPerMonth;
  const staircase = Array.from({ length: cap }, (_v, k) => ({ from: k / cap, limit: k + 1 }));
  return { days, dayStart, staircase, cap };
}

export interface AgentPacing {
  agentId: string;
  /** Elapsed fraction of each recording, ascending (cumulative count k+1 from fractions[k] on). */
  fractions: number[];
  /** Recordings by the end of each local day. */
  byDay: number[];
}

/** Cumulative recordings per eligible agent of a team (or all teams) across the month. */
export function agentPacing(m: MonthData, team?: string): AgentPacing[] {
  const grid = pacingGrid(m);
  return m.agents
    .filter((a) => !a.excluded && (team === undefined || a.team === team))
    .map((a) => {
      const fractions = a.recordings
        .map((r) => elapsedFraction(new Date(r.decidedAt), m.policy.timezone))
        .sort((x, y) => x - y);
      const byDay = grid.dayStart.map((_s, d) => {
        const dayEnd = grid.dayStart[d + 1] ?? 1;
        return fractions.filter((f) => f < dayEnd).length;
      });
      return { agentId: a.id, fractions, byDay };
    });
}

/** Highest and median cumulative count per day, and the paced limit at the end of each day. */
export function pacingSummary(m: MonthData, team?: string) {
  const grid = pacingGrid(m);
  const agents = agentPacing(m, team);
  const limitAt = (f: number) => Math.min(grid.cap, Math.ceil(grid.cap * f));
  return grid.dayStart.map((_s, d) => {
    const dayEnd = grid.dayStart[d + 1] ?? 1;
    const counts = agents.map((a) => a.byDay[d]!);
    return {
      day: d + 1,
      max: counts.length ? Math.max(...counts) : 0,
      median: median(counts) ?? 0,
      // The limit for the day's last instant, f just below dayEnd: ceil(cap × f) is the same there
      // as at dayEnd itself (it rises just after k / cap), and at the month's end it is the cap.
      limit: limitAt(dayEnd),
    };
  });
}

export interface SeedTimeline {
  periodStart: string;
  periodEnd: string;
  committedBeforeStart: boolean;
  revealedAfterEnd: boolean | null;
}

export function seedTimeline(m: MonthData): SeedTimeline {
  const { start, end } = periodBounds(m.period, m.policy.timezone);
  return {
    periodStart: start.toISOString(),
    periodEnd: end.toISOString(),
    committedBeforeStart: Date.parse(m.seeds.committedAt) <= start.getTime(),
    revealedAfterEnd: m.seeds.revealedAt ? Date.parse(m.seeds.revealedAt) >= end.getTime() : null,
  };
}

/** The overall verdict: every check the council can read in one line. */
export function verdict(m: MonthData) {
  const breaches = capBreaches(m);
  const matrix = crossTeamMatrix(m);
  const timeline = seedTimeline(m);
  const maxRate = teamSummaries(m).total.rate ?? 0;
  const checks = {
    rateBelowCeiling: maxRate <= 0.3,
    noCapBreach: breaches.total === 0 && m.capBreaches === 0,
    crossTeamOnly: matrix.diagonal === 0,
    seedCommittedBeforeStart: timeline.committedBeforeStart,
    seedMatches: m.seeds.commitmentMatches && m.seeds.revealedAt !== undefined,
    // Not verified by the producer is not verified: the check stays open.
    decisionsVerified: m.verification?.decisions.ok === true && m.verification.decisions.violations === 0,
    auditVerified: m.verification?.audit.ok === true,
  };
  return { checks, ok: Object.values(checks).every(Boolean) };
}
