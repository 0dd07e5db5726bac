/**
 * Stream consumer of the audit and decisions tables (thin adapter; logic in `sentinel.ts`).
 * Environment: `config.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAuditLog } from '../shared/audit-log';
import { createLogger } from '../shared/logger';
import { sentinelConfigFromEnv } from './config';
import { type SentinelReport, watchChanges } from './sentinel';

const config = sentinelConfigFromEnv();
const logger = createLogger('fairlisten-audit-sentinel');
const audit = createAuditLog({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  tableName: config.audit.table,
  retentionDays: config.audit.retentionDays,
});
const tables = { [config.audit.table]: 'audit', [config.decisionsTable]: 'decisions' } as const;

export const handler = (event: unknown): Promise<SentinelReport> =>
  watchChanges({ audit, tables, logger }, event);
