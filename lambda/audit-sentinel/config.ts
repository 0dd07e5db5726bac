/**
 * The write sentinel's environment: names, the builder the WriteSentinel construct uses, and the
 * parser the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { envVars, parseEnvironment, text } from '../shared/config';

const sentinelVars = envVars({ decisionsTable: text('DECISIONS_TABLE') });

export const SENTINEL_ENV = sentinelVars.names;

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function sentinelEnvironment(r: { readonly decisionsTable: string }): Record<string, string> {
  return sentinelVars.write(r);
}

export const sentinelEnvSchema = z.object({ ...sentinelVars.shape, ...auditEnvShape });

export interface SentinelConfig {
  readonly decisionsTable: string;
  /** The audit table is both watched and written to (tamper records). */
  readonly audit: AuditTarget;
}

export function sentinelConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SentinelConfig {
  const e = parseEnvironment(sentinelEnvSchema, env);
  return { ...sentinelVars.read(e), audit: auditTargetOf(e) };
}
