/**
 * The assignment function, run daily by an EventBridge schedule (logic in `assign.ts`): assigns the
 * listens of the previous period once its seed is revealed.
 * Environment: `config.ts`.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAuditLog } from '../shared/audit-log';
import { createLogger } from '../shared/logger';
import { loadRoster } from '../shared/roster';
import { type RunReport, runAssignment } from './assign';
import { assignmentConfigFromEnv } from './config';

const config = assignmentConfigFromEnv();
const logger = createLogger('fairlisten-assignment');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const connect = new ConnectClient({ maxAttempts: 6 });
const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
const audit = createAuditLog({
  client: ddb,
  tableName: config.audit.table,
  retentionDays: config.audit.retentionDays,
});

export const handler = async (event?: { period?: string }): Promise<RunReport> =>
  runAssignment(
    {
      ddb,
      listeningTable: config.listeningTable,
      recordingsTable: config.recordingsTable,
      plansTable: config.plansTable,
      s3,
      transparencyBucket: config.transparencyBucket,
      loadRoster: () => loadRoster({ connect, ...config.roster }),
      audit,
      policy: config.policy,
      now: () => new Date(),
      logger,
    },
    // A scheduled event has no `period`; an operator may re-run one explicitly (still once only).
    typeof event?.period === 'string' && /^\d{4}-\d{2}$/.test(event.period) ? event.period : undefined,
  );
