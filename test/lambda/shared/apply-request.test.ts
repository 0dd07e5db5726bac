import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TimeRange } from '../../../lambda/core/wav';
import { applyRequest, META_REQUEST } from '../../../lambda/shared/apply-request';
import { LeaseHeldError } from '../../../lambda/shared/recording-store';
import type { RequestRecord } from '../../../lambda/shared/requests';
import { run as runRedactCli } from '../../../lib/cli/redact';
import {
  analysisKey,
  connectWav,
  harnessPerFile,
  independentRedaction,
  putDecision,
  putRequest,
  recordingKey,
  redactedAudioKey,
  type World,
  world,
} from '../../support/recording-harness';

const h = harnessPerFile();

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const _at = '2026-12-03T10:15:00.000Z';

/**
 * A recorded contact whose call recording has two versions in the bucket: an older one that was
 * never indexed (ingest refuses a second version of an indexed recording, so a stale version can
 * only be one that arrived unseen) and the indexed one.
 */
async function recordedContact(w: World, seconds = 30) {
  const contactId = randomUUID();
  await putDecision(h, contactId, true);
  const key = recordingKey(contactId);
  const older = connectWav(seconds, 7);
  const original = connectWav(seconds, 11);
  const v1 = w.s3.addVersion(key, older);
  const { versionId: v2 } = await w.arrive(key, original);
  return { contactId, key, original, versionIds: [v1, v2] };
}

describe('deletion', () => {
  it('file before request: deletes every version of every object, with proof and audit', async () => {
    const w = world(h);
    const { contactId, key, versionIds } = await recordedContact(w);
    const json = Buffer.from('{"Transcript":[]}');
    const { versionId: aVid } = await w.arrive(analysisKey(contactId), json);
    // A version the index never saw.
    const unseen = w.s3.addVersion(key, connectWav(1, 3));

    const requestId = await putRequest(h, { kind: 'deletion', contactId, status: 'in-progress' });
    const result = await applyRequest(w.deps(), requestId);
    expect(result.status).toBe('done');
    expect(w.s3.count()).toBe(0);
    const stored = await w.store.getRequest(requestId);
    expect(stored.status).toBe('done');
    expect(stored.proof!.deleted.map((d) => d.versionId).sort()).toEqual(
      [...versionIds, unseen, aVid].sort(),
    );
    expect((await w.store.getContact(contactId))!.state).toBe('deleted');
    expect(w.audit.of('deletion', requestId).map((e) => e.data?.phase)).toEqual(['applying', 'done']);
    expect(JSON.stringify(w.audit.entries)).not.toMatch(/RIFF/);
    // Again: a no-op.
    expect(await applyRequest(w.deps(), requestId)).toEqual({ status: 'skipped', reason: 'already-done' });
  });

  it('request before file: waits, is applied on arrival, and later Contact Lens output is deleted too', async () => {
    const w = world(h);
    const contactId = randomUUID();
    await putDecision(h, contactId, true);
    const requestId = await putRequest(h, { kind: 'deletion', contactId, status: 'in-progress' });
    expect(await applyRequest(w.deps(), requestId)).toEqual({ status: 'waiting-for-recording' });
    expect((await w.store.getRequest(requestId)).status).toBe('waiting-for-recording');

    const key = recordingKey(contactId);
    const wav = connectWav(5);
    const { versionId: vid, outcome: out } = await w.arrive(key, wav);
    expect(out.outcome).toBe('indexed');
    expect(w.s3.count()).toBe(0);
    expect((await w.store.getRequest(requestId)).status).toBe('done');

    const json = Buffer.from('{}');
    const { versionId: aVid } = await w.arrive(analysisKey(contactId), json);
    expect(w.s3.count()).toBe(0);
    const proof = (await w.store.getRequest(requestId)).proof!;
    expect(proof.deleted.map((d) => d.versionId).sort()).toEqual([vid, aVid].sort());
  });
});

describe('redaction', () => {
  const ranges: TimeRange[] = [{ from: 10, to: 12.5 }];
  /** A fresh world with a recorded contact and the agent's request to redact `ranges` of it. */
  const agentRedaction = async (fields: Partial<RequestRecord> = {}) => {
    const w = world(h);
    const contact = await recordedContact(w);
    const requestId = await putRequest(h, {
      kind: 'redaction',
      contactId: contact.contactId,
      ranges,
      channel: 'agent',
      ...fields,
    });
    return { w, ...contact, requestId };
  };

  async function expectRedacted(
    w: World,
    key: string,
    original: Buffer,
    requestId: string,
    r = ranges,
    channel: 'both' | 'agent' | 'customer' = 'agent',
  ) {
    const versions = w.s3.versions(key);
    expect(versions).toHaveLength(1);
    const expected = await independentRedaction(original, r, channel);
    expect(versions[0]!.body.equals(expected)).toBe(true);
    expect(versions[0]!.metadata[META_REQUEST]).toBe(requestId);
    expect(versions[0]!.sse).toBe('aws:kms');
    expect(w.s3.uploads.size).toBe(0);
    const stored = await w.store.getRequest(requestId);
    expect(stored.status).toBe('done');
    const replaced = stored.proof!.replaced.find((p) => p.key === key)!;
    expect(replaced.newVersionId).toBe(versions[0]!.versionId);
    if (replaced.parts) {
      // A multipart rewrite: S3's part checksums and composite, recomputed here from hand-cut slices.
      expect(replaced.sha256).toBeUndefined();
      expect(replaced.parts[0]!.start).toBe(0);
      expect(replaced.parts.at(-1)!.end).toBe(expected.length);
      const digests = replaced.parts.map((p, i) => {
        if (i > 0) expect(p.start).toBe(replaced.parts![i - 1]!.end);
        const d = createHash('sha256').update(expected.subarray(p.start, p.end)).digest();
        expect(p.sha256).toBe(d.toString('base64'));
        return d;
      });
      const composite = createHash('sha256').update(Buffer.concat(digests)).digest('base64');
      expect(replaced.checksumSHA256).toBe(`${composite}-${digests.length}`);
    } else {
      expect(replaced.sha256).toBe(sha(expected));
    }
    return stored;
  }

  it('file before request: multipart with server-side copy parts, one version left, equal to an independent redaction', async () => {
    const { w, contactId, key, original, versionIds, requestId } = await agentRedaction({
      status: 'in-progress',
    });
    w.objects.counters.bytesIn = 0;
    w.objects.counters.bytesOut = 0;
    await applyRequest(w.deps(), requestId);
    const stored = await expectRedacted(w, key, original, requestId);
    expect(stored.proof!.replaced[0]!.removedVersionIds.sort()).toEqual([...versionIds].sort());
    expect(w.s3.calls.get('UploadPartCopyCommand')).toBeGreaterThan(0);
    // Only the rewritten parts (and the header) travel through the function: no read-back for the proof.
    expect(w.objects.counters.bytesOut).toBeLessThan(original.length / 2);
    expect(w.objects.counters.bytesIn).toBeLessThan(original.length / 2);
    expect(stored.proof!.replaced[0]!.parts!.length).toBeGreaterThan(1);
    // The requester checks a download against the stored proof offline.
    const dir = mkdtempSync(join(tmpdir(), 'fl-proof-'));
    try {
      writeFileSync(join(dir, 'r.wav'), w.s3.versions(key)[0]!.body);
      writeFileSync(join(dir, 'p.json'), JSON.stringify({ proof: stored.proof }));
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const code = await runRedactCli([
        'verify-proof',
        '--file',
        join(dir, 'r.wav'),
        '--proof',
        join(dir, 'p.json'),
      ]);
      log.mockRestore();
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const contact = await w.store.getContact(contactId);
    expect(contact).toMatchObject({ state: 'redacted', durationSeconds: 30 });
    expect((await w.store.listObjects(contactId))[0]!.versionIds).toEqual([w.s3.versions(key)[0]!.versionId]);
    expect(w.audit.of('redaction', requestId).at(-1)!.data).toMatchObject({
      phase: 'done',
      ranges,
      channel: 'agent',
    });
  });

  it('request before file: applied on arrival', async () => {
    const w = world(h);
    const contactId = randomUUID();
    await putDecision(h, contactId, true);
    const requestId = await putRequest(h, { kind: 'redaction', contactId, ranges, channel: 'both' });
    expect((await applyRequest(w.deps(), requestId)).status).toBe('waiting-for-recording');
    const key = recordingKey(contactId);
    const original = connectWav(30, 5);
    await w.arrive(key, original);
    await expectRedacted(w, key, original, requestId, ranges, 'both');
  });

  it('a small file is rewritten with one PutObject', async () => {
    const w = world(h);
    const { key, original, contactId } = await recordedContact(w, 1);
    const r = [{ from: 0.25, to: 0.5 }];
    const requestId = await putRequest(h, { kind: 'redaction', contactId, ranges: r, channel: 'customer' });
    await applyRequest(w.deps(), requestId);
    await expectRedacted(w, key, original, requestId, r, 'customer');
    expect(w.s3.calls.get('CreateMultipartUploadCommand')).toBeUndefined();
  });

  it('redacts Contact Lens redacted audio with the same ranges and deletes the analysis transcripts', async () => {
    const w = world(h);
    const { key, original, contactId } = await recordedContact(w);
    const lens = connectWav(30, 9);
    await w.arrive(redactedAudioKey(contactId), lens);
    const json = Buffer.from('{"Transcript":[]}');
    const { versionId: aVid } = await w.arrive(analysisKey(contactId), json);
    const requestId = await putRequest(h, { kind: 'redaction', contactId, ranges, channel: 'agent' });
    await applyRequest(w.deps(), requestId);
    await expectRedacted(w, key, original, requestId);
    await expectRedacted(w, redactedAudioKey(contactId), lens, requestId);
    expect(w.s3.versions(analysisKey(contactId))).toHaveLength(0);
    expect((await w.store.getRequest(requestId)).proof!.deleted).toEqual([
      expect.objectContaining({ key: analysisKey(contactId), versionId: aVid }),
    ]);
  });

  it('refuses ranges beyond the end of the recording and changes nothing', async () => {
    const w = world(h);
    const { key, contactId } = await recordedContact(w);
    const requestId = await putRequest(h, { kind: 'redaction', contactId, ranges: [{ from: 25, to: 31 }] });
    const result = await applyRequest(w.deps(), requestId);
    expect(result).toEqual({
      status: 'failed',
      error: expect.stringMatching(/range 25-31 s goes beyond the end of the recording \(30 s\)/),
    });
    expect(w.s3.versions(key)).toHaveLength(2);
    expect((await w.store.getRequest(requestId)).status).toBe('failed');
    expect(w.audit.of('redaction')).toHaveLength(0);
    expect((await w.store.getContact(contactId))!.state).toBe('kept');
  });

  it('lets only one invocation work on a contact at a time', async () => {
    const w = world(h);
    const { contactId } = await recordedContact(w);
    const requestId = await putRequest(h, { kind: 'redaction', contactId, ranges });
    await w.store.acquire(contactId, 'other', 'someone-else', 60_000, 2_000_000_000);
    await expect(applyRequest(w.deps(), requestId)).rejects.toBeInstanceOf(LeaseHeldError);
    await w.store.release(contactId, 'someone-else');
    expect((await applyRequest(w.deps(), requestId)).status).toBe('done');
  });

  describe('a crash at any step, then a retry, ends fully redacted with exactly one version', () => {
    const crashes: [string, (step: string, detail?: Record<string, unknown>) => boolean][] = [
      ['after the audit record of intent', (s) => s === 'started'],
      ['after CreateMultipartUpload', (s) => s === 'created-upload'],
      ['after some parts', (s, d) => s === 'part' && d?.part === 3],
      ['after CompleteMultipartUpload (before its version is stored)', (s) => s === 'completed'],
      ['after hashing the new version', (s) => s === 'hashed'],
      ['after deleting some old versions', (s) => s === 'deleted-old-version'],
      ['after the index update', (s) => s === 'indexed'],
      ['after the final audit record', (s) => s === 'audited'],
    ];
    it.each(crashes)('%s', async (_name, when) => {
      const { w, key, original, requestId } = await agentRedaction();
      let crashed = false;
      const checkpoint = (step: string, detail?: Record<string, unknown>) => {
        if (!crashed && when(step, detail)) {
          crashed = true;
          throw new Error(`crash ${step}`);
        }
      };
      await expect(applyRequest(w.deps({ checkpoint }), requestId)).rejects.toThrow(/crash/);
      expect(crashed).toBe(true);
      w.objects.counters.bytesIn = 0;
      const result = await applyRequest(w.deps(), requestId);
      expect(result.status).toBe('done');
      const stored = await expectRedacted(w, key, original, requestId);
      // The part checksums survive every crash: the proof never needs the object read back.
      expect(stored.proof!.replaced[0]!.parts).toBeDefined();
      expect(w.objects.counters.bytesIn).toBeLessThan(original.length / 2);
    });

    it('when S3’s composite disagrees with the part checksums, the stored version is hashed instead', async () => {
      const { w, key, original, requestId } = await agentRedaction({ status: 'in-progress' });
      const checkpoint = (step: string) => {
        if (step !== 'completed') return;
        const versions = w.s3.store.get(key)!;
        const last = versions.at(-1)!;
        versions[versions.length - 1] = {
          ...last,
          checksumSHA256: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=-9',
        };
      };
      w.objects.counters.bytesIn = 0;
      await applyRequest(w.deps({ checkpoint }), requestId);
      const stored = await expectRedacted(w, key, original, requestId);
      expect(stored.proof!.replaced[0]!.parts).toBeUndefined();
      expect(w.objects.counters.bytesIn).toBeGreaterThanOrEqual(original.length);
    });

    it.each([
      ['UploadPartCommand', 1],
      ['UploadPartCopyCommand', 1],
      ['CompleteMultipartUploadCommand', 1],
      ['DeleteObjectCommand', 2],
      ['ListObjectVersionsCommand', 3],
    ])('S3 failure of %s (call %i)', async (command, nth) => {
      const { w, key, original, requestId } = await agentRedaction();
      w.s3.failOn(command, nth);
      await expect(applyRequest(w.deps(), requestId)).rejects.toThrow(/injected/);
      await applyRequest(w.deps(), requestId);
      await expectRedacted(w, key, original, requestId);
    });

    it('an audit failure before acting leaves the recording untouched and the request retryable', async () => {
      const { w, key, original, requestId } = await agentRedaction();
      w.audit.failNext = true;
      await expect(applyRequest(w.deps(), requestId)).rejects.toThrow(/audit/);
      expect(w.s3.versions(key)).toHaveLength(2);
      await applyRequest(w.deps(), requestId);
      await expectRedacted(w, key, original, requestId);
    });

    it('an upload aborted behind its back (lifecycle) is restarted', async () => {
      const { w, key, original, requestId } = await agentRedaction();
      const checkpoint = (step: string, d?: Record<string, unknown>) => {
        if (step === 'part' && d?.part === 2) throw new Error('crash');
      };
      await expect(applyRequest(w.deps({ checkpoint }), requestId)).rejects.toThrow(/crash/);
      w.s3.uploads.clear();
      await applyRequest(w.deps(), requestId);
      await expectRedacted(w, key, original, requestId);
    });
  });
});
