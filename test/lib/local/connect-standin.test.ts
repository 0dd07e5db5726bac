import {
  ConnectClient,
  DescribeContactCommand,
  DescribeUserCommand,
  DescribeUserHierarchyGroupCommand,
  ListUserHierarchyGroupsCommand,
  ListUsersCommand,
  paginateListUsers,
  ResumeContactRecordingCommand,
  StartContactRecordingCommand,
  StopContactRecordingCommand,
  SuspendContactRecordingCommand,
} from '@aws-sdk/client-connect';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConnectSeed,
  ConnectStandIn,
  connectEnv,
  type RunningConnect,
} from '../../../lib/local/connect-standin';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../lib/local/dynamodb';
import { acceptsConnections, withEnv } from '../../support/local';

const INSTANCE = 'inst-1';

const SEED: ConnectSeed = {
  instanceId: INSTANCE,
  users: Array.from({ length: 5 }, (_, i) => ({
    id: `u${i}`,
    username: `agent${i}`,
    hierarchyGroupId: 'team-a',
  })),
  hierarchyGroups: [
    { id: 'site', name: 'Berlin', level: 1 },
    { id: 'dept', name: 'Billing', level: 2, path: ['site', 'dept'] },
    { id: 'team-a', name: 'Team A', level: 3, path: ['site', 'dept', 'team-a'] },
  ],
  contacts: [{ id: 'c1', agentId: 'u0', queueId: 'q1' }],
};

/** A clock the test moves by hand: one second per tick. */
function manualClock() {
  let t = Date.parse('2026-05-04T08:00:00Z');
  return { now: () => new Date(t), tick: (seconds = 1) => (t += seconds * 1000) };
}

describe('Connect stand-in through @aws-sdk/client-connect', () => {
  let clock: ReturnType<typeof manualClock>;
  let standIn: ConnectStandIn;
  let running: RunningConnect;
  let client: ConnectClient;

  const ids = (ContactId: string, InitialContactId = ContactId) => ({
    InstanceId: INSTANCE,
    ContactId,
    InitialContactId,
  });
  const start = (ContactId: string, InitialContactId = ContactId) =>
    client.send(
      new StartContactRecordingCommand({
        ...ids(ContactId, InitialContactId),
        VoiceRecordingConfiguration: { VoiceRecordingTrack: 'ALL' },
      }),
    );

  beforeEach(async () => {
    clock = manualClock();
    standIn = new ConnectStandIn(SEED, { clock: clock.now });
    running = await standIn.start();
    client = new ConnectClient({
      endpoint: running.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
  });
  afterEach(async () => {
    client.destroy();
    await running.stop();
  });

  it('records, suspends, resumes and stops, with a span log from the injected clock', async () => {
    await start('c1');
    clock.tick(10);
    await client.send(new SuspendContactRecordingCommand(ids('c1')));
    clock.tick(5);
    await client.send(new ResumeContactRecordingCommand(ids('c1')));
    clock.tick(20);
    await client.send(new StopContactRecordingCommand(ids('c1')));
    expect(standIn.recording('c1')).toMatchObject({ state: 'stopped', track: 'ALL' });
    expect(standIn.recording('c1').events.map((e) => e.action)).toEqual([
      'start',
      'suspend',
      'resume',
      'stop',
    ]);
    expect(standIn.recordingSpans('c1')).toEqual([
      { from: new Date('2026-05-04T08:00:00Z'), to: new Date('2026-05-04T08:00:10Z') },
      { from: new Date('2026-05-04T08:00:15Z'), to: new Date('2026-05-04T08:00:35Z') },
    ]);
    expect(standIn.calls.map((c) => [c.operation, c.outcome])).toEqual([
      ['StartContactRecording', 'ok'],
      ['SuspendContactRecording', 'ok'],
      ['ResumeContactRecording', 'ok'],
      ['StopContactRecording', 'ok'],
    ]);
    expect(standIn.calls[0]?.input).toMatchObject({
      InstanceId: INSTANCE,
      ContactId: 'c1',
      InitialContactId: 'c1',
      VoiceRecordingConfiguration: { VoiceRecordingTrack: 'ALL' },
    });
  });

  it('follows the documented recording rules', async () => {
    await expect(start('nope')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(client.send(new SuspendContactRecordingCommand(ids('c1')))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      client.send(new StartContactRecordingCommand({ ...ids('c1'), VoiceRecordingConfiguration: {} })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await start('c1');
    await start('c1'); // repeated start while recording: accepted, no new span
    expect(standIn.recording('c1').events).toHaveLength(1);
    await client.send(new StopContactRecordingCommand(ids('c1')));
    // "StartContactRecording is a one-time action": no restart after a stop.
    await expect(start('c1')).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(client.send(new ResumeContactRecordingCommand(ids('c1')))).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
  });

  it('can reject a repeated start instead', async () => {
    const strict = new ConnectStandIn(SEED, { repeatStart: 'reject' });
    const server = await strict.start();
    const strictClient = new ConnectClient({
      endpoint: server.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const input = {
        ...ids('c1'),
        VoiceRecordingConfiguration: { VoiceRecordingTrack: 'FROM_AGENT' as const },
      };
      await strictClient.send(new StartContactRecordingCommand(input));
      await expect(strictClient.send(new StartContactRecordingCommand(input))).rejects.toMatchObject({
        name: 'InvalidRequestException',
      });
    } finally {
      strictClient.destroy();
      await server.stop();
    }
  });

  it('models the transfer pitfall: name the current leg and the initial contact', async () => {
    await start('c1');
    clock.tick(30);
    standIn.transferContact('c1', { id: 'c2', agentId: 'u1', queueId: 'q2' });
    clock.tick(10);
    // Naming the transferred-away leg fails like in amazon-connect-streams#294.
    await expect(client.send(new SuspendContactRecordingCommand(ids('c1')))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    // The new leg with itself as initial contact: wrong InitialContactId.
    await expect(client.send(new SuspendContactRecordingCommand(ids('c2')))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    // Current leg + initial contact id: works, the recording continued across the transfer.
    await client.send(new SuspendContactRecordingCommand(ids('c2', 'c1')));
    expect(standIn.recording('c2').state).toBe('suspended');
    expect(standIn.recordingSpans('c1')).toEqual([
      { from: new Date('2026-05-04T08:00:00Z'), to: new Date('2026-05-04T08:00:30Z') },
    ]);
    expect(standIn.recordingSpans('c2')).toEqual([
      { from: new Date('2026-05-04T08:00:30Z'), to: new Date('2026-05-04T08:00:40Z') },
    ]);
    const { Contact } = await client.send(
      new DescribeContactCommand({ InstanceId: INSTANCE, ContactId: 'c2' }),
    );
    expect(Contact).toMatchObject({
      Id: 'c2',
      InitialContactId: 'c1',
      PreviousContactId: 'c1',
      AgentInfo: { Id: 'u1' },
      QueueInfo: { Id: 'q2' },
      InitiationTimestamp: new Date('2026-05-04T08:00:30Z'),
    });
    const old = await client.send(new DescribeContactCommand({ InstanceId: INSTANCE, ContactId: 'c1' }));
    expect(old.Contact?.DisconnectTimestamp).toEqual(new Date('2026-05-04T08:00:30Z'));
  });

  it('adds and ends contacts during a simulation; an ended contact cannot be recorded', async () => {
    standIn.addContact({ id: 'c9', agentId: 'u2' });
    await start('c9');
    clock.tick(60);
    standIn.endContact('c9');
    expect(standIn.recordingSpans('c9')).toEqual([
      { from: new Date('2026-05-04T08:00:00Z'), to: new Date('2026-05-04T08:01:00Z') },
    ]);
    await expect(client.send(new SuspendContactRecordingCommand(ids('c9')))).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
  });

  it('describes contacts, users (no identity info) and hierarchy groups', async () => {
    const { Contact } = await client.send(
      new DescribeContactCommand({ InstanceId: INSTANCE, ContactId: 'c1' }),
    );
    expect(Contact).toMatchObject({ Id: 'c1', AgentInfo: { Id: 'u0' }, QueueInfo: { Id: 'q1' } });
    expect(Contact?.InitiationTimestamp).toBeInstanceOf(Date);
    expect(Contact?.InitialContactId).toBeUndefined();

    const { User } = await client.send(new DescribeUserCommand({ InstanceId: INSTANCE, UserId: 'u3' }));
    expect(User).toMatchObject({ Id: 'u3', Username: 'agent3', HierarchyGroupId: 'team-a' });
    expect(User?.Arn).toMatch(/^arn:aws:connect:eu-central-1:\d{12}:instance\/inst-1\/agent\/u3$/);
    expect(User?.IdentityInfo).toBeUndefined();

    const { HierarchyGroup } = await client.send(
      new DescribeUserHierarchyGroupCommand({ InstanceId: INSTANCE, HierarchyGroupId: 'team-a' }),
    );
    expect(HierarchyGroup).toMatchObject({
      Id: 'team-a',
      Name: 'Team A',
      LevelId: '3',
      HierarchyPath: {
        LevelOne: { Id: 'site', Name: 'Berlin' },
        LevelTwo: { Id: 'dept', Name: 'Billing' },
        LevelThree: { Id: 'team-a', Name: 'Team A' },
      },
    });
    const groups = await client.send(new ListUserHierarchyGroupsCommand({ InstanceId: INSTANCE }));
    expect(groups.UserHierarchyGroupSummaryList?.map((g) => g.Id)).toEqual(['site', 'dept', 'team-a']);

    await expect(
      client.send(new DescribeUserCommand({ InstanceId: INSTANCE, UserId: 'ghost' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      client.send(new DescribeContactCommand({ InstanceId: 'other-instance', ContactId: 'c1' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('paginates ListUsers with NextToken, also through the SDK paginator', async () => {
    const first = await client.send(new ListUsersCommand({ InstanceId: INSTANCE, MaxResults: 2 }));
    expect(first.UserSummaryList?.map((u) => u.Id)).toEqual(['u0', 'u1']);
    expect(first.NextToken).toBeTypeOf('string');
    const second = await client.send(
      new ListUsersCommand({ InstanceId: INSTANCE, MaxResults: 2, NextToken: first.NextToken }),
    );
    expect(second.UserSummaryList?.map((u) => u.Id)).toEqual(['u2', 'u3']);

    const all: string[] = [];
    for await (const page of paginateListUsers({ client, pageSize: 2 }, { InstanceId: INSTANCE })) {
      all.push(...(page.UserSummaryList ?? []).map((u) => u.Username ?? ''));
    }
    expect(all).toEqual(['agent0', 'agent1', 'agent2', 'agent3', 'agent4']);
    expect(standIn.calls.filter((c) => c.operation === 'ListUsers').at(-1)?.input).toMatchObject({
      MaxResults: 2,
    });
  });

  it.each([
    ['ResourceNotFoundException', 404],
    ['InvalidRequestException', 400],
    ['ThrottlingException', 429],
    ['InternalServiceException', 500],
  ] as const)('injects %s (HTTP %i) as a typed SDK exception', async (errorName, status) => {
    standIn.failNext('StartContactRecording', errorName);
    const err = await start('c1').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: errorName, $metadata: { httpStatusCode: status } });
    expect(standIn.calls.at(-1)).toMatchObject({ operation: 'StartContactRecording', outcome: errorName });
    // Only the next call failed; the recording can still start.
    await start('c1');
    expect(standIn.recording('c1').state).toBe('recording');
  });

  it('lets the SDK retry injected throttling (count = 2 with default retries)', async () => {
    const retrying = new ConnectClient({
      endpoint: running.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 3,
    });
    try {
      standIn.failNext('DescribeUser', 'ThrottlingException', 2);
      const out = await retrying.send(new DescribeUserCommand({ InstanceId: INSTANCE, UserId: 'u0' }));
      expect(out.User?.Id).toBe('u0');
      expect(out.$metadata.attempts).toBe(3);
      expect(standIn.calls.map((c) => c.outcome)).toEqual([
        'ThrottlingException',
        'ThrottlingException',
        'ok',
      ]);
    } finally {
      retrying.destroy();
    }
  });

  it('applies artificial latency', async () => {
    standIn.setLatency(80);
    const t0 = performance.now();
    await client.send(new DescribeUserCommand({ InstanceId: INSTANCE, UserId: 'u0' }));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
  });

  it('is reached by a client without explicit endpoint through AWS_ENDPOINT_URL_CONNECT', async () => {
    await withEnv(
      {
        ...connectEnv(running.endpoint),
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      },
      async () => {
        const envClient = new ConnectClient({});
        try {
          const { User } = await envClient.send(
            new DescribeUserCommand({ InstanceId: INSTANCE, UserId: 'u4' }),
          );
          expect(User?.Username).toBe('agent4');
        } finally {
          envClient.destroy();
        }
      },
    );
  });
});

describe('ConnectStandIn.start().stop()', () => {
  it('releases the port, also with a keep-alive client connected', async () => {
    const standIn = new ConnectStandIn(SEED);
    const running = await standIn.start();
    const client = new ConnectClient({
      endpoint: running.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    await client.send(new DescribeUserCommand({ InstanceId: INSTANCE, UserId: 'u0' }));
    await running.stop();
    expect(await acceptsConnections(running.endpoint)).toBe(false);
    client.destroy();
  });
});
