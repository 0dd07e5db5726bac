/**
 * The listening rule as the assignment and views functions receive it (`LISTENING_POLICY`), and the
 * roster settings both use to read teams and coaches from Connect. Derived from the recording
 * policy here, once, for the construct, the simulation and both parsers.
 */
import { z } from 'zod';
import { HARD_LIMITS, HIERARCHY_LEVELS, type RecordingPolicy } from '../core/policy';
import { jsonOf, requiredName } from './config';

/** Name of the hierarchy group, below a team, that holds the team's coaches (lambda/shared/roster.ts). */
export const DEFAULT_COACH_GROUP_NAME = 'Coaches';

export const LISTENING_ENV = {
  listeningTable: 'LISTENING_TABLE',
  plansTable: 'PLANS_TABLE',
  policy: 'LISTENING_POLICY',
  instanceId: 'CONNECT_INSTANCE_ID',
  teamLevel: 'TEAM_HIERARCHY_LEVEL',
  coachGroupName: 'COACH_HIERARCHY_GROUP_NAME',
} as const;

const bounded = (limit: { readonly min: number; readonly max: number }) =>
  z.int().min(limit.min).max(limit.max);

export const listeningPolicySchema = z
  .strictObject({
    minPerAgent: bounded(HARD_LIMITS.listensPerAgentPerMonth),
    maxPerAgent: bounded(HARD_LIMITS.listensPerAgentPerMonth),
    maxPerCoach: bounded(HARD_LIMITS.maxListensPerCoachPerMonth),
    maxExtraListens: bounded(HARD_LIMITS.coachingPlanMaxExtraListens),
    timezone: requiredName,
    auditRetentionDays: z.int().min(1).max(HARD_LIMITS.auditRetentionDays.max),
    /** URL issues per listen (a coach may resume once if a URL expired mid-call). */
    playsPerListen: z.int().min(1).max(3),
  })
  .refine((p) => p.minPerAgent <= p.maxPerAgent, { error: 'minPerAgent is above maxPerAgent' });

export type ListeningPolicy = z.output<typeof listeningPolicySchema>;

/** The listening rule of `policy`, with the plays a coach gets per assigned listen. */
export function listeningPolicyOf(
  policy: Pick<
    RecordingPolicy,
    | 'listensPerAgentPerMonth'
    | 'maxListensPerCoachPerMonth'
    | 'coachingPlan'
    | 'timezone'
    | 'auditRetentionDays'
  >,
  playsPerListen: number,
): ListeningPolicy {
  return {
    minPerAgent: policy.listensPerAgentPerMonth.min,
    maxPerAgent: policy.listensPerAgentPerMonth.max,
    maxPerCoach: policy.maxListensPerCoachPerMonth,
    maxExtraListens: policy.coachingPlan.maxExtraListens,
    timezone: policy.timezone,
    auditRetentionDays: policy.auditRetentionDays,
    playsPerListen,
  };
}

/** Where the roster comes from: the Connect instance, its team level and coach group name. */
export interface RosterSource {
  readonly instanceId: string;
  readonly teamLevel: (typeof HIERARCHY_LEVELS)[number];
  readonly coachGroupName: string;
}

/** The listening tables, rule and roster source: the part of the environment both functions share. */
export interface ListeningResources {
  readonly listeningTable: string;
  readonly plansTable: string;
  readonly policy: ListeningPolicy;
  readonly roster: RosterSource;
}

export function listeningEnvironment(r: ListeningResources): Record<string, string> {
  return {
    [LISTENING_ENV.listeningTable]: r.listeningTable,
    [LISTENING_ENV.plansTable]: r.plansTable,
    [LISTENING_ENV.policy]: JSON.stringify(r.policy),
    [LISTENING_ENV.instanceId]: r.roster.instanceId,
    [LISTENING_ENV.teamLevel]: r.roster.teamLevel,
    [LISTENING_ENV.coachGroupName]: r.roster.coachGroupName,
  };
}

/** The shared variables, to spread into the function's environment schema. */
export const listeningEnvShape = {
  [LISTENING_ENV.listeningTable]: requiredName,
  [LISTENING_ENV.plansTable]: requiredName,
  [LISTENING_ENV.policy]: jsonOf(listeningPolicySchema),
  [LISTENING_ENV.instanceId]: requiredName,
  [LISTENING_ENV.teamLevel]: z.enum(HIERARCHY_LEVELS),
  [LISTENING_ENV.coachGroupName]: requiredName,
} as const;

type ListeningEnv = z.output<z.ZodObject<typeof listeningEnvShape>>;

export const listeningResourcesOf = (env: ListeningEnv): ListeningResources => ({
  listeningTable: env.LISTENING_TABLE,
  plansTable: env.PLANS_TABLE,
  policy: env.LISTENING_POLICY,
  roster: {
    instanceId: env.CONNECT_INSTANCE_ID,
    teamLevel: env.TEAM_HIERARCHY_LEVEL,
    coachGroupName: env.COACH_HIERARCHY_GROUP_NAME,
  },
});
