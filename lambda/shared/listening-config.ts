/**
 * The listening rule as the assignment and views functions receive it (`LISTENING_POLICY`), and the
 * roster settings both use to read teams and coaches from Connect. Derived from the recording
 * policy here, once, for the construct, the simulation and both parsers.
 */
import { z } from 'zod';
import { HARD_LIMITS, HIERARCHY_LEVELS, type RecordingPolicy } from '../core/policy';
import { envVars, json, oneOf, requiredName, text } from './config';

/** Name of the hierarchy group, below a team, that holds the team's coaches (lambda/shared/roster.ts). */
export const DEFAULT_COACH_GROUP_NAME = 'Coaches';

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

const rosterVars = envVars({
  instanceId: text('CONNECT_INSTANCE_ID'),
  teamLevel: oneOf('TEAM_HIERARCHY_LEVEL', HIERARCHY_LEVELS),
  coachGroupName: text('COACH_HIERARCHY_GROUP_NAME'),
});

const listeningVars = envVars({
  listeningTable: text('LISTENING_TABLE'),
  plansTable: text('PLANS_TABLE'),
  policy: json('LISTENING_POLICY', listeningPolicySchema),
});

export const ROSTER_ENV = rosterVars.names;
export const LISTENING_ENV = { ...listeningVars.names, ...ROSTER_ENV };

/** Where the roster comes from: the Connect instance, its team level and coach group name. */
export interface RosterSource {
  readonly instanceId: string;
  readonly teamLevel: (typeof HIERARCHY_LEVELS)[number];
  readonly coachGroupName: string;
}

export const rosterEnvironment = (r: RosterSource): Record<string, string> => rosterVars.write(r);
export const rosterEnvShape = rosterVars.shape;
export const rosterOf = (env: z.output<z.ZodObject<typeof rosterEnvShape>>): RosterSource =>
  rosterVars.read(env);

/** The listening tables, rule and roster source: the part of the environment both functions share. */
export interface ListeningResources {
  readonly listeningTable: string;
  readonly plansTable: string;
  readonly policy: ListeningPolicy;
  readonly roster: RosterSource;
}

export function listeningEnvironment(r: ListeningResources): Record<string, string> {
  return { ...listeningVars.write(r), ...rosterVars.write(r.roster) };
}

/** The shared variables, to spread into the function's environment schema. */
export const listeningEnvShape = { ...listeningVars.shape, ...rosterEnvShape };

export const listeningResourcesOf = (
  env: z.output<z.ZodObject<typeof listeningEnvShape>>,
): ListeningResources => ({
  ...listeningVars.read(env),
  roster: rosterOf(env),
});
