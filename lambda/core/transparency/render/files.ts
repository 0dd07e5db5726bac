/**
 * The report's files: names and bytes, the same for the CLI (lib/transparency-report), the monthly
 * report function (stored in the audit bucket) and `GET /transparency/{period}`. Pure.
 */
import { renderTransparencyCsv } from '../csv';
import type { MonthData } from '../model';
import { renderTransparencyHtml } from './html';
import type { Lang } from './i18n';

/** `transparency-YYYY-MM` in French (the default), `transparency-YYYY-MM.en` in English. */
export function reportBaseName(period: string, lang: Lang): string {
  return lang === 'fr' ? `transparency-${period}` : `transparency-${period}.${lang}`;
}

export const REPORT_CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
} as const;

/** The page and the spreadsheet of `model` in `lang`, with their file names. */
export function renderReportFiles(
  model: MonthData,
  lang: Lang,
): { html: { name: string; body: string }; csv: { name: string; body: string } } {
  const base = reportBaseName(model.period, lang);
  return {
    html: { name: `${base}.html`, body: renderTransparencyHtml(model, { lang }) },
    csv: { name: `${base}.csv`, body: renderTransparencyCsv(model, { lang }) },
  };
}

/** Where the monthly report function stores a period's report in the audit bucket. */
export const REPORTS_PREFIX = 'transparency/reports/';

export const reportKey = (period: string, lang: Lang, format: keyof typeof REPORT_CONTENT_TYPES): string =>
  `${REPORTS_PREFIX}${period}/${reportBaseName(period, lang)}.${format}`;
