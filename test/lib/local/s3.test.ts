import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, S3_SAFE_CLIENT_CONFIG, s3Env, startLocalS3 } from '../../../lib/local/s3';
import { acceptsConnections, withEnv } from '../../support/local';

const BUCKET = 'recordings';

describe('local S3 (s3rver)', () => {
  let s3: LocalS3;

  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: [BUCKET, 'reports'] });
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('round-trips a stream body byte for byte with the safe client config', async () => {
    const bytes = randomBytes(300_000);
    const chunks = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 200_000), bytes.subarray(200_000)];
    await s3.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'calls/c1.wav',
        Body: Readable.from(chunks),
        ContentLength: bytes.length,
        ContentType: 'audio/wav',
      }),
    );
    const got = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'calls/c1.wav' }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    expect(body.length).toBe(bytes.length);
    expect(body.equals(bytes)).toBe(true);
    expect(got.ContentType).toBe('audio/wav');
  });

  it('copies objects', async () => {
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'calls/src.txt', Body: 'hello' }));
    await s3.client.send(
      new CopyObjectCommand({ Bucket: 'reports', Key: 'copy.txt', CopySource: `${BUCKET}/calls/src.txt` }),
    );
    const got = await s3.client.send(new GetObjectCommand({ Bucket: 'reports', Key: 'copy.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello');
  });

  it('lists objects with ListObjectsV2 by prefix', async () => {
    for (const key of ['list/a', 'list/b', 'list/c']) {
      await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    }
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['list/a', 'list/b', 'list/c']);
    expect(listed.IsTruncated).toBe(false);
    const after = await s3.client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', StartAfter: 'list/a' }),
    );
    expect(after.Contents?.map((o) => o.Key)).toEqual(['list/b', 'list/c']);
  });

  it('cannot return a truncated ListObjectsV2 page on Node >= 17 (DES continuation token)', async () => {
    // s3rver encrypts continuation tokens with DES, which OpenSSL 3 no longer offers: any listing
    // that would be truncated fails with InternalError. Paginating code needs another test path
    // (or fewer keys than MaxKeys locally).
    await expect(
      s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', MaxKeys: 2 })),
    ).rejects.toMatchObject({ name: 'InternalError' });
  });

  it('has no versioning: ListObjectVersions fails (version logic needs its own fake)', async () => {
    await expect(s3.client.send(new ListObjectVersionsCommand({ Bucket: BUCKET }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 405 },
    });
  });

  it('is reached through AWS_ENDPOINT_URL_S3 by a client that sets only forcePathStyle', async () => {
    await withEnv(s3Env(s3.endpoint), async () => {
      const client = new S3Client({ forcePathStyle: true });
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: 'env.bin',
            Body: Readable.from([Buffer.from('via env')]),
            ContentLength: 7,
          }),
        );
        const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'env.bin' }));
        expect(await got.Body!.transformToString()).toBe('via env');
      } finally {
        client.destroy();
      }
    });
  });

  it('exports the client settings that avoid the aws-chunked trap', () => {
    expect(S3_SAFE_CLIENT_CONFIG).toEqual({
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });
});

describe('startLocalS3().stop()', () => {
  it('releases the port and removes the temporary directory', async () => {
    const s3 = await startLocalS3({ buckets: ['b'] });
    await s3.client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'v' }));
    expect(existsSync(s3.directory)).toBe(true);
    expect(await acceptsConnections(s3.endpoint)).toBe(true);
    await s3.stop();
    expect(await acceptsConnections(s3.endpoint)).toBe(false);
    expect(existsSync(s3.directory)).toBe(false);
    await s3.stop();
  });
});
