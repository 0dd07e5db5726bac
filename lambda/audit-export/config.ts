/**
 * The audit exporter's environment: names, the builder the AuditLog construct uses, and the parser
 * the handler runs at module load. No SDK (constructs load it).
 */
import { z } from 'zod';
import { type AuditTarget, auditEnvShape, auditTargetOf } from '../shared/audit-config';
import { envVars, optionalText, parseEnvironment, text } from '../shared/config';

/** Where the exporter writes in the audit bucket; the prefix is the exporter's alone. */
export const EXPORT_PREFIX = 'exports/';

const exportVars = envVars({
  bucket: text('AUDIT_BUCKET'),
  /** The sampler's decisions, appended to their chains before each export. */
  decisionsTable: text('DECISIONS_TABLE'),
  /** KMS key signing the run's heads under `published/` (set by the Publication construct). */
  headsKeyId: optionalText('HEADS_KEY_ID'),
});

export const AUDIT_EXPORT_ENV = exportVars.names;

export interface AuditExportResources {
  readonly bucket: string;
  readonly decisionsTable: string;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those; the Publication construct sets the key). */
export function auditExportEnvironment(r: AuditExportResources): Record<string, string> {
  return exportVars.write(r);
}

export const auditExportEnvSchema = z.object({ ...exportVars.shape, ...auditEnvShape });

export interface AuditExportConfig extends AuditExportResources {
  readonly audit: AuditTarget;
  /** Without it, heads are not signed nor published. */
  readonly headsKeyId?: string;
}

export function auditExportConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuditExportConfig {
  const e = parseEnvironment(auditExportEnvSchema, env);
  return { ...exportVars.read(e), audit: auditTargetOf(e) };
}
