/**
 * The coaching function: coaching plans and evaluations (thin adapter; logic in `coaching.ts`).
 * Environment: `config.ts` (the audit variables are required: no audit log, no function; the
 * roster source: a coach proposes plans only for another team's agents).
 */
import { randomUUID } from 'node:crypto';
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiEvent } from '../shared/http';
import { createLogger } from '../shared/logger';
import { coachingDepsOf, createCoaching } from './coaching';
import { coachingConfigFromEnv } from './config';

const config = coachingConfigFromEnv();
const logger = createLogger('fairlisten-coaching');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
  marshallOptions: { removeUndefinedValues: true },
});
const connect = new ConnectClient({ maxAttempts: 4 });

const coaching = createCoaching(
  coachingDepsOf(config, { ddb, connect }, { now: () => new Date(), newId: randomUUID, logger }),
);

export const handler = (event: ApiEvent) => coaching(event);
