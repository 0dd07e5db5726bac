/**
 * Coaching phase: a coach proposes a plan for an agent of another team (extra listens), the DPO
 * approves it a few hours later. The plans core runs in process with seeded plan ids.
 */
import { type CoachingDeps, coachingDepsOf, createCoaching } from '../../../lambda/plans/coaching';
import { coachingConfigFromEnv, coachingEnvironment } from '../../../lambda/plans/config';
import { auditEnvironment } from '../../../lambda/shared/audit-config';
import { DEFAULT_COACH_GROUP_NAME } from '../../../lambda/shared/listening-config';
import { SimRandom } from '../random';
import { type ApiHandler, DAY, HOUR, type MonthPhase, servicesOf, silent } from './month-run';
import { apiEvent } from './people';

export const scheduleCoaching: MonthPhase = async (m, ctx) => {
  const { stack, policy } = ctx;
  const identity = m.options.policy.identity;
  // The plans core in process, as privacy runs: the plan ids come from the month's seed, so the
  // same seed gives the same assignments.jsonl (the deployed function draws random UUIDs).
  const config = coachingConfigFromEnv({
    ...coachingEnvironment(
      {
        plansTable: stack.tables.plans!,
        listeningTable: stack.tables.listening!,
        roster: {
          instanceId: stack.connect.standIn.instanceId,
          teamLevel: policy.connect.teamHierarchyLevel,
          coachGroupName: DEFAULT_COACH_GROUP_NAME,
        },
      },
      policy,
    ),
    ...auditEnvironment({ table: stack.tables.audit!, retentionDays: policy.auditRetentionDays }),
  });
  const { ddb, connect } = servicesOf(m, stack);
  const ids = new SimRandom(m.options.seed, 'plan-ids');
  const plans = createCoaching(
    coachingDepsOf(
      config,
      { ddb, connect },
      { now: () => new Date(), newId: () => ids.uuid(), logger: silent as unknown as CoachingDeps['logger'] },
    ),
  ) as ApiHandler;
  m.handlers.plans = plans;
  const coach = m.coaches[0];
  const planAgent = coach
    ? ctx.agents.find(
        (a) => !a.excluded && a.teamId !== coach.teamId && m.recorded.some((l) => l.agent.id === a.id),
      )
    : undefined;
  if (!coach || !planAgent) return;
  const proposeAt = m.start.getTime() + 17 * DAY + 9 * HOUR;
  let planId = '';
  const extra = Math.min(2, policy.coachingPlan.maxExtraListens);
  m.timeline.at(proposeAt, async () => {
    const res = await plans(
      apiEvent(
        identity,
        { role: 'coach', connectUserId: coach.id },
        'POST /plans',
        {},
        {
          agentId: planAgent.id,
          reason: 'onboarding follow-up agreed with the agent in the annual review',
          extraListens: extra,
          endsAt: new Date(proposeAt + 20 * DAY).toISOString(),
        },
      ),
    );
    if (res.statusCode !== 201) throw new Error(`plan proposal answered ${res.statusCode}: ${res.body}`);
    planId = (JSON.parse(res.body) as { planId: string }).planId;
    m.stats.plan = {
      label: 'plan-01',
      planId,
      agentId: planAgent.id,
      extraListens: extra,
      status: 'proposed',
    };
  });
  m.timeline.at(proposeAt + 5 * HOUR, async () => {
    const res = await plans(
      apiEvent(
        identity,
        { role: 'dpo', subject: 'dpo-1' },
        'POST /plans/{planId}/approval',
        { planId },
        {
          decision: 'approve',
        },
      ),
    );
    if (res.statusCode !== 200) throw new Error(`plan approval answered ${res.statusCode}: ${res.body}`);
    m.stats.plan!.status = 'approved';
  });
};
