/**
 * The environment of the two functions that apply deletion and redaction requests (ingest and the
 * recording-actions executor): names, the builder the RecordingActions construct uses, and the
 * parser. No SDK (constructs load it); `recording-deps.ts` turns the parsed config into clients.
 */
import { z } from 'zod';
import { HARD_LIMITS } from '../core/policy';
import { type AuditTarget, auditEnvShape, auditTargetOf } from './audit-config';
import { parseEnvironment, requiredName, wholeNumber } from './config';

export const RECORDING_ENV = {
  bucket: 'RECORDINGS_BUCKET',
  kmsKeyId: 'RECORDINGS_KEY_ARN',
  recordingsTable: 'RECORDINGS_TABLE',
  requestsTable: 'REQUESTS_TABLE',
  decisionsTable: 'DECISIONS_TABLE',
  retentionDays: 'RECORDING_RETENTION_DAYS',
} as const;

export interface RecordingResources {
  readonly bucket: string;
  /** Key of the recordings bucket: rewritten objects are encrypted with it. */
  readonly kmsKeyId: string;
  readonly recordingsTable: string;
  readonly requestsTable: string;
  readonly decisionsTable: string;
  /** Days a recording is kept (the bucket's lifecycle). */
  readonly retentionDays: number;
}

/** The environment, audit variables aside (`AuditLog.bindWriter` sets those). */
export function recordingEnvironment(r: RecordingResources): Record<string, string> {
  return {
    [RECORDING_ENV.bucket]: r.bucket,
    [RECORDING_ENV.kmsKeyId]: r.kmsKeyId,
    [RECORDING_ENV.recordingsTable]: r.recordingsTable,
    [RECORDING_ENV.requestsTable]: r.requestsTable,
    [RECORDING_ENV.decisionsTable]: r.decisionsTable,
    [RECORDING_ENV.retentionDays]: String(r.retentionDays),
  };
}

export const recordingEnvSchema = z.object({
  [RECORDING_ENV.bucket]: requiredName,
  [RECORDING_ENV.kmsKeyId]: requiredName,
  [RECORDING_ENV.recordingsTable]: requiredName,
  [RECORDING_ENV.requestsTable]: requiredName,
  [RECORDING_ENV.decisionsTable]: requiredName,
  [RECORDING_ENV.retentionDays]: wholeNumber(1, HARD_LIMITS.retentionDays.max),
  ...auditEnvShape,
});

export interface RecordingConfig extends RecordingResources {
  readonly audit: AuditTarget;
}

export function recordingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RecordingConfig {
  const e = parseEnvironment(recordingEnvSchema, env);
  return {
    bucket: e.RECORDINGS_BUCKET,
    kmsKeyId: e.RECORDINGS_KEY_ARN,
    recordingsTable: e.RECORDINGS_TABLE,
    requestsTable: e.REQUESTS_TABLE,
    decisionsTable: e.DECISIONS_TABLE,
    retentionDays: e.RECORDING_RETENTION_DAYS,
    audit: auditTargetOf(e),
  };
}
