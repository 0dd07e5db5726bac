/**
 * The seed function, run daily by an EventBridge schedule: commits the next period's seed before it
 * starts and reveals ended periods' seeds (logic in `seeds.ts`).
 *
 * Environment: SEEDS_TABLE, FAIRLISTEN_TIMEZONE, SEED_REVEAL_GRACE_DAYS (default 1),
 * AUDIT_TABLE + AUDIT_RETENTION_DAYS (the audit chain; until the audit construct provides it the
 * records are written to the function log only), TRANSPARENCY_BUCKET (optional: when absent nothing
 * is written to S3), PUBLICATION_BUCKET + PUBLISHED_POLICY (optional: the write-once publication of
 * commitments, seeds and the policy document the sampler enforces). `forcePathStyle` is set only when an S3 endpoint override is configured (local
 * stand-ins); real S3 keeps virtual-hosted addressing.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JsonObject } from '../core/canonical-json';
import { auditSinkFromEnv } from '../shared/audit-log';
import { requireEnv, requireNumberEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { s3Publisher } from '../shared/publication';
import { rotateSeeds, type SeedRotationReport } from './seeds';

const logger = createLogger('fairlisten-seeds');
const table = requireEnv('SEEDS_TABLE');
const timezone = requireEnv('FAIRLISTEN_TIMEZONE');
const graceDays = process.env.SEED_REVEAL_GRACE_DAYS ? requireNumberEnv('SEED_REVEAL_GRACE_DAYS') : 1;
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

const audit = auditSinkFromEnv({ client: ddb, whenMissing: 'log', logger });

const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
const bucket = process.env.TRANSPARENCY_BUCKET;
const transparency = bucket ? { bucket, client: s3 } : undefined;
const publicationBucket = process.env.PUBLICATION_BUCKET;
const publication = publicationBucket
  ? {
      publisher: s3Publisher(s3, publicationBucket),
      policy: JSON.parse(requireEnv('PUBLISHED_POLICY')) as JsonObject,
    }
  : undefined;

export const handler = async (): Promise<SeedRotationReport> => {
  const report = await rotateSeeds({
    ddb,
    table,
    audit,
    ...(transparency ? { transparency } : {}),
    ...(publication ? { publication } : {}),
    timezone,
    now: () => new Date(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    retentionDays: requireNumberEnv('SEED_RETENTION_DAYS'),
    graceDays,
    logger,
  });
  logger.info('seed rotation done', { ...report });
  return report;
};
