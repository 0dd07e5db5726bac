/**
 * An audit export with its publication, written as the deployed exporter writes it: chain files,
 * then signed heads put once through the versioned S3 stand-in, then downloaded with their
 * versions and creation times (`audit/published/…`, `audit/published-versions.json`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
