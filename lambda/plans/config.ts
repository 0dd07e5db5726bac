/**
 * The coaching function's environment (plans and evaluations): names, the builder the
 * ListeningService construct and the simulation use, and the parser the handler runs at module
 * load. No SDK (constructs load it).
 */
import { z } from 'zod';
import type { PlanLimits } from '../core/plans';
import { HARD_LIMITS, type IdentitySettings, type RecordingPolicy } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { jsonOf, parseEnvironment, requiredName } from '../shared/config';
import { identityEnvironment, identityEnvShape, identityOf } from '../shared/identity-config';
import { LISTENING_ENV, listeningEnvShape, type RosterSource } from '../shared/listening-config';
import type { IdentityConfig } from '../shared/principal';

export const COACHING_ENV = {
  plansTable: 'PLANS_TABLE',
  listeningTable: 'LISTENING_TABLE',
  timezone: 'FAIRLISTEN_TIMEZONE',
  limits: 'COACHING_PLAN_LIMITS',
} as const;

export interface CoachingResources {
  readonly plansTable: string;
  readonly listeningTable: string;
  /** The live roster: a coach proposes plans only for another team's agents. */
  readonly roster: RosterSource;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function coachingEnvironment(
  r: CoachingResources,
  policy: Pick<RecordingPolicy, 'timezone' | 'coachingPlan'> & { readonly identity: IdentitySettings },
): Record<string, string> {
  return {
    [COACHING_ENV.plansTable]: r.plansTable,
    [COACHING_ENV.listeningTable]: r.listeningTable,
    [COACHING_ENV.timezone]: policy.timezone,
    [COACHING_ENV.limits]: JSON.stringify({
      maxDays: policy.coachingPlan.maxDays,
      maxExtraListens: policy.coachingPlan.maxExtraListens,
    }),
    [LISTENING_ENV.instanceId]: r.roster.instanceId,
    [LISTENING_ENV.teamLevel]: r.roster.teamLevel,
    [LISTENING_ENV.coachGroupName]: r.roster.coachGroupName,
    ...identityEnvironment(policy.identity),
  };
}

const limitsSchema = z.strictObject({
  maxDays: z.int().min(HARD_LIMITS.coachingPlanMaxDays.min).max(HARD_LIMITS.coachingPlanMaxDays.max),
  maxExtraListens: z
    .int()
    .min(HARD_LIMITS.coachingPlanMaxExtraListens.min)
    .max(HARD_LIMITS.coachingPlanMaxExtraListens.max),
});

export const coachingEnvSchema = z.object({
  [COACHING_ENV.plansTable]: requiredName,
  [COACHING_ENV.listeningTable]: requiredName,
  [COACHING_ENV.timezone]: requiredName,
  [COACHING_ENV.limits]: jsonOf(limitsSchema),
  [LISTENING_ENV.instanceId]: listeningEnvShape[LISTENING_ENV.instanceId],
  [LISTENING_ENV.teamLevel]: listeningEnvShape[LISTENING_ENV.teamLevel],
  [LISTENING_ENV.coachGroupName]: listeningEnvShape[LISTENING_ENV.coachGroupName],
  ...identityEnvShape,
  ...auditEnvShape,
});

export interface CoachingConfig extends CoachingResources {
  readonly timezone: string;
  readonly limits: PlanLimits;
  readonly identity: IdentityConfig;
  readonly audit: AuditTarget;
}

export function coachingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): CoachingConfig {
  const e = parseEnvironment(coachingEnvSchema, env);
  return {
    plansTable: e.PLANS_TABLE,
    listeningTable: e.LISTENING_TABLE,
    timezone: e.FAIRLISTEN_TIMEZONE,
    limits: e.COACHING_PLAN_LIMITS,
    roster: {
      instanceId: e.CONNECT_INSTANCE_ID,
      teamLevel: e.TEAM_HIERARCHY_LEVEL,
      coachGroupName: e.COACH_HIERARCHY_GROUP_NAME,
    },
    identity: identityOf(e),
    audit: auditTargetOf(e),
  };
}
