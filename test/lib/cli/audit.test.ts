import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AuditRecord, appendRecord } from '../../../lambda/core/audit-chain';
import { run } from '../../../lib/cli/audit';
import { verifyExport } from '../../../lib/verify/audit-export';

const root = mkdtempSync(join(tmpdir(), 'audit-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function chain(name: string, n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      appendRecord(out[i - 1], {
        chain: name,
        kind: 'listen',
        at: new Date(Date.UTC(2025, 2, 1, 0, i)).toISOString(),
        actor: `coach-${i}`,
        data: { i },
      }),
    );
  }
  return out;
}

const jsonl = (records: unknown[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

let dirCount = 0;
function exportDir(files: Record<string, string>): string {
  const dir = join(root, `export-${dirCount++}`);
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out.push(a.join(' '));
  });
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    err.push(a.join(' '));
  });
});
afterEach(() => vi.restoreAllMocks());

describe('fairlisten audit verify', () => {
  const a = chain('a', 5);
  const b = chain('b', 4);

  it('verifies a directory of several files (recursively, chains mixed) and prints heads', async () => {
    const dir = exportDir({
      'one.jsonl': jsonl([a[0], b[0], a[1], a[2]]),
      'sub/two.jsonl': jsonl([b[1], a[3], b[2], b[3], a[4]]),
      'ignored.txt': 'not an export',
    });
    expect(await run(['verify', '--export', dir])).toBe(0);
    expect(out).toContain(`chain a: OK records=5 seq=1..5 head=${a[4]!.hash}`);
    expect(out).toContain(`chain b: OK records=4 seq=1..4 head=${b[3]!.hash}`);
    expect(out.at(-1)).toBe('2 file(s), 2 chain(s), 0 error(s), 0 warning(s)');
  });

  it('verifies a single file and checks --expect-head', async () => {
    const dir = exportDir({ 'x.jsonl': jsonl(a) });
    const file = join(dir, 'x.jsonl');
    expect(await run(['verify', '--export', file, '--expect-head', `a=${a[4]!.hash}`])).toBe(0);
    expect(await run(['verify', '--export', file, '--expect-head', `a=${b[3]!.hash}`])).toBe(1);
    expect(out.some((l) => l.includes('head-mismatch'))).toBe(true);
  });

  it('exits 1 on tampering, naming file:line, and reports malformed lines without crashing', async () => {
    const changed = { ...a[2]!, actor: 'mallory' };
    const dir = exportDir({
      'a.jsonl': `${jsonl([a[0], a[1], changed, a[4]])}{not json\n\n${JSON.stringify({ chain: 'a', seq: 9 })}\n`,
    });
    expect(await run(['verify', '--export', dir])).toBe(1);
    const text = out.join('\n');
    expect(text).toMatch(/ERROR hash-mismatch: a\.jsonl:3 \(a#3\)/);
    expect(text).toMatch(/ERROR missing-records: chain a: seq 4 missing/);
    expect(text).toMatch(/ERROR malformed: a\.jsonl:5: not JSON/);
    expect(text).toMatch(/ERROR malformed: a\.jsonl:7: not a valid audit record/);
    expect(text).toMatch(/chain a: FAILED records=4 seq=1\.\.5/);
  });

  it('warns about lines out of order in a file and exits 1', async () => {
    const dir = exportDir({ 'a.jsonl': jsonl([a[0], a[2], a[1], a[3], a[4]]) });
    expect(await run(['verify', '--export', dir])).toBe(1);
    expect(out.join('\n')).toMatch(
      /WARNING out-of-order: chain a: a\.jsonl:3 \(seq 2\) appears after a\.jsonl:2 \(seq 3\)/,
    );
  });

  it('exits 1 on an empty export', async () => {
    const dir = exportDir({ 'empty.jsonl': '' });
    expect(await run(['verify', '--export', dir])).toBe(1);
    expect(out.join('\n')).toMatch(/no audit records found/);
  });

  it('prints JSON with --json', async () => {
    const dir = exportDir({ 'a.jsonl': jsonl(a) });
    expect(await run(['verify', '--export', dir, '--json'])).toBe(0);
    const parsed = JSON.parse(out.join('\n'));
    expect(parsed).toMatchObject({
      ok: true,
      files: ['a.jsonl'],
      chains: [{ chain: 'a', headHash: a[4]!.hash }],
    });
  });

  it.each([
    [[]],
    [['verify']],
    [['check', '--export', '.']],
    [['verify', '--export']],
    [['verify', '--export', '.', '--bogus']],
    [['verify', '--export', '.', '--expect-head', 'nohash']],
    [['verify', '--export', '/definitely/not/here']],
  ])('exits 2 on usage error %j', async (argv) => {
    expect(await run(argv)).toBe(2);
    expect(err.join('\n')).not.toBe('');
  });

  it('verifyExport returns the issues with file and line', () => {
    const dir = exportDir({ 'a.jsonl': jsonl([a[0], a[2]]) });
    const report = verifyExport(dir);
    expect(report.issues.map((i) => [i.kind, i.locations.map((l) => `${l.file}:${l.line}`)])).toEqual([
      ['missing-records', ['a.jsonl:1', 'a.jsonl:2']],
    ]);
  });
});
