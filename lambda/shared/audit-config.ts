/**
 * The audit environment of every function that appends to the audit log. Only the audit-log
 * construct writes it (`AuditLog.bindWriter`, which grants the append at the same time); the
 * config of each auditing function requires it, so such a function cannot run without its log.
 */
import type { z } from 'zod';
import { HARD_LIMITS } from '../core/policy';
import { envVars, text, whole } from './config';

const auditVars = envVars({
  table: text('AUDIT_TABLE'),
  /** Days an audit record is kept (1..365). */
  retentionDays: whole('AUDIT_RETENTION_DAYS', 1, HARD_LIMITS.auditRetentionDays.max),
});

export const AUDIT_ENV = auditVars.names;

/** Where a function appends its audit records, and how long they are kept. */
export interface AuditTarget {
  readonly table: string;
  readonly retentionDays: number;
}

export const auditEnvironment = (target: AuditTarget): Record<string, string> => auditVars.write(target);

/** The audit variables, to spread into a function's environment schema. */
export const auditEnvShape = auditVars.shape;

export const auditTargetOf = (env: z.output<z.ZodObject<typeof auditEnvShape>>): AuditTarget =>
  auditVars.read(env);
