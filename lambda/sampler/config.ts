/**
 * The sampler's configuration: the policy fields it enforces (environment `FAIRLISTEN_POLICY`) and the
 * table and instance names, written by the SamplingService construct and by the local simulation with
 * `samplerEnvironment` below. Read once at module load; a bad value stops the function at init with a
 * message that names it, so a misconfigured sampler never answers at all (the flow then fails closed).
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { ALGORITHM_V2 } from '../core/fair-lottery';
import { ALGORITHM_VERSION } from '../core/lottery';
import { HARD_LIMITS, type RecordingPolicy } from '../core/policy';
import { requireEnv } from '../shared/env';

export type SamplerPolicy = Pick<
  RecordingPolicy,
  | 'version'
  | 'timezone'
  | 'samplingRate'
  | 'maxRecordingsPerAgentPerMonth'
  | 'excludedAgents'
  | 'excludedQueues'
  | 'auditRetentionDays'
> &
  Partial<Pick<RecordingPolicy, 'algorithmVersion'>>;

/** The policy fields the sampler enforces, as the function receives them (and the template shows). */
export function samplerPolicyEnvironment(policy: SamplerPolicy): string {
  return JSON.stringify({
    version: policy.version,
    timezone: policy.timezone,
    samplingRate: policy.samplingRate,
    maxRecordingsPerAgentPerMonth: policy.maxRecordingsPerAgentPerMonth,
    excludedAgents: policy.excludedAgents,
    excludedQueues: policy.excludedQueues,
    auditRetentionDays: policy.auditRetentionDays,
    // Only when not version 1, so the environment of an existing deployment stays byte for byte the same.
    ...(policy.algorithmVersion && policy.algorithmVersion !== ALGORITHM_VERSION
      ? { algorithmVersion: policy.algorithmVersion }
      : {}),
  });
}

// zod/mini (tree-shakable: the sampler bundle stays small) with the messages of full zod.
z.config(en());

const samplerPolicySchema = z.strictObject({
  version: z.string().check(z.minLength(1)),
  timezone: z.string().check(z.minLength(1)),
  samplingRate: z.number().check(z.gt(0), z.lte(HARD_LIMITS.samplingRate.max)),
  maxRecordingsPerAgentPerMonth: z
    .int()
    .check(
      z.gte(HARD_LIMITS.maxRecordingsPerAgentPerMonth.min),
      z.lte(HARD_LIMITS.maxRecordingsPerAgentPerMonth.max),
    ),
  excludedAgents: z.array(z.string()),
  excludedQueues: z.array(z.string()),
  auditRetentionDays: z.int().check(z.gte(1), z.lte(HARD_LIMITS.auditRetentionDays.max)),
  algorithmVersion: z.optional(z.enum([ALGORITHM_VERSION, ALGORITHM_V2])),
});

export function parseSamplerPolicy(json: string): SamplerPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('environment variable FAIRLISTEN_POLICY is not JSON');
  }
  const parsed = samplerPolicySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`environment variable FAIRLISTEN_POLICY is invalid: ${problems}`);
  }
  return parsed.data;
}

export interface SamplerConfig {
  readonly policy: SamplerPolicy;
  readonly decisionsTable: string;
  readonly quotasTable: string;
  /** Where a drawn decision is reserved before StartContactRecording (lambda/shared/reservations.ts). */
  readonly reservationsTable: string;
  readonly seedsTable: string;
  /** Bare id of the Connect instance the sampler may record on. */
  readonly instanceId: string;
}

/** The sampler's environment variables (the construct and the simulation set all of them). */
export const SAMPLER_ENV = {
  policy: 'FAIRLISTEN_POLICY',
  /** The algorithm the sampler decides with, as published (read by the compliance report). */
  algorithm: 'FAIRLISTEN_ALGORITHM',
  decisionsTable: 'DECISIONS_TABLE',
  quotasTable: 'QUOTAS_TABLE',
  reservationsTable: 'RESERVATIONS_TABLE',
  seedsTable: 'SEEDS_TABLE',
  instanceId: 'CONNECT_INSTANCE_ID',
} as const;

/** The sampler's environment, from its tables, the Connect instance and the policy. */
export function samplerEnvironment(
  r: Omit<SamplerConfig, 'policy'>,
  policy: SamplerPolicy,
): Record<string, string> {
  return {
    [SAMPLER_ENV.policy]: samplerPolicyEnvironment(policy),
    [SAMPLER_ENV.algorithm]: policy.algorithmVersion ?? ALGORITHM_VERSION,
    [SAMPLER_ENV.decisionsTable]: r.decisionsTable,
    [SAMPLER_ENV.quotasTable]: r.quotasTable,
    [SAMPLER_ENV.reservationsTable]: r.reservationsTable,
    [SAMPLER_ENV.seedsTable]: r.seedsTable,
    [SAMPLER_ENV.instanceId]: r.instanceId,
  };
}

export function samplerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SamplerConfig {
  const policy = parseSamplerPolicy(requireEnv(SAMPLER_ENV.policy, env));
  // A template that shows another algorithm than the one the sampler decides with is refused at init.
  const algorithm = env[SAMPLER_ENV.algorithm];
  const decidesWith = policy.algorithmVersion ?? ALGORITHM_VERSION;
  if (algorithm !== undefined && algorithm !== decidesWith) {
    throw new Error(
      `environment variable ${SAMPLER_ENV.algorithm} is ${algorithm}, but FAIRLISTEN_POLICY decides with ${decidesWith}`,
    );
  }
  return {
    policy,
    decisionsTable: requireEnv(SAMPLER_ENV.decisionsTable, env),
    quotasTable: requireEnv(SAMPLER_ENV.quotasTable, env),
    reservationsTable: requireEnv(SAMPLER_ENV.reservationsTable, env),
    seedsTable: requireEnv(SAMPLER_ENV.seedsTable, env),
    instanceId: requireEnv(SAMPLER_ENV.instanceId, env),
  };
}
