/**
 * The privacy API Lambda (HTTP API, payload 2.0). Thin adapter: configuration, clients, logger
 * and the audit log are built once per execution environment; the logic is in `privacy.ts`.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAuditLog } from '../shared/audit-log';
import { createLambdaExecutorInvoker } from '../shared/executor-invoker';
import type { ApiResult } from '../shared/http';
import { createLogger } from '../shared/logger';
import { privacyConfigFromEnv } from './config';
import { createDecisionsLegFinder } from './legs';
import { createPrivacyApi } from './privacy';
import { createRecordingControl } from './recording-control';
import { createAuditRecordingState } from './recording-state';

const config = privacyConfigFromEnv();
const logger = createLogger('fairlisten-privacy');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
  marshallOptions: { removeUndefinedValues: true },
});
// One retry at most: the employee is waiting for the suspension while speaking.
const connect = new ConnectClient({ maxAttempts: 2 });

const api = createPrivacyApi({
  ddb,
  tables: {
    requests: config.requestsTable,
    recordings: config.recordingsTable,
    decisions: config.decisionsTable,
  },
  identity: config.identity,
  recordingControl: createRecordingControl({
    connect,
    instanceId: config.connectInstanceId,
    findCurrentLeg: createDecisionsLegFinder({ ddb, decisionsTable: config.decisionsTable }),
  }),
  executor: createLambdaExecutorInvoker({ functionName: config.executorFunctionName }),
  audit: createAuditLog({
    client: ddb,
    tableName: config.audit.table,
    retentionDays: config.audit.retentionDays,
  }),
  requestRetentionDays: config.audit.retentionDays,
  recordingState: createAuditRecordingState({ ddb, auditTable: config.audit.table }),
  logger,
});

export const handler = (event: unknown): Promise<ApiResult> => api.handle(event);
