import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createdObjects } from '../../../lambda/ingest/event';
import { ingestObject } from '../../../lambda/ingest/ingest';
import { decodeEventKey, parseRecordingKey } from '../../../lambda/shared/recording-keys';
import {
  analysisKey,
  connectWav,
  harnessPerFile,
  PREFIX,
  putDecision,
  recordingKey,
  redactedAudioKey,
  world,
} from '../../support/recording-harness';

const h = harnessPerFile();
const at = '2026-12-03T10:15:00.000Z';

describe('keys', () => {
  const id = '7088724d-1003-4962-8359-feb8d774cf46';
  it.each([
    [`${PREFIX}/2022/05/01/${id}_20220501T21:59_UTC.wav`, 'call-recording', id],
    [`Analysis/Voice/2020/02/04/${id}_analysis_2020-02-04T21:14:16Z.json`, 'analysis', id],
    [
      `connect/x/Analysis/Voice/Redacted/2020/02/04/${id}_analysis_redacted_2020-02-04T21:14:16Z.json`,
      'analysis',
      id,
    ],
    [
      `Analysis/Voice/Redacted/2020/02/04/${id}_call_recording_redacted_2020-02-04T21:14:16Z.wav`,
      'redacted-audio',
      id,
    ],
    [`${PREFIX}/2022/05/01/${id.toUpperCase()}.wav`, 'call-recording', id],
    [`${PREFIX}/2022/05/01/recording 1.wav`, 'call-recording', undefined],
    [`${PREFIX}/2022/05/01/notes.txt`, 'other', undefined],
  ])('%s', (key, kind, contactId) => {
    expect(parseRecordingKey(key)).toEqual({ key, kind, ...(contactId ? { contactId } : {}) });
  });

  it('decodes event keys the form-urlencoded way', () => {
    expect(decodeEventKey(`a/${id}_20190128T18%3A34_UTC.wav`)).toBe(`a/${id}_20190128T18:34_UTC.wav`);
    expect(decodeEventKey('a/my+file%2B1.wav')).toBe('a/my file+1.wav');
  });

  it('reads Put and CompleteMultipartUpload records, decoded', () => {
    const record = (eventName: string, key: string) => ({
      eventName,
      eventTime: '2026-12-03T10:15:00.123Z',
      s3: { bucket: { name: 'b' }, object: { key, size: 10, versionId: 'v1' } },
    });
    const objects = createdObjects({
      Records: [
        record('ObjectCreated:Put', `p/${id}_20261203T10%3A15_UTC.wav`),
        record('ObjectCreated:CompleteMultipartUpload', 'p/a+b.wav'),
        record('ObjectRemoved:Delete', 'p/c.wav'),
      ],
    });
    expect(objects.map((o) => o.key)).toEqual([`p/${id}_20261203T10:15_UTC.wav`, 'p/a b.wav']);
    expect(objects[0]).toMatchObject({ bucket: 'b', versionId: 'v1', size: 10 });
  });
});

describe('ingest', () => {
  it('indexes a recorded contact once per version, with its duration, whatever the duplicates', async () => {
    const w = world(h);
    const contactId = randomUUID();
    await putDecision(h, contactId, true);
    const key = recordingKey(contactId);
    const wav = connectWav(12);
    const vid = w.s3.addVersion(key, wav);
    for (let i = 0; i < 3; i++) {
      const out = await ingestObject(w.deps(), { key, versionId: vid, size: wav.length, eventTime: at });
      expect(out.outcome).toBe('indexed');
    }
    expect(await w.store.getContact(contactId)).toMatchObject({
      state: 'kept',
      durationSeconds: 12,
      agentId: 'agent-1',
      period: '2026-12',
    });
    const [item] = await w.store.listObjects(contactId);
    expect(item).toMatchObject({ key, kind: 'call-recording', versionIds: [vid], size: wav.length });
    // The header was read with one ranged GET, not the file.
    expect(w.objects.counters.bytesIn).toBeLessThanOrEqual(64 * 1024);
    expect(w.s3.versions(key)).toHaveLength(1);
  });

  it.each([
    ['not-recorded', true],
    ['no-decision', false],
  ] as const)(
    'deletes every version of a recording made outside the policy (%s) and audits it once',
    async (reason, withDecision) => {
      const w = world(h);
      const contactId = randomUUID();
      if (withDecision) await putDecision(h, contactId, false);
      const key = recordingKey(contactId);
      const v1 = w.s3.addVersion(key, connectWav(2, 1));
      const v2 = w.s3.addVersion(key, connectWav(2, 2));
      const lens = w.s3.addVersion(redactedAudioKey(contactId), connectWav(2, 3));
      const first = await ingestObject(w.deps(), { key, versionId: v2, size: 100, eventTime: at });
      expect(first).toMatchObject({ outcome: 'unauthorized-deleted', reason, contactId, audited: true });
      expect(w.s3.versions(key)).toHaveLength(0);
      // Duplicate event: nothing left, nothing recorded twice.
      const again = await ingestObject(w.deps(), { key, versionId: v2, size: 100, eventTime: at });
      expect(again).toMatchObject({ outcome: 'unauthorized-deleted', audited: false, deletedVersionIds: [] });
      // Contact Lens output of the same contact goes the same way.
      await ingestObject(w.deps(), {
        key: redactedAudioKey(contactId),
        versionId: lens,
        size: 100,
        eventTime: at,
      });
      expect(w.s3.count()).toBe(0);
      const audits = w.audit.of('unauthorized-recording', contactId);
      expect(audits).toHaveLength(2);
      expect(audits[0]).toMatchObject({ chain: 'privacy/2026-12', actor: 'function:ingest' });
      expect(audits[0]!.data).toMatchObject({ reason, key, deletedVersionIds: [v1, v2] });
      expect(await w.store.getContact(contactId)).toMatchObject({ state: 'unauthorized-deleted' });
    },
  );

  it('deletes an object whose name carries no contact id (privacy by default)', async () => {
    const w = world(h);
    const key = `${PREFIX}/2026/12/03/manual export 1.wav`;
    const vid = w.s3.addVersion(key, connectWav(1));
    const out = await ingestObject(w.deps(), { key, versionId: vid, size: 10, eventTime: at });
    expect(out).toMatchObject({
      outcome: 'unauthorized-deleted',
      reason: 'no-contact-id',
      deletedVersionIds: [vid],
    });
    expect(w.s3.count()).toBe(0);
    expect(w.audit.of('unauthorized-recording')[0]!.data).toMatchObject({ key, reason: 'no-contact-id' });
  });

  it('indexes Contact Lens analysis of a recorded contact without reading it', async () => {
    const w = world(h);
    const contactId = randomUUID();
    await putDecision(h, contactId, true);
    const json = Buffer.from('{}');
    const { versionId: vid } = await w.arrive(analysisKey(contactId), json);
    expect(w.objects.counters.bytesIn).toBe(0);
    expect((await w.store.listObjects(contactId))[0]).toMatchObject({ kind: 'analysis', versionIds: [vid] });
  });
});
