import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPlayback, type PlaybackDeps } from '../../../lambda/playback/playback';
import type { AssignmentItem } from '../../../lambda/shared/listening-items';
import {
  createTables,
  type LocalDynamo,
  type LocalS3,
  startLocalDynamo,
  startLocalS3,
} from '../../../lib/local';
import {
  apiEvent,
  IDENTITY,
  PEOPLE,
  type Persona,
  putAssignment,
  putContact,
  silentLogger,
  uuid,
} from '../../support/listening';
import { MemoryAudit } from '../../support/memory-audit';

const BUCKET = 'recordings';
const P = '2026-11';
const NOW = new Date('2026-12-10T10:00:00.000Z');
const ROUTE = 'POST /recordings/{contactId}/playback';
const WAV = Buffer.from('RIFF$\u0000\u0000\u0000WAVEfmt fake audio for the playback test');

let dynamo: LocalDynamo;
let s3: LocalS3;
let ddb: DynamoDBDocumentClient;
let tables: Record<string, string>;
let audit: MemoryAudit;
let n = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  ddb = DynamoDBDocumentClient.from(dynamo.client);
  s3 = await startLocalS3({ buckets: [BUCKET] });
});
afterAll(async () => {
  await s3.stop();
  await dynamo.stop();
});
beforeEach(async () => {
  n += 1;
  tables = await createTables(dynamo.client, undefined, (logical) => `${logical}-pb${n}`);
  audit = new MemoryAudit();
});

const deps = (over: Partial<PlaybackDeps> = {}): PlaybackDeps => ({
  ddb,
  s3: s3.client,
  listeningTable: tables.listening!,
  recordingsTable: tables.recordings!,
  bucket: BUCKET,
  audit,
  identity: IDENTITY,
  urlTtlSeconds: 300,
  now: () => NOW,
  logger: silentLogger,
  ...over,
});

async function fixture(
  contactId: string,
  over: Partial<AssignmentItem> = {},
  state?: 'kept' | 'deleted' | 'redacted' | 'expired',
) {
  const key = `connect/fairlisten/CallRecordings/${contactId}.wav`;
  await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: WAV }));
  await putContact(ddb, tables.recordings!, {
    contactId,
    agentId: PEOPLE.agent,
    period: P,
    key,
    ...(state ? { state } : {}),
  });
  return putAssignment(ddb, tables.listening!, { contactId, period: P, ...over });
}

const play = (contactId: string, persona: Persona = 'coach', d = deps()) =>
  createPlayback(d)(apiEvent(ROUTE, persona, { path: { contactId } }));

const stored = async (contactId: string) =>
  (
    await ddb.send(
      new GetCommand({ TableName: tables.listening!, Key: { period: P, sk: `assign#${contactId}` } }),
    )
  ).Item as AssignmentItem;

describe('playback', () => {
  it('audits the listen, consumes one play and returns an inline presigned URL valid ≤ 300 s', async () => {
    const contactId = uuid(11);
    await fixture(contactId);
    const res = await play(contactId);
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({
      contactId,
      period: P,
      playsLeft: 1,
      audit: { chain: `listens/${P}`, seq: 1 },
    });
    expect(body.expiresAt).toBe('2026-12-10T10:05:00.000Z');
    const url = new URL(body.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-disposition')).toBe('inline');
    expect(url.pathname).toContain(`${contactId}.wav`);
    // The URL works against the (local) bucket and serves the audio.
    const fetched = await fetch(body.url);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(WAV);

    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({
      chain: `listens/${P}`,
      kind: 'listen',
      actor: `coach:${PEOPLE.coach}`,
      subject: contactId,
      data: { period: P, agentId: PEOPLE.agent, play: 1, playsAllowed: 2, urlTtlSeconds: 300 },
    });
    const item = await stored(contactId);
    expect(item.playsLeft).toBe(1);
    expect(item.plays).toEqual([NOW.toISOString()]);
  });

  it('issues no URL when the audit record cannot be written (503) and consumes nothing', async () => {
    const contactId = uuid(12);
    await fixture(contactId);
    audit.failing = true;
    const res = await play(contactId);
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('http');
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'audit-unavailable' } });
    expect((await stored(contactId)).playsLeft).toBe(2);
  });

  it('refuses a coach the listen is not assigned to (403), without an audit record', async () => {
    const contactId = uuid(13);
    await fixture(contactId);
    const res = await play(contactId, 'otherCoach');
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('not-assigned');
    expect(audit.entries).toEqual([]);
  });

  it('refuses an unknown contact with the same 403 (no probing)', async () => {
    const res = await play(uuid(99));
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('not-assigned');
  });

  it('refuses after the listening window (403 assignment-expired)', async () => {
    const contactId = uuid(14);
    await fixture(contactId);
    const res = await play(contactId, 'coach', deps({ now: () => new Date('2026-12-31T23:00:00.000Z') }));
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('assignment-expired');
    expect(audit.entries).toEqual([]);
  });

  it('refuses a deleted recording (410), one the retention sweeper removed too, and plays a redacted one', async () => {
    const deleted = uuid(15);
    await fixture(deleted, {}, 'deleted');
    expect((await play(deleted)).statusCode).toBe(410);
    const expired = uuid(77);
    await fixture(expired, {}, 'expired');
    const res = await play(expired);
    expect([res.statusCode, JSON.parse(res.body).error.code]).toEqual([410, 'recording-deleted']);
    const redacted = uuid(16);
    await fixture(redacted, {}, 'redacted');
    expect((await play(redacted)).statusCode).toBe(200);
  });

  it('never issues more URLs than assigned, even under 12 concurrent requests', async () => {
    const contactId = uuid(17);
    await fixture(contactId);
    const handler = createPlayback(deps());
    const results = await Promise.all(
      Array.from({ length: 12 }, () => handler(apiEvent(ROUTE, 'coach', { path: { contactId } }))),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(2);
    expect(codes.every((c) => c === 200 || c === 409)).toBe(true);
    const item = await stored(contactId);
    expect(item.playsLeft).toBe(0);
    expect(item.plays).toHaveLength(2);
    // every issued URL has its listen record; losers are marked cancelled
    expect(audit.kinds().filter((k) => k === 'listen').length).toBeGreaterThanOrEqual(2);
    const listens = audit.kinds().filter((k) => k === 'listen').length;
    const cancelled = audit.kinds().filter((k) => k === 'listen-cancelled').length;
    expect(listens - cancelled).toBe(2);
    // once used up: 409
    expect((await play(contactId)).statusCode).toBe(409);
  });

  it('fails closed without the recordings index (503)', async () => {
    const contactId = uuid(18);
    await fixture(contactId);
    expect((await play(contactId, 'coach', deps({ recordingsTable: undefined }))).statusCode).toBe(503);
  });

  it('is for coaches only: agent, staff representative and DPO 403, no identity 401', async () => {
    const contactId = uuid(19);
    await fixture(contactId);
    expect((await play(contactId, 'agent')).statusCode).toBe(403);
    expect((await play(contactId, 'staffRepresentative')).statusCode).toBe(403);
    expect((await play(contactId, 'dpo')).statusCode).toBe(403);
    expect((await play(contactId, 'none')).statusCode).toBe(401);
    expect(audit.entries).toEqual([]);
  });

  it('rejects a path that is not a contact id (400) and a TTL above 300 s at construction', async () => {
    const res = await createPlayback(deps())(apiEvent(ROUTE, 'coach', { path: { contactId: '../x' } }));
    expect(res.statusCode).toBe(400);
    expect(() => createPlayback(deps({ urlTtlSeconds: 301 }))).toThrow(
      /urlTtlSeconds must be a whole number 1\.\.300, got 301/,
    );
  });
});
