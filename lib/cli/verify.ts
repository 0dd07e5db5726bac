import { readFileSync } from 'node:fs';
import { loadPolicy, PolicyError } from '../policy/load';
import { formatReport, verifyDecisions } from '../verify/verify';
import { command, required } from './_command';

const USAGE = `usage: fairlisten verify --decisions <decisions.jsonl> --seeds <seeds.json> [--policy recording-policy.json] [--json]

Recomputes every draw from the revealed seeds and checks commitments, lottery outcomes, exclusions,
and each agent's pacing and cap. Exit 0 when every decision checks out, 1 on any violation, 2 on usage.`;

/** `fairlisten verify`: exit code 0 (all decisions check out), 1 (violations or unreadable input), 2 (usage). */
export const cli = command({
  name: 'verify',
  usage: USAGE,
  options: {
    decisions: { type: 'string' },
    seeds: { type: 'string' },
    policy: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(values) {
    const decisionsFile = required(values, 'decisions');
    const seedsFile = required(values, 'seeds');
    let policy: ReturnType<typeof loadPolicy>;
    try {
      policy = typeof values.policy === 'string' ? loadPolicy(values.policy) : loadPolicy();
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      console.error(`fairlisten verify: ${err.message}`);
      return 1;
    }
    const decisionsJsonl = readFileSync(decisionsFile, 'utf8');
    let seeds: unknown;
    try {
      seeds = JSON.parse(readFileSync(seedsFile, 'utf8'));
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      console.error(`fairlisten verify: ${seedsFile} is not JSON: ${err.message}`);
      return 1;
    }
    const report = verifyDecisions({ decisionsJsonl, seeds, policy });
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else if (report.ok) console.log(formatReport(report));
    else console.error(formatReport(report));
    return report.ok ? 0 : 1;
  },
});
export const run = cli.run;
