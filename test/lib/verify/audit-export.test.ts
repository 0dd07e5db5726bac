/**
 * `audit verify` on a small export (two chains, three files, one signed heads object), each forgery
 * performed on the files: the in-memory verification must name it, and the streamed fast path must
 * give way to it rather than report the export clean. A clean export must stream, with the same
 * report as the in-memory verification.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportFileName } from '../../../lambda/audit-export/targets';
import { type AuditRecord, appendRecord } from '../../../lambda/core/audit-chain';
import { commitmentKey, policyKey, sha256Hex } from '../../../lambda/core/publication';
import {
  listExportFiles,
  newWitnessEntries,
  recordHashesMatch,
  sameDigests,
  streamCleanExport,
  verifyAuditExport,
  verifyAuditExportOnTwoThreads,
  verifyLoadedExport,
  type WitnessEntry,
} from '../../../lib/verify/audit-export';
import { chainOf, jsonl, type PublishedExport, publishedExport } from '../../support/publication';

const root = mkdtempSync(join(tmpdir(), 'fairlisten-audit-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const a = chainOf('a', 5);
const b = chainOf('listens/2026-10', 4);
const B = 'listens%2F2026-10';
const SIGNED_AT = new Date('2026-11-01T10:00:00.000Z');
const fileA1 = () => join('a', exportFileName(1, 3));
const fileA2 = () => join('a', exportFileName(4, 5));

async function clean(): Promise<PublishedExport> {
  const e = await publishedExport(join(root, `export-${n++}`));
  e.writeFile('a', a.slice(0, 3));
  e.writeFile('a', a.slice(3));
  e.writeFile('listens/2026-10', b);
  await e.publishHeadsOf({ a, 'listens/2026-10': b }, SIGNED_AT);
  return e;
}

/** The in-memory report's finding codes, after checking that the fast path gave way to it. */
function refused(dir: string, witness: readonly WitnessEntry[] = []): string[] {
  expect(streamCleanExport(dir, witness)).toBeUndefined();
  const report = verifyAuditExport(dir, witness);
  expect(report.ok).toBe(false);
  return report.findings.map((f) => f.code);
}

/** The fast path's report, checked equal to the in-memory one. */
function streamed(dir: string, witness: readonly WitnessEntry[] = []) {
  const fast = streamCleanExport(dir, witness);
  const { loaded, ...inMemory } = verifyLoadedExport(dir, witness);
  expect(inMemory.findings).toEqual([]);
  expect(fast).toBeDefined();
  expect(fast).toEqual({ ...inMemory, chains: fast!.chains });
  for (const [chain, st] of inMemory.chains) {
    const kept = fast!.chains.get(chain)!;
    expect([kept.lastSeq, kept.lastHash, kept.lastAt]).toEqual([st.lastSeq, st.lastHash, st.lastAt]);
    for (const [seq, hash] of kept.hashes) expect(st.hashes.get(seq)).toBe(hash);
  }
  expect(loaded?.records).toHaveLength(9);
  return fast!;
}

const write = (e: PublishedExport, file: string, records: readonly unknown[]) =>
  writeFileSync(join(e.dir, file), jsonl(records));

/** `records` re-chained from seq 1 and re-hashed, as an operator rewriting a chain would. */
function rechain(records: readonly AuditRecord[]): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (const r of records) {
    out.push(
      appendRecord(out.at(-1), { chain: r.chain, kind: r.kind, at: r.at, actor: r.actor, data: r.data }),
    );
  }
  return out;
}

describe('the audit export, streamed and in memory', () => {
  it('streams a clean export with the report the in-memory verification gives, keeping only the named hashes', async () => {
    const e = await clean();
    const fast = streamed(e.dir);
    expect(fast.ok).toBe(true);
    expect(fast.files).toEqual([fileA1(), fileA2(), join(B, exportFileName(1, 4))]);
    expect(fast.verification.chains).toEqual([
      { chain: 'a', records: 5, firstSeq: 1, lastSeq: 5, headHash: a[4]!.hash, ok: true },
      { chain: 'listens/2026-10', records: 4, firstSeq: 1, lastSeq: 4, headHash: b[3]!.hash, ok: true },
    ]);
    expect([...fast.chains.get('a')!.hashes]).toEqual([[5, a[4]!.hash]]);
    expect(fast.chains.get('a')!.lastAt).toBe(a[4]!.at);
    // A witness naming an earlier record keeps that record's hash too, and still matches.
    const witness: WitnessEntry[] = [
      { kind: 'head', chain: 'a', seq: 2, hash: a[1]!.hash, witnessedAt: '2026-10-15T00:00:00.000Z' },
    ];
    expect([...streamed(e.dir, witness).chains.get('a')!.hashes].sort()).toEqual([
      [2, a[1]!.hash],
      [5, a[4]!.hash],
    ]);
  });

  it('streams Windows line ends, blank and whitespace-only lines as the in-memory verification reads them', async () => {
    const e = await clean();
    writeFileSync(join(e.dir, fileA1()), `\n${jsonl(a.slice(0, 3)).replaceAll('\n', '\r\n')}\n \t\n\n`);
    expect(streamed(e.dir).ok).toBe(true);
  });

  it('quotes a line that is not JSON without its Windows line end', async () => {
    const e = await clean();
    writeFileSync(join(e.dir, fileA2()), `${jsonl([a[3], a[4]]).replaceAll('\n', '\r\n')}nope\r\n`);
    expect(refused(e.dir)).toEqual(['malformed']);
    const report = verifyAuditExport(e.dir);
    expect(report.findings[0]!.message).toBe(
      `${fileA2()}:3: not JSON: Unexpected token 'o', "nope" is not valid JSON`,
    );
    expect(report.loaded!.unparsable.map((i) => i.locations)).toEqual([
      [{ index: -1, file: fileA2(), line: 3 }],
    ]);
  });

  it('gives way when the caller refuses a record, and on a file that is not a folder', async () => {
    const e = await clean();
    const seen: number[] = [];
    expect(streamCleanExport(e.dir, [], (r) => void seen.push(r.seq))).toBeDefined();
    expect(seen).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4]);
    expect(streamCleanExport(e.dir, [], (r) => r.seq !== 3)).toBeUndefined();
    expect(streamCleanExport(join(e.dir, fileA1()))).toBeUndefined();
    expect(listExportFiles(join(e.dir, fileA1()))).toEqual([join(e.dir, fileA1())]);
  });

  it('lists the export files sorted, whatever order they were written in, the published folder aside', () => {
    const dir = mkdtempSync(join(root, 'listing-'));
    const names = ['z', 'm', 'published', 'b', 'x', 'a'];
    for (const name of names) {
      mkdirSync(join(dir, name));
      for (const file of ['9-9.jsonl', '1-1.jsonl', '5-5.jsonl']) writeFileSync(join(dir, name, file), '');
    }
    mkdirSync(join(dir, 'a', 'published'));
    writeFileSync(join(dir, 'a', 'published', '1-1.jsonl'), '');
    writeFileSync(join(dir, 'a', 'notes.txt'), '');
    const expected = ['a', 'b', 'm', 'x', 'z'].flatMap((name) => [
      ...(name === 'a' ? [join(dir, 'a', 'published', '1-1.jsonl')] : []),
      ...['1-1.jsonl', '5-5.jsonl', '9-9.jsonl'].map((file) => join(dir, name, file)),
    ]);
    expect(listExportFiles(dir)).toEqual(expected.sort());
  });

  it('refuses the last records of a chain cut off, the file renamed to match', async () => {
    const e = await clean();
    rmSync(join(e.dir, fileA2()));
    e.writeFile('a', a.slice(3, 4));
    expect(refused(e.dir)).toEqual(['truncated']);
  });

  it('refuses a chain whose last file, or whose whole folder, was deleted', async () => {
    const e = await clean();
    rmSync(join(e.dir, fileA2()));
    expect(refused(e.dir)).toEqual(['truncated']);
    rmSync(join(e.dir, B), { recursive: true });
    expect(refused(e.dir)).toEqual(['truncated', 'chain-deleted']);
  });

  it('refuses a record dropped from the middle, and records replayed or reordered in their file', async () => {
    const forgeries: unknown[][] = [
      [a[0], a[2]],
      [a[0], a[1], a[1]],
      [a[0], a[2], a[1]],
      [a[1], a[0], a[2]],
    ];
    for (const records of forgeries) {
      const e = await clean();
      write(e, fileA1(), records);
      expect(refused(e.dir).length, JSON.stringify(records)).toBeGreaterThan(0);
    }
  });

  it('refuses a chain rewritten and re-hashed from its start: the signed head is not its head', async () => {
    const e = await clean();
    const forged = rechain(a.map((r) => ({ ...r, actor: 'mallory' })));
    write(e, fileA1(), forged.slice(0, 3));
    write(e, fileA2(), forged.slice(3));
    expect(refused(e.dir)).toEqual(['rewritten']);
  });

  it('refuses a file whose name claims other records than it holds, or none', async () => {
    const e = await clean();
    renameSync(join(e.dir, fileA2()), join(e.dir, 'a', exportFileName(4, 6)));
    expect(refused(e.dir)).toEqual(['file-range']);
    const f = await clean();
    renameSync(join(f.dir, fileA2()), join(f.dir, 'a', exportFileName(5, 6)));
    expect(refused(f.dir)).toContain('file-range');
    const g = await clean();
    writeFileSync(join(g.dir, 'a', exportFileName(6, 9)), '');
    expect(refused(g.dir)).toEqual(['file-range']);
  });

  it('refuses records of another chain in a chain’s folder, and files outside a chain folder', async () => {
    const e = await clean();
    const other = chainOf('c', 2);
    e.writeFile('c', other);
    mkdirSync(join(e.dir, 'c2'));
    renameSync(join(e.dir, 'c', exportFileName(1, 2)), join(e.dir, 'c2', exportFileName(1, 2)));
    rmSync(join(e.dir, 'c'), { recursive: true });
    expect(refused(e.dir)).toContain('file-range');

    const f = await clean();
    writeFileSync(join(f.dir, 'stray.jsonl'), jsonl([a[0]]));
    expect(refused(f.dir)).toContain('foreign-file');
    const g = await clean();
    mkdirSync(join(g.dir, 'a', 'deeper'));
    renameSync(join(g.dir, fileA2()), join(g.dir, 'a', 'deeper', exportFileName(4, 5)));
    expect(refused(g.dir)).toContain('foreign-file');
    const h = await clean();
    mkdirSync(join(h.dir, '%E0%A4%A'));
    writeFileSync(join(h.dir, '%E0%A4%A', exportFileName(1, 1)), jsonl([a[0]]));
    expect(refused(h.dir)).toContain('foreign-file');
  });

  it('refuses records after the last signed heads: nothing covers them', async () => {
    const e = await clean();
    const longer = [
      ...a,
      appendRecord(a[4], { chain: 'a', kind: 'listen', at: a[4]!.at, actor: 'x', data: {} }),
    ];
    e.writeFile('a', longer.slice(5));
    const c = chainOf('c', 1);
    e.writeFile('c', c);
    const codes = refused(e.dir);
    expect(codes).toEqual(['unsigned-records', 'unsigned-records']);
    // The newest heads count, not the first: heads that cover everything make the export clean.
    await e.publishHeadsOf({ a: longer, 'listens/2026-10': b, c }, new Date('2026-11-02T10:00:00.000Z'));
    expect(verifyAuditExport(e.dir).findings).toEqual([]);
    expect(streamCleanExport(e.dir)).toBeDefined();
  });

  it('refuses a line that is not JSON, a record that is not one, and an export without records', async () => {
    const e = await clean();
    writeFileSync(join(e.dir, fileA2()), `${jsonl([a[3]])}{not json\n`);
    expect(refused(e.dir)).toContain('malformed');
    const f = await clean();
    write(f, fileA2(), [a[3], { ...a[4], seq: 'five' }]);
    expect(refused(f.dir).length).toBeGreaterThan(0);
    const g = await publishedExport(join(root, `export-${n++}`));
    await g.publishHeadsOf({}, SIGNED_AT);
    expect(refused(g.dir)).toEqual(['empty']);
  });

  it('refuses an export whose witness shows a head, a commitment or a policy it no longer holds', async () => {
    const e = await clean();
    const at = '2026-10-15T00:00:00.000Z';
    const head = (seq: number, hash: string, chain = 'a'): WitnessEntry => ({
      kind: 'head',
      chain,
      seq,
      hash,
      witnessedAt: at,
    });
    expect(refused(e.dir, [head(5, b[3]!.hash)])).toEqual(['rewritten']);
    expect(refused(e.dir, [head(6, a[4]!.hash)])).toEqual(['truncated']);
    expect(refused(e.dir, [head(2, a[1]!.hash, 'gone')])).toEqual(['chain-deleted']);
    const commitment = 'c'.repeat(64);
    expect(refused(e.dir, [{ kind: 'commitment', period: '2026-10', commitment, witnessedAt: at }])).toEqual([
      'commitment-changed',
    ]);
    expect(refused(e.dir, [{ kind: 'policy', sha256: 'd'.repeat(64), witnessedAt: at }])).toEqual([
      'policy-gone',
    ]);

    // Published: the same witness checks out, and a different commitment does not.
    const body = JSON.stringify({ period: '2026-10', commitment, algorithm: 'sha256', committedAt: at });
    const policy = JSON.stringify({ version: 'v1' });
    await e.publisher.putOnce(commitmentKey('2026-10'), body);
    await e.publisher.putOnce(policyKey(sha256Hex(policy)), policy);
    await e.download();
    const witness: WitnessEntry[] = [
      head(5, a[4]!.hash),
      { kind: 'commitment', period: '2026-10', commitment, witnessedAt: at },
      { kind: 'policy', sha256: sha256Hex(policy), witnessedAt: at },
    ];
    expect(streamed(e.dir, witness).ok).toBe(true);
    expect(
      refused(e.dir, [
        { kind: 'commitment', period: '2026-10', commitment: 'e'.repeat(64), witnessedAt: at },
      ]),
    ).toEqual(['commitment-changed']);
  });
});

describe('the audit export, what the findings say', () => {
  it('says what a file holds against what its name claims', async () => {
    const e = await clean();
    renameSync(join(e.dir, fileA2()), join(e.dir, 'a', exportFileName(4, 6)));
    writeFileSync(join(e.dir, 'a', exportFileName(7, 8)), '');
    const c = chainOf('c', 2);
    e.writeFile('c', c);
    mkdirSync(join(e.dir, 'd'));
    renameSync(join(e.dir, 'c', exportFileName(1, 2)), join(e.dir, 'd', exportFileName(1, 2)));
    const ranges = verifyAuditExport(e.dir).findings.filter((f) => f.code === 'file-range');
    expect(ranges).toEqual([
      {
        code: 'file-range',
        chain: 'a',
        message: `a/${exportFileName(4, 6)} does not hold what its name claims (records 4–6 of chain a): it holds 2 records, seq 4–5`,
      },
      {
        code: 'file-range',
        chain: 'a',
        message: `a/${exportFileName(7, 8)} is empty, but its name claims records 7–8 of chain a`,
      },
      {
        code: 'file-range',
        chain: 'd',
        message: `d/${exportFileName(1, 2)} does not hold what its name claims (records 1–2 of chain d): it holds 2 records, seq 1–2, some of another chain`,
      },
    ]);
    const f = await clean();
    renameSync(join(f.dir, fileA2()), join(f.dir, 'a', exportFileName(4, 4)));
    expect(verifyAuditExport(f.dir).findings.filter((x) => x.code === 'file-range')[0]!.message).toBe(
      `a/${exportFileName(4, 4)} does not hold what its name claims (records 4–4 of chain a): it holds 2 records, seq 4–5`,
    );
    const g = await clean();
    write(g, fileA2(), [a[3]]);
    renameSync(join(g.dir, fileA2()), join(g.dir, 'a', exportFileName(4, 6)));
    expect(verifyAuditExport(g.dir).findings.filter((x) => x.code === 'file-range')[0]!.message).toMatch(
      /: it holds 1 record, seq 4–4$/,
    );
  });

  it('names the chain of each chain finding, and a record the export lost in the middle', async () => {
    const e = await clean();
    write(e, fileA1(), [a[0], a[2], a[1]]);
    const findings = verifyAuditExport(e.dir).findings;
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.chain).toBe('a');
    const f = await clean();
    write(f, fileA1(), [a[0], a[2]]);
    const at = '2026-10-15T00:00:00.000Z';
    const report = verifyAuditExport(f.dir, [
      { kind: 'head', chain: 'a', seq: 2, hash: a[1]!.hash, witnessedAt: at },
    ]);
    expect(report.findings).toContainEqual({
      code: 'records-missing',
      chain: 'a',
      message: `chain a has no record 2, which your witness file (seen ${at}) shows: records were removed`,
    });
  });

  it('orders chains by name, not by their folders’ escaped names', async () => {
    const e = await publishedExport(join(root, `export-${n++}`));
    const slash = chainOf('a/b', 1);
    const dash = chainOf('a-c', 1);
    e.writeFile('a/b', slash);
    e.writeFile('a-c', dash);
    await e.publishHeadsOf({ 'a/b': slash, 'a-c': dash }, SIGNED_AT);
    const fast = streamCleanExport(e.dir)!;
    expect(fast.files).toEqual([`a%2Fb/${exportFileName(1, 1)}`, `a-c/${exportFileName(1, 1)}`]);
    expect(fast.verification.chains.map((c) => c.chain)).toEqual(['a-c', 'a/b']);
    expect(newWitnessEntries(fast, [], 'now').map((w) => (w.kind === 'head' ? w.chain : w.kind))).toEqual([
      'a-c',
      'a/b',
    ]);
  });
});

describe('newWitnessEntries', () => {
  it('adds the heads, commitments and policies a clean export shows, once', async () => {
    const e = await clean();
    const at = '2026-10-15T00:00:00.000Z';
    const body = JSON.stringify({
      period: '2026-10',
      commitment: 'c'.repeat(64),
      algorithm: 'sha256',
      committedAt: at,
    });
    const policy = JSON.stringify({ version: 'v1' });
    await e.publisher.putOnce(commitmentKey('2026-10'), body);
    await e.publisher.putOnce(commitmentKey('2026-11'), '{"not":"a commitment"}');
    await e.publisher.putOnce(policyKey(sha256Hex(policy)), policy);
    await e.publisher.putOnce(policyKey('f'.repeat(64)), policy);
    await e.download();
    // The entries come in key order, whatever order the versions file lists the objects in.
    const versionsFile = join(e.dir, 'published-versions.json');
    const versions = JSON.parse(readFileSync(versionsFile, 'utf8')) as { versions: unknown[] };
    writeFileSync(versionsFile, JSON.stringify({ ...versions, versions: [...versions.versions].reverse() }));
    const report = verifyAuditExport(e.dir);
    expect(report.publication.findings).toEqual([]);
    const added = newWitnessEntries(report, [], 'now');
    expect(added).toEqual([
      { kind: 'head', chain: 'a', seq: 5, hash: a[4]!.hash, witnessedAt: 'now' },
      { kind: 'head', chain: 'listens/2026-10', seq: 4, hash: b[3]!.hash, witnessedAt: 'now' },
      { kind: 'policy', sha256: sha256Hex(policy), witnessedAt: 'now' },
      { kind: 'commitment', period: '2026-10', commitment: 'c'.repeat(64), witnessedAt: 'now' },
    ]);
    expect(
      newWitnessEntries(
        report,
        added.map((w) => ({ ...w, witnessedAt: 'earlier' })),
        'later',
      ),
    ).toEqual([]);
  });
});

describe('the audit export on two threads, one checking the records’ hashes of some files', () => {
  /** `b`'s file with its second record's data edited in place, its hash left as it was. */
  const edited = (e: PublishedExport) =>
    write(e, join(B, exportFileName(1, 4)), [b[0], { ...b[1]!, data: { forged: true } }, b[2], b[3]]);

  it('gives the in-memory report for a clean export, and each file’s SHA-256 as read', async () => {
    const e = await clean();
    expect(await verifyAuditExportOnTwoThreads(e.dir, [], 1)).toEqual(streamCleanExport(e.dir));
    const files = listExportFiles(e.dir);
    expect(recordHashesMatch(files)).toEqual({
      ok: true,
      sha256: files.map((f) => sha256Hex(readFileSync(f))),
    });
  });

  it('refuses a record edited in a file whose hashes the other thread checks', async () => {
    for (const share of [1, 1 / 3]) {
      const e = await clean();
      edited(e);
      const files = listExportFiles(e.dir);
      // The file the edit is in is among those whose hashes the other thread checks.
      expect(files.slice(files.length - Math.floor(files.length * share))).toContain(
        join(e.dir, B, exportFileName(1, 4)),
      );
      // This thread alone lets it through, as it must: that check is the other thread's…
      const elsewhere = { files: new Set(files), sha256: new Map<string, string>() };
      expect(streamCleanExport(e.dir, [], undefined, elsewhere)).toBeDefined();
      // …which finds it, so the verification falls back to the in-memory one and names it.
      expect(recordHashesMatch(files).ok).toBe(false);
      const report = await verifyAuditExportOnTwoThreads(e.dir, [], share);
      expect(report.ok).toBe(false);
      expect(report).toEqual(verifyAuditExport(e.dir));
    }
  });

  it('refuses a line that is not JSON in the other thread’s files', () => {
    const dir = mkdtempSync(join(root, 'hashes-'));
    const file = join(dir, 'x.jsonl');
    writeFileSync(file, `${jsonl([a[0]])}{not json\n`);
    expect(recordHashesMatch([file]).ok).toBe(false);
  });

  it('trusts the other thread only when both read the same bytes of the same files', async () => {
    const e = await clean();
    const files = listExportFiles(e.dir);
    const ours = new Map(files.map((f) => [f, sha256Hex(readFileSync(f))]));
    const theirs = files.map((f) => ours.get(f)!);
    expect(sameDigests(files, theirs, ours)).toBe(true);
    // A file that changed between the two reads.
    expect(sameDigests(files, [...theirs.slice(0, -1), sha256Hex('other bytes')], ours)).toBe(false);
    // A file the other thread did not read, or one this thread did not.
    expect(sameDigests(files, theirs.slice(1), ours)).toBe(false);
    expect(sameDigests(files, theirs, new Map([...ours].slice(1)))).toBe(false);
    // One more digest than files, or one more file read here than the other thread was given.
    expect(sameDigests(files, [...theirs, theirs[0]!], ours)).toBe(false);
    expect(sameDigests(files, theirs, new Map([...ours, ['extra', theirs[0]!]]))).toBe(false);
    // The same digests in another order.
    expect(sameDigests(files, [...theirs].reverse(), ours)).toBe(false);
  });
});
