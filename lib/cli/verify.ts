import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadPolicy, PolicyError } from '../policy/load';
import { formatReport, verifyDecisions } from '../verify/verify';
import { parseOrUsage } from './_usage';

const USAGE = `usage: fairlisten verify --decisions <decisions.jsonl> --seeds <seeds.json> [--policy recording-policy.json] [--json]

Recomputes every draw from the revealed seeds and checks commitments, lottery outcomes, exclusions,
and each agent's pacing and cap. Exit 0 when every decision checks out, 1 on any violation, 2 on usage.`;

/** `fairlisten verify`: exit code 0 (all decisions check out), 1 (violations or unreadable input), 2 (usage). */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseOrUsage(
    () =>
      parseArgs({
        args: argv,
        allowPositionals: false,
        options: {
          decisions: { type: 'string' },
          seeds: { type: 'string' },
          policy: { type: 'string' },
          json: { type: 'boolean', default: false },
          help: { type: 'boolean', short: 'h', default: false },
        },
      }),
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const values: { decisions?: string; seeds?: string; policy?: string; json?: boolean; help?: boolean } =
    parsed.values;
  if (!values.decisions || !values.seeds) {
    console.error(USAGE);
    return 2;
  }
  let policy: ReturnType<typeof loadPolicy>;
  try {
    policy = values.policy ? loadPolicy(values.policy) : loadPolicy();
  } catch (err) {
    console.error(err instanceof PolicyError ? err.message : String(err));
    return 1;
  }
  let decisionsJsonl: string;
  let seeds: unknown;
  try {
    decisionsJsonl = readFileSync(values.decisions, 'utf8');
  } catch (err) {
    console.error(`cannot read ${values.decisions}: ${(err as Error).message}`);
    return 1;
  }
  try {
    seeds = JSON.parse(readFileSync(values.seeds, 'utf8'));
  } catch (err) {
    console.error(`cannot read ${values.seeds} as JSON: ${(err as Error).message}`);
    return 1;
  }
  const report = verifyDecisions({ decisionsJsonl, seeds, policy });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else if (report.ok) console.log(formatReport(report));
  else console.error(formatReport(report));
  return report.ok ? 0 : 1;
}
