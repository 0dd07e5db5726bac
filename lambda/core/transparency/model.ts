/**
 * The input of the works council's transparency report: one month, as the simulation (or an export
 * of the live tables) writes it to `DIR/month.json`.
 *
 * Aggregated or pseudonymous only: teams have names, people do not. Agents and coaches appear under
 * opaque pseudonyms (`A017`, `K03`: one to three capital letters and two to six digits), never a
 * name, a Connect user id, an e-mail or a phone number; requests carry no contact id. The schema
 * rejects anything else, so a careless producer cannot leak an identity into the council's report.
 *
 * Consistency is checked too (`superRefine`): the page shows each number once, and the tests compare
 * the page with this model, so the model itself must not contradict itself (an agent's `listens` is
 * the number of its assignments, `recorded` the number of its recordings, the reasons add up to the
 * calls …). A violation names the path and both numbers.
 */
import { z } from 'zod';
import { isPeriod, periodOf } from '../period';
import { REQUEST_STATUSES } from '../request-status';

export const REASON_KEYS = [
  'drawn',
  'not-drawn',
  'agent-cap-reached',
  'excluded-line',
  'caller-objected',
  'record-failed',
  'error',
] as const;
export type ReasonKey = (typeof REASON_KEYS)[number];

export const PLAN_STATUSES = ['proposed', 'approved', 'rejected', 'expired'] as const;
export const REQUEST_KINDS = ['deletion', 'redaction'] as const;
export const ARRIVALS = ['request-first', 'file-first'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export type Arrival = (typeof ARRIVALS)[number];

/** An opaque pseudonym: `A017` (agent), `K03` (coach). Not a name, not a UUID. */
export const PSEUDONYM_RE = /^[A-Z]{1,3}\d{2,6}$/;
const TEAM_ID_RE = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * A team row about fewer than 3 agents describes those agents: such teams are merged into one
 * `small-teams` row before anything is published. Totals always cover everyone.
 */
export const MIN_GROUP_SIZE = 3;

/** The label of a report made from simulated or example data (page and CSV). */
export const SIMULATED_LABEL = {
  fr: 'Données simulées — ne décrit aucun salarié réel',
  en: 'Simulated data — describes no real employee',
} as const;
export const SMALL_TEAMS_ID = 'small-teams';
export const SMALL_TEAMS_NAME = 'Petites équipes (moins de 3 agents)';

const count = z.number().int().nonnegative();
const instant = z.iso.datetime({ offset: true });
const pseudonym = (what: string) =>
  z.string().regex(PSEUDONYM_RE, {
    error: (iss) =>
      `${what} ${JSON.stringify(iss.input)} is not an opaque pseudonym like A017 (no names or Connect ids in the council's report)`,
  });
const teamId = z
  .string()
  .regex(TEAM_ID_RE, { error: (iss) => `team id ${JSON.stringify(iss.input)} must match ${TEAM_ID_RE}` });

export const policySummarySchema = z.strictObject({
  version: z.string().min(1).max(64),
  samplingRate: z.number().gt(0).max(0.3),
  maxRecordingsPerAgentPerMonth: z.number().int().min(1).max(30),
  listensPerAgentPerMonth: z
    .strictObject({ min: z.number().int().min(0), max: z.number().int().min(1) })
    .refine((l) => l.min <= l.max, { error: 'listensPerAgentPerMonth.min is above max' }),
  maxListensPerCoachPerMonth: z.number().int().min(1),
  retentionDays: z.number().int().min(1).max(90),
  playbackUrlTtlSeconds: z.number().int().min(1).max(300),
  timezone: z.string().refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
      } catch {
        return false;
      }
      return true;
    },
    // Aborts: the month's own checks read the period in this time zone and would throw.
    { error: (iss) => `timezone ${JSON.stringify(iss.input)} is not an IANA time zone`, abort: true },
  ),
});

export const agentSchema = z.strictObject({
  id: pseudonym('agent id'),
  team: teamId,
  /** Never recorded (staff representative, excluded line). */
  excluded: z.boolean(),
  /**
   * Sampler decisions of the month: one per contact leg the agent answered (a transferred call has
   * one leg per agent; the calls are counted in `calls`).
   */
  decisions: count,
  /** Calls recorded (reason `drawn`); equals `recordings.length`. */
  recorded: count,
  /** One entry per recording, with the sampler's decision instant (for the pacing chart). */
  recordings: z.array(z.strictObject({ contactId: z.string().min(1).max(128), decidedAt: instant })),
  /** Listens assigned to this agent's recordings; equals its number of assignments. */
  listens: count,
  /** Extra listens granted by an approved coaching plan this month (0 without one). */
  planExtra: count,
});

export const coachSchema = z.strictObject({
  id: pseudonym('coach id'),
  team: teamId,
  /** Listens assigned to this coach; equals its number of assignments. */
  listens: count,
});

export const assignmentSchema = z.strictObject({
  contactId: z.string().min(1).max(128),
  agentId: pseudonym('assignment agentId'),
  agentTeam: teamId,
  coachId: pseudonym('assignment coachId'),
  coachTeam: teamId,
  /** The plan (its `planId` in `plans`) that granted this listen beyond the regular maximum. */
  planId: z.string().min(1).max(64).optional(),
});

export const planSchema = z.strictObject({
  planId: z.string().min(1).max(64),
  agentTeam: teamId,
  extraListens: count,
  status: z.enum(PLAN_STATUSES),
});

export const requestSchema = z.strictObject({
  kind: z.enum(REQUEST_KINDS),
  /** Team of the agent whose recording it is (for the per-team counts). */
  agentTeam: teamId,
  status: z.enum(REQUEST_STATUSES),
  requestedAt: instant,
  /** When the deletion or redaction was applied (status `done`). */
  completedAt: instant.optional(),
  /** `request-first`: asked during the call, applied when the file arrived; `file-first`: asked after. */
  arrival: z.enum(ARRIVALS),
});

export const monthDataSchema = z
  .strictObject({
    period: z
      .string()
      .refine(isPeriod, { error: (iss) => `period ${JSON.stringify(iss.input)} is not YYYY-MM` }),
    generatedAt: instant,
    /** Made from simulated or example data: every page and every CSV line says so. */
    simulated: z.boolean(),
    policy: policySummarySchema,
    teams: z
      .array(z.strictObject({ id: teamId, name: z.string().trim().min(1).max(60) }))
      // No upper bound: a centre with hundreds of teams gets its report (the page groups them).
      .min(1),
    agents: z.array(agentSchema),
    coaches: z.array(coachSchema),
    assignments: z.array(assignmentSchema),
    plans: z.array(planSchema),
    requests: z.array(requestSchema),
    /** Calls per reason (a transferred call once, see `CALL_REASON_PRECEDENCE` in build.ts). */
    reasons: z.strictObject(
      Object.fromEntries(REASON_KEYS.map((k) => [k, count])) as Record<ReasonKey, typeof count>,
    ),
    seeds: z.strictObject({
      /** SHA-256 commitment of the month's seed, published before the month. */
      commitment: z.string().regex(/^[0-9a-f]{64}$/),
      committedAt: instant,
      /** Absent while the seed is not revealed yet. */
      revealedAt: instant.optional(),
      /** The revealed seed hashes to the commitment. */
      commitmentMatches: z.boolean(),
    }),
    /** Absent when the producer did not run the verifications (the live view): the page says so. */
    verification: z
      .strictObject({
        /** `fairlisten verify`: every decision recomputed from the revealed seed. */
        decisions: z.strictObject({ ok: z.boolean(), violations: count }),
        /** `fairlisten audit verify`: hash chains unbroken. */
        audit: z.strictObject({ ok: z.boolean(), chains: count, records: count }),
      })
      .optional(),
    /**
     * Calls, not contact legs: a transfer makes several legs of one call, grouped by the initial
     * contact id. A team counts each call one of its agents answered a leg of (a call transferred
     * between two teams counts in both, once in `total`); `recorded`: a leg of the team's agents
     * was recorded; `transferred`: the call has more than one leg.
     */
    calls: z.strictObject({
      byTeam: z.array(z.strictObject({ team: teamId, calls: count, recorded: count, transferred: count })),
      total: z.strictObject({ calls: count, recorded: count, transferred: count }),
    }),
    /** Cap breaches counted by the producer's own checks (the report recounts them from the data). */
    capBreaches: count,
    /**
     * Teams under `MIN_GROUP_SIZE` agents merged into `SMALL_TEAMS_ID` (see `mergeSmallTeams`), with
     * the listens where coach and agent were in the same original team (C10 stays checkable: the
     * merged row's diagonal mixes several teams).
     */
    smallTeams: z.strictObject({ merged: count, sameTeamListens: count }).optional(),
    /**
     * All calls (a transferred call once, at its first leg's instant) and the recorded ones by week of the period (5 bins: days 1–7 … 22–28, 29+)
     * and by local hour (24 bins), from `recordingTimeProfile` (./time-profile.ts).
     */
    timeProfile: z
      .strictObject({
        weeks: z.array(z.strictObject({ calls: count, recorded: count })).length(5),
        hours: z.array(z.strictObject({ calls: count, recorded: count })).length(24),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const teams = new Set<string>();
    m.teams.forEach((t, i) => {
      if (teams.has(t.id)) issue(['teams', i, 'id'], `duplicate team id ${t.id}`);
      teams.add(t.id);
    });
    const agentsIn = new Map<string, number>();
    for (const a of m.agents) agentsIn.set(a.team, (agentsIn.get(a.team) ?? 0) + 1);
    m.teams.forEach((t, i) => {
      const n = agentsIn.get(t.id) ?? 0;
      if (t.id !== SMALL_TEAMS_ID && n > 0 && n < MIN_GROUP_SIZE)
        issue(
          ['teams', i, 'id'],
          `team ${t.id} has ${n} agent(s): teams under ${MIN_GROUP_SIZE} agents must be merged into ${SMALL_TEAMS_ID} (mergeSmallTeams)`,
        );
    });
    const knownTeam = (path: (string | number)[], team: string) => {
      if (!teams.has(team)) issue(path, `unknown team ${JSON.stringify(team)}`);
    };
    const agents = new Map<string, (typeof m.agents)[number]>();
    const listensOf = new Map<string, number>();
    const loadOf = new Map<string, number>();
    m.agents.forEach((a, i) => {
      if (agents.has(a.id)) issue(['agents', i, 'id'], `duplicate agent ${a.id}`);
      agents.set(a.id, a);
      knownTeam(['agents', i, 'team'], a.team);
      if (a.recorded !== a.recordings.length)
        issue(
          ['agents', i, 'recorded'],
          `recorded ${a.recorded} but ${a.recordings.length} recordings listed`,
        );
      if (a.recorded > a.decisions)
        issue(['agents', i, 'recorded'], `recorded ${a.recorded} exceeds decisions ${a.decisions}`);
      if (a.excluded && a.recorded > 0)
        issue(['agents', i, 'recorded'], `excluded agent ${a.id} has recordings`);
      a.recordings.forEach((r, j) => {
        if (periodOf(new Date(r.decidedAt), m.policy.timezone) !== m.period)
          issue(['agents', i, 'recordings', j, 'decidedAt'], `${r.decidedAt} is outside period ${m.period}`);
      });
    });
    const coaches = new Map<string, (typeof m.coaches)[number]>();
    m.coaches.forEach((c, i) => {
      if (coaches.has(c.id) || agents.has(c.id)) issue(['coaches', i, 'id'], `duplicate pseudonym ${c.id}`);
      coaches.set(c.id, c);
      knownTeam(['coaches', i, 'team'], c.team);
    });
    m.assignments.forEach((x, i) => {
      const agent = agents.get(x.agentId);
      const coach = coaches.get(x.coachId);
      if (!agent) issue(['assignments', i, 'agentId'], `unknown agent ${x.agentId}`);
      else if (agent.team !== x.agentTeam)
        issue(
          ['assignments', i, 'agentTeam'],
          `agent ${x.agentId} is in team ${agent.team}, not ${x.agentTeam}`,
        );
      if (!coach) issue(['assignments', i, 'coachId'], `unknown coach ${x.coachId}`);
      else if (coach.team !== x.coachTeam)
        issue(
          ['assignments', i, 'coachTeam'],
          `coach ${x.coachId} is in team ${coach.team}, not ${x.coachTeam}`,
        );
      listensOf.set(x.agentId, (listensOf.get(x.agentId) ?? 0) + 1);
      loadOf.set(x.coachId, (loadOf.get(x.coachId) ?? 0) + 1);
    });
    m.agents.forEach((a, i) => {
      const n = listensOf.get(a.id) ?? 0;
      if (a.listens !== n) issue(['agents', i, 'listens'], `listens ${a.listens} but ${n} assignments`);
    });
    m.coaches.forEach((c, i) => {
      const n = loadOf.get(c.id) ?? 0;
      if (c.listens !== n) issue(['coaches', i, 'listens'], `listens ${c.listens} but ${n} assignments`);
    });
    m.plans.forEach((p, i) => {
      knownTeam(['plans', i, 'agentTeam'], p.agentTeam);
    });
    const planListens = new Map<string, number>();
    m.assignments.forEach((x, i) => {
      if (x.planId === undefined) return;
      const plan = m.plans.find((p) => p.planId === x.planId);
      if (!plan || plan.status === 'proposed' || plan.status === 'rejected')
        issue(['assignments', i, 'planId'], `listen under plan ${x.planId}, which is not an approved plan`);
      planListens.set(x.planId, (planListens.get(x.planId) ?? 0) + 1);
    });
    m.plans.forEach((p, i) => {
      const n = planListens.get(p.planId) ?? 0;
      if (n > p.extraListens)
        issue(
          ['plans', i, 'extraListens'],
          `plan ${p.planId} granted ${n} listens, above its ${p.extraListens} extra`,
        );
    });
    m.requests.forEach((r, i) => {
      knownTeam(['requests', i, 'agentTeam'], r.agentTeam);
      if (r.status === 'done' && !r.completedAt)
        issue(['requests', i, 'completedAt'], 'a done request needs completedAt');
      if (r.completedAt && Date.parse(r.completedAt) < Date.parse(r.requestedAt))
        issue(
          ['requests', i, 'completedAt'],
          `completedAt ${r.completedAt} is before requestedAt ${r.requestedAt}`,
        );
    });
    const decisions = m.agents.reduce((s, a) => s + a.decisions, 0);
    const recorded = m.agents.reduce((s, a) => s + a.recorded, 0);
    // Reasons and the time profile count calls (a transferred call is one call), as `calls` does.
    const ct = m.calls.total;
    const reasons = REASON_KEYS.reduce((s, k) => s + m.reasons[k], 0);
    if (reasons !== ct.calls)
      issue(['reasons'], `reasons add up to ${reasons} but the month has ${ct.calls} calls`);
    if (m.timeProfile) {
      for (const key of ['weeks', 'hours'] as const) {
        const bins = m.timeProfile[key];
        bins.forEach((b, i) => {
          if (b.recorded > b.calls)
            issue(['timeProfile', key, i, 'recorded'], `recorded ${b.recorded} exceeds calls ${b.calls}`);
        });
        const calls = bins.reduce((s, b) => s + b.calls, 0);
        const rec = bins.reduce((s, b) => s + b.recorded, 0);
        if (calls !== ct.calls || rec !== ct.recorded)
          issue(
            ['timeProfile', key],
            `${key} count ${calls} calls and ${rec} recorded but the month has ${ct.calls} and ${ct.recorded}`,
          );
      }
    }
    const callRows = new Set<string>();
    m.calls.byTeam.forEach((c, i) => {
      if (callRows.has(c.team)) issue(['calls', 'byTeam', i, 'team'], `duplicate calls row for ${c.team}`);
      callRows.add(c.team);
      knownTeam(['calls', 'byTeam', i, 'team'], c.team);
      const agentsOf = m.agents.filter((a) => a.team === c.team);
      const legs = agentsOf.reduce((s, a) => s + a.decisions, 0);
      const rec = agentsOf.reduce((s, a) => s + a.recorded, 0);
      if (c.calls > legs) issue(['calls', 'byTeam', i, 'calls'], `${c.calls} calls but ${legs} legs`);
      if (c.recorded > Math.min(c.calls, rec))
        issue(
          ['calls', 'byTeam', i, 'recorded'],
          `${c.recorded} recorded calls but ${c.calls} calls, ${rec} recorded legs`,
        );
      if (c.transferred > c.calls)
        issue(['calls', 'byTeam', i, 'transferred'], `${c.transferred} transferred of ${c.calls} calls`);
    });
    m.teams.forEach((t, i) => {
      if (!callRows.has(t.id)) issue(['teams', i, 'id'], `team ${t.id} has no calls row`);
    });
    if (ct.calls > decisions) issue(['calls', 'total', 'calls'], `${ct.calls} calls but ${decisions} legs`);
    if (ct.recorded > Math.min(ct.calls, recorded))
      issue(
        ['calls', 'total', 'recorded'],
        `${ct.recorded} recorded calls but ${ct.calls} calls, ${recorded} recorded legs`,
      );
    if (ct.transferred > ct.calls)
      issue(['calls', 'total', 'transferred'], `${ct.transferred} transferred of ${ct.calls} calls`);
    // Every leg beyond a call's first is a transfer: legs − calls ≥ transferred calls ≥ 1 each.
    if (decisions - ct.calls < ct.transferred)
      issue(
        ['calls', 'total', 'transferred'],
        `${ct.transferred} transferred calls need more than ${decisions - ct.calls} extra legs`,
      );
    if (m.reasons.drawn !== ct.recorded)
      issue(['reasons', 'drawn'], `drawn ${m.reasons.drawn} but the month has ${ct.recorded} recorded calls`);
  });

export type MonthData = z.output<typeof monthDataSchema>;
export type MonthDataInput = z.input<typeof monthDataSchema>;

export class MonthDataError extends Error {
  override readonly name = 'MonthDataError';
}

/** Validate month data; the error lists every problem with its path. */
export function parseMonthData(value: unknown, source = 'month data'): MonthData {
  const result = monthDataSchema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues
    .slice(0, 20)
    .map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
  const more = result.error.issues.length > 20 ? `\n  … and ${result.error.issues.length - 20} more` : '';
  throw new MonthDataError(`Invalid ${source}:\n${lines.join('\n')}${more}`);
}

/**
 * Merge every team with fewer than `MIN_GROUP_SIZE` agents (coach-only teams included) into
 * `SMALL_TEAMS_ID`; counts the same-team listens of the merged teams first, so the cross-team
 * check survives the merge. A model without such teams is returned unchanged.
 */
export function mergeSmallTeams(m: MonthDataInput): MonthDataInput {
  const agentsIn = new Map<string, number>();
  for (const a of m.agents) agentsIn.set(a.team, (agentsIn.get(a.team) ?? 0) + 1);
  const small = new Set(
    m.teams
      .filter((t) => t.id !== SMALL_TEAMS_ID && (agentsIn.get(t.id) ?? 0) < MIN_GROUP_SIZE)
      .map((t) => t.id),
  );
  if (small.size === 0) return m;
  const to = (team: string) => (small.has(team) ? SMALL_TEAMS_ID : team);
  const sameTeamListens =
    m.assignments.filter((x) => small.has(x.agentTeam) && x.agentTeam === x.coachTeam).length +
    (m.smallTeams?.sameTeamListens ?? 0);
  const kept = m.teams.filter((t) => !small.has(t.id) && t.id !== SMALL_TEAMS_ID);
  return {
    ...m,
    teams: [...kept, { id: SMALL_TEAMS_ID, name: SMALL_TEAMS_NAME }],
    agents: m.agents.map((a) => ({ ...a, team: to(a.team) })),
    coaches: m.coaches.map((c) => ({ ...c, team: to(c.team) })),
    assignments: m.assignments.map((x) => ({ ...x, agentTeam: to(x.agentTeam), coachTeam: to(x.coachTeam) })),
    plans: m.plans.map((p) => ({ ...p, agentTeam: to(p.agentTeam) })),
    requests: m.requests.map((r) => ({ ...r, agentTeam: to(r.agentTeam) })),
    // Summed: a call transferred between two merged teams counts twice in the merged row (the
    // builder computes calls after the merge, so its rows are exact).
    calls: {
      total: m.calls.total,
      byTeam: [
        ...m.calls.byTeam.filter((c) => !small.has(c.team) && c.team !== SMALL_TEAMS_ID),
        m.calls.byTeam
          .filter((c) => small.has(c.team) || c.team === SMALL_TEAMS_ID)
          .reduce(
            (acc, c) => ({
              team: SMALL_TEAMS_ID,
              calls: acc.calls + c.calls,
              recorded: acc.recorded + c.recorded,
              transferred: acc.transferred + c.transferred,
            }),
            { team: SMALL_TEAMS_ID, calls: 0, recorded: 0, transferred: 0 },
          ),
      ],
    },
    smallTeams: { merged: small.size + (m.smallTeams?.merged ?? 0), sameTeamListens },
  };
}
