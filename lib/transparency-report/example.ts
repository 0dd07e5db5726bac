/**
 * A realistic, deterministic month for tests, screenshots and `fairlisten transparency --example`.
 *
 * Four teams, 41 agents (two of them staff representatives, never recorded), eight coaches. Calls
 * fall on working hours (Monday–Saturday, 8:00–19:00 local) and go through the sampler's own rules:
 * excluded line, caller objection, the lottery at the policy rate, then the paced cap
 * (lambda/core/pacing.ts). Listens go to the least-loaded coach of another team. Same seed, same
 * month, byte for byte.
 */
import { createHash } from 'node:crypto';
import { mayRecord } from '../../lambda/core/pacing';
import { elapsedFraction, periodBounds } from '../../lambda/core/period';
import { callCounts, callReasons, callsOf } from '../../lambda/core/transparency/build';
import type { MonthData, ReasonKey } from '../../lambda/core/transparency/model';
import { monthDataSchema } from '../../lambda/core/transparency/model';
import { recordingTimeProfile } from '../../lambda/core/transparency/time-profile';
import { mulberry32 } from '../simulation/random';

export interface ExampleOptions {
  /** @default 20270301 */
  seed?: number;
  /** A month with a DST change, so days are not all 24 h. @default '2027-03' */
  period?: string;
}

const TEAMS = [
  { id: 'particuliers', name: 'Particuliers', agents: 12 },
  { id: 'professionnels', name: 'Professionnels', agents: 10 },
  { id: 'recouvrement', name: 'Recouvrement', agents: 8 },
  { id: 'support', name: 'Support technique', agents: 11 },
] as const;

const POLICY = {
  version: '2026-12',
  samplingRate: 0.2,
  maxRecordingsPerAgentPerMonth: 8,
  listensPerAgentPerMonth: { min: 2, max: 4 },
  maxListensPerCoachPerMonth: 40,
  retentionDays: 90,
  playbackUrlTtlSeconds: 300,
  timezone: 'Europe/Paris',
};

export function exampleMonthData(options: ExampleOptions = {}): MonthData {
  const rnd = mulberry32(options.seed ?? 20270301);
  const period = options.period ?? '2027-03';
  const tz = POLICY.timezone;
  const { start, end } = periodBounds(period, tz);
  const s = start.getTime();
  const e = end.getTime();
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  const local = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    hour: 'numeric',
    weekday: 'short',
  });
  const workingInstant = (): number => {
    for (;;) {
      const t = s + Math.floor(rnd() * (e - s));
      const parts = local.formatToParts(new Date(t));
      const hour = Number(parts.find((p) => p.type === 'hour')!.value);
      const weekday = parts.find((p) => p.type === 'weekday')!.value;
      if (weekday !== 'Sun' && hour >= 8 && hour < 19) return t;
    }
  };

  const cap = POLICY.maxRecordingsPerAgentPerMonth;
  const excludedIds = new Set(['A005', 'A027']);
  const agents: MonthData['agents'] = [];
  const decided: { decidedAt: string; recorded: boolean }[] = [];
  // Legs for the call counts: about 4 % of legs continue a call another agent answered first
  // (a transfer), chosen by a hash so the lottery's random stream stays as it was.
  const legs: {
    contactId: string;
    initialContactId?: string;
    agentId: string;
    decidedAt: string;
    reason: string;
  }[] = [];
  const teamOfAgent = new Map<string, string>();
  const openCalls: { key: string; agentId: string }[] = [];
  let n = 0;
  for (const team of TEAMS) {
    for (let i = 0; i < team.agents; i++) {
      const id = `A${String(++n).padStart(3, '0')}`;
      const excluded = excludedIds.has(id);
      // Most work full time; some are part-time or joined during the month (few calls, fewer recordings).
      const volume = rnd() < 0.2 ? int(12, 45) : int(170, 420);
      const calls = Array.from({ length: volume }, workingInstant).sort((a, b) => a - b);
      const recordings: { contactId: string; decidedAt: string }[] = [];
      for (const t of calls) {
        const f = elapsedFraction(new Date(t), tz);
        let reason: ReasonKey;
        if (excluded || rnd() < 0.025) reason = 'excluded-line';
        else if (rnd() < 0.015) reason = 'caller-objected';
        else if (rnd() >= POLICY.samplingRate) reason = 'not-drawn';
        else if (!mayRecord(recordings.length, cap, f)) reason = 'agent-cap-reached';
        else if (rnd() < 0.01) reason = 'record-failed';
        else reason = 'drawn';
        if (n === 17 && reason === 'not-drawn' && rnd() < 0.01) reason = 'error';
        const contactId = reason === 'drawn' ? uuid() : `${id}-${decided.length}`;
        if (reason === 'drawn') recordings.push({ contactId, decidedAt: new Date(t).toISOString() });
        decided.push({ decidedAt: new Date(t).toISOString(), recorded: reason === 'drawn' });
        const h = createHash('sha256').update(contactId).digest();
        const from = openCalls[h.readUInt32BE(1) % Math.max(1, openCalls.length)];
        const transfer = from !== undefined && from.agentId !== id && h[0]! < 10;
        legs.push({
          contactId,
          ...(transfer ? { initialContactId: from.key } : {}),
          agentId: id,
          decidedAt: new Date(t).toISOString(),
          reason,
        });
        if (!transfer) openCalls.push({ key: contactId, agentId: id });
      }
      teamOfAgent.set(id, team.id);
      agents.push({
        id,
        team: team.id,
        excluded,
        decisions: calls.length,
        recorded: recordings.length,
        recordings,
        listens: 0,
        planExtra: 0,
      });
    }
  }

  const coaches: MonthData['coaches'] = TEAMS.flatMap((team, t) => [
    { id: `K${String(2 * t + 1).padStart(2, '0')}`, team: team.id, listens: 0 },
    { id: `K${String(2 * t + 2).padStart(2, '0')}`, team: team.id, listens: 0 },
  ]);

  // Coaching plans: two approved (two extra listens each), one rejected, one expired last month.
  const planned = [
    { agent: 'A009', status: 'approved' as const, extra: 2 },
    { agent: 'A033', status: 'approved' as const, extra: 2 },
    { agent: 'A021', status: 'rejected' as const, extra: 3 },
    { agent: 'A014', status: 'expired' as const, extra: 1 },
  ];
  const plans: MonthData['plans'] = planned.map((p, i) => {
    const agent = agents.find((a) => a.id === p.agent)!;
    if (p.status === 'approved') agent.planExtra = p.extra;
    return {
      planId: `plan-${period}-${i + 1}`,
      agentTeam: agent.team,
      extraListens: p.extra,
      status: p.status,
    };
  });

  const assignments: MonthData['assignments'] = [];
  for (const agent of agents) {
    if (agent.recorded === 0) continue;
    const wanted = Math.min(
      agent.recorded,
      int(POLICY.listensPerAgentPerMonth.min, POLICY.listensPerAgentPerMonth.max) + agent.planExtra,
    );
    const pool = [...agent.recordings];
    for (let k = 0; k < wanted; k++) {
      const recording = pool.splice(Math.floor(rnd() * pool.length), 1)[0]!;
      const coach = coaches
        .filter((c) => c.team !== agent.team && c.listens < POLICY.maxListensPerCoachPerMonth)
        .sort((x, y) => x.listens - y.listens || (x.id < y.id ? -1 : 1))[0]!;
      coach.listens++;
      agent.listens++;
      assignments.push({
        contactId: recording.contactId,
        agentId: agent.id,
        agentTeam: agent.team,
        coachId: coach.id,
        coachTeam: coach.team,
      });
    }
  }

  const recordedAgents = agents.filter((a) => a.recorded > 0);
  const requests: MonthData['requests'] = [];
  const addRequest = (
    kind: 'deletion' | 'redaction',
    arrival: 'request-first' | 'file-first',
    status?: string,
  ) => {
    const agent = recordedAgents[Math.floor(rnd() * recordedAgents.length)]!;
    const requested = workingInstant();
    // Asked during the call: applied when the file lands after the call (tens of seconds to minutes).
    // Asked afterwards: applied at once (seconds).
    const seconds = arrival === 'request-first' ? 25 + rnd() * 380 : 0.8 + rnd() * rnd() * 9;
    const done = status === undefined;
    requests.push({
      kind,
      agentTeam: agent.team,
      status: (status ?? 'done') as MonthData['requests'][number]['status'],
      requestedAt: new Date(requested).toISOString(),
      ...(done ? { completedAt: new Date(requested + Math.round(seconds * 1000)).toISOString() } : {}),
      arrival,
    });
  };
  for (let i = 0; i < 9; i++) addRequest('deletion', 'file-first');
  for (let i = 0; i < 6; i++) addRequest('deletion', 'request-first');
  for (let i = 0; i < 4; i++) addRequest('redaction', 'file-first');
  for (let i = 0; i < 3; i++) addRequest('redaction', 'request-first');
  addRequest('redaction', 'file-first', 'failed');
  addRequest('deletion', 'request-first', 'waiting-for-recording');
  requests.sort((a, b) => (a.requestedAt < b.requestedAt ? -1 : 1));

  const seed = createHash('sha256')
    .update(`example seed ${period} ${options.seed ?? 20270301}`)
    .digest();
  const decisions = agents.reduce((sum, a) => sum + a.decisions, 0);
  const calls = callsOf(legs, (agentId) => teamOfAgent.get(agentId)!);
  const model: MonthData = {
    period,
    generatedAt: new Date(e + 6 * 3600_000).toISOString(),
    simulated: true,
    policy: POLICY,
    teams: TEAMS.map((t) => ({ id: t.id, name: t.name })),
    agents,
    coaches,
    assignments,
    plans,
    requests,
    // Calls, not legs, as the builder counts them: a transferred call is one call.
    reasons: callReasons(calls),
    seeds: {
      commitment: createHash('sha256').update(seed).digest('hex'),
      committedAt: new Date(s - 7 * 86_400_000 + 9 * 3600_000).toISOString(),
      revealedAt: new Date(e + 5 * 60_000).toISOString(),
      commitmentMatches: true,
    },
    verification: {
      decisions: { ok: true, violations: 0 },
      audit: {
        ok: true,
        chains: 7,
        records: decisions + assignments.length + 2 * requests.length + plans.length,
      },
    },
    capBreaches: 0,
    calls: callCounts(
      calls,
      TEAMS.map((t) => t.id),
    ),
    timeProfile: recordingTimeProfile(
      calls.map((c) => ({ decidedAt: c.decidedAt, recorded: c.reason === 'drawn' })),
      tz,
    ),
  };
  return monthDataSchema.parse(model);
}
