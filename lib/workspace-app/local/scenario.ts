/**
 * What happens around the app in the local run: calls placed, drawn or not (a decision as the
 * sampler writes it, the recording started in the Connect stand-in when drawn), transferred to a
 * new contact, ended (the recording is then stored in the S3 stand-in and indexed by the real
 * ingest), and last month's recordings with a listen assigned to the local coach (and one to
 * another coach, which the local coach may not play).
 */
import { randomUUID } from 'node:crypto';
import { type ConnectClient, StartContactRecordingCommand } from '@aws-sdk/client-connect';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { periodBounds, periodOf, previousPeriod } from '../../../lambda/core/period';
import { HIERARCHY_LEVELS, type HierarchyLevel, type RecordingPolicy } from '../../../lambda/core/policy';
import { ingestObject } from '../../../lambda/ingest/ingest';
import type { ActionDeps } from '../../../lambda/shared/apply-request';
import type { AuditLog } from '../../../lambda/shared/audit-log';
import type { AssignmentItem } from '../../../lambda/shared/listening-items';
import { createS3RecordingObjects } from '../../../lambda/shared/recording-objects';
import { createRecordingStore } from '../../../lambda/shared/recording-store';
import type { Roster } from '../../../lambda/shared/roster';
import type { ConnectSeed, ConnectStandIn } from '../../local/connect-standin';
import { LOCAL_REGION, recordingTablesOf } from '../../local/dynamodb';
import type { VersionedS3 } from '../../local/versioned-s3';
import { connectWav, recordingKey } from '../../simulation/month/wav';
import { LOCAL_USERS, OTHER_PEOPLE } from './identity';

export const RECORDINGS_BUCKET = 'fairlisten-recordings-local';
const PREFIX = 'connect/fairlisten/CallRecordings';
const KMS_KEY = `arn:aws:kms:${LOCAL_REGION}:000000000000:key/00000000-0000-4000-8000-000000000000`;
/** How long every local recording is (seconds). */
export const LOCAL_RECORDING_SECONDS = 60;

/** Who is in which team: the local agent's team, and two coaches of two other teams. */
export const LOCAL_ROSTER: Pick<Roster, 'agents' | 'coaches'> = {
  agents: [
    { agentId: LOCAL_USERS.agent.connectUserId, team: 'team-a' },
    { agentId: OTHER_PEOPLE.agent, team: 'team-a' },
  ],
  coaches: [
    { coachId: LOCAL_USERS.coach.connectUserId, team: 'team-b' },
    { coachId: OTHER_PEOPLE.coach, team: 'team-c' },
  ],
};

/**
 * The Connect users and hierarchy of {@link LOCAL_ROSTER}, as the functions read a roster
 * (lambda/shared/roster.ts): a group per team at the policy's team level (under one site group per
 * level above it), and each team's coaches in a `coachGroupName` group below their team.
 */
export function rosterSeed(
  teamLevel: HierarchyLevel,
  coachGroupName: string,
): Pick<ConnectSeed, 'users' | 'hierarchyGroups'> {
  const depth = HIERARCHY_LEVELS.indexOf(teamLevel) + 1;
  if (depth >= HIERARCHY_LEVELS.length) {
    throw new Error(`teamLevel ${teamLevel} leaves no level below the teams for their coaches' group`);
  }
  const above = Array.from({ length: depth - 1 }, (_, i) => `site-${i + 1}`);
  const level = (n: number) => n as 1 | 2 | 3 | 4 | 5;
  const teams = [...new Set([...LOCAL_ROSTER.agents, ...LOCAL_ROSTER.coaches].map((m) => m.team))];
  const hierarchyGroups = [
    ...above.map((id, i) => ({
      id,
      name: `Site ${i + 1}`,
      level: level(i + 1),
      path: above.slice(0, i + 1),
    })),
    ...teams.flatMap((team) => [
      { id: team, name: team, level: level(depth), path: [...above, team] },
      {
        id: `${team}-coaches`,
        name: coachGroupName,
        level: level(depth + 1),
        path: [...above, team, `${team}-coaches`],
      },
    ]),
  ];
  const username = (id: string) =>
    Object.values(LOCAL_USERS).find((u) => u.connectUserId === id)?.username ?? `user-${id.slice(0, 8)}`;
  const users = [
    ...LOCAL_ROSTER.agents.map((a) => ({
      id: a.agentId,
      username: username(a.agentId),
      hierarchyGroupId: a.team,
    })),
    ...LOCAL_ROSTER.coaches.map((c) => ({
      id: c.coachId,
      username: username(c.coachId),
      hierarchyGroupId: `${c.team}-coaches`,
    })),
  ];
  return { users, hierarchyGroups };
}

export interface ScenarioDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly tables: Readonly<Record<string, string>>;
  readonly s3: VersionedS3;
  readonly audit: AuditLog;
  readonly policy: RecordingPolicy;
  readonly standIn: ConnectStandIn;
  readonly connect: ConnectClient;
  readonly instanceId: string;
}

export type Scenario = ReturnType<typeof createScenario>;

export function createScenario(deps: ScenarioDeps) {
  const { ddb, tables, s3, policy } = deps;
  const agent = LOCAL_USERS.agent.connectUserId;
  const store = createRecordingStore({
    client: ddb,
    tables: recordingTablesOf(tables),
    retentionDays: policy.retentionDays,
  });
  const base = {
    objects: createS3RecordingObjects(s3.client, RECORDINGS_BUCKET, { kmsKeyId: KMS_KEY }),
    store,
    audit: deps.audit,
    logger: { info() {}, warn() {}, error() {}, debug() {} },
  } as unknown as ActionDeps;
  const actionDeps: ActionDeps = { ...base, actor: 'function:recording-actions' } as ActionDeps;
  const ingestDeps: ActionDeps = { ...base, actor: 'function:ingest' } as ActionDeps;
  const drawn = new Map<string, boolean>();
  const listens: { assigned: string; other: string } = { assigned: '', other: '' };

  /** The decision the sampler would store for this leg. */
  async function decide(
    contactId: string,
    recorded: boolean,
    initialContactId: string | null,
    period: string,
    at: Date,
  ) {
    await ddb.send(
      new PutCommand({
        TableName: tables.decisions!,
        Item: {
          contactId,
          initialContactId,
          agentArn: `arn:aws:connect:${LOCAL_REGION}:000000000000:instance/${deps.instanceId}/agent/${agent}`,
          agentId: agent,
          queue: null,
          period,
          decidedAt: at.toISOString(),
          u: recorded ? 0.01 : 0.99,
          rate: policy.samplingRate,
          lotterySelected: recorded,
          recorded,
          reason: recorded ? 'drawn' : 'not-drawn',
          policyVersion: policy.version,
          algorithmVersion: '1',
          expiresAt: Math.floor(at.getTime() / 1000) + policy.retentionDays * 86_400,
        },
      }),
    );
  }

  /** Stores the call's recording as Connect would and lets ingest index it. */
  async function store_(contactId: string, at: Date) {
    const key = recordingKey(PREFIX, contactId, at);
    const body = connectWav(LOCAL_RECORDING_SECONDS, contactId);
    const versionId = s3.addVersion(key, body, {}, 'aws:kms');
    return ingestObject(ingestDeps, { key, versionId, size: body.length, eventTime: at.toISOString() });
  }

  return {
    actionDeps,
    listens,

    /** A new call to the local agent; drawn or not by "the lottery". */
    async placeCall(isDrawn: boolean): Promise<{ contactId: string; drawn: boolean }> {
      const contactId = randomUUID();
      const now = new Date();
      deps.standIn.addContact({ id: contactId, agentId: agent });
      await decide(contactId, isDrawn, null, periodOf(now, policy.timezone), now);
      if (isDrawn) {
        await deps.connect.send(
          new StartContactRecordingCommand({
            InstanceId: deps.instanceId,
            ContactId: contactId,
            InitialContactId: contactId,
            VoiceRecordingConfiguration: { VoiceRecordingTrack: 'ALL' },
          }),
        );
      }
      drawn.set(contactId, isDrawn);
      return { contactId, drawn: isDrawn };
    },

    /** Transfers the call to a new contact (a queue transfer back to the same agent). */
    async transfer(fromId: string): Promise<{ contactId: string; initialContactId: string }> {
      const contactId = randomUUID();
      const now = new Date();
      deps.standIn.transferContact(fromId, { id: contactId, agentId: agent });
      const isDrawn = drawn.get(fromId) ?? false;
      // The whisper flow runs on the new leg too: its decision carries the initial contact.
      await decide(contactId, isDrawn, fromId, periodOf(now, policy.timezone), now);
      drawn.set(contactId, isDrawn);
      return { contactId, initialContactId: fromId };
    },

    /** Ends the call; a drawn call's recording is stored and indexed (about a minute long). */
    async endCall(contactId: string): Promise<{ contactId: string; stored: boolean }> {
      deps.standIn.endContact(contactId);
      if (!drawn.get(contactId)) return { contactId, stored: false };
      const outcome = await store_(contactId, new Date());
      return { contactId, stored: outcome.outcome === 'indexed' };
    },

    /** Last month's two recordings of the local agent: one listen for the local coach, one for another. */
    async seedCoachListens(): Promise<void> {
      const now = new Date();
      const current = periodOf(now, policy.timezone);
      const last = previousPeriod(current);
      const at = new Date(periodBounds(last, policy.timezone).start.getTime() + 3 * 86_400_000);
      const validUntil = periodBounds(current, policy.timezone).end.toISOString();
      for (const [name, coachId, coachTeam] of [
        ['assigned', LOCAL_USERS.coach.connectUserId, 'team-b'],
        ['other', OTHER_PEOPLE.coach, 'team-c'],
      ] as const) {
        const contactId = randomUUID();
        await decide(contactId, true, null, last, at);
        await store_(contactId, at);
        const item: AssignmentItem = {
          period: last,
          sk: `assign#${contactId}`,
          contactId,
          agentId: agent,
          agentTeam: 'team-a',
          coachId,
          coachTeam,
          playsLeft: 2,
          playsAllowed: 2,
          plays: [],
          assignedAt: now.toISOString(),
          validUntil,
          expiresAt: Math.floor(Date.parse(validUntil) / 1000) + policy.auditRetentionDays * 86_400,
        };
        await ddb.send(new PutCommand({ TableName: tables.listening!, Item: item }));
        listens[name] = contactId;
      }
    },
  };
}
