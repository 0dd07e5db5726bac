/**
 * An in-process fake of the versioned S3 calls the recording ingest and actions make (s3rver has
 * no versioning): PutObject, GetObject (Range, VersionId), HeadObject, ListObjectVersions,
 * DeleteObject (VersionId → that version; none → a delete marker), CreateMultipartUpload,
 * UploadPart, UploadPartCopy (CopySourceRange, versionId in CopySource), CompleteMultipartUpload
 * (part order, ETags and the minimum part size checked like S3), AbortMultipartUpload,
 * SHA-256 checksums like S3's for an upload created with `ChecksumAlgorithm: 'SHA256'`: each
 * part's (UploadPart and UploadPartCopy), required back by Complete, and the version's composite
 * (SHA-256 over the binary part digests, base64, `-N`), returned by Complete and by HeadObject
 * with `ChecksumMode: 'ENABLED'`,
 * ListMultipartUploads, ListObjectsV2 (current versions). Plugged into one S3Client instance with aws-sdk-client-mock.
 *
 * `failOn(command, nth)` makes the nth next call of a command throw, to simulate a crash or an
 * S3 error at that exact step.
 *
 * Like S3, a PutObject or CompleteMultipartUpload with `IfNoneMatch: '*'` on a key whose current
 * version exists is refused with 412 PreconditionFailed, and every version keeps its creation time
 * (`LastModified`, from the `clock` option: the simulated clock in the local month).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  NoSuchKey,
  NoSuchUpload,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeVersion {
  readonly versionId: string;
  readonly body: Buffer;
  readonly isDeleteMarker: boolean;
  readonly metadata: Record<string, string>;
  readonly sse?: string;
  readonly createdAt: Date;
  /** S3's ChecksumSHA256 of the version (composite `…-N` for a checksummed multipart upload). */
  readonly checksumSHA256?: string;
}

interface Upload {
  readonly key: string;
  readonly metadata: Record<string, string>;
  readonly sse?: string;
  readonly checksummed: boolean;
  readonly parts: Map<number, { etag: string; body: Buffer; sha256: string }>;
}

const meta = { $metadata: { httpStatusCode: 404 } };
const etagOf = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;
const sha256Of = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const invalidPart = (message: string) =>
  new S3ServiceException({
    name: 'InvalidPart',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  });
const newId = () => randomBytes(12).toString('base64url');

function toBuffer(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body);
  throw new Error('fake S3 accepts Buffer, Uint8Array or string bodies only');
}

function parseRange(range: string | undefined, size: number): [number, number] {
  if (!range) return [0, size];
  const m = /^bytes=(\d+)-(\d+)$/.exec(range);
  if (!m) throw new Error(`fake S3: unsupported range ${range}`);
  const start = Number(m[1]);
  const end = Math.min(Number(m[2]) + 1, size);
  if (start >= size) {
    throw new S3ServiceException({
      name: 'InvalidRange',
      $fault: 'client',
      ...meta,
      message: 'InvalidRange',
    });
  }
  return [start, end];
}

/** A body stream with the SDK's helpers (`transformToString`, `transformToByteArray`). */
function sdkBody(bytes: Buffer): Readable {
  return Object.assign(Readable.from([bytes]), {
    transformToByteArray: async () => new Uint8Array(bytes),
    transformToString: async (encoding: BufferEncoding = 'utf8') => bytes.toString(encoding),
  });
}

export interface VersionedS3Options {
  /** Smallest part but the last that Complete accepts. @default 5 MiB (S3's) */
  readonly minPartSize?: number;
  /** Creation time of each new version. @default () => new Date() */
  readonly clock?: () => Date;
}

const preconditionFailed = (key: string) =>
  new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    $metadata: { httpStatusCode: 412 },
    message: `At least one of the pre-conditions you specified did not hold (${key} exists)`,
  });

export class VersionedS3 {
  readonly bucket: string;
  readonly client: S3Client;
  /** Versions by key, oldest first. */
  readonly store = new Map<string, FakeVersion[]>();
  readonly uploads = new Map<string, Upload>();
  /** Calls by command name. */
  readonly calls = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly minPartSize: number;
  private readonly clock: () => Date;

  constructor(bucket: string, options: VersionedS3Options = {}) {
    this.bucket = bucket;
    this.minPartSize = options.minPartSize ?? 5 * 1024 * 1024;
    this.clock = options.clock ?? (() => new Date());
    this.client = new S3Client({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const mock = mockClient(this.client);
    const on = <I, O>(command: { name: string }, fn: (input: I) => O | Promise<O>) =>
      // biome-ignore lint/suspicious/noExplicitAny: the mock's command typing is generic over every command
      mock.on(command as any).callsFake(async (input: I) => {
        this.calls.set(command.name, (this.calls.get(command.name) ?? 0) + 1);
        const left = this.failures.get(command.name);
        if (left !== undefined) {
          if (left <= 1) {
            this.failures.delete(command.name);
            throw new Error(`injected failure of ${command.name}`);
          }
          this.failures.set(command.name, left - 1);
        }
        if ((input as { Bucket?: string }).Bucket !== bucket) throw new Error('fake S3: wrong bucket');
        return fn(input);
      });
    on(
      PutObjectCommand,
      (i: {
        Key: string;
        Body: unknown;
        Metadata?: Record<string, string>;
        ServerSideEncryption?: string;
        IfNoneMatch?: string;
      }) => {
        if (i.IfNoneMatch === '*' && this.exists(i.Key)) throw preconditionFailed(i.Key);
        return {
          VersionId: this.addVersion(i.Key, toBuffer(i.Body), i.Metadata ?? {}, i.ServerSideEncryption),
        };
      },
    );
    on(GetObjectCommand, (i: { Key: string; VersionId?: string; Range?: string }) => {
      const v = this.find(i.Key, i.VersionId);
      const [start, end] = parseRange(i.Range, v.body.length);
      const slice = v.body.subarray(start, end);
      return {
        Body: sdkBody(Buffer.from(slice)),
        ContentLength: slice.length,
        VersionId: v.versionId,
        Metadata: v.metadata,
        LastModified: v.createdAt,
      };
    });
    on(HeadObjectCommand, (i: { Key: string; VersionId?: string; ChecksumMode?: string }) => {
      let v: FakeVersion;
      try {
        v = this.find(i.Key, i.VersionId);
      } catch {
        throw new NotFound({ message: 'Not Found', ...meta });
      }
      return {
        ContentLength: v.body.length,
        VersionId: v.versionId,
        Metadata: v.metadata,
        ServerSideEncryption: v.sse,
        LastModified: v.createdAt,
        ...(i.ChecksumMode === 'ENABLED' && v.checksumSHA256 ? { ChecksumSHA256: v.checksumSHA256 } : {}),
      };
    });
    on(ListObjectVersionsCommand, (i: { Prefix?: string }) => {
      const Versions: unknown[] = [];
      const DeleteMarkers: unknown[] = [];
      for (const key of [...this.store.keys()].sort()) {
        if (i.Prefix && !key.startsWith(i.Prefix)) continue;
        const versions = this.store.get(key)!;
        versions.forEach((v, n) => {
          const entry = {
            Key: key,
            VersionId: v.versionId,
            IsLatest: n === versions.length - 1,
            LastModified: v.createdAt,
          };
          if (v.isDeleteMarker) DeleteMarkers.push(entry);
          else Versions.push({ ...entry, Size: v.body.length });
        });
      }
      return { Versions, DeleteMarkers, IsTruncated: false };
    });
    on(ListObjectsV2Command, (i: { Prefix?: string }) => ({
      Contents: [...this.store.keys()]
        .sort()
        .filter((key) => (!i.Prefix || key.startsWith(i.Prefix)) && this.exists(key))
        .map((Key) => ({ Key, Size: this.store.get(Key)!.at(-1)!.body.length })),
      IsTruncated: false,
    }));
    on(DeleteObjectCommand, (i: { Key: string; VersionId?: string }) => {
      if (i.VersionId) {
        const versions = this.store.get(i.Key) ?? [];
        const left = versions.filter((v) => v.versionId !== i.VersionId);
        if (left.length) this.store.set(i.Key, left);
        else this.store.delete(i.Key);
        return { VersionId: i.VersionId };
      }
      const versionId = newId();
      this.push(i.Key, {
        versionId,
        body: Buffer.alloc(0),
        isDeleteMarker: true,
        metadata: {},
        createdAt: this.clock(),
      });
      return { DeleteMarker: true, VersionId: versionId };
    });
    on(
      CreateMultipartUploadCommand,
      (i: {
        Key: string;
        Metadata?: Record<string, string>;
        ServerSideEncryption?: string;
        ChecksumAlgorithm?: string;
      }) => {
        if (i.ChecksumAlgorithm !== undefined && i.ChecksumAlgorithm !== 'SHA256') {
          throw new Error(`fake S3: checksum algorithm ${i.ChecksumAlgorithm} not supported`);
        }
        const UploadId = newId();
        this.uploads.set(UploadId, {
          key: i.Key,
          checksummed: i.ChecksumAlgorithm === 'SHA256',
          metadata: i.Metadata ?? {},
          ...(i.ServerSideEncryption ? { sse: i.ServerSideEncryption } : {}),
          parts: new Map(),
        });
        return { UploadId };
      },
    );
    on(
      UploadPartCommand,
      (i: { Key: string; UploadId: string; PartNumber: number; Body: unknown; ChecksumSHA256?: string }) => {
        const upload = this.upload(i.Key, i.UploadId);
        const body = toBuffer(i.Body);
        const etag = etagOf(body);
        const sha256 = sha256Of(body);
        if (i.ChecksumSHA256 !== undefined && i.ChecksumSHA256 !== sha256) {
          throw new S3ServiceException({
            name: 'BadDigest',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
            message: `part ${i.PartNumber}: the SHA-256 you specified did not match the bytes`,
          });
        }
        upload.parts.set(i.PartNumber, { etag, body, sha256 });
        return { ETag: etag, ...(upload.checksummed ? { ChecksumSHA256: sha256 } : {}) };
      },
    );
    on(
      UploadPartCopyCommand,
      (i: {
        Key: string;
        UploadId: string;
        PartNumber: number;
        CopySource: string;
        CopySourceRange?: string;
      }) => {
        const upload = this.upload(i.Key, i.UploadId);
        const [path, query] = i.CopySource.split('?');
        const slash = path!.indexOf('/');
        if (path!.slice(0, slash) !== bucket) throw new Error('fake S3: copy from another bucket');
        const key = decodeURIComponent(path!.slice(slash + 1));
        const versionId = query ? (new URLSearchParams(query).get('versionId') ?? undefined) : undefined;
        const source = this.find(key, versionId);
        const [start, end] = parseRange(i.CopySourceRange, source.body.length);
        const body = Buffer.from(source.body.subarray(start, end));
        const etag = etagOf(body);
        const sha256 = sha256Of(body);
        upload.parts.set(i.PartNumber, { etag, body, sha256 });
        return { CopyPartResult: { ETag: etag, ...(upload.checksummed ? { ChecksumSHA256: sha256 } : {}) } };
      },
    );
    on(
      CompleteMultipartUploadCommand,
      (i: {
        Key: string;
        UploadId: string;
        MultipartUpload?: { Parts?: { PartNumber?: number; ETag?: string; ChecksumSHA256?: string }[] };
        IfNoneMatch?: string;
      }) => {
        const upload = this.upload(i.Key, i.UploadId);
        if (i.IfNoneMatch === '*' && this.exists(i.Key)) throw preconditionFailed(i.Key);
        const parts = i.MultipartUpload?.Parts ?? [];
        const bodies: Buffer[] = [];
        const digests: Buffer[] = [];
        parts.forEach((p, n) => {
          const stored = upload.parts.get(p.PartNumber ?? -1);
          if (!stored || stored.etag !== p.ETag) throw new Error(`fake S3: InvalidPart ${p.PartNumber}`);
          if (upload.checksummed && p.ChecksumSHA256 !== stored.sha256) {
            throw invalidPart(`part ${p.PartNumber}: ChecksumSHA256 ${p.ChecksumSHA256} is not the part's`);
          }
          digests.push(Buffer.from(stored.sha256, 'base64'));
          if (n > 0 && (parts[n - 1]!.PartNumber ?? 0) >= (p.PartNumber ?? 0))
            throw new Error('fake S3: InvalidPartOrder');
          if (n < parts.length - 1 && stored.body.length < this.minPartSize) {
            throw new Error(`fake S3: EntityTooSmall (part ${p.PartNumber}: ${stored.body.length} bytes)`);
          }
          bodies.push(stored.body);
        });
        this.uploads.delete(i.UploadId);
        const checksum = upload.checksummed
          ? `${createHash('sha256').update(Buffer.concat(digests)).digest('base64')}-${parts.length}`
          : undefined;
        const VersionId = this.addVersion(
          i.Key,
          Buffer.concat(bodies),
          upload.metadata,
          upload.sse,
          checksum,
        );
        return { VersionId, ...(checksum ? { ChecksumSHA256: checksum } : {}) };
      },
    );
    on(AbortMultipartUploadCommand, (i: { Key: string; UploadId: string }) => {
      this.upload(i.Key, i.UploadId);
      this.uploads.delete(i.UploadId);
      return {};
    });
    on(ListMultipartUploadsCommand, (i: { Prefix?: string }) => ({
      Uploads: [...this.uploads]
        .filter(([, u]) => !i.Prefix || u.key.startsWith(i.Prefix))
        .map(([UploadId, u]) => ({ Key: u.key, UploadId })),
      IsTruncated: false,
    }));
  }

  /** The nth next call of `command` (e.g. 'UploadPartCommand') throws. */
  failOn(command: string, nth = 1): void {
    this.failures.set(command, nth);
  }

  /** Puts an object as Connect would; returns its VersionId. */
  addVersion(
    key: string,
    body: Buffer,
    metadata: Record<string, string> = {},
    sse?: string,
    checksumSHA256?: string,
  ): string {
    const versionId = newId();
    this.push(key, {
      versionId,
      body,
      isDeleteMarker: false,
      metadata,
      createdAt: this.clock(),
      ...(sse ? { sse } : {}),
      ...(checksumSHA256 ? { checksumSHA256 } : {}),
    });
    return versionId;
  }

  /** Whether the key has a current version (not a delete marker): what If-None-Match tests. */
  exists(key: string): boolean {
    const current = this.store.get(key)?.at(-1);
    return current !== undefined && !current.isDeleteMarker;
  }

  versions(key: string): readonly FakeVersion[] {
    return this.store.get(key) ?? [];
  }

  /** Every stored version and delete marker, of every key. */
  count(): number {
    return [...this.store.values()].reduce((n, v) => n + v.length, 0);
  }

  private push(key: string, v: FakeVersion) {
    const list = this.store.get(key) ?? [];
    list.push(v);
    this.store.set(key, list);
  }

  private find(key: string, versionId: string | undefined): FakeVersion {
    const versions = this.store.get(key) ?? [];
    const v = versionId ? versions.find((x) => x.versionId === versionId) : versions.at(-1);
    if (!v || v.isDeleteMarker) throw new NoSuchKey({ message: `no ${key} ${versionId ?? ''}`, ...meta });
    return v;
  }

  private upload(key: string, uploadId: string): Upload {
    const u = this.uploads.get(uploadId);
    if (!u || u.key !== key) throw new NoSuchUpload({ message: `no upload ${uploadId}`, ...meta });
    return u;
  }
}
