import { commitment, seedFromHex } from '../../lambda/core/lottery';
import type {
  AssignmentLine,
  MonthDecision,
  MonthModelInput,
  RequestOutcome,
} from '../../lambda/core/transparency/build';
import type { MonthData } from '../../lambda/core/transparency/model';

/** The month's revealed seed (its commitment matches). */
export const MONTH_SEED = 'ab'.repeat(32);
/** 10:00 UTC (11:00 in Paris) on a day of November 2026. */
export const novemberAt = (day: number): string => `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`;
/** A contact id numbered n. */
export const contactUuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Call n, not drawn for `from`, transferred (contact n + 1) to `to` and drawn there, on a November day. */
export const transferredCall = (n: number, from: string, to: string, day: number): MonthDecision[] => [
  { contactId: contactUuid(n), agentId: from, decidedAt: novemberAt(day), reason: 'not-drawn' },
  {
    contactId: contactUuid(n + 1),
    initialContactId: contactUuid(n),
    agentId: to,
    decidedAt: novemberAt(day),
    reason: 'drawn',
  },
];

/**
 * A small November 2026 month as its producer hands it to `buildMonthModel`: two teams of three
 * agents (`a1`…`a3` in `g-a` "Team A", `b1`…`b3` in `g-b` "Team B"), a coach in each, five decisions
 * of which calls 1 and 3 are transferred (call 1 from team A to team B, call 3 within team A), and
 * a seed committed before the month and revealed after it. No listens, plans or requests.
 */
export const monthInput = (): MonthModelInput => ({
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
    { contactId: contactUuid(1), agentId: 'a1', decidedAt: novemberAt(3), reason: 'drawn' },
    {
      contactId: contactUuid(2),
      initialContactId: contactUuid(1),
      agentId: 'b1',
      decidedAt: novemberAt(3),
      reason: 'not-drawn',
    },
    { contactId: contactUuid(3), agentId: 'a2', decidedAt: novemberAt(4), reason: 'not-drawn' },
    {
      contactId: contactUuid(4),
      initialContactId: contactUuid(3),
      agentId: 'a3',
      decidedAt: novemberAt(4),
      reason: 'drawn',
    },
    { contactId: contactUuid(5), agentId: 'b2', decidedAt: novemberAt(5), reason: 'drawn' },
  ],
  assignments: [],
  plans: [],
  requests: [],
  seed: {
    commitment: commitment(seedFromHex(MONTH_SEED)),
    committedAt: '2026-10-20T00:00:00.000Z',
    seed: MONTH_SEED,
    revealedAt: '2026-12-02T00:15:00.000Z',
  },
});

/**
 * Three teams whose every figure is known by hand. Team A: a1, a2, a3 (calls 1 and 3 transferred,
 * a1 recorded twice). Team B: b1, b2, b3 recorded once each, b4 a staff representative (excluded
 * line) never recorded. Team C: three agents (c3 excluded), no call and no coach. Calls 1, 3 and
 * 5…10: 8 calls, 6 recorded, 2 transferred. a1's second recording is at midnight, Paris time,
 * starting 10 November. Listens, plans of every status, requests of every kind, arrival and status,
 * and both verifications passed.
 */
export const KNOWN_MIDNIGHT = '2026-11-09T23:00:00.000Z';
export const knownMonthInput = (): MonthModelInput => {
  const i = monthInput();
  const listen = (n: number, agentId: string, coachId: string): AssignmentLine => ({
    period: '2026-11',
    contactId: contactUuid(n),
    agentId,
    agentTeam: `g-${agentId[0]}`,
    coachId,
    coachTeam: coachId === 'ka' ? 'g-a' : 'g-b',
  });
  const request = (
    requestId: string,
    kind: RequestOutcome['kind'],
    arrival: RequestOutcome['arrival'],
    agentId: string,
    status: RequestOutcome['status'],
    times: Pick<RequestOutcome, 'requestedAt' | 'completedAt'>,
  ): RequestOutcome => ({
    requestId,
    kind,
    arrival,
    agentId,
    status,
    ...times,
    contactId: contactUuid(1),
    proved: status === 'done',
  });
  const requestAt = (day: number, seconds?: number) => ({
    requestedAt: novemberAt(day),
    ...(seconds === undefined
      ? {}
      : { completedAt: new Date(Date.parse(novemberAt(day)) + seconds * 1000).toISOString() }),
  });
  return {
    ...i,
    teams: [...i.teams, { id: 'g-c', name: 'Team C' }],
    agents: [
      ...i.agents,
      { id: 'b4', teamId: 'g-b', excluded: true },
      ...['c1', 'c2', 'c3'].map((id) => ({ id, teamId: 'g-c', excluded: id === 'c3' })),
    ],
    coaches: [...i.coaches, { id: 'kb2', teamId: 'g-b' }],
    decisions: [
      ...i.decisions,
      { contactId: contactUuid(6), agentId: 'b1', decidedAt: novemberAt(6), reason: 'drawn' },
      { contactId: contactUuid(7), agentId: 'b3', decidedAt: novemberAt(7), reason: 'drawn' },
      { contactId: contactUuid(8), agentId: 'b4', decidedAt: novemberAt(7), reason: 'excluded-line' },
      { contactId: contactUuid(9), agentId: 'a1', decidedAt: KNOWN_MIDNIGHT, reason: 'drawn' },
      { contactId: contactUuid(10), agentId: 'b3', decidedAt: novemberAt(12), reason: 'not-drawn' },
    ],
    // Coach ka (team A) listens to b1, b2, b3; kb (team B) to a1 and a3, kb2 (team B) to a1.
    assignments: [
      listen(1, 'a1', 'kb'),
      listen(9, 'a1', 'kb2'),
      listen(4, 'a3', 'kb'),
      listen(5, 'b2', 'ka'),
      listen(6, 'b1', 'ka'),
      listen(7, 'b3', 'ka'),
    ],
    plans: [
      { label: 'plan-01', agentId: 'a1', extraListens: 2, status: 'approved' },
      { label: 'plan-02', agentId: 'a3', extraListens: 1, status: 'expired' },
      { label: 'plan-03', agentId: 'b1', extraListens: 5, status: 'proposed' },
      { label: 'plan-04', agentId: 'b2', extraListens: 7, status: 'rejected' },
      { label: 'plan-05', agentId: 'b3', extraListens: 4, status: 'approved' },
    ],
    requests: [
      request('r1', 'deletion', 'request-first', 'a1', 'done', requestAt(3, 60)),
      request('r2', 'deletion', 'request-first', 'b2', 'done', requestAt(5, 600)),
      request('r3', 'deletion', 'request-first', 'b1', 'done', requestAt(6, 120)),
      // A stored completion instant on a request that failed does not make it done.
      request('r4', 'deletion', 'file-first', 'b3', 'failed', requestAt(7, 90)),
      request('r5', 'deletion', 'file-first', 'a3', 'waiting-for-recording', requestAt(8)),
      request('r6', 'redaction', 'file-first', 'b1', 'done', requestAt(9, 30)),
    ],
    verification: {
      decisions: { ok: true, violations: 0 },
      audit: { ok: true, chains: 2, records: 20 },
    },
  };
};

/**
 * `month` with `count` more teams (`extra-0`…) of three agents each who took no call: a larger
 * centre's page, table and matrix must still fit. Changes `month` in place and returns it.
 */
export function withExtraTeams(month: MonthData, count: number, teamName: (t: number) => string): MonthData {
  for (let t = 0; t < count; t++) {
    const id = `extra-${t}`;
    month.teams.push({ id, name: teamName(t) });
    month.calls.byTeam.push({ team: id, calls: 0, recorded: 0, transferred: 0 });
    for (let k = 0; k < 3; k++) {
      month.agents.push({
        id: `B${String(t * 3 + k).padStart(3, '0')}`,
        team: id,
        excluded: false,
        decisions: 0,
        recorded: 0,
        recordings: [],
        listens: 0,
        planExtra: 0,
      });
    }
  }
  return month;
}
