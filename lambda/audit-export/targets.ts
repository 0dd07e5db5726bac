/**
 * Where exported chains go. An export is a set of JSON Lines files
 * `<chain-escaped>/<fromSeq>-<toSeq>.jsonl` (seqs zero-padded to 12 digits, so a listing sorts
 * in seq order); the S3 target puts them under `exports/` of the audit bucket, the directory
 * target under a local directory (the simulation's `DIR/audit/`). Either way the files are the
 * export's state: the next run continues after the highest `toSeq` it finds.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { EXPORT_PREFIX } from './config';

export interface ExportTarget {
  /** File names (`<from>-<to>.jsonl`) already exported for a chain directory. */
  list(chainDir: string): Promise<string[]>;
  read(key: string): Promise<string>;
  /** Writes one file whole (never a partial file). */
  put(key: string, body: string): Promise<void>;
  /** Human-readable location, for logs. */
  readonly location: string;
}

/** The directory name of a chain: reversible (`/` → `%2F`, `%` → `%25`, …), so chains never collide. */
export const escapeChain = (chain: string): string => encodeURIComponent(chain);
export const unescapeChain = (dir: string): string => decodeURIComponent(dir);

const SEQ_DIGITS = 12;
const FILE_RE = /^(\d+)-(\d+)\.jsonl$/;

export function exportFileName(fromSeq: number, toSeq: number): string {
  return `${String(fromSeq).padStart(SEQ_DIGITS, '0')}-${String(toSeq).padStart(SEQ_DIGITS, '0')}.jsonl`;
}

/** `{fromSeq, toSeq}` of an export file name, or undefined for anything else. */
export function parseExportFileName(name: string): { fromSeq: number; toSeq: number } | undefined {
  const m = FILE_RE.exec(name);
  return m ? { fromSeq: Number(m[1]), toSeq: Number(m[2]) } : undefined;
}

/** The audit bucket's `exports/` prefix. */
export function s3ExportTarget(s3: S3Client, bucket: string, prefix = EXPORT_PREFIX): ExportTarget {
  return {
    location: `s3://${bucket}/${prefix}`,
    async list(chainDir) {
      const names: string[] = [];
      const Prefix = `${prefix}${chainDir}/`;
      let ContinuationToken: string | undefined;
      do {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix, ContinuationToken }));
        for (const o of out.Contents ?? []) if (o.Key) names.push(o.Key.slice(Prefix.length));
        ContinuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return names;
    },
    async read(key) {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}` }));
      return out.Body!.transformToString('utf8');
    },
    async put(key, body) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${prefix}${key}`,
          Body: body,
          ContentType: 'application/jsonl; charset=utf-8',
          // Written once: the bucket policy refuses a put that could replace an export file.
          IfNoneMatch: '*',
          // Object Lock (default retention) requires an integrity checksum on every upload.
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    },
  };
}

/** A local directory (the simulation writes `DIR/audit/`); files are written atomically. */
export function directoryExportTarget(root: string): ExportTarget {
  return {
    location: root,
    async list(chainDir) {
      try {
        return await readdir(join(root, chainDir));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    read: (key) => readFile(join(root, key), 'utf8'),
    async put(key, body) {
      const path = join(root, key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, body, 'utf8');
      await rename(tmp, path);
    },
  };
}
