/**
 * Stream consumer of the audit and decisions tables (thin adapter; logic in `sentinel.ts`).
 * Environment: AUDIT_TABLE, AUDIT_RETENTION_DAYS, DECISIONS_TABLE.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAuditLog } from '../shared/audit-log';
import { requireEnv, requireNumberEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { type SentinelReport, watchChanges } from './sentinel';

const logger = createLogger('fairlisten-audit-sentinel');
const auditTable = requireEnv('AUDIT_TABLE');
const decisionsTable = requireEnv('DECISIONS_TABLE');
const audit = createAuditLog({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  tableName: auditTable,
  retentionDays: requireNumberEnv('AUDIT_RETENTION_DAYS'),
});
const tables = { [auditTable]: 'audit', [decisionsTable]: 'decisions' } as const;

export const handler = (event: unknown): Promise<SentinelReport> =>
  watchChanges({ audit, tables, logger }, event);
