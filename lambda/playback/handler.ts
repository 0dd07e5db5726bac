/**
 * The playback function (thin adapter; logic in `playback.ts`). The only listening-side role that
 * may read audio (RecordingsBucket.grantRecordingRead), and it never reads it: it signs a URL.
 * Environment: `config.ts` (the audit variables are required: no audit log, no function).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAuditLog } from '../shared/audit-log';
import type { ApiEvent } from '../shared/http';
import { createLogger } from '../shared/logger';
import { playbackConfigFromEnv } from './config';
import { createPlayback } from './playback';

const config = playbackConfigFromEnv();
const logger = createLogger('fairlisten-playback');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
  marshallOptions: { removeUndefinedValues: true },
});

const playback = createPlayback({
  ddb,
  s3: new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
  listeningTable: config.listeningTable,
  recordingsTable: config.recordingsTable,
  bucket: config.bucket,
  audit: createAuditLog({
    client: ddb,
    tableName: config.audit.table,
    retentionDays: config.audit.retentionDays,
  }),
  identity: config.identity,
  urlTtlSeconds: config.urlTtlSeconds,
  now: () => new Date(),
  logger,
});

export const handler = (event: ApiEvent) => playback(event);
