/**
 * Listens phase, after the reveal: the assignment draws the month's listens across teams within
 * the caps; in the next month coaches play them through playback (audit first, presigned URL) and
 * each coach files one evaluation. Assignment and playback run as their deployed bundles.
 */
import { assignmentEnvironment } from '../../../lambda/assignment/config';
import { periodBounds } from '../../../lambda/core/period';
import { playbackEnvironment } from '../../../lambda/playback/config';
import { auditEnvironment } from '../../../lambda/shared/audit-config';
import { DEFAULT_COACH_GROUP_NAME, listeningPolicyOf } from '../../../lambda/shared/listening-config';
import { readAssignmentLines } from '../../../lambda/shared/month-source';
import { loadHandler } from '../env';
import { SimRandom } from '../random';
import { RECORDINGS_BUCKET } from './arrivals';
import { type ApiHandler, DAY, HOUR, MINUTE, type MonthPhase } from './month-run';
import { apiEvent, type Persona } from './people';

const PLAYS_PER_LISTEN = 2;

type AssignmentHandler = (
  e: unknown,
) => Promise<{ outcome: string; listens?: number; missingListens?: number }>;

export const assignListens: MonthPhase = async (m, ctx) => {
  const { stack, clock, policy } = ctx;
  clock.set(m.end.getTime() + DAY + 2 * HOUR);
  const assign = await loadHandler<AssignmentHandler>(m.env, m.bundles.assignment, {
    ...assignmentEnvironment({
      listeningTable: stack.tables.listening!,
      plansTable: stack.tables.plans!,
      policy: listeningPolicyOf(policy, PLAYS_PER_LISTEN),
      roster: {
        instanceId: stack.connect.standIn.instanceId,
        teamLevel: policy.connect.teamHierarchyLevel,
        coachGroupName: DEFAULT_COACH_GROUP_NAME,
      },
      recordingsTable: stack.tables.recordings!,
      transparencyBucket: 'transparency',
    }),
    ...auditEnvironment({ table: stack.tables.audit!, retentionDays: policy.auditRetentionDays }),
  });
  const report = await assign({ period: m.period });
  m.stats.assignment = {
    outcome: report.outcome,
    listens: report.listens ?? 0,
    missingListens: report.missingListens ?? 0,
  };
  if (report.outcome !== 'assigned') throw new Error(`assignment of ${m.period}: ${report.outcome}`);
  const lines = await readAssignmentLines(m.services!.ddb, stack.tables.listening!, m.period);
  m.assignments.push(...lines);
  m.log(`  ${m.assignments.length} listens assigned; coaches play them in ${m.next}`);
};

export const playListens: MonthPhase = async (m, ctx) => {
  const { stack, clock, policy } = ctx;
  const identity = m.options.policy.identity;
  const playback = await loadHandler<ApiHandler>(m.env, m.bundles.playback, {
    ...playbackEnvironment(
      {
        listeningTable: stack.tables.listening!,
        recordingsTable: stack.tables.recordings!,
        bucket: RECORDINGS_BUCKET,
      },
      policy,
    ),
    ...auditEnvironment({ table: stack.tables.audit!, retentionDays: policy.auditRetentionDays }),
  });
  const plans = m.handlers.plans;
  if (!plans) throw new Error('the coaching phase must run before the listens (evaluations go to plans)');
  const listens = new SimRandom(m.options.seed, 'listens');
  const nextStart = periodBounds(m.next, m.timezone).start.getTime();
  const plays = m.assignments
    .filter(() => listens.chance(0.85))
    .map((a) => ({ a, at: nextStart + (2 + listens.int(18)) * DAY + (8 + listens.int(9)) * HOUR }))
    .sort((x, y) => x.at - y.at || (x.a.contactId < y.a.contactId ? -1 : 1));
  const evaluated = new Set<string>();
  for (const { a, at: when } of plays) {
    clock.set(when);
    const who: Persona = { role: 'coach', connectUserId: a.coachId };
    const res = await playback(
      apiEvent(identity, who, 'POST /recordings/{contactId}/playback', { contactId: a.contactId }),
    );
    if (res.statusCode !== 200) {
      m.stats.plays.refused++;
      continue;
    }
    const answer = JSON.parse(res.body) as { url: string; audit: { seq: number } };
    m.stats.plays.ok++;
    if (answer.audit.seq > 0 && answer.url.includes('X-Amz-Signature')) m.stats.plays.audited++;
    // One evaluation per coach: scores after listening.
    if (evaluated.has(a.coachId)) continue;
    evaluated.add(a.coachId);
    clock.set(when + 20 * MINUTE);
    const ev = await plans(
      apiEvent(
        identity,
        who,
        'POST /assignments/{contactId}/evaluation',
        { contactId: a.contactId },
        { scores: { greeting: 4, needAnalysis: 3, solution: 4, clarity: 5, courtesy: 5, closing: 4 } },
      ),
    );
    if (ev.statusCode !== 201 && ev.statusCode !== 200)
      throw new Error(`evaluation answered ${ev.statusCode}: ${ev.body}`);
    m.stats.evaluations++;
  }
  m.log(
    `  ${m.stats.plays.ok} listens played (audit first, ${policy.playbackUrlTtlSeconds}-s URL), ${m.stats.evaluations} evaluations`,
  );
};
