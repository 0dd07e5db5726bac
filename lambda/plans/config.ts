/**
 * The coaching function's environment (plans and evaluations): names, the builder the
 * ListeningService construct and the simulation use, and the parser the handler runs at module
 * load. No SDK (constructs load it).
 */
import { z } from 'zod';
import type { PlanLimits } from '../core/plans';
import { HARD_LIMITS, type IdentitySettings, type RecordingPolicy } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { envVars, json, parseEnvironment, text } from '../shared/config';
import { identityEnvironment, identityEnvShape, identityOf } from '../shared/identity-config';
import { type RosterSource, rosterEnvironment, rosterEnvShape, rosterOf } from '../shared/listening-config';
import type { IdentityConfig } from '../shared/principal';

const limitsSchema = z.strictObject({
  maxDays: z.int().min(HARD_LIMITS.coachingPlanMaxDays.min).max(HARD_LIMITS.coachingPlanMaxDays.max),
  maxExtraListens: z
    .int()
    .min(HARD_LIMITS.coachingPlanMaxExtraListens.min)
    .max(HARD_LIMITS.coachingPlanMaxExtraListens.max),
});

const coachingVars = envVars({
  plansTable: text('PLANS_TABLE'),
  listeningTable: text('LISTENING_TABLE'),
  timezone: text('FAIRLISTEN_TIMEZONE'),
  limits: json('COACHING_PLAN_LIMITS', limitsSchema),
});

export const COACHING_ENV = coachingVars.names;

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
    ...coachingVars.write({
      ...r,
      timezone: policy.timezone,
      limits: { maxDays: policy.coachingPlan.maxDays, maxExtraListens: policy.coachingPlan.maxExtraListens },
    }),
    ...rosterEnvironment(r.roster),
    ...identityEnvironment(policy.identity),
  };
}

export const coachingEnvSchema = z.object({
  ...coachingVars.shape,
  ...rosterEnvShape,
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
  return { ...coachingVars.read(e), roster: rosterOf(e), identity: identityOf(e), audit: auditTargetOf(e) };
}
