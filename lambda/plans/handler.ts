/**
 * The coaching function: coaching plans and evaluations (thin adapter; logic in `coaching.ts`).
 *
 * Environment: PLANS_TABLE, LISTENING_TABLE, FAIRLISTEN_TIMEZONE, AUDIT_RETENTION_DAYS,
 * COACHING_PLAN_LIMITS (JSON {maxDays, maxExtraListens}), AUDIT_TABLE (without it every action is
 * refused: no audit, no plan), IDENTITY_* (FairlistenApi.identityEnvironment).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PlanLimits } from '../core/plans';
import { auditSinkFromEnv } from '../shared/audit-log';
import { requireEnv, requireNumberEnv } from '../shared/env';
import type { ApiEvent } from '../shared/http';
import { createLogger } from '../shared/logger';
import { identityConfigFromEnv } from '../shared/principal';
import { createCoaching } from './coaching';

const logger = createLogger('fairlisten-coaching');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
  marshallOptions: { removeUndefinedValues: true },
});
const auditRetentionDays = requireNumberEnv('AUDIT_RETENTION_DAYS');
const audit = auditSinkFromEnv({ client: ddb, whenMissing: 'refuse', logger });

const coaching = createCoaching({
  ddb,
  plansTable: requireEnv('PLANS_TABLE'),
  listeningTable: requireEnv('LISTENING_TABLE'),
  audit,
  identity: identityConfigFromEnv(),
  limits: JSON.parse(requireEnv('COACHING_PLAN_LIMITS')) as PlanLimits,
  timezone: requireEnv('FAIRLISTEN_TIMEZONE'),
  auditRetentionDays,
  now: () => new Date(),
  newId: randomUUID,
  logger,
});

export const handler = (event: ApiEvent) => coaching(event);
