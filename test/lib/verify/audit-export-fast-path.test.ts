/**
 * The streamed fast path of `audit verify` against forgeries that the signed heads do not show: the
 * heads here are signed over what the forged export holds (an exporter that wrote it so, or an
 * insider who had the signing key), so only the record, link and file checks can tell. For each,
 * the in-memory verification must name the forgery, and the fast path must give way to it — a
 * report with `loaded` is the in-memory one. Also the two-thread verification with the other
 * thread's job played by the test: which files it gets, and when its answer is trusted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportFileName } from '../../../lambda/audit-export/targets';
import { type AuditRecord, computeRecordHash, GENESIS_HASH } from '../../../lambda/core/audit-chain';
import { headsKey, publishedJson } from '../../../lambda/core/publication';
import {
  listExportFiles,
  recordHashesMatch,
  type StartHashesJob,
  streamCleanExport,
  verifyAuditExport,
  verifyAuditExportOnTwoThreads,
  verifyLoadedExport,
} from '../../../lib/verify/audit-export';
import { chainOf, jsonl, type PublishedExport, publishedExport } from '../../support/publication';

const root = mkdtempSync(join(tmpdir(), 'fairlisten-audit-fast-path-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const SIGNED_AT = new Date('2026-11-01T10:00:00.000Z');
const B = 'listens%2F2026-10';

/** `r` changed, then hashed again (the hash is no secret: anyone can recompute it). */
function rehash(r: AuditRecord, change: Partial<AuditRecord>): AuditRecord {
  const { hash: _, ...rest } = { ...r, ...change };
  return { ...rest, hash: computeRecordHash(rest) };
}

/** `records` linked one to the next from `prevHash` on, each hashed again; their seqs kept. */
function relink(records: readonly AuditRecord[], prevHash: string): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (const r of records) out.push(rehash(r, { prevHash: out.at(-1)?.hash ?? prevHash }));
  return out;
}

/**
 * An export of `files` (path under the export → its records) whose heads were signed over
 * `signed` (chain → its records; the last one is the head).
 */
async function signedOver(
  files: Record<string, readonly unknown[]>,
  signed: Record<string, readonly AuditRecord[]>,
): Promise<PublishedExport> {
  const e = await publishedExport(join(root, `export-${n++}`));
  for (const [path, records] of Object.entries(files)) {
    mkdirSync(join(e.dir, path, '..'), { recursive: true });
    writeFileSync(join(e.dir, path), jsonl(records));
  }
  await e.publishHeadsOf(signed, SIGNED_AT);
  return e;
}

const f = (folder: string, from: number, to: number) => join(folder, exportFileName(from, to));

/** The in-memory findings' codes, after checking that the fast path gave way and the in-memory check ran. */
function judgedInMemory(dir: string): string[] {
  expect(streamCleanExport(dir)).toBeUndefined();
  const report = verifyAuditExport(dir);
  expect(report.loaded).toBeDefined();
  expect(report.ok).toBe(false);
  return report.findings.map((x) => x.code);
}

describe('the fast path, when the heads were signed over the forgery', () => {
  it('streams the honest export signed the same way (the harness itself hides nothing)', async () => {
    const a = chainOf('a', 5);
    const e = await signedOver({ [f('a', 1, 3)]: a.slice(0, 3), [f('a', 4, 5)]: a.slice(3) }, { a });
    const fast = streamCleanExport(e.dir);
    expect(fast?.ok).toBe(true);
    expect(verifyAuditExport(e.dir).loaded).toBeUndefined();
  });

  it('gives way on records missing between two files, the records after them re-linked', async () => {
    const a = chainOf('a', 6);
    const after = relink(a.slice(4), a[2]!.hash); // seqs 5 and 6, linked to record 3
    const e = await signedOver({ [f('a', 1, 3)]: a.slice(0, 3), [f('a', 5, 6)]: after }, { a: after });
    expect(judgedInMemory(e.dir)).toEqual(['missing-records']);
  });

  it('gives way on a chain that starts at record 2, linked to the genesis hash', async () => {
    const a = chainOf('a', 3);
    const forged = relink(a.slice(1), GENESIS_HASH);
    const e = await signedOver({ [f('a', 2, 3)]: forged }, { a: forged });
    expect(judgedInMemory(e.dir)).toEqual(expect.arrayContaining(['missing-records']));
  });

  it('gives way on a record linked to something other than the record before it, each re-hashed', async () => {
    const a = chainOf('a', 5);
    const forged = [a[0]!, ...relink(a.slice(1), 'f'.repeat(64))];
    const e = await signedOver(
      { [f('a', 1, 3)]: forged.slice(0, 3), [f('a', 4, 5)]: forged.slice(3) },
      { a: forged },
    );
    expect(judgedInMemory(e.dir)).toEqual(['broken-link']);
  });

  it('gives way on another chain’s records under a chain’s folder, signed under the folder’s name', async () => {
    const c = chainOf('c', 5);
    const e = await signedOver({ [f('a', 1, 3)]: c.slice(0, 3), [f('a', 4, 5)]: c.slice(3) }, { a: c });
    expect(judgedInMemory(e.dir)).toEqual(['file-range', 'file-range', 'chain-deleted', 'unsigned-records']);
  });

  it('gives way on files whose names are one record off what they hold, the chain itself intact', async () => {
    const a = chainOf('a', 5);
    const e = await signedOver({ [f('a', 2, 4)]: a.slice(0, 3), [f('a', 5, 6)]: a.slice(3) }, { a });
    expect(judgedInMemory(e.dir)).toEqual(['file-range', 'file-range']);
  });

  it('gives way on a file that holds fewer records than its name claims, the chain itself intact', async () => {
    const a = chainOf('a', 5);
    const e = await signedOver({ [f('a', 1, 3)]: a.slice(0, 3), [f('a', 4, 6)]: a.slice(3) }, { a });
    expect(judgedInMemory(e.dir)).toEqual(['file-range']);
  });
});

describe('the fast path, against the export the heads were signed over', () => {
  const clean = async () => {
    const a = chainOf('a', 5);
    const b = chainOf('listens/2026-10', 4);
    const e = await signedOver(
      { [f('a', 1, 3)]: a.slice(0, 3), [f('a', 4, 5)]: a.slice(3), [f(B, 1, 4)]: b },
      { a, 'listens/2026-10': b },
    );
    return { e, a, b };
  };

  it('gives way on a record edited in place, its hash left as it was', async () => {
    const { e, a } = await clean();
    writeFileSync(join(e.dir, f('a', 1, 3)), jsonl([a[0], { ...a[1]!, actor: 'mallory' }, a[2]]));
    expect(judgedInMemory(e.dir)).toEqual(['hash-mismatch']);
  });

  it('gives way on a field the hash does not cover, added to a record', async () => {
    const { e, a } = await clean();
    writeFileSync(join(e.dir, f('a', 1, 3)), jsonl([a[0], { ...a[1]!, approved: true }, a[2]]));
    expect(judgedInMemory(e.dir)).toContain('malformed');
  });

  it('gives way on a whole chain added after the heads were signed', async () => {
    const { e } = await clean();
    const c = chainOf('c', 2);
    e.writeFile('c', c);
    expect(judgedInMemory(e.dir)).toEqual(['unsigned-records']);
  });

  it('gives way on a record appended to the last file after the heads were signed', async () => {
    const { e, a } = await clean();
    const next = rehash({ ...a[4]!, seq: 6, prevHash: a[4]!.hash, actor: 'mallory' }, {});
    writeFileSync(join(e.dir, f('a', 4, 5)), jsonl([a[3], a[4], next]));
    expect(judgedInMemory(e.dir)).toEqual(['file-range', 'unsigned-records']);
  });

  it('gives way on an empty file outside any chain folder', async () => {
    const { e } = await clean();
    writeFileSync(join(e.dir, 'stray.jsonl'), '');
    expect(judgedInMemory(e.dir)).toEqual(['foreign-file']);
  });

  it('gives way on an empty file in a folder that is no chain’s, its name claiming no record', async () => {
    const { e } = await clean();
    mkdirSync(join(e.dir, '%E0%A4%A'));
    writeFileSync(join(e.dir, f('%E0%A4%A', 1, 0)), '');
    expect(judgedInMemory(e.dir)).toEqual(['foreign-file']);
  });

  it('gives way on a file one folder deeper, in a folder named like an export file', async () => {
    const { e, a } = await clean();
    rmSync(join(e.dir, f('a', 1, 3)));
    mkdirSync(join(e.dir, f('a', 1, 3)));
    writeFileSync(join(e.dir, f('a', 1, 3), exportFileName(1, 3)), jsonl(a.slice(0, 3)));
    expect(judgedInMemory(e.dir)).toEqual(['foreign-file']);
  });

  it('gives way on a record replayed, reordered or taken from another chain inside a file of the right length', async () => {
    const c = chainOf('c', 3);
    for (const [records, codes] of [
      [(a: AuditRecord[]) => [a[0], a[1], a[1], a[2]], ['duplicate-record', 'file-range']],
      [(a: AuditRecord[]) => [a[0], a[2], a[1]], ['out-of-order', 'file-range']],
      [(a: AuditRecord[]) => [a[0], a[1], c[2]], ['file-range', 'unsigned-records']],
    ] as const) {
      const { e, a } = await clean();
      writeFileSync(join(e.dir, f('a', 1, 3)), jsonl(records(a)));
      expect(judgedInMemory(e.dir)).toEqual(expect.arrayContaining([...codes]));
    }
  });

  it('keeps, per chain, the record with the highest seq of those with a string chain, a number seq and a string hash', async () => {
    const { e, a } = await clean();
    writeFileSync(
      join(e.dir, f('a', 4, 5)),
      jsonl([
        a[4],
        a[3],
        { ...a[4]!, seq: 6, hash: 6 },
        { ...a[4]!, seq: '7' },
        { ...a[4]!, seq: 8, chain: 8 },
      ]),
    );
    const report = verifyAuditExport(e.dir);
    expect([...report.chains.keys()]).toEqual(['a', 'listens/2026-10']);
    const st = report.chains.get('a')!;
    expect([st.lastSeq, st.lastHash, st.lastAt]).toEqual([5, a[4]!.hash, a[4]!.at]);
    expect([...st.hashes.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('says what the signed heads show that the export does not', async () => {
    const { e, a } = await clean();
    rmSync(join(e.dir, f('a', 4, 5)));
    const cut = verifyAuditExport(e.dir).findings;
    expect(cut).toEqual([
      {
        code: 'truncated',
        chain: 'a',
        message: `chain a stops at record 3, but the signed heads of ${SIGNED_AT.toISOString()} shows record 5: records at the end were removed`,
      },
    ]);
    const { e: g } = await clean();
    g.writeFile('c', chainOf('c', 2));
    writeFileSync(join(g.dir, f('a', 4, 5)), jsonl([a[3], a[4]]));
    expect(verifyAuditExport(g.dir).findings).toEqual([
      {
        code: 'unsigned-records',
        chain: 'c',
        message: `chain c has records 1–2 that no signed head covers (latest heads: ${SIGNED_AT.toISOString()})`,
      },
    ]);
    const policy = 'd'.repeat(64);
    const at = '2026-10-15T00:00:00.000Z';
    expect(
      verifyAuditExport(g.dir, [{ kind: 'policy', sha256: policy, witnessedAt: at }]).findings[1],
    ).toEqual({
      code: 'policy-gone',
      message: `the policy document ${'d'.repeat(16)}… you witnessed on ${at} is no longer published`,
    });
  });

  it('gives way on lines that are JSON but no record: null, an array, a number', async () => {
    const { e, a } = await clean();
    writeFileSync(join(e.dir, f('a', 1, 3)), jsonl([a[0], null, a[1], [a[2]], 3, a[2]]));
    const report = verifyAuditExport(e.dir);
    expect(judgedInMemory(e.dir)).toEqual(['malformed', 'malformed', 'malformed', 'file-range']);
    expect(report.findings.at(-1)!.message).toBe(
      `a/${exportFileName(1, 3)} does not hold what its name claims (records 1–3 of chain a): it holds 6 records, seq 1–3, some of another chain`,
    );
    expect([...report.chains.keys()]).toEqual(['a', 'listens/2026-10']);
  });

  it('streams a chain written in two folders that unescape to its name, as the in-memory check reads it', async () => {
    const a = chainOf('a', 5);
    const e = await signedOver({ [f('%61', 1, 3)]: a.slice(0, 3), [f('a', 4, 5)]: a.slice(3) }, { a });
    const { loaded, ...inMemory } = verifyLoadedExport(e.dir);
    expect(inMemory.findings).toEqual([]);
    expect(loaded?.records).toHaveLength(5);
    const fast = streamCleanExport(e.dir);
    expect(fast).toEqual({ ...inMemory, chains: fast?.chains });
    expect([...fast!.chains.get('a')!.hashes]).toEqual([[5, a[4]!.hash]]);
  });

  it('gives way when the publication is not what was published, or a heads object is not signed', async () => {
    const { e } = await clean();
    writeFileSync(join(e.dir, 'published', 'heads', 'extra.json'), '{}');
    expect(judgedInMemory(e.dir)).toEqual(['published-file-unknown']);

    const { e: g } = await clean();
    const forged = { exportedAt: '2026-11-02T00:00:00.000Z', key: 'k', algorithm: 'x', chains: [] };
    await g.publisher.putOnce(headsKey(forged.exportedAt), publishedJson(forged));
    await g.download();
    expect(judgedInMemory(g.dir)).toEqual(['bad-heads']);
  });

  it('gives way on an export whose publication holds no signed heads at all', async () => {
    const e = await publishedExport(join(root, `export-${n++}`));
    e.writeFile('a', chainOf('a', 2));
    await e.download();
    expect(judgedInMemory(e.dir)).toEqual(['no-signed-heads']);
  });

  it('stops showing records to the caller once it has given way', async () => {
    const { e } = await clean();
    const seen: string[] = [];
    const fast = streamCleanExport(e.dir, [], (r) => {
      seen.push(`${r.chain}#${r.seq}`);
      return r.seq !== 2;
    });
    expect(fast).toBeUndefined();
    expect(seen).toEqual(['a#1', 'a#2']);
    // The last record of the last file, too.
    const last = streamCleanExport(e.dir, [], (r) => !(r.chain === 'listens/2026-10' && r.seq === 4));
    expect(last).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('names a file it cannot read', () => {
    // /proc/self/mem is a regular file whose first page cannot be read (EIO).
    const report = verifyAuditExport('/proc/self/mem');
    expect(report.findings[0]).toEqual({
      code: 'malformed',
      message: '/proc/self/mem: cannot read: EIO: i/o error, read',
    });
    expect(report.loaded!.unparsable[0]!.locations).toEqual([{ index: -1, file: '/proc/self/mem' }]);
  });
});

describe('the two-thread verification, the other thread played by the test', () => {
  const make = async () => {
    const a = chainOf('a', 5);
    const b = chainOf('listens/2026-10', 4);
    return signedOver(
      { [f('a', 1, 3)]: a.slice(0, 3), [f('a', 4, 5)]: a.slice(3), [f(B, 1, 4)]: b },
      { a, 'listens/2026-10': b },
    );
  };

  /** A job that answers what `recordHashesMatch` answers, `tamper`ed, and notes what it was given. */
  function played(tamper: (r: { ok: boolean; sha256: string[] }) => unknown = (r) => r) {
    const given: (readonly string[])[] = [];
    let cancelled = 0;
    const start: StartHashesJob = (job) => {
      given.push(job.files);
      const result = new Promise<{ ok: boolean; sha256: string[] }>((ok) =>
        ok(tamper(recordHashesMatch(job.files)) as { ok: boolean; sha256: string[] }),
      );
      return { result, cancel: () => void cancelled++ };
    };
    return { start, given, cancelled: () => cancelled };
  }

  it('gives the other thread the last files, by the share given, and trusts its matching answer', async () => {
    const e = await make();
    const files = listExportFiles(e.dir);
    for (const [share, count] of [
      [2 / 3, 2],
      [1 / 3, 1],
      [1, 3],
      [0.99, 2],
    ] as const) {
      const job = played();
      const report = await verifyAuditExportOnTwoThreads(e.dir, [], share, job.start);
      expect(job.given).toEqual([files.slice(3 - count)]);
      expect(report.ok).toBe(true);
      expect(report.loaded).toBeUndefined(); // the streamed report
      expect(job.cancelled()).toBe(0);
    }
  });

  it('gives two thirds of the files to the other thread unless told otherwise', async () => {
    const e = await make();
    const job = played();
    expect((await verifyAuditExportOnTwoThreads(e.dir, undefined, undefined, job.start)).ok).toBe(true);
    expect(job.given).toEqual([listExportFiles(e.dir).slice(1)]);
    expect(await verifyAuditExportOnTwoThreads(e.dir)).toEqual(streamCleanExport(e.dir));
  });

  it('verifies in memory when the other thread finds a record that does not match its hash', async () => {
    const e = await make();
    const job = played((r) => ({ ...r, ok: false }));
    const report = await verifyAuditExportOnTwoThreads(e.dir, [], 2 / 3, job.start);
    expect(report.loaded).toBeDefined();
    expect(report.ok).toBe(true); // the in-memory verification finds nothing here: it is the judge
  });

  it('verifies in memory when the other thread read other bytes, or failed', async () => {
    const e = await make();
    const other = played((r) => ({ ...r, sha256: r.sha256.map((h) => h.replace(/^./, 'x')) }));
    expect((await verifyAuditExportOnTwoThreads(e.dir, [], 2 / 3, other.start)).loaded).toBeDefined();
    const failed: StartHashesJob = () => ({
      result: Promise.reject(new Error('the verification worker stopped (exit code 1)')),
      cancel: () => undefined,
    });
    expect((await verifyAuditExportOnTwoThreads(e.dir, [], 2 / 3, failed)).loaded).toBeDefined();
  });

  it('stops the other thread when this one gives way, and reads a single file in memory', async () => {
    const e = await make();
    writeFileSync(join(e.dir, 'stray.jsonl'), '');
    const job = played();
    const report = await verifyAuditExportOnTwoThreads(e.dir, [], 2 / 3, job.start);
    expect(job.cancelled()).toBe(1);
    expect(report).toEqual(verifyLoadedExport(e.dir));

    const single = played();
    const file = join(e.dir, f('a', 1, 3));
    expect(await verifyAuditExportOnTwoThreads(file, [], 2 / 3, single.start)).toEqual(
      verifyLoadedExport(file),
    );
    expect(single.given).toEqual([]);
  });
});
