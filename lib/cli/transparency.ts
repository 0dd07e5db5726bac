import { readFileSync } from 'node:fs';
import { MonthDataError } from '../../lambda/core/transparency/model';
import { LANGS, type Lang } from '../../lambda/core/transparency/render/i18n';
import { exampleMonthData } from '../transparency-report/example';
import { writeTransparencyReport } from '../transparency-report/index';
import { command, UsageError } from './_command';

export { writeTransparencyReport } from '../transparency-report/index';

const USAGE = `usage: fairlisten transparency --month-data DIR/month.json [--out reports] [--lang fr|en]
       fairlisten transparency --example [--out reports] [--lang fr|en]
Writes the works council's transparency report (HTML and CSV) and prints their paths.
Exit 0 written, 1 the month data is unreadable or invalid, 2 usage.`;

export const cli = command({
  name: 'transparency',
  usage: USAGE,
  options: {
    'month-data': { type: 'string' },
    out: { type: 'string', default: 'reports' },
    lang: { type: 'string', default: 'fr' },
    example: { type: 'boolean', default: false },
  },
  async run(values) {
    const lang = String(values.lang);
    if (!(LANGS as readonly string[]).includes(lang)) {
      throw new UsageError(`--lang must be one of ${LANGS.join(', ')}, got ${JSON.stringify(lang)}`);
    }
    const file = values['month-data'] as string | undefined;
    if (!file === !values.example) throw new UsageError('give either --month-data FILE or --example');
    let model: unknown;
    if (!file) model = exampleMonthData();
    else {
      try {
        model = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        console.error(`fairlisten transparency: ${file} is not JSON: ${err.message}`);
        return 1;
      }
    }
    try {
      const paths = writeTransparencyReport(model as never, String(values.out), lang as Lang);
      console.log(paths.html);
      console.log(paths.csv);
      return 0;
    } catch (err) {
      if (!(err instanceof MonthDataError)) throw err;
      console.error(`fairlisten transparency: ${file ?? 'the example'}: ${err.message}`);
      return 1;
    }
  },
});
export const run = cli.run;
