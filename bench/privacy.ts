/**
 * Privacy benchmark (concern C9): what the recording actions cost locally.
 *
 * - Bytes through the function to redact a 10-second range of a one-hour Connect-format
 *   recording (115 MB) with S3's real part limits, counted by the S3 wrapper against the
 *   versioned S3 fake: the rewrite (header probe, ranged GET of the rewritten part, its upload)
 *   and, separately, what the proof costs after the rewrite: nothing is read back, the proof is
 *   S3's SHA-256 part checksums and composite (one HeadObject); the total is held to ≤ 16 MiB.
 * - Request-to-gone latency of a deletion, both arrival orders, against dynalite + the fake.
 *
 * `npx tsx bench/privacy.ts` prints a table; `benchPrivacy()` returns the figures.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3_PART_LIMITS } from '../lambda/core/redaction-plan';
import { ingestObject } from '../lambda/ingest/ingest';
import { applyRequest } from '../lambda/shared/apply-request';
import {
  connectWav,
  putDecision,
  putRequest,
  recordingKey,
  startHarness,
  world,
} from '../test/support/recording-harness';
import { type BenchFigure, printFigures } from './figure';
import { writeConnectWav } from './redact';

const MiB = 1024 * 1024;

export async function benchPrivacy(): Promise<BenchFigure[]> {
  const h = await startHarness();
  const figures: BenchFigure[] = [];
  try {
    // 1. Bytes moved for a 10 s redaction of a one-hour file.
    const dir = mkdtempSync(join(tmpdir(), 'fairlisten-bench-privacy-'));
    let original: Buffer;
    try {
      writeConnectWav(join(dir, 'hour.wav'), 3600 * 32_000);
      original = readFileSync(join(dir, 'hour.wav'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const w = world(h, { limits: S3_PART_LIMITS });
    const contactId = randomUUID();
    await putDecision(h, contactId, true);
    const key = recordingKey(contactId);
    const vid = w.s3.addVersion(key, original);
    await ingestObject(w.deps(), {
      key,
      versionId: vid,
      size: original.length,
      eventTime: new Date().toISOString(),
    });
    const requestId = await putRequest(h, {
      kind: 'redaction',
      contactId,
      ranges: [{ from: 1800, to: 1810 }],
      channel: 'agent',
    });
    let rewrite = { bytesIn: 0, bytesOut: 0 };
    w.objects.counters.bytesIn = 0;
    w.objects.counters.bytesOut = 0;
    const t0 = performance.now();
    await applyRequest(
      w.deps({
        checkpoint: (step) => {
          if (step === 'completed') rewrite = { ...w.objects.counters };
        },
      }),
      requestId,
    );
    const redactMs = performance.now() - t0;
    const total = w.objects.counters.bytesIn + w.objects.counters.bytesOut;
    const rewriteBytes = rewrite.bytesIn + rewrite.bytesOut;
    const proof = (await w.store.getRequest(requestId)).proof!;
    const replaced = proof.replaced[0]!;
    if (!replaced.parts || replaced.sha256) throw new Error('bench: the proof is not the part-checksum one');
    figures.push(
      {
        name: 'redact 10 s of 1 h: bytes through the function in total (rewrite + proof)',
        value: +(total / MiB).toFixed(2),
        unit: 'MiB',
        target: { op: '<=', value: 16 },
        note: `proof: ${replaced.parts.length} part SHA-256s from S3 and the composite, ${Buffer.byteLength(JSON.stringify(proof))} bytes of JSON`,
      },
      {
        name: 'redact 10 s of 1 h: bytes through the function (rewrite)',
        value: +(rewriteBytes / MiB).toFixed(2),
        unit: 'MiB',
        target: { op: '<=', value: 16 },
      },
      {
        name: 'redact 10 s of 1 h: bytes read back for the proof',
        note: 'none: S3 hashes each part (copied ones too); before, one streaming GET of the whole new version (109.86 MiB)',
        value: +((total - rewriteBytes) / MiB).toFixed(2),
        unit: 'MiB',
      },
      { name: 'redact 10 s of 1 h: object size', value: +(original.length / MiB).toFixed(2), unit: 'MiB' },
      { name: 'redact 10 s of 1 h: local wall time (fake S3)', value: Math.round(redactMs), unit: 'ms' },
    );

    // 2. Deletion, request-to-gone, both arrival orders.
    const small = connectWav(60);
    const latency = async (order: 'file-first' | 'request-first') => {
      const v = world(h);
      const id = randomUUID();
      await putDecision(h, id, true);
      const k = recordingKey(id);
      const arrive = async () => {
        const version = v.s3.addVersion(k, small);
        await ingestObject(v.deps(), {
          key: k,
          versionId: version,
          size: small.length,
          eventTime: new Date().toISOString(),
        });
      };
      if (order === 'file-first') await arrive();
      const start = performance.now();
      const rid = await putRequest(h, { kind: 'deletion', contactId: id, status: 'in-progress' });
      await applyRequest(v.deps(), rid);
      if (order === 'request-first') await arrive();
      if (v.s3.count() !== 0) throw new Error(`deletion (${order}) left objects behind`);
      return performance.now() - start;
    };
    for (const order of ['file-first', 'request-first'] as const) {
      const runs = [];
      for (let i = 0; i < 5; i++) runs.push(await latency(order));
      runs.sort((a, b) => a - b);
      figures.push({
        name: `deletion request-to-gone, ${order} (local, median of 5)`,
        value: Math.round(runs[2]!),
        unit: 'ms',
        target: { op: '<=', value: 10_000 },
      });
    }
  } finally {
    await h.stop();
  }
  return figures;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printFigures(await benchPrivacy());
}
