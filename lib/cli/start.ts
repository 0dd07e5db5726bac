import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPolicy } from '../policy/load';
import { runSimulation } from '../simulation';
import { verifyDecisions } from '../verify/verify';
import { writeComplianceReport } from './report';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const USAGE = `usage: fairlisten start [--out reports] [--month YYYY-MM] [--seed S] [--agents 40] [--teams 6]
                       [--calls 6000] [--policy recording-policy.json] [--skip-synth]
  The main job (npm start): synthesize the app offline, write the compliance report from the
  synthesized templates, simulate a month locally with the bundled handlers, verify it, and print
  where everything is. Exits non-zero when a compliance check or a verification fails.`;

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
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string', default: 'reports' },
        month: { type: 'string', default: lastMonth() },
        seed: { type: 'string', default: 'fairlisten-demo' },
        agents: { type: 'string', default: '40' },
        teams: { type: 'string', default: '6' },
        calls: { type: 'string', default: '6000' },
        policy: { type: 'string' },
        'skip-synth': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
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
  const compliance = writeComplianceReport(join(ROOT, 'cdk.out'), out);
  const c = compliance.report.summary;
  done(`${c.passed}/${c.total} checks pass, ${c.failed} fail`);
  failures += c.failed;

  const month = String(values.month);
  const simDir = join(out, `simulation-${month}`);
  done = step(`simulating ${month} with the bundled sampler against dynalite and the Connect stand-in`);
  const simulation = await runSimulation({
    agents: Number(values.agents),
    teams: Number(values.teams),
    calls: Number(values.calls),
    month,
    seed: String(values.seed),
    policy,
    outDir: simDir,
    progress: (n, total) => process.stderr.write(`\r  ${n}/${total} contact legs`),
  });
  process.stderr.write('\n');
  const s = simulation.summary;
  done(`${s.recorded} of ${s.decisions} legs recorded`);

  done = step('verifying every decision against the revealed seed');
  const verification = verifyDecisions({
    decisionsJsonl: readFileSync(join(simDir, 'decisions.jsonl'), 'utf8'),
    seeds: JSON.parse(readFileSync(join(simDir, 'seeds.json'), 'utf8')),
    policy: simulation.policy,
  });
  done(verification.ok ? 'no violation' : `${verification.violations.length} violations`);
  if (!verification.ok) failures += verification.violations.length;

  const rel = (p: string) => relative(process.cwd(), p) || '.';
  console.log(`\nfairlisten — ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    `  compliance report   ${c.status.toUpperCase()} ${c.passed}/${c.total}  ${rel(compliance.files[0]!)} (.json, .html)`,
  );
  console.log(
    `  simulation ${month}  ${s.recorded}/${s.decisions} legs recorded  ${rel(simDir)}/{decisions.jsonl,seeds.json,summary.json}`,
  );
  console.log(
    `  verify              ${verification.ok ? 'OK' : 'FAILED'}  (${verification.decisions} decisions re-computed)`,
  );
  return failures > 0 ? 1 : 0;
}
