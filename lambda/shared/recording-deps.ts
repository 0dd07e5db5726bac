/**
 * The production {@link ActionDeps} of the ingest and recording-actions functions, built once at
 * module load from the environment their constructs set (lib/constructs/recording-actions.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ActionDeps } from './apply-request';
import { createAuditLog } from './audit-log';
import { createLogger } from './logger';
import { recordingConfigFromEnv } from './recording-config';
import { createS3RecordingObjects } from './recording-objects';
import { createRecordingStore } from './recording-store';

export function actionDepsFromEnv(
  serviceName: string,
  actor: string,
  env: NodeJS.ProcessEnv = process.env,
): ActionDeps {
  const config = recordingConfigFromEnv(env);
  const logger = createLogger(serviceName);
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  // Local runs point the SDK at s3rver through AWS_ENDPOINT_URL_S3, which needs path-style.
  const s3 = new S3Client(env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
  return {
    objects: createS3RecordingObjects(s3, config.bucket, { kmsKeyId: config.kmsKeyId }),
    store: createRecordingStore({
      client: ddb,
      tables: {
        recordings: config.recordingsTable,
        requests: config.requestsTable,
        decisions: config.decisionsTable,
      },
      retentionDays: config.retentionDays,
    }),
    audit: createAuditLog({
      client: ddb,
      tableName: config.audit.table,
      retentionDays: config.audit.retentionDays,
    }),
    actor,
    logger: {
      info: (message, extra) => logger.info(message, extra ?? {}),
      warn: (message, extra) => logger.warn(message, extra ?? {}),
    },
  };
}
