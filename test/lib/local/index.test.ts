import { spawn } from 'node:child_process';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../../lambda/shared/tables';
import { type LocalStack, startLocalStack } from '../../../lib/local';
import { acceptsConnections } from '../../support/local';

describe('startLocalStack', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      buckets: ['recordings'],
      connectState: {
        instanceId: 'inst-1',
        users: [{ id: 'u1', username: 'agent1' }],
        contacts: [{ id: 'c1' }],
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('creates every table and exposes one merged env', async () => {
    const { TableNames } = await stack.dynamo.client.send(new ListTablesCommand({}));
    expect(TableNames).toEqual(expect.arrayContaining(Object.keys(TABLES)));
    expect(stack.tables).toEqual(Object.fromEntries(Object.keys(TABLES).map((t) => [t, t])));
    expect(stack.env).toMatchObject({
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: stack.s3.endpoint,
      AWS_ENDPOINT_URL_CONNECT: stack.connect.endpoint,
      AWS_REGION: 'eu-central-1',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    });
    for (const endpoint of [stack.dynamo.endpoint, stack.s3.endpoint, stack.connect.endpoint]) {
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
  });

  it('lets a spawned process reach all three through the env alone', async () => {
    const script = `
      const { DynamoDBClient, ListTablesCommand } = require('@aws-sdk/client-dynamodb');
      const { S3Client, ListObjectsV2Command } = require('@aws-sdk/client-s3');
      const { ConnectClient, DescribeUserCommand } = require('@aws-sdk/client-connect');
      (async () => {
        const d = new DynamoDBClient({}), s = new S3Client({ forcePathStyle: true }), c = new ConnectClient({});
        const t = await d.send(new ListTablesCommand({}));
        const o = await s.send(new ListObjectsV2Command({ Bucket: 'recordings' }));
        const u = await c.send(new DescribeUserCommand({ InstanceId: 'inst-1', UserId: 'u1' }));
        console.log(JSON.stringify({ tables: t.TableNames.length, keys: o.KeyCount, user: u.User.Username }));
        d.destroy(); s.destroy(); c.destroy();
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script], {
        cwd: process.cwd(),
        env: {
          PATH: process.env.PATH ?? '',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...stack.env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(stderr))));
    });
    expect(JSON.parse(out)).toEqual({ tables: Object.keys(TABLES).length, keys: 0, user: 'agent1' });
  });
});

describe('startLocalStack().stop()', () => {
  it('closes every port', async () => {
    const stack = await startLocalStack({ buckets: ['b'], connectState: { instanceId: 'i' } });
    const endpoints = [stack.dynamo.endpoint, stack.s3.endpoint, stack.connect.endpoint];
    for (const e of endpoints) expect(await acceptsConnections(e)).toBe(true);
    await stack.stop();
    for (const e of endpoints) expect(await acceptsConnections(e)).toBe(false);
  });
});
