/**
 * `fairlisten verify --month DIR [--witness FILE] [--json]`: a month's decisions checked against the
 * publication the operator cannot rewrite (lib/verify/month.ts). Each finding on its own line.
 *
 * `fairlisten verify --algorithm-only --decisions F --seeds S [--policy P]` re-computes the draws
 * from the files given and nothing else: it shows the arithmetic is right, not that the files are
 * the real ones, and says so.
 *
 * Exit 0 when everything checks out, 1 on any finding, 2 on a usage error.
 */
import { readFileSync } from 'node:fs';
import { loadPolicy } from '../policy/load';
import { readWitness, type WitnessEntry } from '../verify/audit-export';
import { verifyMonthOnTwoThreads } from '../verify/month';
import { formatReport, verifyDecisions } from '../verify/verify';
import { command, existingDirectory, required, UsageError, type Values } from './_command';

const USAGE = `usage: fairlisten verify --month DIR [--witness FILE] [--json]
       fairlisten verify --algorithm-only --decisions <decisions.jsonl> --seeds <seeds.json> [--policy recording-policy.json] [--json]

--month           checks DIR/decisions.jsonl against what the operator cannot rewrite: the seed
                  commitments published before each period, the published seeds, the published
                  policy documents and the decisions audit chain in DIR/audit/ (and, with
                  --witness, the heads you witnessed); then recomputes every draw, exclusion,
                  pacing and cap; with DIR/assignments.jsonl, checks C5: each agent's regular
                  listens against the maximum, each plan's listens against the extra the DPO
                  approved, every listen against the listens audit chain
--algorithm-only  recomputes the draws from the files given, checked against nothing else
Exit 0 when everything checks out, 1 on any finding (one per line), 2 on a usage error.`;

function witnessOf(file: unknown): WitnessEntry[] {
  if (typeof file !== 'string') return [];
  try {
    return readWitness(file);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function month(values: Values): Promise<number> {
  const dir = values.month as string;
  if (values['algorithm-only'] || values.decisions || values.seeds || values.policy) {
    throw new UsageError('--month takes no --algorithm-only, --decisions, --seeds or --policy');
  }
  const report = await verifyMonthOnTwoThreads(existingDirectory(dir), witnessOf(values.witness));
  if (values.json) {
    console.log(
      JSON.stringify(
        { ok: report.ok, findings: report.findings, decisions: report.decisions, listens: report.listens },
        null,
        2,
      ),
    );
  } else {
    for (const f of report.findings) console.log(`FAILED: ${f.message}`);
    const l = report.listens;
    console.log(
      l
        ? `listens: ${l.listens} checked against the audit chains (${l.planListens} under a coaching plan), C5 per agent and per plan`
        : 'listens: no assignments.jsonl in the folder, C5 not checked',
    );
    const d = report.decisions;
    console.log(
      `${report.ok ? 'OK' : 'FAILED'}: ${d ? `${d.decisions} decisions re-computed, ${d.recorded} recorded, periods ${d.periods.join(', ') || '-'}` : 'the decisions could not be re-computed'}; ${report.findings.length} finding(s)`,
    );
  }
  return report.ok ? 0 : 1;
}

function algorithmOnly(values: Values): number {
  const decisionsFile = required(values, 'decisions');
  const seedsFile = required(values, 'seeds');
  if (values.witness) throw new UsageError('--witness needs --month');
  // A policy file that is not one: its PolicyError is one line of the command's failure, exit 1.
  // Stryker disable next-line ConditionalExpression: without --policy, loadPolicy(undefined) is loadPolicy()
  const policy = typeof values.policy === 'string' ? loadPolicy(values.policy) : loadPolicy();
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
  if (!values.json) {
    console.error(
      'NOTE: --algorithm-only checks these files against each other only; --month checks them against the publication.',
    );
  }
  return report.ok ? 0 : 1;
}

/** `fairlisten verify`: exit code 0 (all checks out), 1 (findings or unreadable input), 2 (usage). */
export const cli = command({
  name: 'verify',
  usage: USAGE,
  options: {
    month: { type: 'string' },
    witness: { type: 'string' },
    'algorithm-only': { type: 'boolean', default: false },
    decisions: { type: 'string' },
    seeds: { type: 'string' },
    policy: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(values) {
    if (typeof values.month === 'string') return month(values);
    if (!values['algorithm-only']) throw new UsageError('--month DIR is required (or --algorithm-only)');
    return algorithmOnly(values);
  },
});
export const run = cli.run;
