import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../lambda/core/retention';
import {
  retentionSweeperConfigFromEnv,
  retentionSweeperEnvironment,
} from '../../../lambda/retention-sweeper/config';
import { type RetentionSweepDeps, sweepRetention, sweepRule } from '../../../lambda/retention-sweeper/sweep';
import { createRecordingStore } from '../../../lambda/shared/recording-store';
import { CONTACT_SK, objectSk } from '../../../lambda/shared/requests';
import { createRetentionIndex, type RetentionIndex } from '../../../lambda/shared/retention-index';
import { VersionedS3 } from '../../../lib/local/versioned-s3';
import { MemoryAudit } from '../../support/memory-audit';
import { harnessPerFile } from '../../support/recording-harness';

const BUCKET = 'recordings-test';
const PREFIXES = ['connect/fairlisten/CallRecordings/', 'Analysis/Voice/'];
const OLD = '0b6f8a52-3a0e-4c36-9d39-3c1f5a1d2e4f';
const YOUNG = '1c7f8a52-3a0e-4c36-9d39-3c1f5a1d2e40';
const oldKey = `connect/fairlisten/CallRecordings/2026/09/01/${OLD}_20260901T10:15_UTC.wav`;
const oldLens = `Analysis/Voice/Redacted/2026/09/01/${OLD}_call_recording_redacted_2026-09-01T10:20:00Z.wav`;
const youngKey = `connect/fairlisten/CallRecordings/2026/11/20/${YOUNG}_20261120T09:00_UTC.wav`;
const undated = `connect/fairlisten/CallRecordings/${OLD}.wav`;
const outside = `elsewhere/2026/01/01/${OLD}_20260101T10:00_UTC.wav`;
const CALL = Date.parse('2026-09-01T10:15:00Z');

/** A versioned bucket whose clock the test moves: the call on day 0, a redaction on day 89. */
function bucketWithHistory() {
  let now = CALL;
  const s3 = new VersionedS3(BUCKET, { clock: () => new Date(now) });
  const put = (Key: string, body: string) =>
    s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Buffer.from(body) }));
  return {
    s3,
    put,
    at: (ms: number) => {
      now = ms;
    },
  };
}

const h = harnessPerFile();
let index: RetentionIndex;
beforeAll(() => {
  index = createRetentionIndex(h.ddb, h.tables.recordings);
});

/** A run of the sweeper `days` after the call, on `b`'s bucket: 90-day rule, 24 hours of grace. */
const sweepDeps = (
  b: { s3: VersionedS3 },
  days: number,
  over: Partial<RetentionSweepDeps> = {},
): RetentionSweepDeps => ({
  s3: b.s3.client,
  bucket: BUCKET,
  prefixes: PREFIXES,
  rule: sweepRule(90, 24),
  audit: new MemoryAudit(),
  index,
  now: () => new Date(CALL + days * DAY_MS),
  ...over,
});

/** Indexes `key` of `contactId` the way ingest does (a kept contact, the version seen). */
async function indexAsIngest(
  contactId: string,
  key: string,
  versionId: string,
  state: 'kept' | 'redacted' = 'kept',
) {
  const store = createRecordingStore({ client: h.ddb, tables: h.tables, retentionDays: 90 });
  const contact = await store.ensureContact(contactId, {
    agentId: 'agent-1',
    period: '2026-09',
    state,
    callAt: new Date(CALL),
  });
  await store.addObjectVersion(contactId, key, 'call-recording', versionId, 100, contact.expiresAt);
}

async function indexed(contactId: string) {
  const contact = (
    await h.ddb.send(
      new GetCommand({
        TableName: h.tables.recordings,
        Key: { contactId, sk: CONTACT_SK },
        ConsistentRead: true,
      }),
    )
  ).Item;
  const objects =
    (
      await h.ddb.send(
        new QueryCommand({
          TableName: h.tables.recordings,
          KeyConditionExpression: 'contactId = :c AND begins_with(sk, :o)',
          ExpressionAttributeValues: { ':c': contactId, ':o': 'object#' },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
  return { contact, objects };
}

/** What the assignment draws from: the agent's kept or redacted contacts of the period (GSI byAgent). */
async function assignable(agentId: string, period: string): Promise<string[]> {
  const out = await h.ddb.send(
    new QueryCommand({
      TableName: h.tables.recordings,
      IndexName: 'byAgent',
      KeyConditionExpression: 'agentId = :a AND period = :p',
      FilterExpression: 'sk = :c AND (#s = :kept OR #s = :redacted)',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: {
        ':a': agentId,
        ':p': period,
        ':c': CONTACT_SK,
        ':kept': 'kept',
        ':redacted': 'redacted',
      },
    }),
  );
  return (out.Items ?? []).map((i) => String(i.contactId));
}

const env = (over: Record<string, string> = {}) => ({
  ...retentionSweeperEnvironment({
    bucket: BUCKET,
    recordingsTable: 'recordings',
    prefixes: PREFIXES,
    retentionDays: 90,
    intervalHours: 24,
  }),
  AUDIT_TABLE: 'audit',
  AUDIT_RETENTION_DAYS: '365',
  ...over,
});

describe('sweepRetention against the versioned S3 stand-in', () => {
  it('redacted on day 89: every version of the key (the redaction included) is gone by day 90, audited', async () => {
    const b = bucketWithHistory();
    await b.put(oldKey, 'original audio');
    await b.put(oldLens, 'lens audio');
    await b.put(undated, 'no date in the key');
    await b.put(outside, 'not under a recording prefix');
    b.at(CALL + 89 * DAY_MS);
    await b.put(oldKey, 'redacted audio'); // S3's lifecycle would keep this one until day 178
    await b.put(youngKey, 'a recent call');
    expect(b.s3.versions(oldKey)).toHaveLength(2);
    const current = b.s3.versions(oldKey).at(-1)!.versionId;
    await indexAsIngest(OLD, oldKey, current, 'redacted');
    await indexAsIngest(YOUNG, youngKey, b.s3.versions(youngKey)[0]!.versionId);
    const before = await indexed(OLD);
    expect(await assignable('agent-1', '2026-09')).toEqual(expect.arrayContaining([OLD, YOUNG]));

    const audit = new MemoryAudit();
    const warnings: string[] = [];
    const report = await sweepRetention(
      sweepDeps(b, 89, { audit, logger: { info: () => {}, warn: (m) => warnings.push(m) } }),
    );

    expect(b.s3.versions(oldKey)).toEqual([]);
    expect(b.s3.versions(oldLens)).toEqual([]);
    expect(b.s3.versions(youngKey)).toHaveLength(1);
    expect(b.s3.versions(undated)).toHaveLength(1); // kept, reported
    expect(b.s3.versions(outside)).toHaveLength(1); // not a recording prefix: not the sweeper's
    expect(report).toMatchObject({
      expiredKeys: 2,
      deletedVersions: 3,
      kept: 1,
      unreadable: [undated],
      failed: [],
    });
    expect(warnings).toContain('retention sweep kept keys it cannot date');
    const records = audit.of('retention-expired', OLD);
    expect(records.map((r) => r.chain)).toEqual(['privacy/2026-09', 'privacy/2026-09']);
    expect(records.map((r) => r.data?.key).sort()).toEqual([oldKey, oldLens].sort());
    expect(records.find((r) => r.data?.key === oldKey)!.data).toMatchObject({
      deletedVersionIds: [expect.any(String), expect.any(String)],
      deletedMarkerIds: [],
      retentionDays: 90,
    });

    // The index no longer offers the recording: the contact is expired, its object has no
    // version for playback to sign, the assignment's query leaves it out; the young one stays.
    const after = await indexed(OLD);
    expect(after.contact).toMatchObject({ state: 'expired', expiresAt: before.contact!.expiresAt });
    expect(after.objects).toEqual([
      expect.objectContaining({
        sk: objectSk(oldKey),
        versionIds: [],
        size: 0,
        expiresAt: before.objects[0]!.expiresAt,
      }),
    ]);
    expect(await assignable('agent-1', '2026-09')).toEqual([YOUNG]);
    expect((await indexed(YOUNG)).contact).toMatchObject({ state: 'kept' });
    // The analysis file was never indexed: the sweeper creates no item for it.
    expect(after.objects.map((o) => o.sk)).not.toContain(objectSk(oldLens));
  });

  it('leaves a deletion state alone and creates nothing for a contact nobody indexed', async () => {
    const deleted = '2d7f8a52-3a0e-4c36-9d39-3c1f5a1d2e41';
    const unknown = '3e7f8a52-3a0e-4c36-9d39-3c1f5a1d2e42';
    const key = (id: string) => `connect/fairlisten/CallRecordings/2026/09/01/${id}_20260901T10:15_UTC.wav`;
    const b = bucketWithHistory();
    await b.put(key(deleted), 'a late Contact Lens copy');
    await b.put(key(unknown), 'never indexed');
    await indexAsIngest(deleted, key(deleted), 'v-gone');
    await createRecordingStore({ client: h.ddb, tables: h.tables, retentionDays: 90 }).updateContact(
      deleted,
      {
        state: 'deleted',
      },
    );
    const report = await sweepRetention(sweepDeps(b, 90));
    expect(report.failed).toEqual([]);
    expect((await indexed(deleted)).contact).toMatchObject({ state: 'deleted' });
    expect(await indexed(unknown)).toEqual({ contact: undefined, objects: [] });
  });

  it('an index that cannot be written does not hold the audio back: deleted, audited, the key reported failed', async () => {
    const b = bucketWithHistory();
    await b.put(oldKey, 'audio');
    const audit = new MemoryAudit();
    const broken: RetentionIndex = {
      markExpired: () => Promise.reject(new Error('index unavailable')),
    };
    const warnings: Record<string, unknown>[] = [];
    const report = await sweepRetention(
      sweepDeps(b, 90, {
        audit,
        index: broken,
        logger: { info: () => {}, warn: (_m, extra) => warnings.push(extra ?? {}) },
      }),
    );
    expect(b.s3.versions(oldKey)).toEqual([]);
    expect(audit.of('retention-expired', OLD)).toHaveLength(1);
    expect(report.failed).toEqual([oldKey]);
    expect(warnings).toContainEqual(
      expect.objectContaining({ key: oldKey, allDeleted: true, error: 'index unavailable' }),
    );
  });

  it('removes the delete markers left behind by a deletion', async () => {
    const b = bucketWithHistory();
    await b.put(oldKey, 'audio');
    await b.s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: oldKey }));
    expect(b.s3.versions(oldKey).map((v) => v.isDeleteMarker)).toEqual([false, true]);
    const audit = new MemoryAudit();
    await sweepRetention(sweepDeps(b, 90, { audit }));
    expect(b.s3.versions(oldKey)).toEqual([]);
    expect(audit.of('retention-expired')[0]!.data).toMatchObject({ deletedMarkerIds: [expect.any(String)] });
  });

  it('a failed delete leaves the key to the next run and says so; the next run finishes it', async () => {
    const b = bucketWithHistory();
    await b.put(oldKey, 'audio');
    const audit = new MemoryAudit();
    const deps = sweepDeps(b, 90, { audit });
    b.s3.failOn('DeleteObjectCommand');
    expect((await sweepRetention(deps)).failed).toEqual([oldKey]);
    expect(audit.entries).toEqual([]);
    expect((await sweepRetention(deps)).failed).toEqual([]);
    expect(b.s3.versions(oldKey)).toEqual([]);
    expect(audit.of('retention-expired')).toHaveLength(1);
  });
});

describe('the retention sweeper environment (config.ts)', () => {
  it('round-trips what the construct writes', () => {
    expect(retentionSweeperConfigFromEnv(env())).toMatchObject({
      bucket: BUCKET,
      recordingsTable: 'recordings',
      prefixes: PREFIXES,
      retentionDays: 90,
      intervalHours: 24,
      audit: { table: 'audit', retentionDays: 365 },
    });
  });

  it.each([
    [{ SWEEP_PREFIXES: '[]' }, /SWEEP_PREFIXES/],
    [{ SWEEP_PREFIXES: '["/abs/"]' }, /SWEEP_PREFIXES/],
    [{ RECORDING_RETENTION_DAYS: '120' }, /RECORDING_RETENTION_DAYS/],
    [{ AUDIT_TABLE: '' }, /AUDIT_TABLE is not set/],
    [{ RECORDINGS_TABLE: '' }, /RECORDINGS_TABLE/],
  ])('refuses %j', (over, message) => {
    expect(() => retentionSweeperConfigFromEnv(env(over))).toThrow(message);
  });
});
