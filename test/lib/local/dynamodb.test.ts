import {
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  TransactWriteItemsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type TableKeys } from '../../../lambda/shared/tables';
import {
  createTables,
  dynamoEnv,
  type LocalDynamo,
  recordingTablesOf,
  startLocalDynamo,
} from '../../../lib/local/dynamodb';
import { acceptsConnections, withEnv } from '../../support/local';

describe('local DynamoDB (dynalite)', () => {
  let dynamo: LocalDynamo;
  let doc: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await createTables(dynamo.client);
    doc = DynamoDBDocumentClient.from(dynamo.client);
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('binds to 127.0.0.1 with an OS-chosen port', () => {
    expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates every table of TABLES with its key layout, ACTIVE at once', async () => {
    const { TableNames } = await dynamo.client.send(new ListTablesCommand({}));
    expect(TableNames).toEqual(expect.arrayContaining(Object.keys(TABLES)));
    for (const [name, keys] of Object.entries(TABLES) as [string, TableKeys][]) {
      const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST').toBe('PAY_PER_REQUEST');
      const expected = [{ AttributeName: keys.partitionKey, KeyType: 'HASH' }];
      if (keys.sortKey) expected.push({ AttributeName: keys.sortKey, KeyType: 'RANGE' });
      expect(Table?.KeySchema).toEqual(expected);
      const sortType = Table?.AttributeDefinitions?.find(
        (a) => a.AttributeName === keys.sortKey,
      )?.AttributeType;
      if (keys.sortKey) expect(sortType).toBe(keys.sortKeyType ?? 'S');
      expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        (keys.indexes ?? []).map((i) => i.name).sort(),
      );
    }
  });

  it('is idempotent and handles any table map and physical names', async () => {
    await createTables(dynamo.client);
    const tables = { extra: { partitionKey: 'pk', sortKey: 'sk' } };
    const names = await createTables(dynamo.client, tables, (logical) => `test-${logical}`);
    expect(names).toEqual({ extra: 'test-extra' });
    await createTables(dynamo.client, tables, (logical) => `test-${logical}`);
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: 'test-extra' }));
    expect(Table?.KeySchema?.map((k) => k.KeyType)).toEqual(['HASH', 'RANGE']);
  });

  it('supports the conditional ADD a quota reservation needs', async () => {
    const reserve = (contactId: string, cap: number) =>
      doc.send(
        new UpdateCommand({
          TableName: 'quotas',
          Key: { agentId: 'agent-1', period: '2026-05' },
          UpdateExpression: 'ADD reserved :one, contacts :contact',
          ConditionExpression:
            'attribute_not_exists(reserved) OR (reserved < :cap AND NOT contains(contacts, :id))',
          ExpressionAttributeValues: {
            ':one': 1,
            ':contact': new Set([contactId]),
            ':cap': cap,
            ':id': contactId,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
    const first = await reserve('c1', 2);
    expect(first.Attributes).toMatchObject({ reserved: 1, contacts: new Set(['c1']) });
    // contains() on a string set: the same contact cannot reserve twice.
    await expect(reserve('c1', 2)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await reserve('c2', 2);
    // `<`: the cap holds.
    await expect(reserve('c3', 2)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const { Item } = await doc.send(
      new GetCommand({ TableName: 'quotas', Key: { agentId: 'agent-1', period: '2026-05' } }),
    );
    expect(Item).toMatchObject({ reserved: 2, contacts: new Set(['c1', 'c2']) });
  });

  it.each([
    ['attribute_exists(n)', true],
    ['attribute_not_exists(not_there)', true],
    ['attribute_type(tags, :ss)', true],
    ['begins_with(s, :prefix)', true],
    ['contains(tags, :tag)', true],
    ['contains(s, :sub)', true],
    ['size(tags) = :two', true],
    ['n BETWEEN :one AND :ten', true],
    ['n IN (:one, :five)', true],
    ['n <> :five', false],
  ])('evaluates condition %s (expected to hold: %s)', async (condition, holds) => {
    const key = { contactId: `cond-${condition}` };
    await doc.send(
      new PutCommand({
        TableName: 'decisions',
        Item: { ...key, n: 5, s: 'recorded', tags: new Set(['a', 'b']) },
      }),
    );
    const values: Record<string, unknown> = {
      ':ss': 'SS',
      ':prefix': 'rec',
      ':tag': 'a',
      ':sub': 'cord',
      ':two': 2,
      ':one': 1,
      ':ten': 10,
      ':five': 5,
    };
    const used = Object.fromEntries(Object.entries(values).filter(([k]) => condition.includes(k)));
    const update = doc.send(
      new UpdateCommand({
        TableName: 'decisions',
        Key: key,
        UpdateExpression: 'SET checked = :true',
        ConditionExpression: condition,
        ExpressionAttributeValues: { ...used, ':true': true },
      }),
    );
    if (holds) await expect(update).resolves.toBeDefined();
    else await expect(update).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  });

  it('does not support TransactWriteItems or UpdateTimeToLive (documented limits)', async () => {
    await expect(
      dynamo.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ Put: { TableName: 'seeds', Item: { period: { S: '2026-05' } } } }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnknownOperationException' });
    await expect(
      dynamo.client.send(
        new UpdateTimeToLiveCommand({
          TableName: 'decisions',
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });

  it('is reached by a client without explicit endpoint through AWS_ENDPOINT_URL_DYNAMODB', async () => {
    await withEnv(dynamoEnv(dynamo.endpoint), async () => {
      const client = new DynamoDBClient({});
      try {
        const { TableNames } = await client.send(new ListTablesCommand({}));
        expect(TableNames).toEqual(expect.arrayContaining(Object.keys(TABLES)));
      } finally {
        client.destroy();
      }
    });
  });
});

describe('startLocalDynamo().stop()', () => {
  it('releases the port and can be called twice', async () => {
    const dynamo = await startLocalDynamo();
    await createTables(dynamo.client);
    expect(await acceptsConnections(dynamo.endpoint)).toBe(true);
    await dynamo.stop();
    expect(await acceptsConnections(dynamo.endpoint)).toBe(false);
    await dynamo.stop();
  });
});

describe('startLocalDynamo({ thread: true })', () => {
  it('serves from a worker thread (no server of its own in this thread), then releases the port', async () => {
    const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = servers();
    const dynamo = await startLocalDynamo({ thread: true });
    expect(servers()).toBe(before);
    await createTables(dynamo.client);
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    await doc.send(new PutCommand({ TableName: 'seeds', Item: { period: '2026-05', seed: 'ab' } }));
    const { Item } = await doc.send(new GetCommand({ TableName: 'seeds', Key: { period: '2026-05' } }));
    expect(Item).toEqual({ period: '2026-05', seed: 'ab' });
    expect(await acceptsConnections(dynamo.endpoint)).toBe(true);
    await dynamo.stop();
    expect(await acceptsConnections(dynamo.endpoint)).toBe(false);
    await dynamo.stop();
  });
});

describe('recordingTablesOf', () => {
  it('picks the recording tables by logical name and names the one that is missing', () => {
    const names = { recordings: 'p-rec', requests: 'p-req', decisions: 'p-dec', seeds: 'p-seeds' };
    expect(recordingTablesOf(names)).toEqual({ recordings: 'p-rec', requests: 'p-req', decisions: 'p-dec' });
    const { requests: _, ...withoutRequests } = names;
    expect(() => recordingTablesOf(withoutRequests)).toThrow(
      /no requests table among recordings, decisions, seeds/,
    );
  });
});
