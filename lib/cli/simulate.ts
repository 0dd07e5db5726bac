/**
 * `fairlisten simulate`: one month of calls through the bundled sampler handler against the local
 * stand-ins; writes decisions.jsonl, seeds.json, summary.json and policy.json (the effective policy,
 * simulated excluded agents included) to --out. Same --seed, same bytes.
 */
import { parseArgs } from 'node:util';
import { loadPolicy, PolicyError } from '../policy/load';
import { runSimulation } from '../simulation/run';
import { parseOrUsage } from './_usage';

const USAGE = `usage: fairlisten simulate --agents N --teams T --calls K --month YYYY-MM --seed S --out DIR
                          [--policy recording-policy.json] [--concurrency C] [--from-cdk-out]

Runs the sampler Lambda bundle (or, with --from-cdk-out, the asset of the last \`cdk synth\`) for K calls
spread over the month, against dynalite and the Connect stand-in with a simulated clock. Then check it:
  fairlisten verify --decisions DIR/decisions.jsonl --seeds DIR/seeds.json --policy DIR/policy.json
Exit 0 on success, 1 on failure, 2 on usage.`;

function whole(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n)) throw new Error(`--${name} must be a whole number`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOrUsage(
    () =>
      parseArgs({
        args: argv,
        allowPositionals: false,
        options: {
          agents: { type: 'string' },
          teams: { type: 'string' },
          calls: { type: 'string' },
          month: { type: 'string' },
          seed: { type: 'string' },
          out: { type: 'string' },
          policy: { type: 'string' },
          concurrency: { type: 'string' },
          'from-cdk-out': { type: 'boolean', default: false },
          quiet: { type: 'boolean', default: false },
          help: { type: 'boolean', short: 'h', default: false },
        },
      }),
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const values: Record<string, string | boolean | undefined> = parsed.values;
  let options: Parameters<typeof runSimulation>[0];
  try {
    for (const required of ['agents', 'teams', 'calls', 'month', 'seed', 'out']) {
      if (typeof values[required] !== 'string') throw new Error(`--${required} is required`);
    }
    options = {
      agents: whole('agents', values.agents as string),
      teams: whole('teams', values.teams as string),
      calls: whole('calls', values.calls as string),
      month: values.month as string,
      seed: values.seed as string,
      outDir: values.out as string,
      concurrency: values.concurrency === undefined ? 8 : whole('concurrency', values.concurrency as string),
      fromCdkOut: values['from-cdk-out'] === true,
      policy: loadPolicy(),
    };
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    if (typeof values.policy === 'string') options = { ...options, policy: loadPolicy(values.policy) };
  } catch (err) {
    console.error(err instanceof PolicyError ? err.message : String(err));
    return 1;
  }
  const started = performance.now();
  const quiet = values.quiet === true;
  try {
    const result = await runSimulation({
      ...options,
      progress: quiet
        ? undefined
        : (done, total) => process.stderr.write(`simulate: ${done}/${total} legs decided\n`),
    });
    const s = result.summary;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const reasons = Object.entries(s.byReason)
      .map(([k, n]) => `${k}=${n}`)
      .join(', ');
    console.log(
      `simulated ${s.period}: ${s.decisions} decisions (${s.calls} calls), ${s.recorded} recorded (${(100 * s.recordedRate).toFixed(2)}%), ${s.agents.length} agents; ${reasons}`,
    );
    if (!quiet)
      process.stderr.write(
        `simulate: done in ${seconds} s (${result.handlerSource} bundle); wrote ${result.files.join(', ')}\n`,
      );
    return 0;
  } catch (err) {
    console.error(`simulate failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
