import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPolicy } from '../policy/load';
import { runMonth } from '../simulation/month';
import { parseOrUsage } from './_usage';
import { writeComplianceReport } from './report';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const USAGE = `usage: fairlisten start [--out reports] [--month YYYY-MM] [--seed S] [--agents 40] [--teams 6]
                       [--coaches 8] [--calls 6000] [--policy recording-policy.json] [--skip-synth] [--cdk-out DIR]
  The main job (npm start): synthesize the app offline, write the compliance report from the
  synthesized templates, run a whole month locally (calls, recordings, privacy requests, coaching
  plan, assignment, listens, audit export), verify the decisions and the audit export, write the
  transparency reports, and print where everything is. Exits non-zero when a compliance check,
  verify or audit verify fails.`;

/** The month before the current one: a complete, already-revealed period. */
function lastMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function step(label: string): (detail?: string) => void {
  const t0 = performance.now();
  process.stderr.write(`▸ ${label} …\n`);
  return (detail) =>
    process.stderr.write(
      `  done in ${((performance.now() - t0) / 1000).toFixed(1)} s${detail ? ` — ${detail}` : ''}\n`,
    );
}

/** `cdk synth` through the CDK CLI, exactly as a deploy would synthesize (offline: explicit env). */
function synth(policyFile: string | undefined): Promise<void> {
  const args = [
    'cdk',
    'synth',
    '--quiet',
    ...(policyFile ? ['-c', `policyFile=${resolve(policyFile)}`] : []),
  ];
  return new Promise((ok, fail) => {
    const child = spawn('npx', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? ok() : fail(new Error(`cdk synth failed (exit ${code}):\n${stderr.slice(-4000)}`)),
    );
  });
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOrUsage(
    () =>
      parseArgs({
        args: argv,
        options: {
          out: { type: 'string', default: 'reports' },
          month: { type: 'string', default: lastMonth() },
          seed: { type: 'string', default: 'fairlisten-demo' },
          agents: { type: 'string', default: '40' },
          teams: { type: 'string', default: '6' },
          coaches: { type: 'string', default: '8' },
          calls: { type: 'string', default: '6000' },
          policy: { type: 'string' },
          'skip-synth': { type: 'boolean', default: false },
          'cdk-out': { type: 'string' },
          help: { type: 'boolean', short: 'h', default: false },
        },
      }),
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const values: Record<string, string | boolean | undefined> = parsed.values;
  // Node 20 is supported by the pinned SDK; its advisory would only clutter the demonstration.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const out = resolve(String(values.out));
  const policyFile = values.policy as string | undefined;
  const policy = policyFile ? loadPolicy(policyFile) : loadPolicy();
  mkdirSync(out, { recursive: true });
  const started = performance.now();
  let failures = 0;

  if (!values['skip-synth']) {
    const done = step('synthesizing the CDK app offline (cdk-nag packs included)');
    await synth(policyFile);
    done('cdk.out/');
  }

  let done = step('compliance report from the synthesized templates');
  const compliance = writeComplianceReport(
    values['cdk-out'] ? resolve(String(values['cdk-out'])) : join(ROOT, 'cdk.out'),
    out,
  );
  const c = compliance.report.summary;
  done(`${c.passed}/${c.total} checks pass, ${c.failed} fail`);
  failures += c.failed;

  const month = String(values.month);
  const simDir = join(out, `simulation-${month}`);
  done = step(
    `simulating ${month}: calls through the bundled sampler, against dynalite and the Connect stand-in`,
  );
  let afterCalls: ((detail?: string) => void) | undefined;
  const result = await runMonth({
    agents: Number(values.agents),
    teams: Number(values.teams),
    coaches: Number(values.coaches),
    calls: Number(values.calls),
    month,
    seed: String(values.seed),
    policy,
    outDir: simDir,
    reportDir: out,
    progress: (n, total) => {
      process.stderr.write(`\r  ${n}/${total} contact legs decided`);
      if (n === total) {
        process.stderr.write('\n');
        done();
        afterCalls = step(
          'the rest of the month: recordings, privacy requests, plan, reveal, assignment, listens, audit export',
        );
      }
    },
    log: (m) => process.stderr.write(`${m}\n`),
  });
  afterCalls?.();
  const s = result.simulation.summary;
  const v = result.verification;
  process.stderr.write(
    `▸ verify: ${v.decisions.ok ? 'OK' : 'FAILED'} (${v.decisions.decisions} decisions re-computed, ${v.decisions.violations} violations)\n`,
  );
  process.stderr.write(
    `▸ audit verify: ${v.audit.ok ? 'OK' : 'FAILED'} (${v.audit.chains} chains, ${v.audit.records} records)\n`,
  );
  for (const issue of v.audit.issues.slice(0, 10)) process.stderr.write(`  ${issue}\n`);
  if (!v.decisions.ok) failures += Math.max(1, v.decisions.violations);
  if (!v.audit.ok) failures += Math.max(1, v.audit.issues.length);

  const st = result.stats;
  const rel = (p: string) => relative(process.cwd(), p) || '.';
  const isDone = (r: (typeof st.requests)[number]) => r.status === 'done';
  console.log(`\nfairlisten — ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    `  compliance report   ${c.status.toUpperCase()} ${c.passed}/${c.total}  ${rel(compliance.files[0]!)} (.json, .html)`,
  );
  console.log(
    `  month ${month}       ${s.recorded}/${s.decisions} legs recorded, ${st.ingested} ingested, ${st.unauthorizedDeleted} unauthorized deleted  ${rel(simDir)}/`,
  );
  console.log(`    decisions         ${rel(result.files.decisions)}, ${rel(result.files.seeds)}`);
  console.log(
    `    privacy           ${st.suspensions.length} live suspensions, ${st.requests.filter(isDone).length}/${st.requests.length} deletions/redactions done (both arrival orders)`,
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
  return failures > 0 ? 1 : 0;
}
