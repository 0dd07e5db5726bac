/**
 * Contact Lens output under the retention and deletion rules, on the versioned S3 stand-in, with
 * files at the key patterns the Connect admin guide documents ("Output file locations for files
 * analyzed by Contact Lens conversational analytics"): `Analysis/Voice/YYYY/MM/DD/<contact>_analysis_<ts>.json`,
 * and under `Analysis/Voice/Redacted/` the redacted transcript `_analysis_redacted_` and the
 * redacted audio `_call_recording_redacted_`. The whisper flow asks for redacted output only, but
 * every pattern is handled, whichever Contact Lens writes.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyRequest } from '../../../lambda/shared/apply-request';
import { parseRecordingKey } from '../../../lambda/shared/recording-keys';
import {
  connectWav,
  harnessPerFile,
  putDecision,
  putRequest,
  recordingKey,
  type World,
  world,
} from '../../support/recording-harness';

const h = harnessPerFile();

const at = '2026-12-03T10:45:00.000Z';
const lensKeys = (contactId: string) => ({
  analysis: `Analysis/Voice/2026/12/03/${contactId}_analysis_2026-12-03T10:20:00Z.json`,
  redactedAnalysis: `Analysis/Voice/Redacted/2026/12/03/${contactId}_analysis_redacted_2026-12-03T10:20:00Z.json`,
  redactedAudio: `Analysis/Voice/Redacted/2026/12/03/${contactId}_call_recording_redacted_2026-12-03T10:20:00Z.wav`,
});

/** Puts a file in the bucket and runs ingest on its event, as S3 would. */
const arrive = async (w: World, key: string, body: Buffer) => (await w.arrive(key, body, at)).outcome;

const transcript = Buffer.from('{"Channel":"VOICE","Transcript":[{"Content":"[NAME] a appelé"}]}');

describe('Contact Lens output of a drawn contact', () => {
  it('is recognised at every documented key, with its contact', () => {
    const contactId = randomUUID();
    const keys = lensKeys(contactId);
    expect(parseRecordingKey(keys.analysis)).toMatchObject({ kind: 'analysis', contactId });
    expect(parseRecordingKey(keys.redactedAnalysis)).toMatchObject({ kind: 'analysis', contactId });
    expect(parseRecordingKey(keys.redactedAudio)).toMatchObject({ kind: 'redacted-audio', contactId });
  });

  it('is kept and indexed with the recording, then deleted with it by the agent’s request, late arrivals included', async () => {
    const w = world(h);
    const contactId = randomUUID();
    const keys = lensKeys(contactId);
    await putDecision(h, contactId, true);
    expect((await arrive(w, recordingKey(contactId), connectWav(20))).outcome).toBe('indexed');
    expect((await arrive(w, keys.redactedAnalysis, transcript)).outcome).toBe('indexed');
    expect((await arrive(w, keys.redactedAudio, connectWav(20, 5))).outcome).toBe('indexed');
    expect(w.s3.count()).toBe(3);
    expect((await w.store.listObjects(contactId)).map((o) => o.kind).sort()).toEqual([
      'analysis',
      'call-recording',
      'redacted-audio',
    ]);

    const requestId = await putRequest(h, { kind: 'deletion', contactId, status: 'in-progress' });
    expect((await applyRequest(w.deps(), requestId)).status).toBe('done');
    expect(w.s3.count()).toBe(0);
    // Post-contact analysis can finish after the agent asked: what arrives later goes too.
    await arrive(w, keys.analysis, transcript);
    expect(w.s3.count()).toBe(0);
    const proof = (await w.store.getRequest(requestId)).proof!;
    expect(proof.deleted.map((d) => d.key).sort()).toEqual(
      [recordingKey(contactId), keys.analysis, keys.redactedAnalysis, keys.redactedAudio].sort(),
    );
  });
});

describe('Contact Lens output of a contact the lottery did not draw', () => {
  it.each([
    ['not drawn', true],
    ['no decision at all', false],
  ] as const)('is deleted on arrival, every file, and audited (%s)', async (_, withDecision) => {
    const w = world(h);
    const contactId = randomUUID();
    if (withDecision) await putDecision(h, contactId, false);
    const keys = lensKeys(contactId);
    for (const [key, body] of [
      [keys.analysis, transcript],
      [keys.redactedAnalysis, transcript],
      [keys.redactedAudio, connectWav(3)],
    ] as const) {
      expect(await arrive(w, key, body)).toMatchObject({ outcome: 'unauthorized-deleted', contactId });
    }
    expect(w.s3.count()).toBe(0);
    expect(w.audit.of('unauthorized-recording', contactId)).toHaveLength(3);
  });
});
