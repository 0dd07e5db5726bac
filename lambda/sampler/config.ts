/**
 * The sampler's configuration: the policy fields it enforces (environment `FAIRLISTEN_POLICY`, written
 * by the SamplingService construct and by the local simulation from the same function below) and the
 * table and instance names. Read once at module load; a bad value stops the function at init with a
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
  readonly seedsTable: string;
  /** Bare id of the Connect instance the sampler may record on. */
  readonly instanceId: string;
}

export function samplerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SamplerConfig {
  return {
    policy: parseSamplerPolicy(requireEnv('FAIRLISTEN_POLICY', env)),
    decisionsTable: requireEnv('DECISIONS_TABLE', env),
    quotasTable: requireEnv('QUOTAS_TABLE', env),
    seedsTable: requireEnv('SEEDS_TABLE', env),
    instanceId: requireEnv('CONNECT_INSTANCE_ID', env),
  };
}
