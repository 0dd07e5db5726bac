import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exampleMonthData } from '../transparency-report/example';
import { LANGS, type Lang } from '../transparency-report/i18n';
import { writeTransparencyReport } from '../transparency-report/index';
import { MonthDataError } from '../transparency-report/model';
import { parseOrUsage } from './_usage';

export { writeTransparencyReport } from '../transparency-report/index';

const USAGE = `usage: fairlisten transparency --month-data DIR/month.json [--out reports] [--lang fr|en]
       fairlisten transparency --example [--out reports] [--lang fr|en]
Writes the works council's transparency report (HTML and CSV) and prints their paths.`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOrUsage(
    () =>
      parseArgs({
        args: argv,
        options: {
          'month-data': { type: 'string' },
          out: { type: 'string', default: 'reports' },
          lang: { type: 'string', default: 'fr' },
          example: { type: 'boolean', default: false },
          help: { type: 'boolean', default: false },
        },
      }),
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const values: { 'month-data'?: string; out: string; lang: string; example: boolean; help: boolean } =
    parsed.values;
  if (!(LANGS as readonly string[]).includes(values.lang)) {
    console.error(`--lang must be one of ${LANGS.join(', ')}, got ${JSON.stringify(values.lang)}\n${USAGE}`);
    return 2;
  }
  if (!values['month-data'] === !values.example) {
    console.error(USAGE);
    return 2;
  }
  let model: unknown;
  if (values.example) model = exampleMonthData();
  else {
    const file = values['month-data']!;
    try {
      model = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      console.error(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
  }
  try {
    const paths = writeTransparencyReport(model as never, values.out, values.lang as Lang);
    console.log(paths.html);
    console.log(paths.csv);
    return 0;
  } catch (err) {
    if (err instanceof MonthDataError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
}
