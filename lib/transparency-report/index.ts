/**
 * The works council's transparency report: a self-contained HTML page with inline SVG
 * charts and tables, and a CSV, from one month of data (`month.json`). The renderers live in
 * lambda/core/transparency/ (render/, csv.ts) so the monthly report function renders the same
 * bytes as this CLI; here they are written to files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type MonthDataInput, parseMonthData } from '../../lambda/core/transparency/model';
import { renderReportFiles } from '../../lambda/core/transparency/render/files';
import type { Lang } from '../../lambda/core/transparency/render/i18n';

export * from '../../lambda/core/transparency/aggregate';
export { CSV_FORMAT, parseCsv, renderTransparencyCsv } from '../../lambda/core/transparency/csv';
export * from '../../lambda/core/transparency/model';
export { reportBaseName } from '../../lambda/core/transparency/render/files';
export { renderTransparencyHtml } from '../../lambda/core/transparency/render/html';
export { LANGS, type Lang } from '../../lambda/core/transparency/render/i18n';
export { exampleMonthData } from './example';

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
  const files = renderReportFiles(month, lang);
  const paths = { html: join(resolve(outDir), files.html.name), csv: join(resolve(outDir), files.csv.name) };
  writeFileSync(paths.html, files.html.body);
  writeFileSync(paths.csv, files.csv.body);
  return paths;
}
