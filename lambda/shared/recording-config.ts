/**
 * The environment of the two functions that apply deletion and redaction requests (ingest and the
 * recording-actions executor): names, the builder the RecordingActions construct uses, and the
 * parser. No SDK (constructs load it); `recording-deps.ts` turns the parsed config into clients.
 */
import { z } from 'zod';
import { HARD_LIMITS } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from './audit-config';
import { envVars, parseEnvironment, text, whole } from './config';

const recordingVars = envVars({
  bucket: text('RECORDINGS_BUCKET'),
  /** Key of the recordings bucket: rewritten objects are encrypted with it. */
  kmsKeyId: text('RECORDINGS_KEY_ARN'),
  recordingsTable: text('RECORDINGS_TABLE'),
  requestsTable: text('REQUESTS_TABLE'),
  decisionsTable: text('DECISIONS_TABLE'),
  /** Days a recording is kept (the bucket's lifecycle). */
  retentionDays: whole('RECORDING_RETENTION_DAYS', 1, HARD_LIMITS.retentionDays.max),
});

export const RECORDING_ENV = recordingVars.names;

export interface RecordingResources {
  readonly bucket: string;
  readonly kmsKeyId: string;
  readonly recordingsTable: string;
  readonly requestsTable: string;
  readonly decisionsTable: string;
  readonly retentionDays: number;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export const recordingEnvironment = (r: RecordingResources): Record<string, string> => recordingVars.write(r);

export const recordingEnvSchema = z.object({ ...recordingVars.shape, ...auditEnvShape });

export interface RecordingConfig extends RecordingResources {
  readonly audit: AuditTarget;
}

export function recordingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RecordingConfig {
  const e = parseEnvironment(recordingEnvSchema, env);
  return { ...recordingVars.read(e), audit: auditTargetOf(e) };
}
