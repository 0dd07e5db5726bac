/**
 * An audit export with its publication, written as the deployed exporter writes it: chain files,
 * then signed heads put once through the versioned S3 stand-in, then downloaded with their
 * versions and creation times (`audit/published/…`, `audit/published-versions.json`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { escapeChain, exportFileName } from '../../lambda/audit-export/targets';
import { type AuditRecord, appendRecord } from '../../lambda/core/audit-chain';
import { canonicalize } from '../../lambda/core/canonical-json';
import { type Publisher, publishHeads, s3Publisher } from '../../lambda/shared/publication';
import { localHeadSigner } from '../../lib/local/head-signer';
import { VersionedS3 } from '../../lib/local/versioned-s3';
import { downloadPublication } from '../../lib/verify/publication';

export function chainOf(name: string, n: number, from = 0): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      appendRecord(out[i - 1], {
        chain: name,
        kind: 'listen',
        at: new Date(Date.UTC(2026, 9, 1, 0, from + i)).toISOString(),
        actor: `coach-${i}`,
        data: { i },
      }),
    );
  }
  return out;
}

export const jsonl = (records: readonly unknown[]): string =>
  records.map((r) => `${canonicalize(r as never)}\n`).join('');

export interface PublishedExport {
  readonly dir: string;
  readonly s3: VersionedS3;
  readonly publisher: Publisher;
  /** Publishes signed heads of `records` (last record per chain) at `at`, then re-downloads. */
  publishHeadsOf(records: Record<string, readonly AuditRecord[]>, at: Date): Promise<void>;
  /** Writes `records` of `chain` as one export file named after their seq range. */
  writeFile(chain: string, records: readonly AuditRecord[]): string;
  download(): Promise<void>;
}

export async function publishedExport(dir: string): Promise<PublishedExport> {
  let now = new Date('2026-11-01T00:00:00.000Z');
  const s3 = new VersionedS3('audit', { clock: () => now });
  const publisher = s3Publisher(s3.client, 'audit');
  const signer = localHeadSigner();
  const self: PublishedExport = {
    dir,
    s3,
    publisher,
    writeFile(chain, records) {
      const name = `${escapeChain(chain)}/${exportFileName(records[0]!.seq, records.at(-1)!.seq)}`;
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, jsonl(records));
      return path;
    },
    async publishHeadsOf(records, at) {
      now = at;
      const heads = Object.entries(records).map(([chain, list]) => {
        const last = list.at(-1)!;
        return { chain, seq: last.seq, hash: last.hash, at: last.at };
      });
      await publishHeads(publisher, signer, at, heads);
      await self.download();
    },
    download: () => downloadPublication(s3.client, 'audit', dir).then(() => undefined),
  };
  return self;
}

/**
 * The stand-in's bucket answered the way S3 answers a big one: at most `pageSize` entries a page
 * (`IsTruncated`, then the markers or the continuation token of the last entry), ListObjectVersions
 * with the newest version of each key first (S3's order; the stand-in lists oldest first), delete
 * markers in their own list, an empty list left out (as the SDK does). GetObject is the stand-in's.
 * Every request is recorded in `requests`.
 */
export function pagedS3(
  s3: VersionedS3,
  pageSize: number,
): { client: S3Client; requests: { command: string; input: Record<string, unknown> }[] } {
  const client = new S3Client({
    region: 'eu-central-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const requests: { command: string; input: Record<string, unknown> }[] = [];
  const mock = mockClient(client);
  const keys = (prefix: string | undefined) =>
    [...s3.store.keys()].filter((k) => !prefix || k.startsWith(prefix)).sort();
  mock.on(ListObjectVersionsCommand).callsFake((input) => {
    requests.push({ command: 'ListObjectVersions', input });
    const all = keys(input.Prefix).flatMap((Key) =>
      s3
        .versions(Key)
        .map((v, n, list) => ({ Key, v, IsLatest: n === list.length - 1 }))
        .reverse(),
    );
    let from = 0;
    if (input.KeyMarker !== undefined) {
      from = all.findIndex((e) => e.Key === input.KeyMarker && e.v.versionId === input.VersionIdMarker) + 1;
      if (from === 0)
        throw new Error(`pagedS3: no entry at the markers ${input.KeyMarker} ${input.VersionIdMarker}`);
    }
    const page = all.slice(from, from + pageSize);
    const IsTruncated = from + pageSize < all.length;
    const entry = (e: (typeof all)[number]) => ({
      Key: e.Key,
      VersionId: e.v.versionId,
      IsLatest: e.IsLatest,
      LastModified: e.v.createdAt,
    });
    const Versions = page
      .filter((e) => !e.v.isDeleteMarker)
      .map((e) => ({ ...entry(e), Size: e.v.body.length }));
    const DeleteMarkers = page.filter((e) => e.v.isDeleteMarker).map(entry);
    return {
      // The SDK leaves out a list S3 answered empty.
      ...(Versions.length ? { Versions } : {}),
      ...(DeleteMarkers.length ? { DeleteMarkers } : {}),
      IsTruncated,
      ...(IsTruncated
        ? { NextKeyMarker: page.at(-1)!.Key, NextVersionIdMarker: page.at(-1)!.v.versionId }
        : {}),
    };
  });
  mock.on(ListObjectsV2Command).callsFake((input) => {
    requests.push({ command: 'ListObjectsV2', input });
    const all = keys(input.Prefix).filter((k) => s3.exists(k));
    const from = input.ContinuationToken === undefined ? 0 : Number(input.ContinuationToken);
    const page = all.slice(from, from + pageSize);
    const IsTruncated = from + pageSize < all.length;
    return {
      ...(page.length
        ? { Contents: page.map((Key) => ({ Key, Size: s3.versions(Key).at(-1)!.body.length })) }
        : {}),
      IsTruncated,
      ...(IsTruncated ? { NextContinuationToken: String(from + pageSize) } : {}),
    };
  });
  mock.on(GetObjectCommand).callsFake((input) => {
    requests.push({ command: 'GetObject', input });
    return s3.client.send(new GetObjectCommand(input));
  });
  return { client, requests };
}
