/**
 * `verify --month` and `audit verify` as the packaged command runs them, on two threads (the
 * re-computation, or most records' hashes, in a worker): the same output and exit code as the
 * one-thread verification in this process, on a clean month and on forged ones — a forgery the
 * worker alone reads must still be refused.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateBigMonth } from '../../../bench/big-month-data';
import { run as runAudit } from '../../../lib/cli/audit';
import { run as runVerify } from '../../../lib/cli/verify';
import { sameDigests } from '../../../lib/verify/audit-export';

const bin = fileURLToPath(new URL('../../../bin/fairlisten.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'fairlisten-two-threads-'));
const month = join(root, 'month');
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

beforeAll(async () => {
  await generateBigMonth(month, 3000); // three audit files: the worker hashes the last two
}, 120_000);

let n = 0;
function copy(): string {
  const dir = join(root, `case-${n++}`);
  cpSync(month, dir, { recursive: true });
  return dir;
}

/** The packaged command, in its own process (the worker thread started from the bundle). */
function packaged(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout.trim() };
}

/** The same command in this process, from the sources: one thread. */
async function inProcess(run: (argv: string[]) => Promise<number>, ...args: string[]) {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const code = await run(args);
  vi.restoreAllMocks();
  return { code, out: lines.join('\n') };
}

/** Rewrites line `index` (0-based) of `file` with `edit`. */
function editLine(file: string, index: number, edit: (r: Record<string, unknown>) => void) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const r = JSON.parse(lines[index]!) as Record<string, unknown>;
  edit(r);
  lines[index] = JSON.stringify(r);
  writeFileSync(file, lines.join('\n'));
}

const lastAuditFile = (dir: string) => {
  const chain = join(dir, 'audit', readdirSync(join(dir, 'audit')).find((d) => d.startsWith('decisions'))!);
  const files = readdirSync(chain).sort();
  expect(files.length).toBe(3);
  return join(chain, files.at(-1)!);
};

describe('the verification on two threads', () => {
  it('gives the one-thread output on the clean month', async () => {
    const dir = copy();
    const month2 = packaged('verify', '--month', dir);
    expect(month2).toEqual(await inProcess(runVerify, '--month', dir));
    expect(month2.code).toBe(0);
    const audit2 = packaged('audit', 'verify', '--export', join(dir, 'audit'));
    expect(audit2).toEqual(await inProcess(runAudit, 'verify', '--export', join(dir, 'audit')));
    expect(audit2.code).toBe(0);
  }, 120_000);

  it('refuses a decision whose draw was changed (only the worker re-computes the draws)', async () => {
    const dir = copy();
    editLine(join(dir, 'decisions.jsonl'), 1500, (r) => {
      r.u = (r.u as number) / 2;
    });
    const result = packaged('verify', '--month', dir);
    expect(result).toEqual(await inProcess(runVerify, '--month', dir));
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^FAILED: .*draw recomputes/m);
  }, 120_000);

  it('refuses a record changed in a file whose hashes only the worker checks', async () => {
    const dir = copy();
    editLine(lastAuditFile(dir), 10, (r) => {
      (r.data as Record<string, unknown>).recorded = !(r.data as Record<string, unknown>).recorded;
    });
    const result = packaged('audit', 'verify', '--export', join(dir, 'audit'));
    expect(result).toEqual(await inProcess(runAudit, 'verify', '--export', join(dir, 'audit')));
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^FAILED: .*does not match its hash/m);
  }, 120_000);

  it('takes the worker for the same files only when it read the same bytes of each', () => {
    const ours = new Map([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(sameDigests(['a', 'b'], ['1', '2'], ours)).toBe(true);
    expect(sameDigests(['a', 'b'], ['1', '3'], ours)).toBe(false);
    expect(sameDigests(['a', 'b'], ['1'], ours)).toBe(false);
    expect(sameDigests(['a'], ['1'], ours)).toBe(false);
  });
});
