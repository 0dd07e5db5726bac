/**
 * The views function: `GET /me` and `GET /transparency` (thin adapter; logic in `views.ts`).
 * Environment: `config.ts` (each optional source that is absent is not shown).
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAuditLog } from '../shared/audit-log';
import type { ApiEvent } from '../shared/http';
import { createLogger } from '../shared/logger';
import { loadRoster } from '../shared/roster';
import { viewsConfigFromEnv } from './config';
import { createViews } from './views';

const config = viewsConfigFromEnv();
const logger = createLogger('fairlisten-views');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }));
const connect = new ConnectClient({ maxAttempts: 4 });

const views = createViews({
  ddb,
  listeningTable: config.listeningTable,
  plansTable: config.plansTable,
  recordingsTable: config.recordingsTable,
  requestsTable: config.requestsTable,
  decisionsTable: config.decisionsTable,
  s3: new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
  transparencyBucket: config.transparencyBucket,
  loadRoster: () => loadRoster({ connect, ...config.roster }),
  identity: config.identity,
  policy: config.reportPolicy,
  now: () => new Date(),
  logger,
  auditTable: config.audit.table,
  audit: createAuditLog({
    client: ddb,
    tableName: config.audit.table,
    retentionDays: config.audit.retentionDays,
  }),
});

export const handler = (event: ApiEvent) => views(event);
