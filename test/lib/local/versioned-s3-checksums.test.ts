import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompleteMultipartUploadCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { createS3RecordingObjects } from '../../../lambda/shared/recording-objects';
import { VersionedS3 } from '../../../lib/local/versioned-s3';

const dir = mkdtempSync(join(tmpdir(), 'fl-s3sum-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SHA-256 (base64) of bytes by the openssl binary: independent of node and of the code under test. */
function opensslSha256(bytes: Buffer, name: string): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return execFileSync('openssl', ['dgst', '-sha256', '-binary', file]).toString('base64');
}

const MIN = 1024;
const key = 'connect/x/CallRecordings/2026/12/02/c.wav';

async function checksummedUpload() {
  const s3 = new VersionedS3('b', { minPartSize: MIN });
  const objects = createS3RecordingObjects(s3.client, 'b');
  const source = randomBytes(5 * MIN + 333);
  const sourceVersion = s3.addVersion(key, source);
  const uploadId = await objects.createUpload(key, {});
  const rewritten = Buffer.from(source.subarray(2 * MIN, 4 * MIN)).fill(0, 100, 700);
  const p1 = await objects.uploadPartCopy(key, uploadId, 1, sourceVersion, 0, 2 * MIN);
  const p2 = await objects.uploadPart(key, uploadId, 2, rewritten);
  const p3 = await objects.uploadPartCopy(key, uploadId, 3, sourceVersion, 4 * MIN, source.length);
  const slices = [source.subarray(0, 2 * MIN), rewritten, source.subarray(4 * MIN)];
  return { s3, objects, uploadId, parts: [p1, p2, p3], slices };
}

describe('VersionedS3 SHA-256 checksums (like S3 with ChecksumAlgorithm SHA256)', () => {
  it('returns each part’s SHA-256 for UploadPart and UploadPartCopy, equal to openssl on the part bytes', async () => {
    const { parts, slices } = await checksummedUpload();
    parts.forEach((p, i) => {
      expect(p.sha256).toBe(opensslSha256(Buffer.from(slices[i]!), `part${i + 1}`));
    });
  });

  it('completes to the composite checksum (SHA-256 of the binary part digests, -N), on HeadObject too', async () => {
    const { s3, objects, uploadId, parts, slices } = await checksummedUpload();
    const versionId = await objects.complete(
      key,
      uploadId,
      parts.map((p, i) => ({ partNumber: i + 1, ...p })),
    );
    // Hand-cut slices hashed here with node:crypto, concatenated as binary digests, hashed again.
    const digests = slices.map((s) => createHash('sha256').update(s).digest());
    const composite = `${createHash('sha256').update(Buffer.concat(digests)).digest('base64')}-3`;
    expect(composite).not.toBe(`${createHash('sha256').update(Buffer.concat(slices)).digest('base64')}-3`);
    const head = await objects.head(key, versionId);
    expect(head!.checksumSHA256).toBe(composite);
    expect(s3.versions(key).at(-1)!.body.equals(Buffer.concat(slices))).toBe(true);
  });

  it('refuses a Complete without the parts’ checksums, or with a wrong one', async () => {
    const { s3, objects, uploadId, parts } = await checksummedUpload();
    await expect(
      s3.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'b',
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p, i) => ({ PartNumber: i + 1, ETag: p.etag })) },
        }),
      ),
    ).rejects.toThrow(/ChecksumSHA256/);
    const wrong = parts.map((p, i) => ({ partNumber: i + 1, etag: p.etag, sha256: parts[0]!.sha256! }));
    await expect(objects.complete(key, uploadId, wrong)).rejects.toThrow(/part 2: ChecksumSHA256/);
    expect(s3.uploads.size).toBe(1);
  });

  it('refuses an UploadPart whose declared SHA-256 is not the body’s (BadDigest)', async () => {
    const { s3, uploadId } = await checksummedUpload();
    const { UploadPartCommand } = await import('@aws-sdk/client-s3');
    const body = randomBytes(MIN);
    await expect(
      s3.client.send(
        new UploadPartCommand({
          Bucket: 'b',
          Key: key,
          UploadId: uploadId,
          PartNumber: 4,
          Body: body,
          ChecksumSHA256: createHash('sha256').update(randomBytes(8)).digest('base64'),
        }),
      ),
    ).rejects.toThrow(/did not match/);
  });

  it('an upload created without a checksum algorithm returns none (as S3 does)', async () => {
    const s3 = new VersionedS3('b', { minPartSize: MIN });
    const { CreateMultipartUploadCommand, UploadPartCommand } = await import('@aws-sdk/client-s3');
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: 'b', Key: key }));
    const out = await s3.client.send(
      new UploadPartCommand({ Bucket: 'b', Key: key, UploadId, PartNumber: 1, Body: randomBytes(10) }),
    );
    expect(out.ETag).toBeTruthy();
    expect(out.ChecksumSHA256).toBeUndefined();
  });
});
