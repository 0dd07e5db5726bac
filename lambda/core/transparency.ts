/**
 * The council's transparency report for one period: aggregates only, per team —
 * never a row about one person. Pure: the views function and the local HTML report feed it
 * the same inputs.
 *
 * Small groups: a team with fewer than `minGroupSize` agents (default 3) is merged into one row
 * `(small teams)`, because a minimum or maximum over one or two people describes those people.
 * Totals always cover everyone.
 */
export const SMALL_TEAMS = '(small teams)';
export const NO_TEAM = '(no team)';
export const DEFAULT_MIN_GROUP_SIZE = 3;

export interface TransparencyInput {
  readonly period: string;
  readonly policy: {
    readonly minPerAgent: number;
    readonly maxPerAgent: number;
    readonly maxPerCoach: number;
    readonly maxExtraListens: number;
  };
  /** Connect user id → team id (the roster used for the period). */
  readonly agentTeams: Readonly<Record<string, string>>;
  readonly coachTeams: Readonly<Record<string, string>>;
  /** Team id → display name. */
  readonly teamNames: Readonly<Record<string, string>>;
  /** Sampler decisions of the period. */
  readonly decisions: readonly { agentId: string; recorded: boolean }[];
  /** Recordings-index contact items of the period. */
  readonly contacts: readonly { contactId: string; agentId: string; state: string }[];
  /** Listen assignments of the period (listened in the next one). */
  readonly assignments: readonly {
    contactId: string;
    agentId: string;
    coachId: string;
    coachTeam: string;
    playsAllowed: number;
    playsLeft: number;
  }[];
  /** Effective per-agent maximum (policy max + approved plan extra), when known. */
  readonly agentMax?: Readonly<Record<string, number>>;
  /** Coaching plans that ran during the period, with their effective status. */
  readonly plans: readonly {
    agentId: string;
    status: 'proposed' | 'approved' | 'rejected' | 'expired';
    extraListens: number;
  }[];
  /** Deletion and redaction requests of the period's contacts or created in it. */
  readonly requests: readonly { contactId: string; kind: 'deletion' | 'redaction'; status: string }[];
  readonly run?: {
    readonly status: 'started' | 'complete';
    readonly listens: number;
    readonly missingListens: number;
    readonly agentsBelowMin: number;
    readonly shortfallByTeam: Readonly<Record<string, { agentsBelowMin: number; missingListens: number }>>;
  };
  readonly seed?: {
    readonly commitment: string;
    readonly committedAt?: string;
    readonly seed?: string;
    readonly revealedAt?: string;
  };
  /** @default 3 */
  readonly minGroupSize?: number;
}

export interface Distribution {
  min: number;
  median: number;
  max: number;
}

export interface TeamRow {
  team: string;
  agents: number;
  callsDecided: number;
  recordedCalls: number;
  /** recordedCalls / callsDecided, or null without decisions. */
  recordingRate: number | null;
  recordings: { kept: number; redacted: number; deleted: number; unauthorizedDeleted: number };
  listens: {
    assigned: number;
    played: number;
    /** Listens assigned per agent with recordings (0 included). */
    perAgent: Distribution | null;
    cap: number;
  };
  coachLoad: { coaches: number; max: number; cap: number };
  plans: { proposed: number; approved: number; rejected: number; expired: number; extraListens: number };
  requests: {
    deletion: Record<string, number>;
    redaction: Record<string, number>;
  };
  shortfall: { agentsBelowMin: number; missingListens: number };
  capBreaches: { agents: number; coaches: number };
}

export interface TransparencyReport {
  period: string;
  caps: { minPerAgent: number; maxPerAgent: number; maxPerCoach: number; maxExtraListens: number };
  seed: {
    commitment: string | null;
    committedAt: string | null;
    revealed: boolean;
    revealedAt: string | null;
    seed: string | null;
  };
  assignment: {
    status: 'pending' | 'started' | 'complete';
    listens: number;
    missingListens: number;
    agentsBelowMin: number;
  };
  teams: TeamRow[];
  total: TeamRow;
  /** Must be 0 / 0: listens above an agent's or a coach's cap. */
  capBreaches: { agents: number; coaches: number };
}

export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s[s.length - 1]! };
}

interface Acc {
  agents: Set<string>;
  coaches: Set<string>;
  callsDecided: number;
  recordedCalls: number;
  recordings: TeamRow['recordings'];
  assignedPerAgent: Map<string, number>;
  loadPerCoach: Map<string, number>;
  assigned: number;
  played: number;
  plans: TeamRow['plans'];
  requests: TeamRow['requests'];
  shortfall: TeamRow['shortfall'];
  agentBreaches: number;
}

const newAcc = (): Acc => ({
  agents: new Set(),
  coaches: new Set(),
  callsDecided: 0,
  recordedCalls: 0,
  recordings: { kept: 0, redacted: 0, deleted: 0, unauthorizedDeleted: 0 },
  assignedPerAgent: new Map(),
  loadPerCoach: new Map(),
  assigned: 0,
  played: 0,
  plans: { proposed: 0, approved: 0, rejected: 0, expired: 0, extraListens: 0 },
  requests: { deletion: {}, redaction: {} },
  shortfall: { agentsBelowMin: 0, missingListens: 0 },
  agentBreaches: 0,
});

export function buildTransparency(input: TransparencyInput): TransparencyReport {
  const { policy } = input;
  const minGroup = input.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;

  // Which row each team id lands in.
  const teamSize = new Map<string, number>();
  for (const team of Object.values(input.agentTeams)) teamSize.set(team, (teamSize.get(team) ?? 0) + 1);
  const rowOfTeam = (team: string | undefined): string => {
    if (team === undefined) return NO_TEAM;
    if ((teamSize.get(team) ?? 0) < minGroup) return SMALL_TEAMS;
    return input.teamNames[team] ?? team;
  };
  const rowOfAgent = (agentId: string) => rowOfTeam(input.agentTeams[agentId]);

  const rows = new Map<string, Acc>();
  const total = newAcc();
  const accs = (row: string): Acc[] => {
    let acc = rows.get(row);
    if (!acc) {
      acc = newAcc();
      rows.set(row, acc);
    }
    return [acc, total];
  };

  for (const d of input.decisions) {
    for (const a of accs(rowOfAgent(d.agentId))) {
      a.callsDecided++;
      if (d.recorded) a.recordedCalls++;
    }
  }
  const contactRow = new Map<string, string>();
  for (const c of input.contacts) {
    const row = rowOfAgent(c.agentId);
    contactRow.set(c.contactId, row);
    for (const a of accs(row)) {
      a.agents.add(c.agentId);
      if (!a.assignedPerAgent.has(c.agentId)) a.assignedPerAgent.set(c.agentId, 0);
      if (c.state === 'kept') a.recordings.kept++;
      else if (c.state === 'redacted') a.recordings.redacted++;
      else if (c.state === 'deleted') a.recordings.deleted++;
      else if (c.state === 'unauthorized-deleted') a.recordings.unauthorizedDeleted++;
    }
  }
  const agentListens = new Map<string, number>();
  const coachListens = new Map<string, number>();
  for (const x of input.assignments) {
    agentListens.set(x.agentId, (agentListens.get(x.agentId) ?? 0) + 1);
    coachListens.set(x.coachId, (coachListens.get(x.coachId) ?? 0) + 1);
    for (const a of accs(rowOfAgent(x.agentId))) {
      a.agents.add(x.agentId);
      a.assigned++;
      a.played += Math.max(0, x.playsAllowed - x.playsLeft) > 0 ? 1 : 0;
      a.assignedPerAgent.set(x.agentId, (a.assignedPerAgent.get(x.agentId) ?? 0) + 1);
    }
    for (const a of accs(rowOfTeam(input.coachTeams[x.coachId] ?? x.coachTeam))) {
      a.coaches.add(x.coachId);
      a.loadPerCoach.set(x.coachId, (a.loadPerCoach.get(x.coachId) ?? 0) + 1);
    }
  }
  for (const [coachId, team] of Object.entries(input.coachTeams)) {
    for (const a of accs(rowOfTeam(team))) {
      a.coaches.add(coachId);
      if (!a.loadPerCoach.has(coachId)) a.loadPerCoach.set(coachId, 0);
    }
  }
  let agentBreaches = 0;
  for (const [agentId, n] of agentListens) {
    const cap = input.agentMax?.[agentId] ?? policy.maxPerAgent + policy.maxExtraListens;
    if (n > cap) {
      agentBreaches++;
      for (const a of accs(rowOfAgent(agentId))) a.agentBreaches++;
    }
  }
  let coachBreaches = 0;
  for (const n of coachListens.values()) if (n > policy.maxPerCoach) coachBreaches++;

  for (const p of input.plans) {
    for (const a of accs(rowOfAgent(p.agentId))) {
      a.plans[p.status]++;
      if (p.status === 'approved' || p.status === 'expired') a.plans.extraListens += p.extraListens;
    }
  }
  for (const r of input.requests) {
    const row = contactRow.get(r.contactId) ?? NO_TEAM;
    for (const a of accs(row)) {
      const counts = a.requests[r.kind];
      counts[r.status] = (counts[r.status] ?? 0) + 1;
    }
  }
  for (const [team, s] of Object.entries(input.run?.shortfallByTeam ?? {})) {
    for (const a of accs(rowOfTeam(team))) {
      a.shortfall.agentsBelowMin += s.agentsBelowMin;
      a.shortfall.missingListens += s.missingListens;
    }
  }

  const toRow = (team: string, a: Acc): TeamRow => {
    const loads = [...a.loadPerCoach.values()];
    return {
      team,
      agents: a.agents.size,
      callsDecided: a.callsDecided,
      recordedCalls: a.recordedCalls,
      recordingRate: a.callsDecided === 0 ? null : a.recordedCalls / a.callsDecided,
      recordings: a.recordings,
      listens: {
        assigned: a.assigned,
        played: a.played,
        perAgent: distribution([...a.assignedPerAgent.values()]),
        cap: policy.maxPerAgent,
      },
      coachLoad: {
        coaches: a.coaches.size,
        max: loads.length ? Math.max(...loads) : 0,
        cap: policy.maxPerCoach,
      },
      plans: a.plans,
      requests: a.requests,
      shortfall: a.shortfall,
      capBreaches: {
        agents: a.agentBreaches,
        coaches: loads.filter((n) => n > policy.maxPerCoach).length,
      },
    };
  };

  const teams = [...rows]
    .map(([team, acc]) => toRow(team, acc))
    .sort((x, y) => (x.team < y.team ? -1 : x.team > y.team ? 1 : 0));
  return {
    period: input.period,
    caps: { ...policy },
    seed: {
      commitment: input.seed?.commitment ?? null,
      committedAt: input.seed?.committedAt ?? null,
      revealed: input.seed?.seed !== undefined,
      revealedAt: input.seed?.revealedAt ?? null,
      seed: input.seed?.seed ?? null,
    },
    assignment: {
      status: input.run?.status ?? 'pending',
      listens: input.run?.listens ?? input.assignments.length,
      missingListens: input.run?.missingListens ?? 0,
      agentsBelowMin: input.run?.agentsBelowMin ?? 0,
    },
    teams,
    total: toRow('(all teams)', total),
    capBreaches: { agents: agentBreaches, coaches: coachBreaches },
  };
}

export const CSV_COLUMNS = [
  'period',
  'team',
  'agents',
  'calls_decided',
  'recorded_calls',
  'recording_rate',
  'recordings_kept',
  'recordings_redacted',
  'recordings_deleted',
  'recordings_unauthorized_deleted',
  'listens_assigned',
  'listens_played',
  'listens_per_agent_min',
  'listens_per_agent_median',
  'listens_per_agent_max',
  'listens_per_agent_cap',
  'coaches',
  'coach_load_max',
  'coach_load_cap',
  'plans_proposed',
  'plans_approved',
  'plans_rejected',
  'plans_expired',
  'plan_extra_listens',
  'deletion_requests',
  'deletions_done',
  'redaction_requests',
  'redactions_done',
  'agents_below_min',
  'missing_listens',
  'cap_breaches_agents',
  'cap_breaches_coaches',
  'seed_commitment',
  'seed_revealed_at',
] as const;

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(Number.isInteger(v) ? v : Number(v.toFixed(4))) : String(v);
  // Quote when needed; neutralize spreadsheet formulas (CSV injection) in text cells.
  const safe = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((s, n) => s + n, 0);

/** One line per team and a final `(all teams)` line; RFC 4180, CRLF line ends. */
export function transparencyCsv(report: TransparencyReport): string {
  const line = (r: TeamRow) =>
    [
      report.period,
      r.team,
      r.agents,
      r.callsDecided,
      r.recordedCalls,
      r.recordingRate,
      r.recordings.kept,
      r.recordings.redacted,
      r.recordings.deleted,
      r.recordings.unauthorizedDeleted,
      r.listens.assigned,
      r.listens.played,
      r.listens.perAgent?.min,
      r.listens.perAgent?.median,
      r.listens.perAgent?.max,
      r.listens.cap,
      r.coachLoad.coaches,
      r.coachLoad.max,
      r.coachLoad.cap,
      r.plans.proposed,
      r.plans.approved,
      r.plans.rejected,
      r.plans.expired,
      r.plans.extraListens,
      sum(r.requests.deletion),
      r.requests.deletion.done ?? 0,
      sum(r.requests.redaction),
      r.requests.redaction.done ?? 0,
      r.shortfall.agentsBelowMin,
      r.shortfall.missingListens,
      r.capBreaches.agents,
      r.capBreaches.coaches,
      report.seed.commitment,
      report.seed.revealedAt,
    ]
      .map(csvCell)
      .join(',');
  return `${[CSV_COLUMNS.join(','), ...report.teams.map(line), line(report.total)].join('\r\n')}\r\n`;
}

/** One bin of the time profile: all decided calls in it, and those recorded. */
export interface TimeBin {
  calls: number;
  recorded: number;
}

/**
 * When recording happens against when calls happen (C2, C6): the period's decisions by week of the
 * period (days 1–7, 8–14, 15–21, 22–28, 29 to the end, local days in the policy time zone) and by
 * local hour of the day. With a fair sample, each bin's share of the recordings follows its share of
 * the calls, and the recorded share is the same in every bin.
 */
export interface TimeProfile {
  /** Five bins: weeks 1–4 and the rest of the month (days 29+). */
  weeks: TimeBin[];
  /** 24 bins, local hours 0–23. */
  hours: TimeBin[];
}

const localClock = new Map<string, Intl.DateTimeFormat>();

function localDayAndHour(iso: string, timezone: string): { day: number; hour: number } {
  let f = localClock.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      day: 'numeric',
      hour: 'numeric',
      hourCycle: 'h23',
    });
    localClock.set(timezone, f);
  }
  let day = 1;
  let hour = 0;
  for (const p of f.formatToParts(new Date(iso))) {
    if (p.type === 'day') day = Number(p.value);
    else if (p.type === 'hour') hour = Number(p.value);
  }
  return { day, hour };
}

export function recordingTimeProfile(
  decisions: readonly { decidedAt: string; recorded: boolean }[],
  timezone: string,
): TimeProfile {
  const bins = (n: number): TimeBin[] => Array.from({ length: n }, () => ({ calls: 0, recorded: 0 }));
  const weeks = bins(5);
  const hours = bins(24);
  for (const d of decisions) {
    const { day, hour } = localDayAndHour(d.decidedAt, timezone);
    const w = weeks[Math.min(4, Math.floor((day - 1) / 7))]!;
    const h = hours[hour]!;
    w.calls++;
    h.calls++;
    if (d.recorded) {
      w.recorded++;
      h.recorded++;
    }
  }
  return { weeks, hours };
}
