import { describe, expect, it } from 'vitest';
import { buildMonthModel } from '../../../../../lambda/core/transparency/build';
import { renderTransparencyCsv } from '../../../../../lambda/core/transparency/csv';
import {
  REPORT_CONTENT_TYPES,
  renderReportFiles,
  reportBaseName,
  reportKey,
} from '../../../../../lambda/core/transparency/render/files';
import { renderTransparencyHtml } from '../../../../../lambda/core/transparency/render/html';
import { monthInput } from '../../../../support/transparency-month';

describe('the report’s files', () => {
  const m = buildMonthModel(monthInput());

  it('names the French report after the period alone, another language with its code', () => {
    expect(reportBaseName('2026-11', 'fr')).toBe('transparency-2026-11');
    expect(reportBaseName('2026-11', 'en')).toBe('transparency-2026-11.en');
    expect(reportKey('2026-11', 'en', 'csv')).toBe(
      'transparency/reports/2026-11/transparency-2026-11.en.csv',
    );
    expect(reportKey('2026-11', 'fr', 'html')).toBe('transparency/reports/2026-11/transparency-2026-11.html');
    expect(REPORT_CONTENT_TYPES).toEqual({
      html: 'text/html; charset=utf-8',
      csv: 'text/csv; charset=utf-8',
    });
  });

  it.each(['fr', 'en'] as const)('holds the page and the spreadsheet in %s', (lang) => {
    const base = lang === 'fr' ? 'transparency-2026-11' : 'transparency-2026-11.en';
    expect(renderReportFiles(m, lang)).toEqual({
      html: { name: `${base}.html`, body: renderTransparencyHtml(m, { lang }) },
      csv: { name: `${base}.csv`, body: renderTransparencyCsv(m, { lang }) },
    });
  });
});
