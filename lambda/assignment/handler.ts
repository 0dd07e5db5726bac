/**
 * The assignment function, run daily by an EventBridge schedule (logic in `assign.ts`): assigns the
 * listens of the previous period once its seed is revealed.
 *
 * Environment: LISTENING_TABLE, PLANS_TABLE, RECORDINGS_TABLE (optional: without it nothing is
 * assigned), TRANSPARENCY_BUCKET (optional: without it no seed is available, nothing is assigned),
 * CONNECT_INSTANCE_ID, TEAM_HIERARCHY_LEVEL, COACH_HIERARCHY_GROUP_NAME, LISTENING_POLICY (JSON:
 * AssignmentPolicy), AUDIT_TABLE + AUDIT_RETENTION_DAYS (optional: records go to the log).
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { auditSinkFromEnv } from '../shared/audit-log';
import { requireEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { type HierarchyLevel, loadRoster } from '../shared/roster';
import { type AssignmentPolicy, type RunReport, runAssignment } from './assign';

const logger = createLogger('fairlisten-assignment');
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const connect = new ConnectClient({ maxAttempts: 6 });
const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
const policy = JSON.parse(requireEnv('LISTENING_POLICY')) as AssignmentPolicy;
const instanceId = requireEnv('CONNECT_INSTANCE_ID');
const teamLevel = requireEnv('TEAM_HIERARCHY_LEVEL') as HierarchyLevel;
const coachGroupName = requireEnv('COACH_HIERARCHY_GROUP_NAME');

const audit = auditSinkFromEnv({ client: ddb, whenMissing: 'log', logger });

export const handler = async (event?: { period?: string }): Promise<RunReport> =>
  runAssignment(
    {
      ddb,
      listeningTable: requireEnv('LISTENING_TABLE'),
      recordingsTable: process.env.RECORDINGS_TABLE || undefined,
      plansTable: requireEnv('PLANS_TABLE'),
      s3,
      transparencyBucket: process.env.TRANSPARENCY_BUCKET || undefined,
      loadRoster: () => loadRoster({ connect, instanceId, teamLevel, coachGroupName }),
      audit,
      policy,
      now: () => new Date(),
      logger,
    },
    // A scheduled event has no `period`; an operator may re-run one explicitly (still once only).
    typeof event?.period === 'string' && /^\d{4}-\d{2}$/.test(event.period) ? event.period : undefined,
  );
