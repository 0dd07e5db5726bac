/**
 * The views function: `GET /me` and `GET /transparency` (thin adapter; logic in `views.ts`).
 *
 * Environment: LISTENING_TABLE, PLANS_TABLE, RECORDINGS_TABLE / REQUESTS_TABLE / DECISIONS_TABLE /
 * TRANSPARENCY_BUCKET (each optional: what is absent is not shown), CONNECT_INSTANCE_ID +
 * TEAM_HIERARCHY_LEVEL + COACH_HIERARCHY_GROUP_NAME (live roster before a period's assignment),
 * LISTENING_POLICY (JSON), IDENTITY_* (FairlistenApi.identityEnvironment).
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/env';
import type { ApiEvent } from '../shared/http';
import type { AssignmentPolicy } from '../shared/listening-items';
import { createLogger } from '../shared/logger';
import { identityConfigFromEnv } from '../shared/principal';
import { type HierarchyLevel, loadRoster } from '../shared/roster';
import { createViews } from './views';

const logger = createLogger('fairlisten-views');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }));
const connect = new ConnectClient({ maxAttempts: 4 });
const policy = JSON.parse(requireEnv('LISTENING_POLICY')) as AssignmentPolicy;
const instanceId = requireEnv('CONNECT_INSTANCE_ID');
const teamLevel = requireEnv('TEAM_HIERARCHY_LEVEL') as HierarchyLevel;
const coachGroupName = requireEnv('COACH_HIERARCHY_GROUP_NAME');

const views = createViews({
  ddb,
  listeningTable: requireEnv('LISTENING_TABLE'),
  plansTable: requireEnv('PLANS_TABLE'),
  recordingsTable: process.env.RECORDINGS_TABLE || undefined,
  requestsTable: process.env.REQUESTS_TABLE || undefined,
  decisionsTable: process.env.DECISIONS_TABLE || undefined,
  s3: new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
  transparencyBucket: process.env.TRANSPARENCY_BUCKET || undefined,
  loadRoster: () => loadRoster({ connect, instanceId, teamLevel, coachGroupName }),
  identity: identityConfigFromEnv(),
  policy,
  now: () => new Date(),
  logger,
});

export const handler = (event: ApiEvent) => views(event);
