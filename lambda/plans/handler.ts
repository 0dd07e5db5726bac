/**
 * The coaching function: coaching plans and evaluations (thin adapter; logic in `coaching.ts`).
 * Environment: `config.ts` (the audit variables are required: no audit log, no function; the
 * roster source: a coach proposes plans only for another team's agents).
 */
import { randomUUID } from 'node:crypto';
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAuditLog } from '../shared/audit-log';
import type { ApiEvent } from '../shared/http';
import { createLogger } from '../shared/logger';
import { loadRoster } from '../shared/roster';
import { createCoaching } from './coaching';
import { coachingConfigFromEnv } from './config';

const config = coachingConfigFromEnv();
const logger = createLogger('fairlisten-coaching');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
  marshallOptions: { removeUndefinedValues: true },
});
const connect = new ConnectClient({ maxAttempts: 4 });

const coaching = createCoaching({
  ddb,
  plansTable: config.plansTable,
  listeningTable: config.listeningTable,
  audit: createAuditLog({
    client: ddb,
    tableName: config.audit.table,
    retentionDays: config.audit.retentionDays,
  }),
  identity: config.identity,
  loadRoster: () => loadRoster({ connect, ...config.roster }),
  limits: config.limits,
  timezone: config.timezone,
  auditRetentionDays: config.audit.retentionDays,
  now: () => new Date(),
  newId: randomUUID,
  logger,
});

export const handler = (event: ApiEvent) => coaching(event);
