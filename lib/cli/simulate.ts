/**
 * `fairlisten simulate`: the whole month, locally — calls through the bundled sampler, live
 * suspensions, recordings and ingest, deletions and redactions, a coaching plan, the reveal, the
 * assignment, listens, the audit export — then `verify` and `audit verify` of what it produced and
 * the transparency reports. `--sampler-only` runs just the calls (decisions and seeds), faster.
 * Same --seed, same bytes. `fairlisten start` is this, after synth and the compliance report.
 */
import { join, relative, resolve } from 'node:path';
import { isPeriod } from '../../lambda/core/period';
import { loadPolicy } from '../policy/load';
import type { RecordingPolicy } from '../policy/schema';
import { type MonthResult, runMonth } from '../simulation/month';
import { describeTimings, legsPerSecond } from '../simulation/month/timings';
import { runSimulation } from '../simulation/run';
import { command, type Options, UsageError, type Values, wholeNumber } from './_command';
import { progress } from './_progress';

/** The month before the current one: a complete, already-revealed period. */
export function lastMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The options of the month, shared with `fairlisten start`. */
export const MONTH_OPTIONS = {
  out: { type: 'string', default: 'reports' },
  month: { type: 'string' },
  seed: { type: 'string', default: 'fairlisten-demo' },
  agents: { type: 'string', default: '40' },
  teams: { type: 'string', default: '6' },
  coaches: { type: 'string', default: '8' },
  calls: { type: 'string', default: '6000' },
  concurrency: { type: 'string', default: '8' },
  policy: { type: 'string' },
} as const satisfies Options;

export const MONTH_USAGE = `  --out DIR          reports here, the month's files in DIR/simulation-YYYY-MM/ (default reports)
  --month YYYY-MM    the simulated month (default: last month)
  --seed S           any string; the same seed gives the same files (default fairlisten-demo)
  --agents N         agents, 2..100000 (default 40)       --teams T    teams, 1..agents (default 6)
  --coaches C        coaches, 1..1000 (default 8)         --calls K    calls, 1..1000000 (default 6000)
  --concurrency N    calls in flight, 1..256 (default 8)
  --policy FILE      the recording policy (default recording-policy.json)`;

const USAGE = `usage: fairlisten simulate [options] [--sampler-only [--from-cdk-out]]
  Runs a whole month locally against dynalite, s3rver and the Connect stand-in with a simulated
  clock: calls through the bundled sampler, live suspensions, recordings and ingest, deletions and
  redactions, a coaching plan, the reveal, the assignment, listens, the audit export. Then verifies
  the decisions and the audit export and writes month.json and the transparency reports.
${MONTH_USAGE}
  --sampler-only     only the calls: decisions.jsonl, seeds.json, summary.json, policy.json
  --from-cdk-out     with --sampler-only: run the sampler asset of the last \`cdk synth\`
Exit 0 when everything verifies, 1 when something fails, 2 on usage.`;

export interface MonthSettings {
  readonly out: string;
  readonly month: string;
  readonly seed: string;
  readonly agents: number;
  readonly teams: number;
  readonly coaches: number;
  readonly calls: number;
  readonly concurrency: number;
  readonly policy: RecordingPolicy;
  /** DIR/simulation-YYYY-MM */
  readonly simDir: string;
}

/** Validates every month option before anything runs (a usage error names the flag and the value). */
export function monthSettings(values: Values, now = new Date()): MonthSettings {
  const month = typeof values.month === 'string' ? values.month : lastMonth(now);
  if (!isPeriod(month)) throw new UsageError(`--month must be YYYY-MM, got ${JSON.stringify(month)}`);
  const seed = String(values.seed);
  if (seed === '') throw new UsageError('--seed must not be empty');
  const agents = wholeNumber('agents', values.agents, 2, 100_000);
  const settings = {
    month,
    seed,
    agents,
    teams: wholeNumber('teams', values.teams, 1, agents),
    coaches: wholeNumber('coaches', values.coaches, 1, 1000),
    calls: wholeNumber('calls', values.calls, 1, 1_000_000),
    concurrency: wholeNumber('concurrency', values.concurrency, 1, 256),
    out: resolve(String(values.out)),
  };
  // A bad policy file fails here too (exit 1, naming the file), before anything runs.
  const policy = typeof values.policy === 'string' ? loadPolicy(values.policy) : loadPolicy();
  return { ...settings, policy, simDir: join(settings.out, `simulation-${month}`) };
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const rel = (p: string) => relative(process.cwd(), p) || '.';

/** A step on stderr: `▸ label …`, then `done in 1.2 s — detail`. */
export function step(label: string): (detail?: string) => void {
  const t0 = performance.now();
  process.stderr.write(`▸ ${label} …\n`);
  return (detail) =>
    process.stderr.write(`  done in ${seconds(performance.now() - t0)}${detail ? ` — ${detail}` : ''}\n`);
}

/** Runs the whole month with progress on stderr; returns the result and the number of failures. */
export async function simulateMonth(s: MonthSettings): Promise<{ result: MonthResult; failures: number }> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let done = step(
    `simulating ${s.month}: calls through the bundled sampler, against dynalite and the Connect stand-in`,
  );
  const bar = progress();
  let afterCalls: ((detail?: string) => void) | undefined;
  const result = await runMonth({
    ...s,
    outDir: s.simDir,
    reportDir: s.out,
    progress: (n, total) => {
      bar.update(`  ${n}/${total} contact legs decided`);
      if (n === total) {
        bar.done();
        done();
        done = () => undefined;
        afterCalls = step(
          'the rest of the month: recordings, privacy requests, plan, reveal, assignment, listens, audit export',
        );
      }
    },
    log: (m) => process.stderr.write(`${m}\n`),
  });
  afterCalls?.();
  const v = result.verification;
  process.stderr.write(
    `▸ verify --month: ${v.decisions.ok ? 'OK' : 'FAILED'} (${v.decisions.decisions} decisions re-computed against the published seeds, policy and decisions chain; ${v.decisions.violations} findings)\n`,
  );
  for (const finding of v.decisions.findings.slice(0, 10)) process.stderr.write(`  ${finding}\n`);
  process.stderr.write(
    `▸ audit verify: ${v.audit.ok ? 'OK' : 'FAILED'} (${v.audit.chains} chains, ${v.audit.records} records, against the signed heads)\n`,
  );
  for (const issue of v.audit.issues.slice(0, 10)) process.stderr.write(`  ${issue}\n`);
  process.stderr.write(
    `▸ timings (wall clock): ${describeTimings(result.timings, result.simulation.summary.legs)}\n`,
  );
  let failures = 0;
  if (!v.decisions.ok) failures += Math.max(1, v.decisions.violations);
  if (!v.audit.ok) failures += Math.max(1, v.audit.issues.length);
  return { result, failures };
}

/** The month's lines of the final summary (stdout). */
export function printMonth(month: string, simDir: string, result: MonthResult): void {
  const s = result.simulation.summary;
  const st = result.stats;
  const v = result.verification;
  const done = st.requests.filter((r) => r.status === 'done').length;
  console.log(
    `  month ${month}       ${s.recorded}/${s.decisions} legs recorded, ${st.ingested} ingested, ${st.unauthorizedDeleted} unauthorized deleted  ${rel(simDir)}/`,
  );
  console.log(`    decisions         ${rel(result.files.decisions)}, ${rel(result.files.seeds)}`);
  console.log(
    `    privacy           ${st.suspensions.length} live suspensions, ${done}/${st.requests.length} deletions/redactions done (both arrival orders)`,
  );
  console.log(
    `    listening         plan ${st.plan?.status ?? 'none'}, ${st.assignment.listens} listens assigned  ${rel(result.files.assignments)}; ${st.plays.ok} played, ${st.evaluations} evaluations`,
  );
  console.log(`    month model       ${rel(result.files.month)}`);
  console.log(`    timings           ${rel(result.files.timings)} (wall clock, not deterministic)`);
  console.log(
    `  verify              ${v.decisions.ok ? 'OK' : 'FAILED'}  (${v.decisions.decisions} decisions re-computed)`,
  );
  console.log(
    `  audit verify        ${v.audit.ok ? 'OK' : 'FAILED'}  ${rel(result.files.audit)}/ (${v.audit.chains} chains, ${v.audit.records} records)`,
  );
  console.log(
    `  transparency        ${rel(result.files.reports.fr.html)} (.csv), ${rel(result.files.reports.en.html)} (.csv)`,
  );
}

async function samplerOnly(s: MonthSettings, fromCdkOut: boolean): Promise<number> {
  const started = performance.now();
  const bar = progress();
  const result = await runSimulation({
    ...s,
    outDir: s.simDir,
    fromCdkOut,
    progress: (n, total) => bar.update(`simulate: ${n}/${total} legs decided`),
  });
  bar.done();
  const sum = result.summary;
  const reasons = Object.entries(sum.byReason)
    .map(([k, n]) => `${k}=${n}`)
    .join(', ');
  console.log(
    `simulated ${sum.period}: ${sum.decisions} decisions (${sum.calls} calls), ${sum.recorded} recorded (${(100 * sum.recordedRate).toFixed(2)}%), ${sum.agents.length} agents; ${reasons}`,
  );
  const ms = performance.now() - started;
  process.stderr.write(
    `simulate: done in ${seconds(ms)} (${legsPerSecond(sum.legs, ms).toLocaleString('en-US')} legs/s, ${result.handlerSource} bundle); wrote ${result.files.map(rel).join(', ')}\n` +
      `check the arithmetic: npx fairlisten verify --algorithm-only --decisions ${rel(join(s.simDir, 'decisions.jsonl'))} --seeds ${rel(join(s.simDir, 'seeds.json'))} --policy ${rel(join(s.simDir, 'policy.json'))}\n`,
  );
  return 0;
}

export const cli = command({
  name: 'simulate',
  usage: USAGE,
  options: {
    ...MONTH_OPTIONS,
    'sampler-only': { type: 'boolean', default: false },
    'from-cdk-out': { type: 'boolean', default: false },
  },
  async run(values) {
    if (values['from-cdk-out'] && !values['sampler-only']) {
      throw new UsageError('--from-cdk-out needs --sampler-only (the whole month bundles every function)');
    }
    const settings = monthSettings(values);
    if (values['sampler-only']) return samplerOnly(settings, values['from-cdk-out'] === true);
    const started = performance.now();
    const { result, failures } = await simulateMonth(settings);
    console.log(`\nfairlisten simulate — ${seconds(performance.now() - started)}`);
    printMonth(settings.month, settings.simDir, result);
    return failures > 0 ? 1 : 0;
  },
});
export const run = cli.run;
