/**
 * The retention sweeper's environment: names, the builder the RetentionSweeper construct uses,
 * and the parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { HARD_LIMITS } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { jsonOf, parseEnvironment, requiredName, wholeNumber } from '../shared/config';

export const RETENTION_SWEEPER_ENV = {
  bucket: 'RECORDINGS_BUCKET',
  /** The recordings index: each key removed is marked there (lambda/shared/retention-index.ts). */
  recordingsTable: 'RECORDINGS_TABLE',
  /** JSON array of the key prefixes swept (each ending in `/`): the bucket's recording prefixes. */
  prefixes: 'SWEEP_PREFIXES',
  retentionDays: 'RECORDING_RETENTION_DAYS',
  /** Hours between two runs of the schedule: a key goes once waiting one more run would pass the limit. */
  intervalHours: 'SWEEP_INTERVAL_HOURS',
} as const;

/** The schedule the construct gives the sweeper: once a day. */
export const SWEEP_INTERVAL_HOURS = 24;

export interface RetentionSweeperResources {
  readonly bucket: string;
  readonly recordingsTable: string;
  readonly prefixes: readonly string[];
  readonly retentionDays: number;
  readonly intervalHours: number;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function retentionSweeperEnvironment(r: RetentionSweeperResources): Record<string, string> {
  return {
    [RETENTION_SWEEPER_ENV.bucket]: r.bucket,
    [RETENTION_SWEEPER_ENV.recordingsTable]: r.recordingsTable,
    [RETENTION_SWEEPER_ENV.prefixes]: JSON.stringify(r.prefixes),
    [RETENTION_SWEEPER_ENV.retentionDays]: String(r.retentionDays),
    [RETENTION_SWEEPER_ENV.intervalHours]: String(r.intervalHours),
  };
}

const prefixList = z
  .array(z.string().regex(/^[^/].*\/$/, { error: 'each prefix is relative and ends in "/"' }))
  .min(1, { error: 'names no prefix' });

export const retentionSweeperEnvSchema = z.object({
  [RETENTION_SWEEPER_ENV.bucket]: requiredName,
  [RETENTION_SWEEPER_ENV.recordingsTable]: requiredName,
  [RETENTION_SWEEPER_ENV.prefixes]: jsonOf(prefixList),
  [RETENTION_SWEEPER_ENV.retentionDays]: wholeNumber(
    HARD_LIMITS.retentionDays.min,
    HARD_LIMITS.retentionDays.max,
  ),
  [RETENTION_SWEEPER_ENV.intervalHours]: wholeNumber(1, 24),
  ...auditEnvShape,
});

export interface RetentionSweeperConfig extends RetentionSweeperResources {
  readonly audit: AuditTarget;
}

export function retentionSweeperConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RetentionSweeperConfig {
  const e = parseEnvironment(retentionSweeperEnvSchema, env);
  return {
    bucket: e.RECORDINGS_BUCKET,
    recordingsTable: e.RECORDINGS_TABLE,
    prefixes: e.SWEEP_PREFIXES,
    retentionDays: e.RECORDING_RETENTION_DAYS,
    intervalHours: e.SWEEP_INTERVAL_HOURS,
    audit: auditTargetOf(e),
  };
}
