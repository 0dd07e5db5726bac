/**
 * `fairlisten start` (npm start): synthesize the app offline, write the compliance report from
 * the synthesized templates, then `fairlisten simulate` — the whole month, verified — and print
 * where everything is.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { command } from './_command';
import { writeComplianceReport } from './report';
import {
  MONTH_OPTIONS,
  MONTH_USAGE,
  monthSettings,
  printMonth,
  seconds,
  simulateMonth,
  step,
} from './simulate';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const USAGE = `usage: fairlisten start [options] [--skip-synth] [--cdk-out DIR]
  The main job (npm start): synthesize the app offline (cdk-nag packs included), write the
  compliance report from the synthesized templates, run the whole month locally (as
  \`fairlisten simulate\`), verify the decisions and the audit export, write the transparency
  reports, and print where everything is.
${MONTH_USAGE}
  --skip-synth       use the cloud assembly already in --cdk-out
  --cdk-out DIR      the cloud assembly to check (default cdk.out)
Exit 0 when every compliance check, verify and audit verify pass, 1 otherwise, 2 on usage.`;

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

export const cli = command({
  name: 'start',
  usage: USAGE,
  options: {
    ...MONTH_OPTIONS,
    'skip-synth': { type: 'boolean', default: false },
    'cdk-out': { type: 'string' },
  },
  async run(values) {
    const settings = monthSettings(values);
    const policyFile = values.policy as string | undefined;
    mkdirSync(settings.out, { recursive: true });
    const started = performance.now();

    if (!values['skip-synth']) {
      const done = step('synthesizing the CDK app offline (cdk-nag packs included)');
      await synth(policyFile);
      done('cdk.out/');
    }
    const done = step('compliance report from the synthesized templates');
    const cdkOut = typeof values['cdk-out'] === 'string' ? resolve(values['cdk-out']) : join(ROOT, 'cdk.out');
    const compliance = writeComplianceReport(cdkOut, settings.out);
    const c = compliance.report.summary;
    done(`${c.passed}/${c.total} checks pass, ${c.failed} fail`);

    const { result, failures } = await simulateMonth(settings);
    console.log(`\nfairlisten — ${seconds(performance.now() - started)}`);
    console.log(
      `  compliance report   ${c.status.toUpperCase()} ${c.passed}/${c.total}  ${relative(process.cwd(), compliance.files[0]!)} (.json, .html)`,
    );
    printMonth(settings.month, settings.simDir, result);
    return c.failed + failures > 0 ? 1 : 0;
  },
});
export const run = cli.run;
