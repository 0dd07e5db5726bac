/**
 * The recordings index expires with the call, not with its last write (C3): a Contact Lens file
 * arriving two months later, a redaction applied then and the redaction's own S3 event each write
 * items of the contact, and none of them may push the expiry out — otherwise the index would name
 * a recording (agent, period, state) after the recording itself is gone.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { callStartOf, DAY_MS, indexExpiresAt } from '../../../lambda/core/retention';
import { ingestObject } from '../../../lambda/ingest/ingest';
import { applyRequest } from '../../../lambda/shared/apply-request';
import { createRecordingStore } from '../../../lambda/shared/recording-store';
import {
  analysisKey,
  connectWav,
  harnessPerFile,
  putDecision,
  putRequest,
  recordingKey,
  world,
} from '../../support/recording-harness';

const h = harnessPerFile();

/** The call of recordingKey(): its date folder is 2026/12/03, its name says 10:15 UTC. */
const DECIDED = Date.parse('2026-12-03T10:14:30.000Z');
const FOLDER_DAY = Date.parse('2026-12-03T00:00:00.000Z');

async function itemsOf(contactId: string): Promise<Record<string, unknown>[]> {
  const out = await h.ddb.send(
    new QueryCommand({
      TableName: h.tables.recordings,
      KeyConditionExpression: 'contactId = :c',
      ExpressionAttributeValues: { ':c': contactId },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

describe('recordings index expiry', () => {
  it('is the call start + retentionDays on every item, however late the write', async () => {
    let now = DECIDED + 6 * 60_000;
    const clock = () => new Date(now);
    const w = world(h);
    const store = createRecordingStore({ client: h.ddb, tables: h.tables, retentionDays: 90, clock });
    const deps = w.deps({ store, clock });
    const contactId = randomUUID();
    await putDecision(h, contactId, true, { decidedAt: new Date(DECIDED).toISOString() });
    // The earliest the call can have begun: the key's date folder (00:00 UTC) is before the decision.
    const expected = indexExpiresAt(new Date(FOLDER_DAY), 90);
    expect(expected).toBe(Math.floor(FOLDER_DAY / 1000) + 90 * 86_400);

    const key = recordingKey(contactId);
    const wav = connectWav(30);
    const v1 = w.s3.addVersion(key, wav);
    await ingestObject(deps, { key, versionId: v1, size: wav.length, eventTime: clock().toISOString() });
    expect((await itemsOf(contactId)).map((i) => i.expiresAt)).toEqual([expected, expected]);

    // Day 60: a late Contact Lens file of the call.
    now = DECIDED + 60 * DAY_MS;
    const lens = w.s3.addVersion(analysisKey(contactId), Buffer.from('{}'));
    await ingestObject(deps, {
      key: analysisKey(contactId),
      versionId: lens,
      size: 2,
      eventTime: clock().toISOString(),
    });

    // Day 61: the agent's redaction is applied (lease, progress, new version, index rewrite) …
    now = DECIDED + 61 * DAY_MS;
    const requestId = await putRequest(h, {
      kind: 'redaction',
      contactId,
      ranges: [{ from: 10, to: 12.5 }],
      status: 'in-progress',
    });
    expect((await applyRequest(deps, requestId)).status).toBe('done');
    // … and S3's event for the redacted version arrives.
    const redacted = w.s3.versions(key).at(-1)!;
    await ingestObject(deps, {
      key,
      versionId: redacted.versionId,
      size: redacted.body.length,
      eventTime: clock().toISOString(),
    });

    const items = await itemsOf(contactId);
    // #contact, lease, both objects and the request's progress: all written at least once late.
    expect(items.map((i) => String(i.sk)).sort()).toEqual(
      [
        '#contact',
        'lease#',
        `object#${analysisKey(contactId)}`,
        `object#${key}`,
        `progress#${requestId}`,
      ].sort(),
    );
    expect(
      items.filter((i) => String(i.updatedAt ?? '') >= new Date(DECIDED + 60 * DAY_MS).toISOString()),
    ).not.toHaveLength(0);
    for (const item of items)
      expect({ sk: item.sk, expiresAt: item.expiresAt }).toEqual({ sk: item.sk, expiresAt: expected });
    expect((await store.getContact(contactId))?.state).toBe('redacted');
  });

  it.each([
    [
      'the key folder, earlier than the decision',
      recordingKey('x'),
      '2026-12-03T10:14:30Z',
      '2026-12-03T10:20:00Z',
      '2026-12-03T00:00:00.000Z',
    ],
    [
      'the decision, when the key names no time',
      'p/x.wav',
      '2026-12-03T10:14:30Z',
      '2026-12-03T10:20:00Z',
      '2026-12-03T10:14:30.000Z',
    ],
    [
      'the object creation, when nothing else says',
      'p/x.wav',
      undefined,
      '2026-12-03T10:20:00Z',
      '2026-12-03T10:20:00.000Z',
    ],
    [
      'never a later time from a garbled decision',
      'p/x.wav',
      'yesterday',
      '2026-12-03T10:20:00Z',
      '2026-12-03T10:20:00.000Z',
    ],
  ])('the call start is %s', (_what, key, decidedAt, created, start) => {
    expect(callStartOf(key, decidedAt, new Date(created)).toISOString()).toBe(start);
  });
});
