import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFileName, s3ExportTarget } from '../../../lambda/audit-export/targets';
import { commitment } from '../../../lambda/core/lottery';
import { publishHeads, s3Publisher } from '../../../lambda/shared/publication';
import { exportDeployment, run } from '../../../lib/cli/export';
import { STACK_OUTPUTS } from '../../../lib/deploy/outputs';
import { type LocalStack, startLocalStack } from '../../../lib/local';
import { localHeadSigner } from '../../../lib/local/head-signer';
import { VersionedS3 } from '../../../lib/local/versioned-s3';
import { verifyAuditExport } from '../../../lib/verify/audit-export';
import { withEnv } from '../../support/local';
import { chainOf, jsonl } from '../../support/publication';

let stack: LocalStack;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'fairlisten-export-'));
  dirs.push(d);
  return d;
};
const hex = (n: number) => Buffer.alloc(32, n).toString('hex');
const decision = (contactId: string, decidedAt: string) => ({
  contactId,
  initialContactId: null,
  agentArn:
    'arn:aws:connect:eu-central-1:000000000000:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa/agent/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  agentId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  queue: null,
  period: '2026-10',
  decidedAt,
  u: 0.5,
  rate: 0.2,
  lotterySelected: false,
  recorded: false,
  reason: 'not-drawn',
  policyVersion: '1',
  policyHash: 'a'.repeat(64),
  algorithmVersion: 'fairlisten-lottery-v1',
});

beforeAll(async () => {
  stack = await startLocalStack({ buckets: [], connectState: { instanceId: 'i' } });
  const ddb = DynamoDBDocumentClient.from(stack.dynamo.client);
  await ddb.send(
    new PutCommand({
      TableName: 'decisions',
      Item: { ...decision('b0000000-0000-4000-8000-000000000000', '2026-10-02T10:00:00.000Z'), expiresAt: 1 },
    }),
  );
  await ddb.send(
    new PutCommand({
      TableName: 'decisions',
      Item: { ...decision('a0000000-0000-4000-8000-000000000000', '2026-10-02T10:00:00.000Z'), expiresAt: 1 },
    }),
  );
  await ddb.send(
    new PutCommand({
      TableName: 'decisions',
      Item: { ...decision('c0000000-0000-4000-8000-000000000000', '2026-10-01T10:00:00.000Z'), expiresAt: 1 },
    }),
  );
  const seed = (n: number, extra: Record<string, string>) => ({
    seed: hex(n),
    commitment: commitment(Buffer.alloc(32, n)),
    createdAt: '2026-09-01T00:00:00.000Z',
    committedAt: '2026-09-01T00:00:00.000Z',
    ...extra,
  });
  await ddb.send(
    new PutCommand({
      TableName: 'seeds',
      Item: { period: '2026-10', ...seed(1, { revealedAt: '2026-11-02T00:15:00.000Z' }) },
    }),
  );
  await ddb.send(new PutCommand({ TableName: 'seeds', Item: { period: '2026-11', ...seed(2, {}) } }));
  await ddb.send(
    new PutCommand({
      TableName: 'seeds',
      Item: {
        period: '2026-09',
        ...seed(3, { revealedAt: '2026-10-02T00:00:00.000Z', commitment: '0'.repeat(64) }),
      },
    }),
  );
});
afterAll(async () => {
  await stack?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('fairlisten export', () => {
  it('writes every decision in canonical order and only revealed, consistent seeds', async () => {
    const out = tmp();
    const code = await withEnv(stack.env, () =>
      run(['--out', out, '--decisions-table', 'decisions', '--seeds-table', 'seeds']),
    );
    expect(code).toBe(0);
    const lines = readFileSync(join(out, 'decisions.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.contactId)).toEqual([
      'c0000000-0000-4000-8000-000000000000',
      'a0000000-0000-4000-8000-000000000000',
      'b0000000-0000-4000-8000-000000000000',
    ]);
    expect(lines[0]).not.toHaveProperty('expiresAt');
    expect(Object.keys(lines[0])).toEqual(Object.keys(decision('x', 'y')));
    const seeds = JSON.parse(readFileSync(join(out, 'seeds.json'), 'utf8'));
    expect(Object.keys(seeds)).toEqual(['2026-10']);
    expect(seeds['2026-10']).toEqual({
      commitment: commitment(Buffer.alloc(32, 1)),
      committedAt: '2026-09-01T00:00:00.000Z',
      seed: hex(1),
      revealedAt: '2026-11-02T00:15:00.000Z',
    });
    expect(readFileSync(join(out, 'seeds.json'), 'utf8')).not.toContain(hex(2));
  });

  it('reads the table names from a cdk outputs file', async () => {
    const out = tmp();
    const outputs = join(out, 'cdk-outputs.json');
    writeFileSync(
      outputs,
      JSON.stringify({
        Fairlisten: {
          ...Object.fromEntries(Object.keys(STACK_OUTPUTS).map((k) => [k, `deployed-${k}`])),
          DecisionsTableName: 'decisions',
          SeedsTableName: 'seeds',
        },
      }),
    );
    expect(await withEnv(stack.env, () => run(['--out', out, '--outputs', outputs]))).toBe(0);
    expect(readFileSync(join(out, 'decisions.jsonl'), 'utf8').split('\n')).toHaveLength(4);
  });

  it('copies the audit bucket (exports and publication, with versions) into DIR/audit/, which then verifies', async () => {
    const out = tmp();
    const s3 = new VersionedS3('audit', { clock: () => new Date('2026-11-01T10:00:00.000Z') });
    const records = chainOf('listens/2026-10', 3);
    await s3ExportTarget(s3.client, 'audit').put(`listens%2F2026-10/${exportFileName(1, 3)}`, jsonl(records));
    const last = records.at(-1)!;
    await publishHeads(
      s3Publisher(s3.client, 'audit'),
      localHeadSigner(),
      new Date('2026-11-01T10:00:00.000Z'),
      [{ chain: last.chain, seq: last.seq, hash: last.hash, at: last.at }],
    );
    await exportDeployment({
      ddb: DynamoDBDocumentClient.from(stack.dynamo.client),
      decisionsTable: 'decisions',
      seedsTable: 'seeds',
      outDir: out,
      audit: { s3: s3.client, bucket: 'audit' },
    });
    const report = verifyAuditExport(join(out, 'audit'));
    expect(report.findings).toEqual([]);
    expect(report.heads).toHaveLength(1);
    expect(
      JSON.parse(readFileSync(join(out, 'audit', 'published-versions.json'), 'utf8')).versions,
    ).toHaveLength(2);
  });

  it('refuses incomplete arguments with exit code 2', async () => {
    expect(await run(['--out', tmp(), '--decisions-table', 'd', '--seeds-table', 's', '--audit'])).toBe(2);
    expect(await run(['--out', tmp()])).toBe(2);
    expect(await run(['--decisions-table', 'd', '--seeds-table', 's'])).toBe(2);
  });
});
