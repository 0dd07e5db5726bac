/**
 * Hourly audit export (EventBridge schedule): sampler decisions into their chains, then every
 * chain's new records as JSON Lines into the audit bucket's Object Lock–protected `exports/`, and
 * the run's heads signed with the KMS key HEADS_KEY_ID (optional) under the write-once `published/`.
 * Thin adapter: environment and clients at module load, the work in export.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { createLogger } from '../shared/logger';
import { kmsHeadSigner, s3Publisher } from '../shared/publication';
import { auditExportConfigFromEnv } from './config';
import { type ExportResult, exportAudit } from './export';
import { s3ExportTarget } from './targets';

const logger = createLogger('fairlisten-audit-export');
const config = auditExportConfigFromEnv();
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
// A local S3 stand-in (AWS_ENDPOINT_URL_S3) needs path-style addressing; AWS does not.
const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
const publication = config.headsKeyId
  ? {
      publisher: s3Publisher(s3, config.bucket),
      signer: kmsHeadSigner(new KMSClient({}), config.headsKeyId),
    }
  : undefined;

/** The schedule's event, or `{}` for a manual run. */
const eventSchema = z.union([
  z.looseObject({ source: z.literal('aws.events'), 'detail-type': z.literal('Scheduled Event') }),
  z.strictObject({}),
]);

/** Thrown when part of the run failed: Lambda records the failure; the next run resumes. */
export class AuditExportError extends Error {
  override readonly name = 'AuditExportError';
}

/** What the handler uses of the Lambda context: the time left before the function times out. */
export interface ExportContext {
  getRemainingTimeInMillis(): number;
}

export const handler = async (event: unknown, context?: ExportContext): Promise<ExportResult> => {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) throw new AuditExportError('not a scheduled event (or {} for a manual run)');
  const result = await exportAudit({
    dynamo,
    auditTable: config.audit.table,
    decisionsTable: config.decisionsTable,
    target: s3ExportTarget(s3, config.bucket),
    retentionDays: config.audit.retentionDays,
    logger,
    // A backlog larger than one run stops a minute before the timeout; the next run resumes it.
    ...(context ? { timeLeftMs: () => context.getRemainingTimeInMillis() } : {}),
    ...(publication ? { publication } : {}),
  });
  if (result.errors.length > 0) {
    throw new AuditExportError(`audit export incomplete: ${result.errors.join('; ')}`);
  }
  return result;
};
