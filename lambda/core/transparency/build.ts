/**
 * The works council's month model (lambda/core/transparency/model.ts) from what the month produced:
 * decisions, assignments, plans, privacy requests, seeds and, when the producer ran them, the two
 * verifications. The one builder behind `month.json` (simulation), `fairlisten export` and the
 * views function. People become opaque pseudonyms (agents `A001`…, coaches `K01`… in the order
 * given), teams their slug, teams under 3 agents are merged; the model is validated before it is
 * returned.
 */

import type { ListenAssignment } from '../assignment';
import { commitment as commitmentOf, seedFromHex } from '../lottery';
import type { RecordingPolicy } from '../policy';
import type { RequestStatus } from '../request-status';
import {
  type MonthData,
  MonthDataError,
  mergeSmallTeams,
  parseMonthData,
  REASON_KEYS,
  type ReasonKey,
} from './model';
import { recordingTimeProfile } from './time-profile';

/** The people and teams of the month, with the ids the tables use. */
export interface MonthTeam {
  readonly id: string;
  readonly name: string;
}
export interface MonthAgent {
  readonly id: string;
  readonly teamId: string;
  readonly excluded: boolean;
}
export interface MonthCoach {
  readonly id: string;
  readonly teamId: string;
}
/** The fields of a stored decision the model reads. */
export interface MonthDecision {
  readonly contactId: string;
  /** The first leg's contact id when the call was transferred (absent on a first leg). */
  readonly initialContactId?: string | null;
  readonly agentId: string;
  readonly decidedAt: string;
  readonly reason: string;
  readonly policyVersion?: string;
}
export interface MonthSeed {
  commitment: string;
  committedAt: string;
  /** Absent while the seed is not revealed. */
  seed?: string;
  revealedAt?: string;
}

export interface AssignmentLine extends ListenAssignment {
  /** The stored id of the coaching plan this listen was granted under (absent: a regular listen). */
  planId?: string;
}

export interface PlanOutcome {
  /** Stable label (the stored id is random): `plan-01`, … */
  label: string;
  /** The stored plan id (what an assignment granted under the plan names). @default - unknown */
  planId?: string;
  agentId: string;
  extraListens: number;
  status: 'proposed' | 'approved' | 'rejected' | 'expired';
}

export interface RequestOutcome {
  kind: 'deletion' | 'redaction';
  arrival: 'request-first' | 'file-first';
  contactId: string;
  agentId: string;
  requestId: string;
  status: RequestStatus;
  requestedAt: string;
  completedAt?: string;
  /** The request's proof names at least one deleted or replaced version. */
  proved: boolean;
}

/** The policy fields a month's report states (and checks the month against). */
export type MonthPolicy = Pick<
  RecordingPolicy,
  | 'version'
  | 'samplingRate'
  | 'maxRecordingsPerAgentPerMonth'
  | 'listensPerAgentPerMonth'
  | 'maxListensPerCoachPerMonth'
  | 'retentionDays'
  | 'playbackUrlTtlSeconds'
  | 'timezone'
>;

/** Exactly the month-policy fields of `policy`, in the order the model writes them. */
export function monthPolicyOf(policy: MonthPolicy): MonthPolicy {
  return {
    version: policy.version,
    samplingRate: policy.samplingRate,
    maxRecordingsPerAgentPerMonth: policy.maxRecordingsPerAgentPerMonth,
    listensPerAgentPerMonth: {
      min: policy.listensPerAgentPerMonth.min,
      max: policy.listensPerAgentPerMonth.max,
    },
    maxListensPerCoachPerMonth: policy.maxListensPerCoachPerMonth,
    retentionDays: policy.retentionDays,
    playbackUrlTtlSeconds: policy.playbackUrlTtlSeconds,
    timezone: policy.timezone,
  };
}

export interface MonthModelInput {
  period: string;
  generatedAt: string;
  /** The data come from a simulation or an example, not from a contact centre's staff. */
  simulated: boolean;
  policy: MonthPolicy;
  teams: readonly MonthTeam[];
  agents: readonly MonthAgent[];
  coaches: readonly MonthCoach[];
  decisions: readonly MonthDecision[];
  assignments: readonly AssignmentLine[];
  plans: readonly PlanOutcome[];
  requests: readonly RequestOutcome[];
  seed: MonthSeed;
  /** @default - absent: the producer did not run `verify` / `audit verify` (the page says so) */
  verification?: MonthData['verification'];
}

/** Team slug: the Connect group name lower-cased, non-alphanumerics as `-`. */
export const teamSlug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'team';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The same data in the same order whoever produced it (the simulation's lists, a table scan):
 * people by id, teams by name, decisions by instant, listens by contact, requests by instant.
 */
export function canonicalMonthInput(input: MonthModelInput): MonthModelInput {
  return {
    ...input,
    teams: [...input.teams].sort(
      (a, b) => a.name.localeCompare(b.name, 'fr', { numeric: true }) || compare(a.id, b.id),
    ),
    agents: [...input.agents].sort((a, b) => compare(a.id, b.id)),
    coaches: [...input.coaches].sort((a, b) => compare(a.id, b.id)),
    decisions: [...input.decisions].sort(
      (a, b) => compare(a.decidedAt, b.decidedAt) || compare(a.contactId, b.contactId),
    ),
    assignments: [...input.assignments].sort((a, b) => compare(a.contactId, b.contactId)),
    requests: [...input.requests].sort(
      (a, b) => compare(a.requestedAt, b.requestedAt) || compare(a.requestId, b.requestId),
    ),
  };
}

export function buildMonthModel(raw: MonthModelInput): MonthData {
  const input = canonicalMonthInput(raw);
  const { policy } = input;
  const slugOf = new Map(input.teams.map((t) => [t.id, teamSlug(t.name)]));
  const agentAlias = new Map(input.agents.map((a, i) => [a.id, `A${String(i + 1).padStart(3, '0')}`]));
  const coachAlias = new Map(input.coaches.map((c, i) => [c.id, `K${String(i + 1).padStart(2, '0')}`]));
  const team = (id: string) => {
    const slug = slugOf.get(id);
    if (!slug) throw new MonthDataError(`unknown team ${id}`);
    return slug;
  };
  const alias = (map: Map<string, string>, id: string, what: string) => {
    const a = map.get(id);
    if (!a) throw new MonthDataError(`unknown ${what} ${id}`);
    return a;
  };

  // Listens granted under a plan name the plan by its label (the stored id is random).
  const labelOf = new Map(input.plans.flatMap((p) => (p.planId ? [[p.planId, p.label] as const] : [])));
  const perAgent = new Map(
    input.agents.map((a) => [
      a.id,
      { decisions: 0, recordings: [] as { contactId: string; decidedAt: string }[] },
    ]),
  );
  // An unknown reason is refused by callsOf below.
  for (const d of input.decisions) {
    const a = perAgent.get(d.agentId);
    if (!a) throw new MonthDataError(`decision for unknown agent ${d.agentId}`);
    a.decisions++;
    if (d.reason === 'drawn') a.recordings.push({ contactId: d.contactId, decidedAt: d.decidedAt });
  }
  const listensOf = new Map<string, number>();
  const loadOf = new Map<string, number>();
  for (const x of input.assignments) {
    listensOf.set(x.agentId, (listensOf.get(x.agentId) ?? 0) + 1);
    loadOf.set(x.coachId, (loadOf.get(x.coachId) ?? 0) + 1);
  }
  const extraOf = new Map<string, number>();
  for (const p of input.plans) {
    if (p.status === 'approved') extraOf.set(p.agentId, (extraOf.get(p.agentId) ?? 0) + p.extraListens);
  }

  let capBreaches = 0;
  const agents = input.agents.map((a) => {
    const s = perAgent.get(a.id)!;
    const listens = listensOf.get(a.id) ?? 0;
    const planExtra = extraOf.get(a.id) ?? 0;
    if (s.recordings.length > policy.maxRecordingsPerAgentPerMonth) capBreaches++;
    if (listens > policy.listensPerAgentPerMonth.max + planExtra) capBreaches++;
    return {
      id: alias(agentAlias, a.id, 'agent'),
      team: team(a.teamId),
      excluded: a.excluded,
      decisions: s.decisions,
      recorded: s.recordings.length,
      recordings: s.recordings,
      listens,
      planExtra,
    };
  });
  const coaches = input.coaches.map((c) => {
    const listens = loadOf.get(c.id) ?? 0;
    if (listens > policy.maxListensPerCoachPerMonth) capBreaches++;
    return { id: alias(coachAlias, c.id, 'coach'), team: team(c.teamId), listens };
  });
  const agentTeam = new Map(input.agents.map((a) => [a.id, a.teamId]));
  // Reasons and the time profile count calls, as the call counts do: a transferred call is one call.
  // Neither reads which teams answered it (the per-team counts are made after the merge, below).
  // Stryker disable next-line ArrowFunction: the teams of these calls are never read
  const calls = callsOf(input.decisions, () => '');
  // The version in force during the month is the one its decisions carry.
  const versions = [
    ...new Set(input.decisions.flatMap((d) => (d.policyVersion ? [d.policyVersion] : []))),
  ].sort();
  const version = versions.length ? versions.join(' + ').slice(0, 64) : policy.version;

  const merged = mergeSmallTeams({
    period: input.period,
    generatedAt: input.generatedAt,
    simulated: input.simulated,
    policy: { ...monthPolicyOf(policy), version },
    teams: input.teams.map((t) => ({ id: team(t.id), name: t.name })),
    agents,
    coaches,
    assignments: input.assignments.map((x) => ({
      contactId: x.contactId,
      agentId: alias(agentAlias, x.agentId, 'agent'),
      agentTeam: team(x.agentTeam),
      coachId: alias(coachAlias, x.coachId, 'coach'),
      coachTeam: team(x.coachTeam),
      ...(x.planId && labelOf.has(x.planId) ? { planId: labelOf.get(x.planId)! } : {}),
    })),
    plans: input.plans.map((p) => ({
      planId: p.label,
      agentTeam: team(agentTeam.get(p.agentId)!),
      extraListens: p.extraListens,
      status: p.status,
    })),
    requests: input.requests.map((r) => ({
      kind: r.kind,
      agentTeam: team(agentTeam.get(r.agentId)!),
      status: r.status,
      requestedAt: r.requestedAt,
      ...(r.completedAt ? { completedAt: r.completedAt } : {}),
      arrival: r.arrival,
    })),
    reasons: callReasons(calls),
    seeds: {
      commitment: input.seed.commitment,
      committedAt: input.seed.committedAt,
      ...(input.seed.revealedAt ? { revealedAt: input.seed.revealedAt } : {}),
      commitmentMatches: seedMatchesCommitment(input.seed),
    },
    ...(input.verification ? { verification: input.verification } : {}),
    capBreaches,
    // Placeholders for mergeSmallTeams (it sums the rows of the merged teams): the calls are counted
    // after the merge, below, and replace these.
    calls: {
      // Stryker disable next-line ArrayDeclaration: a placeholder, replaced after the merge
      byTeam: [],
      // Stryker disable next-line ObjectLiteral: a placeholder, replaced after the merge
      total: { calls: 0, recorded: 0, transferred: 0 },
    },
    timeProfile: recordingTimeProfile(
      calls.map((c) => ({ decidedAt: c.decidedAt, recorded: c.reason === 'drawn' })),
      input.policy.timezone,
    ),
  });
  // Calls after the merge, so a call transferred between two merged teams counts once in their row.
  const teamOfAlias = new Map(merged.agents.map((a) => [a.id, a.team]));
  const teamOf = (agentId: string) => teamOfAlias.get(alias(agentAlias, agentId, 'agent'))!;
  return parseMonthData(
    {
      ...merged,
      calls: callCounts(
        callsOf(input.decisions, teamOf),
        merged.teams.map((t) => t.id),
      ),
    },
    'month.json',
  );
}

/**
 * The revealed seed hashes to the published commitment; false while it is not revealed (seedFromHex
 * refuses `undefined` as it refuses a malformed seed).
 */
function seedMatchesCommitment(seed: MonthSeed): boolean {
  try {
    return commitmentOf(seedFromHex(seed.seed as string)) === seed.commitment;
  } catch {
    return false;
  }
}

/** The key grouping the legs of one call: its initial contact id (a first leg has none). */
export const callKeyOf = (d: Pick<MonthDecision, 'contactId' | 'initialContactId'>): string =>
  d.initialContactId ? d.initialContactId : d.contactId;

/**
 * Which reason a call with several legs counts under: `drawn` when any leg was recorded, else the
 * first reason of this list one of its legs has (an error or a failed recording shows even when
 * another leg was simply not drawn).
 */
export const CALL_REASON_PRECEDENCE: readonly ReasonKey[] = [
  'drawn',
  'record-failed',
  'error',
  'caller-objected',
  'agent-cap-reached',
  'excluded-line',
  'not-drawn',
];

/** One call: the legs of one `callKeyOf`, what they decided and which teams answered them. */
export interface MonthCall {
  /** The first leg's decision instant (when the call reached the first agent). */
  decidedAt: string;
  reason: ReasonKey;
  legs: number;
  /** Team → a leg of this team's agents was recorded. */
  teams: Map<string, boolean>;
}

/** The month's calls from its decisions (legs), each once whatever the number of transfers. */
export function callsOf(
  decisions: readonly Pick<
    MonthDecision,
    'contactId' | 'initialContactId' | 'agentId' | 'decidedAt' | 'reason'
  >[],
  teamOf: (agentId: string) => string,
): MonthCall[] {
  const rank = (r: ReasonKey) => CALL_REASON_PRECEDENCE.indexOf(r);
  const calls = new Map<string, MonthCall>();
  for (const d of decisions) {
    if (!(REASON_KEYS as readonly string[]).includes(d.reason))
      throw new MonthDataError(`unknown reason ${d.reason}`);
    const reason = d.reason as ReasonKey;
    const key = callKeyOf(d);
    const drawn = reason === 'drawn';
    const team = teamOf(d.agentId);
    const c = calls.get(key);
    if (!c) {
      calls.set(key, { decidedAt: d.decidedAt, reason, legs: 1, teams: new Map([[team, drawn]]) });
      continue;
    }
    c.legs++;
    if (d.decidedAt < c.decidedAt) c.decidedAt = d.decidedAt;
    if (rank(reason) < rank(c.reason)) c.reason = reason;
    c.teams.set(team, (c.teams.get(team) ?? false) || drawn);
  }
  return [...calls.values()];
}

/** Calls per reason (see `CALL_REASON_PRECEDENCE`): they add up to the month's calls. */
export function callReasons(calls: readonly MonthCall[]): Record<ReasonKey, number> {
  const reasons = Object.fromEntries(REASON_KEYS.map((k) => [k, 0])) as Record<ReasonKey, number>;
  for (const c of calls) reasons[c.reason]++;
  return reasons;
}

/** Calls per team and in total; see `calls` in model.ts. */
export function callCounts(calls: readonly MonthCall[], teams: readonly string[]): MonthData['calls'] {
  const rows = new Map(teams.map((t) => [t, { team: t, calls: 0, recorded: 0, transferred: 0 }]));
  const total = { calls: 0, recorded: 0, transferred: 0 };
  for (const c of calls) {
    total.calls++;
    if (c.reason === 'drawn') total.recorded++;
    if (c.legs > 1) total.transferred++;
    for (const [team, recorded] of c.teams) {
      const row = rows.get(team)!;
      row.calls++;
      if (recorded) row.recorded++;
      if (c.legs > 1) row.transferred++;
    }
  }
  return { byTeam: [...rows.values()], total };
}
