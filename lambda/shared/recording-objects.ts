/**
 * The S3 calls the recording ingest and the recording actions make, bound to the recordings
 * bucket, behind one small interface: version-aware (every call takes a VersionId where S3 does),
 * with counters of the bytes that travel through the function (`bytesIn` downloaded, `bytesOut`
 * uploaded; server-side copies count for nothing) so the bench and the tests can hold the
 * executor to its byte budget.
 *
 * Writes carry SSE-KMS headers matching the bucket default, so a bucket policy that denies
 * unencrypted puts never refuses them.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { readWavLayout, type WavLayout } from '../core/wav';

export interface ObjectVersion {
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly size: number;
  readonly isDeleteMarker: boolean;
}

export interface ObjectHead {
  readonly size: number;
  readonly versionId?: string;
  /** User metadata (lower-case keys, without the `x-amz-meta-` prefix). */
  readonly metadata: Readonly<Record<string, string>>;
  /** S3's SHA-256 checksum of the version (`…-N`, composite, for a multipart upload made with one). */
  readonly checksumSHA256?: string;
}

export interface CompletedPart {
  readonly partNumber: number;
  readonly etag: string;
  /** The part's SHA-256 (base64) as S3 returned it; CompleteMultipartUpload needs it back. */
  readonly sha256?: string;
}

/** What S3 says of an uploaded or copied part. */
export interface PartResult {
  readonly etag: string;
  /** SHA-256 (base64) S3 computed over the part's bytes; undefined where the store computes none. */
  readonly sha256?: string;
}

export interface ByteCounters {
  /** Bytes downloaded into the function (GET bodies). */
  bytesIn: number;
  /** Bytes uploaded from the function (PutObject and UploadPart bodies). */
  bytesOut: number;
}

/** The versioned S3 operations on the recordings bucket. */
export interface RecordingObjects {
  readonly bucket: string;
  readonly counters: ByteCounters;
  /** Every version and delete marker of exactly `key` (paginated). */
  listVersions(key: string): Promise<ObjectVersion[]>;
  /** Undefined when the object (or that version) does not exist. */
  head(key: string, versionId?: string): Promise<ObjectHead | undefined>;
  /** Bytes [start, end) of the version (end exclusive). */
  getRange(key: string, versionId: string | undefined, start: number, end: number): Promise<Buffer>;
  /** SHA-256 (hex) of the whole version, streamed: constant memory. */
  sha256(key: string, versionId: string | undefined): Promise<string>;
  /** PutObject; returns the new VersionId (undefined on an unversioned bucket). */
  put(key: string, body: Buffer, metadata: Record<string, string>): Promise<string | undefined>;
  /** DeleteObject of one version (or of the key, unversioned, when versionId is undefined). */
  deleteVersion(key: string, versionId: string | undefined): Promise<void>;
  /** A multipart upload with SHA-256 part checksums (S3 then hashes copied parts too). */
  createUpload(key: string, metadata: Record<string, string>): Promise<string>;
  uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<PartResult>;
  /** UploadPartCopy of source bytes [start, end) — server-side, nothing moves through the function. */
  uploadPartCopy(
    key: string,
    uploadId: string,
    partNumber: number,
    sourceVersionId: string | undefined,
    start: number,
    end: number,
  ): Promise<PartResult>;
  complete(key: string, uploadId: string, parts: readonly CompletedPart[]): Promise<string | undefined>;
  abort(key: string, uploadId: string): Promise<void>;
  /** Upload ids of the incomplete multipart uploads of exactly `key`. */
  listUploads(key: string): Promise<string[]>;
}

export interface S3RecordingObjectsOptions {
  /** KMS key of the bucket default encryption; writes name it explicitly. @default - the bucket default key (header `aws:kms` only) */
  readonly kmsKeyId?: string;
}

/** True for the S3 errors that mean "no such object / version / upload". */
export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return (
    e?.name === 'NoSuchKey' ||
    e?.name === 'NotFound' ||
    e?.name === 'NoSuchVersion' ||
    e?.name === 'NoSuchUpload' ||
    e?.$metadata?.httpStatusCode === 404
  );
}

async function readAll(body: unknown, counters: ByteCounters): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    counters.bytesIn += b.length;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** The real implementation over an S3 client. */
export function createS3RecordingObjects(
  client: S3Client,
  bucket: string,
  options: S3RecordingObjectsOptions = {},
): RecordingObjects {
  const counters: ByteCounters = { bytesIn: 0, bytesOut: 0 };
  const Bucket = bucket;
  const sse = {
    ServerSideEncryption: 'aws:kms' as const,
    ...(options.kmsKeyId ? { SSEKMSKeyId: options.kmsKeyId } : {}),
    BucketKeyEnabled: true,
  };
  const vid = (versionId: string | undefined) => (versionId ? { VersionId: versionId } : {});

  return {
    bucket,
    counters,
    async listVersions(key) {
      const out: ObjectVersion[] = [];
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      do {
        const page = await client.send(
          new ListObjectVersionsCommand({ Bucket, Prefix: key, KeyMarker, VersionIdMarker }),
        );
        for (const v of page.Versions ?? []) {
          if (v.Key !== key || !v.VersionId) continue;
          out.push({
            key,
            versionId: v.VersionId,
            isLatest: !!v.IsLatest,
            size: v.Size ?? 0,
            isDeleteMarker: false,
          });
        }
        for (const m of page.DeleteMarkers ?? []) {
          if (m.Key !== key || !m.VersionId) continue;
          out.push({ key, versionId: m.VersionId, isLatest: !!m.IsLatest, size: 0, isDeleteMarker: true });
        }
        // Listings are sorted by key: once the next page starts past `key`, every version was seen.
        KeyMarker = page.IsTruncated && page.NextKeyMarker === key ? page.NextKeyMarker : undefined;
        VersionIdMarker = page.NextVersionIdMarker;
      } while (KeyMarker);
      return out;
    },
    async head(key, versionId) {
      try {
        const out = await client.send(
          new HeadObjectCommand({ Bucket, Key: key, ...vid(versionId), ChecksumMode: 'ENABLED' }),
        );
        return {
          size: out.ContentLength ?? 0,
          ...(out.VersionId ? { versionId: out.VersionId } : {}),
          metadata: out.Metadata ?? {},
          ...(out.ChecksumSHA256 ? { checksumSHA256: out.ChecksumSHA256 } : {}),
        };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async getRange(key, versionId, start, end) {
      if (end <= start) return Buffer.alloc(0);
      const out = await client.send(
        new GetObjectCommand({ Bucket, Key: key, ...vid(versionId), Range: `bytes=${start}-${end - 1}` }),
      );
      const buf = await readAll(out.Body, counters);
      if (buf.length !== end - start) {
        throw new Error(`ranged GET of ${key} [${start}, ${end}) returned ${buf.length} bytes`);
      }
      return buf;
    },
    async sha256(key, versionId) {
      const out = await client.send(new GetObjectCommand({ Bucket, Key: key, ...vid(versionId) }));
      const hash = createHash('sha256');
      for await (const chunk of out.Body as Readable) {
        const b = chunk as Uint8Array;
        counters.bytesIn += b.length;
        hash.update(b);
      }
      return hash.digest('hex');
    },
    async put(key, body, metadata) {
      counters.bytesOut += body.length;
      const out = await client.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: body,
          Metadata: metadata,
          ContentLength: body.length,
          ...sse,
        }),
      );
      return out.VersionId;
    },
    async deleteVersion(key, versionId) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key, ...vid(versionId) }));
    },
    async createUpload(key, metadata) {
      const out = await client.send(
        new CreateMultipartUploadCommand({
          Bucket,
          Key: key,
          Metadata: metadata,
          ChecksumAlgorithm: 'SHA256',
          ...sse,
        }),
      );
      if (!out.UploadId) throw new Error(`CreateMultipartUpload for ${key} returned no UploadId`);
      return out.UploadId;
    },
    async uploadPart(key, uploadId, partNumber, body) {
      counters.bytesOut += body.length;
      const out = await client.send(
        new UploadPartCommand({
          Bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body,
          ContentLength: body.length,
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      if (!out.ETag) throw new Error(`UploadPart ${partNumber} of ${key} returned no ETag`);
      return { etag: out.ETag, ...(out.ChecksumSHA256 ? { sha256: out.ChecksumSHA256 } : {}) };
    },
    async uploadPartCopy(key, uploadId, partNumber, sourceVersionId, start, end) {
      const source = `${bucket}/${encodeURIComponent(key)}${sourceVersionId ? `?versionId=${encodeURIComponent(sourceVersionId)}` : ''}`;
      const out = await client.send(
        new UploadPartCopyCommand({
          Bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          CopySource: source,
          CopySourceRange: `bytes=${start}-${end - 1}`,
        }),
      );
      const etag = out.CopyPartResult?.ETag;
      if (!etag) throw new Error(`UploadPartCopy ${partNumber} of ${key} returned no ETag`);
      const sha256 = out.CopyPartResult?.ChecksumSHA256;
      return { etag, ...(sha256 ? { sha256 } : {}) };
    },
    async complete(key, uploadId, parts) {
      const out = await client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((p) => ({
              PartNumber: p.partNumber,
              ETag: p.etag,
              ...(p.sha256 ? { ChecksumSHA256: p.sha256 } : {}),
            })),
          },
        }),
      );
      return out.VersionId;
    },
    async abort(key, uploadId) {
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async listUploads(key) {
      const ids: string[] = [];
      let KeyMarker: string | undefined;
      let UploadIdMarker: string | undefined;
      do {
        const page = await client.send(
          new ListMultipartUploadsCommand({ Bucket, Prefix: key, KeyMarker, UploadIdMarker }),
        );
        for (const u of page.Uploads ?? []) if (u.Key === key && u.UploadId) ids.push(u.UploadId);
        KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        UploadIdMarker = page.NextUploadIdMarker;
      } while (KeyMarker);
      return ids;
    },
  };
}

/** Bytes of the first ranged GET of a WAV header (Connect's header is 44 bytes; LIST chunks may follow). */
export const HEADER_PROBE_BYTES = 64 * 1024;

/**
 * The WAV layout of one version, read with a ranged GET of its first 64 KiB (more only when the
 * pre-data chunks are larger, which Connect files never are).
 */
export async function readRecordingLayout(
  objects: RecordingObjects,
  key: string,
  versionId: string | undefined,
  size: number,
): Promise<WavLayout> {
  let head = Buffer.alloc(0);
  const readAt = async (offset: number, length: number): Promise<Uint8Array> => {
    const end = offset + length;
    if (end > head.length) {
      const want = Math.min(size, Math.max(end, head.length === 0 ? HEADER_PROBE_BYTES : end));
      head = Buffer.concat([head, await objects.getRange(key, versionId, head.length, want)]);
    }
    return head.subarray(offset, end);
  };
  return (await readWavLayout(readAt, size)).layout;
}
