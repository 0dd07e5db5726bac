/**
 * The forgeries of `fairlisten audit verify` that used to pass, each performed on the audit export
 * of a real simulated month (simulated once per test run, copied per case) and run through the real command:
 * each must exit 1 with a line a council member can read.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { escapeChain, exportFileName } from '../../../lambda/audit-export/targets';
import { type AuditRecord, appendRecord } from '../../../lambda/core/audit-chain';
import { sha256Hex } from '../../../lambda/core/publication';
import { run } from '../../../lib/cli/audit';
import { defaultPolicy } from '../../../lib/policy/load';
import { streamCleanExport, verifyLoadedExport } from '../../../lib/verify/audit-export';
import { VERSIONS_FILE } from '../../../lib/verify/publication';
import { jsonl } from '../../support/publication';
import { sharedMonth } from '../../support/simulation';

const root = mkdtempSync(join(tmpdir(), 'fairlisten-audit-forgeries-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The simulated month, shared with the other tests of the run: read-only, forgeries go to copies. */
let month: string;
beforeAll(async () => {
  month = await sharedMonth({
    agents: 6,
    teams: 2,
    coaches: 2,
    calls: 100,
    month: '2026-10',
    seed: 's3',
    policy: defaultPolicy(),
  });
}, 240_000);

const DECISIONS = 'decisions/2026-10';
const PRIVACY = 'privacy/2026-10';

let n = 0;
function copy(): string {
  const dir = join(root, `case-${n++}`);
  cpSync(join(month, 'audit'), dir, { recursive: true });
  return dir;
}
/** The single export file of `chain` in `dir`, and its records. */
function chainFile(dir: string, chain: string): { path: string; records: AuditRecord[] } {
  const folder = join(dir, escapeChain(chain));
  const [name] = readdirSync(folder);
  const path = join(folder, name!);
  const records = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditRecord);
  return { path, records };
}
function writeChain(dir: string, chain: string, records: readonly AuditRecord[]): void {
  writeFileSync(
    join(dir, escapeChain(chain), exportFileName(records[0]!.seq, records.at(-1)!.seq)),
    jsonl(records),
  );
}

async function verify(dir: string): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const code = await run(['verify', '--export', dir]);
  vi.restoreAllMocks();
  return { code, lines };
}
afterEach(() => vi.restoreAllMocks());
const heads = (lines: string[]) => lines.filter((l) => l.includes('the signed heads of'));

describe('fairlisten audit verify on a simulated month', () => {
  it('exits 0 on the export as it was produced', async () => {
    const { code, lines } = await verify(copy());
    expect(lines.at(-1)).toMatch(
      /^OK: \d+ file\(s\), \d+ chain\(s\), 1 signed heads object\(s\), 0 finding\(s\)$/,
    );
    expect(code).toBe(0);
  });

  it('1. the last records of a chain cut off (file renamed to match)', async () => {
    const dir = copy();
    const { path, records } = chainFile(dir, DECISIONS);
    rmSync(path);
    writeChain(dir, DECISIONS, records.slice(0, -3));
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(heads(lines)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^FAILED: chain ${DECISIONS} stops at record ${records.length - 3}, but the signed heads of .* shows record ${records.length}: records at the end were removed$`,
        ),
      ),
    ]);
  });

  it('2. the last file of a chain deleted', async () => {
    const dir = copy();
    const { path, records } = chainFile(dir, DECISIONS);
    // Two files, as a longer month has: the export verifies like this…
    rmSync(path);
    writeChain(dir, DECISIONS, records.slice(0, 60));
    writeChain(dir, DECISIONS, records.slice(60));
    expect((await verify(dir)).code).toBe(0);
    // …until the second is deleted.
    rmSync(join(dir, escapeChain(DECISIONS), exportFileName(61, records.length)));
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^FAILED: chain ${DECISIONS} stops at record 60, but the signed heads of .* shows record ${records.length}`,
        ),
      ),
    );
  });

  it('3. a whole chain deleted', async () => {
    const dir = copy();
    const { records } = chainFile(dir, PRIVACY);
    rmSync(join(dir, escapeChain(PRIVACY)), { recursive: true });
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^FAILED: chain ${PRIVACY} is missing from the export, but the signed heads of .* shows it with ${records.length} records: the chain was deleted$`,
        ),
      ),
    );
  });

  it('4. a consistent rewrite of a chain that drops its deletion records', async () => {
    const dir = copy();
    const { path, records } = chainFile(dir, PRIVACY);
    const kept = records.filter((r) => r.kind !== 'deletion');
    expect(kept.length).toBeLessThan(records.length);
    // Re-chained and re-hashed: the chain on its own verifies.
    const rewritten: AuditRecord[] = [];
    for (const r of kept) {
      rewritten.push(
        appendRecord(rewritten.at(-1), {
          chain: r.chain,
          kind: r.kind,
          at: r.at,
          actor: r.actor,
          ...(r.subject ? { subject: r.subject } : {}),
          data: r.data,
        }),
      );
    }
    rmSync(path);
    writeChain(dir, PRIVACY, rewritten);
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines.filter((l) => l.includes('hash') || l.includes('link'))).toEqual([]);
    expect(heads(lines)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^FAILED: chain ${PRIVACY} stops at record ${rewritten.length}, but the signed heads of .* shows record ${records.length}: records at the end were removed$`,
        ),
      ),
    ]);
  });

  it('4b. …padded back to the same length: the head record is not the signed one', async () => {
    const dir = copy();
    const { path, records } = chainFile(dir, PRIVACY);
    const rewritten: AuditRecord[] = [];
    for (const r of records) {
      const kind = r.kind === 'deletion' ? 'resumption' : r.kind;
      rewritten.push(
        appendRecord(rewritten.at(-1), {
          chain: r.chain,
          kind,
          at: r.at,
          actor: r.actor,
          ...(r.subject ? { subject: r.subject } : {}),
          data: r.data,
        }),
      );
    }
    rmSync(path);
    writeChain(dir, PRIVACY, rewritten);
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^FAILED: record ${records.length} of chain ${PRIVACY} is not the one the signed heads of .* shows: the chain was rewritten$`,
        ),
      ),
    );
  });

  it('5. a file whose name range does not match its content', async () => {
    const dir = copy();
    const { path, records } = chainFile(dir, DECISIONS);
    const wrong = join(dir, escapeChain(DECISIONS), exportFileName(1, records.length + 5));
    renameSync(path, wrong);
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContain(
      `FAILED: ${escapeChain(DECISIONS)}/${exportFileName(1, records.length + 5)} does not hold what its name claims (records 1–${records.length + 5} of chain ${DECISIONS}): it holds ${records.length} records, seq 1–${records.length}`,
    );
  });

  it('6. an empty file named 000000000004-999999999999.jsonl in a chain folder', async () => {
    const dir = copy();
    writeFileSync(join(dir, escapeChain(DECISIONS), '000000000004-999999999999.jsonl'), '');
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContain(
      `FAILED: ${escapeChain(DECISIONS)}/000000000004-999999999999.jsonl is empty, but its name claims records 4–999999999999 of chain ${DECISIONS}`,
    );
  });

  it('7. signed heads whose signature does not verify (a head edited to match a rewrite)', async () => {
    const dir = copy();
    const headsDir = join(dir, 'published', 'heads');
    const [name] = readdirSync(headsDir);
    const path = join(headsDir, name!);
    const body = readFileSync(path, 'utf8').replace(/"seq": (\d+)/, (_, s) => `"seq": ${Number(s) - 1}`);
    writeFileSync(path, body);
    // The forger also fixes the version listing so the file matches it.
    const versionsPath = join(dir, VERSIONS_FILE);
    const versions = JSON.parse(readFileSync(versionsPath, 'utf8')) as {
      versions: { key: string; sha256: string }[];
    };
    for (const v of versions.versions) if (v.key === `published/heads/${name}`) v.sha256 = sha256Hex(body);
    writeFileSync(versionsPath, JSON.stringify(versions));
    const { code, lines } = await verify(dir);
    expect(code).toBe(1);
    expect(lines).toContain(
      `FAILED: the signature of published/heads/${name} does not verify: these heads were not written by the exporter`,
    );
    expect(lines).toContain(
      'FAILED: no signed heads were published: nothing shows that this export is complete and unchanged',
    );
  });

  it('the streamed verification of every case above gives way to the in-memory one; the untouched export streams', () => {
    const cases = readdirSync(root).filter((d) => d.startsWith('case-'));
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      const dir = join(root, c);
      const fast = streamCleanExport(dir);
      const { loaded: _loaded, ...inMemory } = verifyLoadedExport(dir);
      if (fast) expect(fast).toEqual({ ...inMemory, chains: fast.chains });
      else expect(inMemory.ok).toBe(false);
    }
    const fast = streamCleanExport(join(month, 'audit'));
    const { loaded: _loaded, ...inMemory } = verifyLoadedExport(join(month, 'audit'));
    expect(inMemory.ok).toBe(true);
    expect(fast).toEqual({ ...inMemory, chains: fast!.chains });
    // The same heads, and the hashes a signed head names, without holding every record's hash.
    for (const [chain, st] of inMemory.chains) {
      const kept = fast!.chains.get(chain)!;
      expect([kept.lastSeq, kept.lastHash, kept.lastAt]).toEqual([st.lastSeq, st.lastHash, st.lastAt]);
      for (const [seq, hash] of kept.hashes) expect(st.hashes.get(seq)).toBe(hash);
    }
  });
});
