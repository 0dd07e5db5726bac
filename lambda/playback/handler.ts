/**
 * The playback function (thin adapter; logic in `playback.ts`). The only listening-side role that
 * may read audio (RecordingsBucket.grantRecordingRead), and it never reads it: it signs a URL.
 *
 * Environment: LISTENING_TABLE, RECORDINGS_TABLE (optional: without it every request is refused),
 * RECORDINGS_BUCKET, PLAYBACK_URL_TTL_SECONDS (≤ 300), AUDIT_TABLE + AUDIT_RETENTION_DAYS (without
 * them every request is refused: no audit, no URL), IDENTITY_* (FairlistenApi.identityEnvironment).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { auditSinkFromEnv } from '../shared/audit-log';
import { requireEnv, requireNumberEnv } from '../shared/env';
import type { ApiEvent } from '../shared/http';
import { createLogger } from '../shared/logger';
import { identityConfigFromEnv } from '../shared/principal';
import { createPlayback } from './playback';

const logger = createLogger('fairlisten-playback');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
  marshallOptions: { removeUndefinedValues: true },
});
const audit = auditSinkFromEnv({ client: ddb, whenMissing: 'refuse', logger });

const playback = createPlayback({
  ddb,
  s3: new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
  listeningTable: requireEnv('LISTENING_TABLE'),
  recordingsTable: process.env.RECORDINGS_TABLE || undefined,
  bucket: requireEnv('RECORDINGS_BUCKET'),
  audit,
  identity: identityConfigFromEnv(),
  urlTtlSeconds: requireNumberEnv('PLAYBACK_URL_TTL_SECONDS'),
  now: () => new Date(),
  logger,
});

export const handler = (event: ApiEvent) => playback(event);
