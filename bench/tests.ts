/**
 * `npm test`, split into its four commands (lint and format check, type check of the code and of the
 * workspace app, every vitest file), each run once as `npm test` runs it, one after the other. Wall
 * time is what a developer waits; CPU time (user + system of the command and every process it waited
 * for) is what the work costs, and the comparable figure when other people share the 2 cores.
 * Run on its own: `npx tsx bench/run.ts --only tests`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './figure';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The commands of package.json's `test` script, in its order. */
export const TEST_STEPS = [
  { name: 'lint and format check (`biome check .`)', command: ['biome', 'check', '.'] },
  { name: 'type check (`tsc --noEmit`)', command: ['tsc', '--noEmit'] },
  {
    name: 'type check of the workspace app (`tsc --noEmit -p app`)',
    command: ['tsc', '--noEmit', '-p', 'app'],
  },
  { name: 'tests (`vitest run`)', command: ['vitest', 'run'] },
] as const;

/**
 * CPU seconds used so far by the processes this one waited for (Linux: /proc/self/stat `cutime` +
 * `cstime`, in clock ticks of 1/100 s); undefined elsewhere.
 */
function childrenCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces) start at `state`, field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

interface StepTime {
  readonly wall: number;
  readonly cpu: number | undefined;
  readonly output: string;
}

function timeStep(command: readonly string[]): StepTime {
  const bin = `${ROOT}node_modules/.bin/${command[0]}`;
  const cpu0 = childrenCpuSeconds();
  const t0 = performance.now();
  const r = spawnSync(bin, command.slice(1), {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = childrenCpuSeconds();
  const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  if (r.status !== 0)
    throw new Error(`${command.join(' ')} failed (exit ${r.status}): ${output.slice(-4000)}`);
  return { wall, cpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0, output };
}

/** Vitest's summary (`Test Files  126 passed (126)`, `Tests  2010 passed | 4 skipped (2014)`). */
function vitestSummary(output: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const line = (label: string) =>
    new RegExp(`^\\s*${label}\\s+(.+)$`, 'm').exec(plain)?.[1]?.trim().replace(/\s+/g, ' ');
  const files = line('Test Files');
  const tests = line('Tests');
  return files && tests ? `files: ${files}; tests: ${tests}`.replace(/\s*\|\s*/g, ', ') : '';
}

const round = (s: number): number => Math.round(s * 10) / 10;
const cpuNote = (t: StepTime): string => (t.cpu === undefined ? '' : `${round(t.cpu)} s CPU (user + system)`);
const stepNote = (tool: string, t: StepTime): string =>
  [cpuNote(t), tool === 'vitest' ? vitestSummary(t.output) : ''].filter(Boolean).join('; ');

/** Times `steps` one after the other: their total against the target, then each step. */
export function measureSteps(steps: readonly { name: string; command: readonly string[] }[]): BenchFigure[] {
  const loadBefore = loadavg()[0]!.toFixed(2);
  const times = steps.map((step) => ({ step, time: timeStep(step.command) }));
  const loadAfter = loadavg()[0]!.toFixed(2);
  const wall = times.reduce((sum, t) => sum + t.time.wall, 0);
  const cpus = times.map((t) => t.time.cpu);
  const cpu = cpus.every((c) => c !== undefined) ? cpus.reduce((a, b) => a! + b!, 0)! : undefined;
  return [
    {
      name: '`npm test` (lint, type check, all tests)',
      value: round(wall),
      unit: 's',
      target: { op: '<=', value: 90 },
      note: `the ${steps.length} commands below, one after the other; ${cpu === undefined ? '' : `${round(cpu)} s CPU; `}load average ${loadBefore} before, ${loadAfter} after`,
    },
    ...times.map(({ step, time }) => ({
      name: `\`npm test\`: ${step.name}`,
      value: round(time.wall),
      unit: 's',
      note: stepNote(step.command[0] ?? '', time),
    })),
  ];
}

export async function benchTests(): Promise<BenchFigure[]> {
  return measureSteps(TEST_STEPS);
}
