/**
 * The seed function, run daily by an EventBridge schedule: commits the next period's seed before it
 * starts and reveals ended periods' seeds (logic in `seeds.ts`).
 *
 * Environment: `config.ts` (the audit chain `seeds` is required; without TRANSPARENCY_BUCKET nothing
 * is written to S3; without PUBLICATION_BUCKET nothing to the write-once publication).
 * `forcePathStyle` is set only when an S3 endpoint override is configured (local stand-ins); real S3
 * keeps virtual-hosted addressing.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAuditLog } from '../shared/audit-log';
import { createLogger } from '../shared/logger';
import { s3Publisher } from '../shared/publication';
import { seedsConfigFromEnv } from './config';
import { rotateSeeds, type SeedRotationReport } from './seeds';

const config = seedsConfigFromEnv();
const logger = createLogger('fairlisten-seeds');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

const audit = createAuditLog({
  client: ddb,
  tableName: config.audit.table,
  retentionDays: config.audit.retentionDays,
});

const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
const transparency = config.transparencyBucket
  ? { bucket: config.transparencyBucket, client: s3 }
  : undefined;
const publication = config.publication
  ? { publisher: s3Publisher(s3, config.publication.bucket), policy: config.publication.policy }
  : undefined;

export const handler = async (): Promise<SeedRotationReport> => {
  const report = await rotateSeeds({
    ddb,
    table: config.table,
    audit,
    ...(transparency ? { transparency } : {}),
    ...(publication ? { publication } : {}),
    timezone: config.timezone,
    now: () => new Date(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    retentionDays: config.retentionDays,
    graceDays: config.revealGraceDays,
    logger,
  });
  logger.info('seed rotation done', { ...report });
  return report;
};
