/**
 * The audit environment of every function that appends to the audit log. Only the audit-log
 * construct writes it (`AuditLog.bindWriter`, which grants the append at the same time); the
 * config of each auditing function requires it, so such a function cannot run without its log.
 */
import type { z } from 'zod';
import { HARD_LIMITS } from '../core/policy';
import { requiredName, wholeNumber } from './config';

export const AUDIT_ENV = { table: 'AUDIT_TABLE', retentionDays: 'AUDIT_RETENTION_DAYS' } as const;

/** Where a function appends its audit records, and how long they are kept. */
export interface AuditTarget {
  readonly table: string;
  /** Days an audit record is kept (1..365). */
  readonly retentionDays: number;
}

export function auditEnvironment(target: AuditTarget): Record<string, string> {
  return { [AUDIT_ENV.table]: target.table, [AUDIT_ENV.retentionDays]: String(target.retentionDays) };
}

/** The audit variables, to spread into a function's environment schema. */
export const auditEnvShape = {
  [AUDIT_ENV.table]: requiredName,
  [AUDIT_ENV.retentionDays]: wholeNumber(1, HARD_LIMITS.auditRetentionDays.max),
} as const;

type AuditEnv = z.output<z.ZodObject<typeof auditEnvShape>>;

export const auditTargetOf = (env: AuditEnv): AuditTarget => ({
  table: env.AUDIT_TABLE,
  retentionDays: env.AUDIT_RETENTION_DAYS,
});
