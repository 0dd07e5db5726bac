/**
 * The write sentinel's environment: names, the builder the WriteSentinel construct uses, and the
 * parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { parseEnvironment, requiredName } from '../shared/config';

export const SENTINEL_ENV = { decisionsTable: 'DECISIONS_TABLE' } as const;

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function sentinelEnvironment(r: { readonly decisionsTable: string }): Record<string, string> {
  return { [SENTINEL_ENV.decisionsTable]: r.decisionsTable };
}

export const sentinelEnvSchema = z.object({
  [SENTINEL_ENV.decisionsTable]: requiredName,
  ...auditEnvShape,
});

export interface SentinelConfig {
  readonly decisionsTable: string;
  /** The audit table is both watched and written to (tamper records). */
  readonly audit: AuditTarget;
}

export function sentinelConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SentinelConfig {
  const e = parseEnvironment(sentinelEnvSchema, env);
  return { decisionsTable: e.DECISIONS_TABLE, audit: auditTargetOf(e) };
}
