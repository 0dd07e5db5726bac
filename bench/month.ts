/**
 * The simulated month at ten times the default size, as a user runs it:
 * `fairlisten simulate --agents 400 --teams 40 --coaches 80 --calls 60000` (the month of
 * `npm start` without the synth and compliance report, which `synth` measures). Legs per second for
 * the calls phase (every leg through the bundled sampler against dynalite) and for the whole month,
 * wall clock and CPU (user+sys: what a quiet machine would roughly show), with the month's own phase
 * timings (DIR/timings.json). Run on its own:  npx tsx bench/month.ts [--calls 60000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeTimings } from '../lib/simulation/month/timings';
import { type BenchFigure, printFigures } from './figure';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export async function benchMonth(options: { calls?: number } = {}): Promise<BenchFigure[]> {
  const calls = options.calls ?? 60_000;
  const scale = calls / 6000;
  const agents = Math.round(40 * scale);
  const teams = Math.round(4 * scale);
  const coaches = Math.round(8 * scale);
  const out = mkdtempSync(join(tmpdir(), 'fairlisten-month-bench-'));
  const load = loadavg()[0]!.toFixed(1);
  try {
    const args = ['simulate', '--agents', `${agents}`, '--teams', `${teams}`, '--coaches', `${coaches}`];
    args.push('--calls', `${calls}`, '--month', '2026-11', '--out', out);
    const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', 'node', 'bin/fairlisten.mjs', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
    if (r.status !== 0 || !m) {
      throw new Error(`fairlisten ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(-3000)}`);
    }
    const wall = Number(m[1]);
    const cpu = Number(m[2]) + Number(m[3]);
    const steps = (
      JSON.parse(readFileSync(join(out, 'simulation-2026-11', 'timings.json'), 'utf8')) as {
        stepsMs: Record<string, number>;
      }
    ).stepsMs;
    const summary = JSON.parse(readFileSync(join(out, 'simulation-2026-11', 'summary.json'), 'utf8')) as {
      legs: number;
    };
    const legs = summary.legs;
    const callsS = steps.calls! / 1000;
    const shape = `${agents} agents, ${teams} teams, ${coaches} coaches, ${calls.toLocaleString('en-US')} calls`;
    const phases = describeTimings(steps, legs);
    return [
      {
        name: `the month ×10 (${shape}): \`fairlisten simulate\`, every check passing`,
        value: Math.round(wall),
        unit: 's',
        target: { op: '<=', value: 120 },
        note: `wall clock at load average ${load} on 2 cores; CPU (user+sys) ${Math.round(cpu)} s; peak RSS ${Math.round(Number(m[4]) / 1024)} MiB; phases: ${phases}`,
      },
      {
        name: 'the month ×10: legs per second, calls phase (sampler against dynalite)',
        value: Math.round(legs / callsS),
        unit: 'legs/s',
        note: `${legs.toLocaleString('en-US')} legs in ${callsS.toFixed(1)} s wall`,
      },
      {
        name: 'the month ×10: legs per second, whole month',
        value: Math.round(legs / wall),
        unit: 'legs/s',
        note: `wall; per CPU second: ${Math.round(legs / cpu)} legs`,
      },
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { calls: { type: 'string' } } });
  benchMonth(values.calls ? { calls: Number(values.calls) } : {}).then(printFigures, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
