/**
 * `GET /contacts/{contactId}/recording`: the agent sees whether their own call was drawn and
 * whether its recording is suspended, read back from the audit records the suspend and resume
 * routes write (real audit log on dynalite, real Connect stand-in). Nobody else learns anything.
 */
import { randomUUID } from 'node:crypto';
import { ConnectClient, StartContactRecordingCommand } from '@aws-sdk/client-connect';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecisionsLegFinder } from '../../../lambda/privacy/legs';
import { createPrivacyApi, type PrivacyApi, ROUTE_KEYS } from '../../../lambda/privacy/privacy';
import { createRecordingControl } from '../../../lambda/privacy/recording-control';
import { createAuditRecordingState, stateOfRecord } from '../../../lambda/privacy/recording-state';
import { createAuditLog } from '../../../lambda/shared/audit-log';
import {
  ConnectStandIn,
  createTables,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalDynamo,
  type RunningConnect,
  recordingTablesOf,
  startLocalDynamo,
} from '../../../lib/local';
import { IDENTITY, silentLogger } from '../../support/listening';

const INSTANCE = 'instance-status';
const PERIOD = '2026-05';
const AGENT = randomUUID();
const OTHER = randomUUID();
const claims = {
  agent: { sub: 'sub-a', 'cognito:groups': '[agents]', 'custom:connect_user_id': AGENT },
  other: { sub: 'sub-b', 'cognito:groups': '[agents]', 'custom:connect_user_id': OTHER },
  coach: { sub: 'sub-c', 'cognito:groups': '[coaches]', 'custom:connect_user_id': randomUUID() },
  dpo: { sub: 'sub-d', 'cognito:groups': '[dpo]' },
} as const;

let dynamo: LocalDynamo;
let running: RunningConnect;
let connect: ConnectClient;
let ddb: DynamoDBDocumentClient;
let tables: Record<string, string>;
let standIn: ConnectStandIn;
let api: PrivacyApi;
let apiWithoutState: PrivacyApi;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  tables = await createTables(dynamo.client, undefined, (l) => `${l}-status`);
  ddb = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  standIn = new ConnectStandIn({ instanceId: INSTANCE });
  running = await standIn.start();
  connect = new ConnectClient({
    endpoint: running.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const deps = {
    ddb,
    tables: recordingTablesOf(tables),
    identity: IDENTITY,
    recordingControl: createRecordingControl({
      connect,
      instanceId: INSTANCE,
      findCurrentLeg: createDecisionsLegFinder({ ddb, decisionsTable: tables.decisions! }),
    }),
    executor: { invoke: async () => undefined },
    audit: createAuditLog({ client: ddb, tableName: tables.audit!, retentionDays: 30 }),
    requestRetentionDays: 30,
    logger: silentLogger,
  };
  api = createPrivacyApi({
    ...deps,
    recordingState: createAuditRecordingState({ ddb, auditTable: tables.audit! }),
  });
  apiWithoutState = createPrivacyApi(deps);
});

afterAll(async () => {
  connect?.destroy();
  await running?.stop();
  await dynamo?.stop();
});

async function call(
  a: PrivacyApi,
  routeKey: string,
  contactId: string,
  who: keyof typeof claims,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const out = await a.handle({
    routeKey,
    requestContext: { authorizer: { jwt: { claims: claims[who] } } },
    pathParameters: { contactId },
  });
  return { status: out.statusCode, body: JSON.parse(out.body) as Record<string, unknown> };
}

async function decided(recorded: boolean, initialContactId: string | null = null): Promise<string> {
  const contactId = randomUUID();
  await ddb.send(
    new PutCommand({
      TableName: tables.decisions,
      Item: {
        contactId,
        initialContactId,
        agentId: AGENT,
        period: PERIOD,
        decidedAt: new Date(Date.now() - 60_000).toISOString(),
        recorded,
        reason: recorded ? 'drawn' : 'not-drawn',
      },
    }),
  );
  if (recorded) {
    standIn.addContact({ id: contactId, agentId: AGENT, initialContactId: initialContactId ?? undefined });
    await connect.send(
      new StartContactRecordingCommand({
        InstanceId: INSTANCE,
        ContactId: contactId,
        InitialContactId: initialContactId ?? contactId,
        VoiceRecordingConfiguration: { VoiceRecordingTrack: 'ALL' },
      }),
    );
  }
  return contactId;
}

describe('GET /contacts/{contactId}/recording', () => {
  it('tells the handling agent a drawn call is recording, then suspended, then recording again', async () => {
    const contactId = await decided(true);
    expect(await call(api, ROUTE_KEYS.status, contactId, 'agent')).toEqual({
      status: 200,
      body: { contactId, recorded: true, state: 'recording' },
    });
    expect((await call(api, ROUTE_KEYS.suspend, contactId, 'agent')).status).toBe(200);
    expect(standIn.recording(contactId).state).toBe('suspended');
    expect((await call(api, ROUTE_KEYS.status, contactId, 'agent')).body.state).toBe('suspended');
    expect((await call(api, ROUTE_KEYS.resume, contactId, 'agent')).status).toBe(200);
    expect((await call(api, ROUTE_KEYS.status, contactId, 'agent')).body.state).toBe('recording');
  });

  it("does not mix up two calls: another call's suspension leaves this one recording", async () => {
    const suspended = await decided(true);
    const running = await decided(true);
    await call(api, ROUTE_KEYS.suspend, suspended, 'agent');
    expect((await call(api, ROUTE_KEYS.status, running, 'agent')).body.state).toBe('recording');
    expect((await call(api, ROUTE_KEYS.status, suspended, 'agent')).body.state).toBe('suspended');
  });

  it('gives the length of the recording once it is stored, so the app checks a passage against it', async () => {
    const contactId = await decided(true);
    await ddb.send(
      new PutCommand({
        TableName: tables.recordings,
        Item: {
          contactId,
          sk: '#contact',
          agentId: AGENT,
          period: PERIOD,
          state: 'kept',
          durationSeconds: 61.5,
        },
      }),
    );
    expect((await call(api, ROUTE_KEYS.status, contactId, 'agent')).body).toMatchObject({
      recorded: true,
      durationSeconds: 61.5,
    });
  });

  it('tells the handling agent a call that was not drawn is not recorded', async () => {
    const contactId = await decided(false);
    expect(await call(api, ROUTE_KEYS.status, contactId, 'agent')).toEqual({
      status: 200,
      body: { contactId, recorded: false, state: 'not-recorded' },
    });
  });

  it("answers another agent 404, the same as for an unknown contact: whether a colleague's call was drawn stays private", async () => {
    const drawn = await decided(true);
    const notDrawn = await decided(false);
    const foreign = await call(api, ROUTE_KEYS.status, drawn, 'other');
    const foreignNotDrawn = await call(api, ROUTE_KEYS.status, notDrawn, 'other');
    const unknown = await call(api, ROUTE_KEYS.status, randomUUID(), 'other');
    for (const r of [foreign, foreignNotDrawn, unknown]) {
      expect(r.status).toBe(404);
      expect((r.body.error as { code: string }).code).toBe('contact-not-found');
    }
  });

  it('refuses coaches and DPOs (403) before reading anything', async () => {
    const contactId = await decided(true);
    expect((await call(api, ROUTE_KEYS.status, contactId, 'coach')).status).toBe(403);
    expect((await call(api, ROUTE_KEYS.status, contactId, 'dpo')).status).toBe(403);
  });

  it('says "unknown" rather than guess when no state reader is configured', async () => {
    const contactId = await decided(true);
    expect((await call(apiWithoutState, ROUTE_KEYS.status, contactId, 'agent')).body.state).toBe('unknown');
  });
});

describe('stateOfRecord', () => {
  it.each([
    [{ kind: 'suspension', data: { initialContactId: 'i' } }, 'i', 'suspended'],
    [{ kind: 'resumption', data: { initialContactId: 'i' } }, 'i', 'recording'],
    [{ kind: 'suspension', data: { initialContactId: 'j' } }, 'i', undefined],
    [{ kind: 'deletion-requested', data: { initialContactId: 'i' } }, 'i', undefined],
    [{ kind: 'suspension' }, 'i', undefined],
  ])('%j for %s → %s', (item, initial, expected) => {
    expect(stateOfRecord(item, initial)).toBe(expected);
  });
});
