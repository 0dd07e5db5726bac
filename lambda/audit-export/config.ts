/**
 * The audit exporter's environment: names, the builder the AuditLog construct uses, and the parser
 * the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { optionalName, parseEnvironment, requiredName } from '../shared/config';

/** Where the exporter writes in the audit bucket; the prefix is the exporter's alone. */
export const EXPORT_PREFIX = 'exports/';

export const AUDIT_EXPORT_ENV = {
  bucket: 'AUDIT_BUCKET',
  decisionsTable: 'DECISIONS_TABLE',
  /** KMS key signing the run's heads under `published/` (set by the Publication construct). */
  headsKeyId: 'HEADS_KEY_ID',
} as const;

export interface AuditExportResources {
  readonly bucket: string;
  /** The sampler's decisions, appended to their chains before each export. */
  readonly decisionsTable: string;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function auditExportEnvironment(r: AuditExportResources): Record<string, string> {
  return { [AUDIT_EXPORT_ENV.bucket]: r.bucket, [AUDIT_EXPORT_ENV.decisionsTable]: r.decisionsTable };
}

export const auditExportEnvSchema = z.object({
  [AUDIT_EXPORT_ENV.bucket]: requiredName,
  [AUDIT_EXPORT_ENV.decisionsTable]: requiredName,
  [AUDIT_EXPORT_ENV.headsKeyId]: optionalName,
  ...auditEnvShape,
});

export interface AuditExportConfig extends AuditExportResources {
  readonly audit: AuditTarget;
  /** Without it, heads are not signed nor published. */
  readonly headsKeyId?: string;
}

export function auditExportConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuditExportConfig {
  const e = parseEnvironment(auditExportEnvSchema, env);
  return {
    bucket: e.AUDIT_BUCKET,
    decisionsTable: e.DECISIONS_TABLE,
    audit: auditTargetOf(e),
    headsKeyId: e.HEADS_KEY_ID,
  };
}
