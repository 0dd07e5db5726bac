/**
 * Start-up of the `fairlisten` command: the packaged bin (bundled, built on first use) through
 * `node` and through `npx`, against the source run through tsx as every command ran before.
 * `npx tsx bench/cli.ts` prints a table; `benchCli()` returns the figures for bench/run.ts.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchFigure, printFigures } from './figure';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'fairlisten.mjs');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function timed(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const round = (x: number) => Math.round(x);

export async function benchCli(runs = 5): Promise<BenchFigure[]> {
  // First use: no dist/cli yet, the bin builds it before answering.
  rmSync(join(ROOT, 'dist', 'cli'), { recursive: true, force: true });
  const firstUse = timed(process.execPath, [BIN, '--help']);
  const repeat = (cmd: string, args: string[]) => {
    timed(cmd, args); // warm the disk cache
    return median(Array.from({ length: runs }, () => timed(cmd, args)));
  };
  const before = repeat(process.execPath, [TSX, join(ROOT, 'lib', 'cli', '_run.ts'), '--help']);
  const node = repeat(process.execPath, [BIN, '--help']);
  const npx = repeat('npx', ['fairlisten', '--help']);
  const policy = repeat(process.execPath, [BIN, 'policy', 'check']);
  return [
    {
      name: '`fairlisten --help` (node bin/fairlisten.mjs), packaged',
      value: round(node),
      unit: 'ms',
      peer: round(before),
      peerName: 'before: tsx on the source',
      ratio: Math.round((before / node) * 10) / 10,
      note: `median of ${runs}; ratio = tsx time / packaged time`,
    },
    {
      name: '`npx fairlisten --help`',
      value: round(npx),
      unit: 'ms',
      note: "npx's own start-up included",
    },
    {
      name: '`fairlisten --help`, first use (builds dist/cli with esbuild)',
      value: round(firstUse),
      unit: 'ms',
      note: 'once after npm ci, or after a source changed',
    },
    {
      name: '`fairlisten policy check` (loads zod and the policy)',
      value: round(policy),
      unit: 'ms',
    },
  ];
}

// No top-level await: bench/run.ts (or a CommonJS loader) can import this module.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchCli().then(printFigures, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
