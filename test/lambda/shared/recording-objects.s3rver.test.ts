import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySilence, planSilence } from '../../../lambda/core/wav';
import { redactFile } from '../../../lambda/core/wav-redact-file';
import {
  createS3RecordingObjects,
  type RecordingObjects,
  readRecordingLayout,
} from '../../../lambda/shared/recording-objects';
import { startLocalS3 } from '../../../lib/local';
import { buildWav } from '../../support/wav-fixtures';

/**
 * The byte path of ingest and redaction through the real SDK, HTTP and s3rver: ranged GETs, the
 * whole-object write of a small redacted file, and multipart parts. (s3rver has no versioning and
 * no UploadPartCopy: version handling and server-side copies are tested on the versioned fake.)
 */
const BUCKET = 'recordings';
const KEY =
  'connect/fairlisten/CallRecordings/2026/12/03/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d_20261203T10:15_UTC.wav';
const wav = Buffer.from(
  buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 8000 * 40, seed: 7 }),
);

let s3: Awaited<ReturnType<typeof startLocalS3>>;
let objects: RecordingObjects;
const dir = mkdtempSync(join(tmpdir(), 'byte-path-'));

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: [BUCKET] });
  objects = createS3RecordingObjects(s3.client, BUCKET);
  await objects.put(KEY, wav, {});
});
afterAll(async () => {
  await s3.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('recording bytes through s3rver', () => {
  it('reads the WAV layout with ranged GETs of the header only', async () => {
    const before = objects.counters.bytesIn;
    const layout = await readRecordingLayout(objects, KEY, undefined, wav.length);
    expect(layout.format.sampleRate).toBe(8000);
    expect(layout.format.channels).toBe(2);
    expect(layout.frames).toBe(8000 * 40);
    expect(objects.counters.bytesIn - before).toBeLessThanOrEqual(64 * 1024);
  });

  it.each([
    [0, 44],
    [44, 44 + 32_000],
    [wav.length - 1000, wav.length],
    [123_457, 987_653],
  ])('returns exactly bytes %i..%i of a ranged GET (no transfer framing)', async (start, end) => {
    const got = await objects.getRange(KEY, undefined, start, end);
    expect(got.equals(wav.subarray(start, end))).toBe(true);
  });

  it('writes a redacted small file whole, byte-identical to the local redaction', async () => {
    const layout = await readRecordingLayout(objects, KEY, undefined, wav.length);
    const ranges = [{ from: 3, to: 7.5 }];
    const { spans } = planSilence(layout, ranges, 'customer');
    const redacted = Buffer.from(wav);
    applySilence(redacted, 0, spans);
    await objects.put(KEY, redacted, { 'fairlisten-request': 'test' });
    const stored = await objects.getRange(KEY, undefined, 0, wav.length);

    const input = join(dir, 'in.wav');
    const output = join(dir, 'out.wav');
    writeFileSync(input, wav);
    await redactFile(input, output, ranges, 'customer');
    expect(stored.equals(readFileSync(output))).toBe(true);
    expect(stored.equals(wav)).toBe(false);
  });

  it('assembles a multipart upload from rewritten parts byte for byte', async () => {
    const big = Buffer.concat([wav, wav, wav, wav]); // 5.1 MB: two parts of ≥ 5 MiB and a tail
    const key = `${KEY}.multipart`;
    const uploadId = await objects.createUpload(key, {});
    const cut = 5 * 1024 * 1024;
    const parts = [
      { partNumber: 1, ...(await objects.uploadPart(key, uploadId, 1, big.subarray(0, cut))) },
      { partNumber: 2, ...(await objects.uploadPart(key, uploadId, 2, big.subarray(cut))) },
    ];
    await objects.complete(key, uploadId, parts);
    const stored = await objects.getRange(key, undefined, 0, big.length);
    expect(stored.equals(big)).toBe(true);
  });
});
