import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../../lambda/core/canonical-json';
import { commitment } from '../../../lambda/core/lottery';
import { policyDocument } from '../../../lambda/core/policy-document';
import { commitmentKey, policyKey, revealKey } from '../../../lambda/core/publication';
import { createSeedLoader } from '../../../lambda/sampler/seed-loader';
import { rotateSeeds, type SeedRotationDeps } from '../../../lambda/seeds/seeds';
import { s3Publisher } from '../../../lambda/shared/publication';
import { type LocalStack, startLocalStack } from '../../../lib/local';
import { VersionedS3 } from '../../../lib/local/versioned-s3';
import { MemoryAudit } from '../../support/memory-audit';

const TZ = 'Europe/Paris';
let stack: LocalStack;
let ddb: DynamoDBDocumentClient;
let tableN = 0;

const logger = { info: () => undefined, error: () => undefined } as unknown as SeedRotationDeps['logger'];

/** A fresh seeds table (created like the harness does) per test, and deps with a settable clock. */
async function setup() {
  const table = `seeds-${++tableN}`;
  const { createTables } = await import('../../../lib/local');
  await createTables(stack.dynamo.client, { [table]: { partitionKey: 'period' } });
  const audit = new MemoryAudit();
  let now = new Date('2026-11-10T00:15:00.000Z');
  let counter = 0;
  const deps: SeedRotationDeps = {
    ddb,
    table,
    audit,
    transparency: { client: stack.s3.client, bucket: 'transparency' },
    timezone: TZ,
    now: () => now,
    randomBytes: (n) => new Uint8Array(n).fill(++counter),
    retentionDays: 365,
    logger,
  };
  return { table, audit, deps, setNow: (iso: string) => (now = new Date(iso)) };
}

const item = async (table: string, period: string) =>
  (await ddb.send(new GetCommand({ TableName: table, Key: { period }, ConsistentRead: true }))).Item;
const transparency = async (period: string) =>
  JSON.parse(
    await (
      await stack.s3.client.send(
        new GetObjectCommand({ Bucket: 'transparency', Key: `transparency/seeds/${period}.json` }),
      )
    ).Body!.transformToString(),
  );

beforeAll(async () => {
  stack = await startLocalStack({ buckets: ['transparency'], connectState: { instanceId: 'i' } });
  ddb = DynamoDBDocumentClient.from(stack.dynamo.client);
});
afterAll(async () => {
  await stack?.stop();
});

describe('seed commit / reveal', () => {
  it('keeps a seed item auditRetentionDays after its creation, never counted from the period end', async () => {
    const { deps, table } = await setup();
    await rotateSeeds(deps);
    const stored = await item(table, '2026-12');
    expect(stored?.createdAt).toBe('2026-11-10T00:15:00.000Z');
    expect(stored?.expiresAt).toBe(Date.parse('2026-11-10T00:15:00.000Z') / 1000 + 365 * 86_400);
  });

  it('publishes the commitment once before the period, the seed at reveal and the policy, never twice', async () => {
    const { deps, setNow } = await setup();
    let now = new Date('2026-11-10T00:15:00.000Z');
    const s3 = new VersionedS3('audit', { clock: () => now });
    const policy = { version: '7', samplingRate: 0.2, timezone: TZ };
    const withPub = {
      ...deps,
      now: () => now,
      publication: { publisher: s3Publisher(s3.client, 'audit'), policy },
    };
    const first = await rotateSeeds(withPub);
    expect(first.policy).toBe(policyDocument(policy).sha256);
    const c = s3.versions(commitmentKey('2026-12'));
    expect(c).toHaveLength(1);
    expect(c[0]!.createdAt.toISOString()).toBe('2026-11-10T00:15:00.000Z');
    const seed = new Uint8Array(32).fill(1);
    expect(JSON.parse(c[0]!.body.toString())).toEqual({
      period: '2026-12',
      commitment: commitment(seed),
      algorithm: 'sha256',
      committedAt: '2026-11-10T00:15:00.000Z',
    });
    expect(s3.versions(policyKey(policyDocument(policy).sha256))[0]!.body.toString()).toBe(
      canonicalize(policy),
    );
    // Later runs publish nothing twice; the reveal comes once the month is over.
    now = new Date('2026-11-11T00:15:00.000Z');
    await rotateSeeds(withPub);
    expect(s3.versions(commitmentKey('2026-12'))).toHaveLength(1);
    expect(s3.versions(revealKey('2026-12'))).toHaveLength(0);
    now = new Date('2027-01-02T00:15:00.000Z');
    setNow(now.toISOString());
    await rotateSeeds(withPub);
    const r = s3.versions(revealKey('2026-12'));
    expect(r).toHaveLength(1);
    expect(JSON.parse(r[0]!.body.toString())).toMatchObject({
      period: '2026-12',
      seed: Buffer.from(seed).toString('hex'),
    });
    expect(s3.count()).toBe(s3.store.size); // one version per key
  });

  it('commits the next period before it starts: seed stored, commitment audited and published', async () => {
    const { table, audit, deps } = await setup();
    const report = await rotateSeeds(deps);
    expect(report.created).toEqual(['2026-12']);
    expect(report.committed).toEqual(['2026-12']);
    const stored = await item(table, '2026-12');
    const seed = new Uint8Array(32).fill(1);
    expect(stored).toMatchObject({
      period: '2026-12',
      seed: Buffer.from(seed).toString('hex'),
      commitment: commitment(seed),
      committedAt: '2026-11-10T00:15:00.000Z',
      commitAudit: { seq: expect.any(Number) },
    });
    expect(stored?.revealedAt).toBeUndefined();
    expect(audit.entries.find((e) => e.kind === 'seed-commitment')).toMatchObject({
      chain: 'seeds',
      actor: 'function:seeds',
      subject: '2026-12',
      data: { period: '2026-12', commitment: commitment(seed) },
    });
    expect(JSON.stringify(audit.entries)).not.toContain(Buffer.from(seed).toString('hex'));
    const published = await transparency('2026-12');
    expect(published).toEqual({
      period: '2026-12',
      commitment: commitment(seed),
      committedAt: '2026-11-10T00:15:00.000Z',
    });
    // The sampler accepts it in December.
    const load = createSeedLoader({ ddb, table, timezone: TZ });
    await expect(load('2026-12')).resolves.toEqual(seed);
  });

  it('never gives a started period a seed: fails closed, logs and audits an incident', async () => {
    const { table, audit, deps } = await setup();
    const report = await rotateSeeds(deps); // 2026-11 started without a commitment
    expect(report.incidents).toEqual(['2026-11']);
    expect(await item(table, '2026-11')).toBeUndefined();
    expect(audit.entries.find((e) => e.kind === 'incident')).toMatchObject({
      chain: 'seeds',
      subject: '2026-11',
      data: { problem: 'no-commitment-before-start' },
    });
    await expect(createSeedLoader({ ddb, table, timezone: TZ })('2026-11')).rejects.toMatchObject({
      problem: 'missing',
    });
  });

  it('does not publish a seed stored but unpublished once its period has started', async () => {
    const { table, audit, deps, setNow } = await setup();
    const seed = new Uint8Array(32).fill(9);
    await ddb.send(
      new PutCommand({
        TableName: table,
        Item: {
          period: '2026-12',
          seed: Buffer.from(seed).toString('hex'),
          commitment: commitment(seed),
          createdAt: '2026-11-30T00:00:00.000Z',
        },
      }),
    );
    setNow('2026-12-01T00:15:00.000Z');
    const report = await rotateSeeds(deps);
    expect(report.incidents).toEqual(['2026-12']);
    expect(report.committed).toEqual(['2027-01']);
    expect((await item(table, '2026-12'))?.committedAt).toBeUndefined();
    expect(audit.entries.filter((e) => e.kind === 'seed-commitment').map((e) => e.subject)).toEqual([
      '2027-01',
    ]);
    await expect(createSeedLoader({ ddb, table, timezone: TZ })('2026-12')).rejects.toMatchObject({
      problem: 'uncommitted',
    });
  });

  it('keeps a committed seed: a second run changes nothing and publishes nothing again', async () => {
    const { table, audit, deps } = await setup();
    await rotateSeeds(deps);
    const before = await item(table, '2026-12');
    const entries = audit.entries.length;
    const report = await rotateSeeds(deps);
    expect(report.created).toEqual([]);
    expect(report.committed).toEqual([]);
    expect(await item(table, '2026-12')).toEqual(before);
    expect(audit.entries.slice(entries).map((e) => e.kind)).toEqual(['incident']); // 2026-11 only
  });

  it('reveals a period only after its end plus the grace day', async () => {
    const { table, audit, deps, setNow } = await setup();
    await rotateSeeds(deps); // commits 2026-12 on 2026-11-10
    setNow('2026-12-15T00:15:00.000Z'); // a daily run in December commits January
    expect((await rotateSeeds(deps)).committed).toEqual(['2027-01']);
    setNow('2026-12-31T22:30:00.000Z'); // December still running (23:30 in Paris)
    expect((await rotateSeeds(deps)).revealed).toEqual([]);
    setNow('2027-01-01T12:00:00.000Z'); // ended, within the grace day
    expect((await rotateSeeds(deps)).revealed).toEqual([]);
    expect((await item(table, '2026-12'))?.revealedAt).toBeUndefined();
    setNow('2027-01-02T00:15:00.000Z'); // Dec ends 2026-12-31T23:00Z (Paris); + 1 day = 2027-01-01T23:00Z
    const report = await rotateSeeds(deps);
    expect(report.revealed).toEqual(['2026-12']);
    const stored = await item(table, '2026-12');
    expect(stored?.revealedAt).toBe('2027-01-02T00:15:00.000Z');
    expect(audit.entries.find((e) => e.kind === 'seed-reveal')).toMatchObject({
      subject: '2026-12',
      data: { seed: stored?.seed, commitment: stored?.commitment },
    });
    expect(await transparency('2026-12')).toEqual({
      period: '2026-12',
      commitment: stored?.commitment,
      committedAt: stored?.committedAt,
      seed: stored?.seed,
      revealedAt: '2027-01-02T00:15:00.000Z',
    });
    // January was committed in December, before it started.
    expect(Date.parse((await item(table, '2027-01'))?.committedAt)).toBeLessThan(
      Date.parse('2026-12-31T23:00:00.000Z'),
    );
  });

  it('writes nothing to S3 without a transparency bucket', async () => {
    const { deps, table } = await setup();
    const { transparency: _t, ...withoutBucket } = deps;
    await rotateSeeds({ ...withoutBucket, now: () => new Date('2027-05-10T00:00:00.000Z') });
    expect((await item(table, '2027-06'))?.committedAt).toBe('2027-05-10T00:00:00.000Z');
    await expect(
      stack.s3.client.send(
        new GetObjectCommand({ Bucket: 'transparency', Key: 'transparency/seeds/2027-06.json' }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
