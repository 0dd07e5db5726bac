import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AssemblyError } from '../report/assembly';
import { reportOnAssembly } from '../report/engine';
import { renderHtml, renderJson, renderMarkdown } from '../report/render';
import { command } from './_command';

const USAGE = `usage: fairlisten report [--cdk-out cdk.out] [--out reports]
  Checks the synthesized templates of the cloud assembly (run \`npx cdk synth --quiet\` first) and writes
  compliance-report.{md,json,html} into --out. Exits 1 when a check fails or no template is found.`;

export const REPORT_BASENAME = 'compliance-report';

export const cli = command({
  name: 'report',
  usage: USAGE,
  options: { 'cdk-out': { type: 'string', default: 'cdk.out' }, out: { type: 'string', default: 'reports' } },
  async run(values) {
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
    return s.failed > 0 ? 1 : 0;
  },
});
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
