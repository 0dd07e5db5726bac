/**
 * The monthly report function, run daily by an EventBridge schedule (logic in `monthly-report.ts`).
 * Environment: `config.ts`. `forcePathStyle` only with an S3 endpoint override (local stand-ins).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isPeriod } from '../core/period';
import { createAuditLog } from '../shared/audit-log';
import { createLogger } from '../shared/logger';
import { monthlyReportConfigFromEnv } from './config';
import { type MonthlyReportOutcome, publishMonthlyReport } from './monthly-report';

const config = monthlyReportConfigFromEnv();
const logger = createLogger('fairlisten-monthly-report');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }));
const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
const audit = createAuditLog({
  client: ddb,
  tableName: config.audit.table,
  retentionDays: config.audit.retentionDays,
});

/** The scheduled event carries nothing; `{ "period": "YYYY-MM" }` (a manual run) names the period. */
export const handler = async (event?: { period?: unknown }): Promise<MonthlyReportOutcome> => {
  const requested = typeof event?.period === 'string' && isPeriod(event.period) ? event.period : undefined;
  return publishMonthlyReport(
    {
      source: {
        ddb,
        tables: {
          decisions: config.decisionsTable,
          listening: config.listeningTable,
          plans: config.plansTable,
          ...(config.requestsTable ? { requests: config.requestsTable } : {}),
        },
        s3,
        auditBucket: config.auditBucket,
        policy: config.reportPolicy,
      },
      s3,
      audit,
      now: () => new Date(),
      logger,
    },
    requested,
  );
};
