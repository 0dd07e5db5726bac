/**
 * The production {@link ActionDeps} of the ingest and recording-actions functions, built once at
 * module load from the environment their constructs set (lib/constructs/recording-actions.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ActionDeps } from './apply-request';
import { createAuditLog } from './audit-log';
import { requireEnv, requireNumberEnv } from './env';
import { createLogger } from './logger';
import { createS3RecordingObjects } from './recording-objects';
import { createRecordingStore } from './recording-store';

/** Environment variables of both functions. */
export const RECORDING_ENV = {
  bucket: 'RECORDINGS_BUCKET',
  kmsKeyId: 'RECORDINGS_KEY_ARN',
  recordingsTable: 'RECORDINGS_TABLE',
  requestsTable: 'REQUESTS_TABLE',
  decisionsTable: 'DECISIONS_TABLE',
  retentionDays: 'RECORDING_RETENTION_DAYS',
  auditTable: 'AUDIT_TABLE',
  auditRetentionDays: 'AUDIT_RETENTION_DAYS',
} as const;

export function actionDepsFromEnv(
  serviceName: string,
  actor: string,
  env: NodeJS.ProcessEnv = process.env,
): ActionDeps {
  const logger = createLogger(serviceName);
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  // Local runs point the SDK at s3rver through AWS_ENDPOINT_URL_S3, which needs path-style.
  const s3 = new S3Client(env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
  return {
    objects: createS3RecordingObjects(s3, requireEnv(RECORDING_ENV.bucket, env), {
      kmsKeyId: requireEnv(RECORDING_ENV.kmsKeyId, env),
    }),
    store: createRecordingStore({
      client: ddb,
      tables: {
        recordings: requireEnv(RECORDING_ENV.recordingsTable, env),
        requests: requireEnv(RECORDING_ENV.requestsTable, env),
        decisions: requireEnv(RECORDING_ENV.decisionsTable, env),
      },
      retentionDays: requireNumberEnv(RECORDING_ENV.retentionDays, env),
    }),
    audit: createAuditLog({
      client: ddb,
      tableName: requireEnv(RECORDING_ENV.auditTable, env),
      retentionDays: requireNumberEnv(RECORDING_ENV.auditRetentionDays, env),
    }),
    actor,
    logger: {
      info: (message, extra) => logger.info(message, extra ?? {}),
      warn: (message, extra) => logger.warn(message, extra ?? {}),
    },
  };
}
