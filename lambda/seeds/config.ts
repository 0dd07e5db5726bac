/**
 * The seed function's environment: names, the builder the SeedVault construct uses, and the parser
 * the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import type { JsonObject } from '../core/canonical-json';
import { HARD_LIMITS, type RecordingPolicy } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import {
  definedEntries,
  jsonOf,
  optionalName,
  parseEnvironment,
  requiredName,
  wholeNumber,
} from '../shared/config';

export const SEEDS_ENV = {
  table: 'SEEDS_TABLE',
  timezone: 'FAIRLISTEN_TIMEZONE',
  revealGraceDays: 'SEED_REVEAL_GRACE_DAYS',
  retentionDays: 'SEED_RETENTION_DAYS',
  transparencyBucket: 'TRANSPARENCY_BUCKET',
  /** The write-once publication (commitments, seeds, the policy document); set with the next one. */
  publicationBucket: 'PUBLICATION_BUCKET',
  /** The policy document the seed function publishes: the sampler's policy environment. */
  publishedPolicy: 'PUBLISHED_POLICY',
} as const;

/** Whole days after a period's end before its seed is revealed, when the environment names none. */
export const DEFAULT_REVEAL_GRACE_DAYS = 1;
export const MAX_REVEAL_GRACE_DAYS = 31;

export interface SeedsResources {
  readonly table: string;
  readonly revealGraceDays: number;
  /** Bucket of the public `transparency/seeds/<period>.json` objects; without it nothing is written to S3. */
  readonly transparencyBucket?: string;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function seedsEnvironment(
  r: SeedsResources,
  policy: Pick<RecordingPolicy, 'timezone' | 'auditRetentionDays'>,
): Record<string, string> {
  return {
    [SEEDS_ENV.table]: r.table,
    [SEEDS_ENV.timezone]: policy.timezone,
    [SEEDS_ENV.revealGraceDays]: String(r.revealGraceDays),
    [SEEDS_ENV.retentionDays]: String(policy.auditRetentionDays),
    ...definedEntries({ [SEEDS_ENV.transparencyBucket]: r.transparencyBucket }),
  };
}

const jsonObject = z.custom<JsonObject>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  error: 'must be a JSON object',
});

export const seedsEnvSchema = z
  .object({
    [SEEDS_ENV.table]: requiredName,
    [SEEDS_ENV.timezone]: requiredName,
    [SEEDS_ENV.revealGraceDays]: wholeNumber(1, MAX_REVEAL_GRACE_DAYS).optional(),
    [SEEDS_ENV.retentionDays]: wholeNumber(1, HARD_LIMITS.auditRetentionDays.max),
    [SEEDS_ENV.transparencyBucket]: optionalName,
    [SEEDS_ENV.publicationBucket]: optionalName,
    [SEEDS_ENV.publishedPolicy]: jsonOf(jsonObject).optional(),
    ...auditEnvShape,
  })
  .refine((e) => !e.PUBLICATION_BUCKET || e.PUBLISHED_POLICY !== undefined, {
    error: 'required with PUBLICATION_BUCKET',
    path: [SEEDS_ENV.publishedPolicy],
  });

export interface SeedsConfig extends SeedsResources {
  readonly timezone: string;
  /** Days a seed item is kept (the audit retention). */
  readonly retentionDays: number;
  readonly audit: AuditTarget;
  /** The write-once publication and the policy document published there. */
  readonly publication?: { readonly bucket: string; readonly policy: JsonObject };
}

export function seedsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SeedsConfig {
  const e = parseEnvironment(seedsEnvSchema, env);
  return {
    table: e.SEEDS_TABLE,
    timezone: e.FAIRLISTEN_TIMEZONE,
    revealGraceDays: e.SEED_REVEAL_GRACE_DAYS ?? DEFAULT_REVEAL_GRACE_DAYS,
    retentionDays: e.SEED_RETENTION_DAYS,
    transparencyBucket: e.TRANSPARENCY_BUCKET,
    audit: auditTargetOf(e),
    ...(e.PUBLICATION_BUCKET && e.PUBLISHED_POLICY
      ? { publication: { bucket: e.PUBLICATION_BUCKET, policy: e.PUBLISHED_POLICY } }
      : {}),
  };
}
