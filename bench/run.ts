/**
 * `npm run bench`: every benchmark of the project in one run, written to bench/results.md with
 * each figure's target and, where one exists, the peer measured in the same run.
 * The `## mutation` section (scores of `npm run mutation`) is kept from the previous file.
 * Options: --quick (smaller redaction files, skip the 1 GB check), --skip-tests, --only <name,…>.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchAssignment } from './assignment';
import { benchAssignmentSoftRules } from './assignment-soft-rules';
import { benchAudit } from './audit';
import { benchBigMonth } from './big-month';
import { benchCli } from './cli';
import { type BenchFigure, figuresTable, meetsTarget } from './figure';
import { benchListening } from './listening';
import { benchMonth } from './month';
import { mutationSection } from './mutation';
import { benchPrivacy } from './privacy';
import { benchRedact } from './redact';
import { benchSampler } from './sampler';
import { benchSamplerCore } from './sampler-core';
import { benchTests } from './tests';
import { benchWorkspaceApp } from './workspace-app';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function timed(command: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr?.toString().slice(-2000)}`);
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchSynth(): Promise<BenchFigure[]> {
  timed('npx', ['cdk', 'synth', '--quiet']); // warm: bundling caches, disk cache
  const runs = [0, 1, 2].map(() => timed('npx', ['cdk', 'synth', '--quiet']));
  return [
    {
      name: '`cdk synth` (offline, cdk-nag packs included)',
      value: Math.round(median(runs)) / 1000,
      unit: 's',
      target: { op: '<=', value: 10 },
      note: 'median of 3',
    },
  ];
}

type Bench = { name: string; run: (quick: boolean) => Promise<BenchFigure[]> };

const BENCHES: Bench[] = [
  { name: 'synth', run: benchSynth },
  { name: 'tests', run: benchTests },
  { name: 'sampler-core', run: () => benchSamplerCore() },
  { name: 'sampler', run: () => benchSampler() },
  { name: 'assignment', run: async () => [...(await benchAssignment()), ...benchAssignmentSoftRules()] },
  { name: 'cli', run: () => benchCli() },
  { name: 'redact', run: (quick) => benchRedact(quick ? { bigFileBytes: 0, runs: 3 } : {}) },
  { name: 'privacy', run: () => benchPrivacy() },
  { name: 'listening', run: () => benchListening() },
  { name: 'audit', run: () => benchAudit() },
  // Long: ten times the month (minutes), and a million decisions generated and verified twice.
  { name: 'month', run: (quick) => benchMonth(quick ? { calls: 6000 } : {}) },
  { name: 'big-month', run: (quick) => benchBigMonth(quick ? { decisions: 100_000, exporter: 2000 } : {}) },
  { name: 'workspace-app', run: () => benchWorkspaceApp() },
];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'skip-tests': { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: `${ROOT}bench/results.md` },
    },
  });
  const only = values.only?.split(',');
  const selected = BENCHES.filter(
    (b) => (!only || only.includes(b.name)) && !(values['skip-tests'] && b.name === 'tests'),
  );
  const load = loadavg()[0]!.toFixed(2);
  const sections: string[] = [];
  const all: BenchFigure[] = [];
  for (const bench of selected) {
    process.stderr.write(`bench: ${bench.name} …\n`);
    const figures = await bench.run(values.quick);
    all.push(...figures);
    sections.push(`## ${bench.name}\n\n${figuresTable(figures)}\n`);
    console.log(`\n## ${bench.name}\n${figuresTable(figures)}`);
  }
  const kept = existsSync(values.out) ? mutationSection(readFileSync(values.out, 'utf8')) : undefined;
  const missed = all.filter((f) => meetsTarget(f) === false);
  const report = [
    '# fairlisten benchmarks',
    '',
    `Measured ${new Date().toISOString()} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, load average ${load} at start${values.quick ? ', --quick' : ''}.`,
    `Targets met: ${all.filter((f) => meetsTarget(f) === true).length}; missed: ${missed.length}${missed.length ? ` (${missed.map((f) => f.name).join('; ')})` : ''}.`,
    '',
    ...sections,
    // The mutation scores come from `npm run mutation` (hours on a shared machine), not from this run:
    // kept as they are (`npm run mutation:scores` updates them).
    ...(kept ? [`${kept}\n`] : []),
  ].join('\n');
  writeFileSync(values.out, report);
  console.log(`\nwrote ${values.out}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
