/**
 * Scheduled daily: deletes every version of the recordings past their retention counted from the
 * call (C3), audited. Thin adapter over `sweepRetention`; environment: `config.ts` (the audit
 * variables are required: no audit log, no sweep). A run with a failed key fails, so the error
 * alarm fires and the next run retries it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAuditLog } from '../shared/audit-log';
import { createLogger } from '../shared/logger';
import { createRetentionIndex } from '../shared/retention-index';
import { retentionSweeperConfigFromEnv } from './config';
import { type RetentionSweepReport, sweepRetention, sweepRule } from './sweep';

const config = retentionSweeperConfigFromEnv();
const logger = createLogger('fairlisten-retention-sweeper');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
  marshallOptions: { removeUndefinedValues: true },
});
const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
const audit = createAuditLog({
  client: ddb,
  tableName: config.audit.table,
  retentionDays: config.audit.retentionDays,
});

export async function handler(): Promise<RetentionSweepReport> {
  const report = await sweepRetention({
    s3,
    bucket: config.bucket,
    prefixes: config.prefixes,
    rule: sweepRule(config.retentionDays, config.intervalHours),
    audit,
    index: createRetentionIndex(ddb, config.recordingsTable),
    now: () => new Date(),
    logger: {
      info: (message, extra) => logger.info(message, extra ?? {}),
      warn: (message, extra) => logger.warn(message, extra ?? {}),
    },
  });
  if (report.failed.length > 0)
    throw new Error(`retention sweep: ${report.failed.length} keys not finished (retried by the next run)`);
  return report;
}
