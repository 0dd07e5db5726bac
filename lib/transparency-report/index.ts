/**
 * The works council's transparency report: a self-contained HTML page with inline SVG
 * charts and tables, and a CSV, from one month of data (`month.json`, see ./model.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderTransparencyCsv } from '../../lambda/core/transparency/csv';
import { type MonthDataInput, parseMonthData } from '../../lambda/core/transparency/model';
import { renderTransparencyHtml } from './html';
import type { Lang } from './i18n';

export * from '../../lambda/core/transparency/aggregate';
export { CSV_FORMAT, parseCsv, renderTransparencyCsv } from '../../lambda/core/transparency/csv';
export * from '../../lambda/core/transparency/model';
export { exampleMonthData } from './example';
export { renderTransparencyHtml } from './html';
export { LANGS, type Lang } from './i18n';

/** `transparency-YYYY-MM` in French (the default), `transparency-YYYY-MM.en` in English. */
export function reportBaseName(period: string, lang: Lang): string {
  return lang === 'fr' ? `transparency-${period}` : `transparency-${period}.${lang}`;
}

/**
 * Validate the month, then write `<outDir>/transparency-YYYY-MM.html` and `.csv` (`.en.html` and
 * `.en.csv` in English, so both languages can sit side by side). Returns the absolute paths.
 */
export function writeTransparencyReport(
  model: MonthDataInput,
  outDir: string,
  lang: Lang = 'fr',
): { html: string; csv: string } {
  const month = parseMonthData(model);
  mkdirSync(outDir, { recursive: true });
  const base = join(resolve(outDir), reportBaseName(month.period, lang));
  const paths = { html: `${base}.html`, csv: `${base}.csv` };
  writeFileSync(paths.html, renderTransparencyHtml(month, { lang }));
  writeFileSync(paths.csv, renderTransparencyCsv(month, { lang }));
  return paths;
}
