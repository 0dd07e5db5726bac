import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AssemblyError, loadAssembly } from '../report/assembly';
import { reportOnAssembly } from '../report/engine';
import { deployedTemplateFrom, templateDifferences, templateFingerprint } from '../report/fingerprint';
import { renderHtml, renderJson, renderMarkdown } from '../report/render';
import { command } from './_command';

const USAGE = `usage: fairlisten report [--cdk-out cdk.out] [--out reports] [--deployed FILE [--stack NAME]]
  Checks the synthesized templates of the cloud assembly (run \`npx cdk synth --quiet\` first) and writes
  compliance-report.{md,json,html} into --out. Exits 1 when a check fails or no template is found.
  --deployed FILE  also compares the template CloudFormation holds for the deployed stack
                   (\`aws cloudformation get-template --stack-name NAME --output json > FILE\`) with the
                   synthesized one, the account id set aside; exits 1 on any difference.`;

export const REPORT_BASENAME = 'compliance-report';

export const cli = command({
  name: 'report',
  usage: USAGE,
  options: {
    'cdk-out': { type: 'string', default: 'cdk.out' },
    out: { type: 'string', default: 'reports' },
    deployed: { type: 'string' },
    stack: { type: 'string' },
  },
  async run(values) {
    let deployedMatches = true;
    if (typeof values.deployed === 'string') {
      try {
        deployedMatches = compareDeployed(
          String(values['cdk-out']),
          values.deployed,
          typeof values.stack === 'string' ? values.stack : undefined,
        );
      } catch (err) {
        console.error(`fairlisten report: ${(err as Error).message}`);
        return 1;
      }
    }
    let written: ReturnType<typeof writeComplianceReport>;
    try {
      written = writeComplianceReport(String(values['cdk-out']), String(values.out));
    } catch (err) {
      if (!(err instanceof AssemblyError)) throw err;
      console.error(`fairlisten report: ${err.message}`);
      return 1;
    }
    const { report, files } = written;
    const s = report.summary;
    for (const c of report.checks.filter((x) => x.status === 'fail')) {
      console.error(`FAIL ${c.id} (${c.concern}): ${c.detail?.split('\n')[0] ?? c.title}`);
    }
    console.log(
      `${s.status.toUpperCase()}: ${s.passed}/${s.total} checks pass, ${s.failed} fail, ${s.notApplicable} not applicable; ${s.acknowledgements} acknowledgements`,
    );
    for (const file of files) console.log(`wrote ${file}`);
    return s.failed > 0 || !deployedMatches ? 1 : 0;
  },
});

/**
 * Compares the deployed stack's template with the synthesized one, account set aside; prints the
 * verdict and the first differences. True when they are the same template.
 */
export function compareDeployed(cdkOut: string, deployedFile: string, stackName?: string): boolean {
  const stacks = loadAssembly(resolve(cdkOut));
  const candidates = stackName ? stacks.filter((s) => s.name === stackName) : stacks;
  if (candidates.length !== 1) {
    throw new Error(
      stackName
        ? `no stack ${stackName} in ${cdkOut} (stacks: ${stacks.map((s) => s.name).join(', ')})`
        : `${cdkOut} has ${stacks.length} stacks: name the deployed one with --stack`,
    );
  }
  const synthesized = candidates[0]!;
  const deployed = deployedTemplateFrom(readFileSync(deployedFile, 'utf8'), deployedFile);
  const { count, differences } = templateDifferences(synthesized.template, deployed);
  if (count === 0) {
    console.log(
      `MATCH: the deployed template of ${synthesized.name} is the synthesized one (fingerprint ${templateFingerprint(deployed)})`,
    );
    return true;
  }
  console.error(
    `DIFFERS: the deployed template of ${synthesized.name} is not the one this report checks (${count} difference${count === 1 ? '' : 's'}, account set aside):`,
  );
  for (const d of differences) console.error(`  ${d}`);
  if (count > differences.length) console.error(`  … and ${count - differences.length} more`);
  return false;
}
export const run = cli.run;

/** Checks the cloud assembly in `cdkOut` and writes the report in three formats into `outDir`. */
export function writeComplianceReport(
  cdkOut: string,
  outDir: string,
): { report: ReturnType<typeof reportOnAssembly>; files: string[] } {
  const report = reportOnAssembly(resolve(cdkOut));
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  const files = [
    [`${REPORT_BASENAME}.md`, renderMarkdown(report)],
    [`${REPORT_BASENAME}.json`, renderJson(report)],
    [`${REPORT_BASENAME}.html`, renderHtml(report)],
  ] as const;
  for (const [name, text] of files) writeFileSync(join(out, name), text);
  return { report, files: files.map(([name]) => join(out, name)) };
}
