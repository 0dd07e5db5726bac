/**
 * Both reports fit where they are read, in real headless Chromium: the works council's transparency
 * report (the example month, in French and English, and with 40 teams) and the compliance report, on
 * a 1280-px screen, on a 390-px phone and printed on A4.
 *
 * At each width: the page never scrolls sideways, no element is wider than its container (a table in
 * a scroll box counts: the box must not need to scroll), no text is cut (a box that clips or
 * ellipsizes holds all of its text), no chart text leaves its chart, and every chart has a visible
 * legend or note under it. The compliance report is checked with its folded details closed and open.
 * A4 is checked as print media at the width of an A4 page's text (210 mm − 2 × 12 mm = 703 px at
 * 96 dpi), and the PDF is rendered.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MonthData, parseMonthData } from '../../lambda/core/transparency/model';
import { renderTransparencyHtml } from '../../lambda/core/transparency/render/html';
import { reportOnAssembly } from '../../lib/report/engine';
import { renderHtml } from '../../lib/report/render';
import { exampleMonthData } from '../../lib/transparency-report/example';
import { writeTransparencyReport } from '../../lib/transparency-report/index';
import { launchChromium } from '../support/chromium';
import { synthAssembly } from '../support/report-fixture';
import { withExtraTeams } from '../support/transparency-month';

const out = mkdtempSync(join(tmpdir(), 'layout-browser-'));
const compliance = join(out, 'compliance-report.html');
writeFileSync(compliance, renderHtml(reportOnAssembly(synthAssembly())));
/** The example month with 36 more teams of 3 agents: a larger centre's page must fit as well. */
function fortyTeams(): MonthData {
  return parseMonthData(
    withExtraTeams(structuredClone(exampleMonthData()), 36, (t) => `Équipe régionale ${t + 1}`),
  );
}
const forty = join(out, 'forty-teams.html');
writeFileSync(forty, renderTransparencyHtml(fortyTeams()));

const reports = {
  transparency: writeTransparencyReport(exampleMonthData(), out, 'fr').html,
  'transparency (en)': writeTransparencyReport(exampleMonthData(), out, 'en').html,
  'transparency (40 teams)': forty,
  compliance,
};

let context: BrowserContext;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ context, close } = await launchChromium());
});

afterAll(async () => {
  await close?.();
  rmSync(out, { recursive: true, force: true });
});

/**
 * Every layout problem of the page, named. A string, not a function: the tests' TypeScript has no
 * DOM library. Visually hidden elements (the screen-reader-only header of a card table) are skipped.
 */
const PROBLEMS = `(() => {
  const hidden = (el) => {
    for (let p = el; p; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (cs.display === 'none' || (cs.position === 'absolute' && cs.clip !== 'auto')) return true;
    }
    return false;
  };
  const name = (el) =>
    el.tagName.toLowerCase() +
    (el.getAttribute('data-testid') ? '[' + el.getAttribute('data-testid') + ']' : '') +
    ' in ' + (el.closest('section, [id]')?.id || 'the page') +
    ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth)
    problems.push('the page scrolls sideways: ' + root.scrollWidth + ' > ' + root.clientWidth);
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    if (hidden(el)) continue;
    const b = el.getBoundingClientRect();
    if (b.width === 0 && b.height === 0) continue;
    let c = el.parentElement;
    while (c && ['inline', 'contents'].includes(getComputedStyle(c).display)) c = c.parentElement;
    if (c && c !== root) {
      const cb = c.getBoundingClientRect();
      if (b.right > cb.right + 1 || b.left < cb.left - 1)
        problems.push('wider than its container: ' + name(el) + ' ' + Math.round(b.width) + ' px in ' + Math.round(cb.width));
    }
    const cs = getComputedStyle(el);
    if (['auto', 'scroll', 'hidden', 'clip'].includes(cs.overflowX) || cs.textOverflow === 'ellipsis') {
      if (el.scrollWidth > el.clientWidth + 1)
        problems.push('cut or scrolling: ' + name(el) + ' ' + el.scrollWidth + ' > ' + el.clientWidth);
    }
  }
  for (const svg of document.querySelectorAll('svg[role="img"]')) {
    const f = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBoundingClientRect();
      if (b.width === 0) continue;
      if (b.left < f.left - 1 || b.right > f.right + 1 || b.top < f.top - 1 || b.bottom > f.bottom + 1)
        problems.push('text outside its chart: ' + svg.getAttribute('data-testid') + ' "' + t.textContent + '"');
    }
    const cap = svg.closest('figure')?.querySelector(':scope > figcaption');
    const shown = cap && cap.textContent.trim().length > 0 && cap.getBoundingClientRect().height > 0 &&
      getComputedStyle(cap).visibility !== 'hidden';
    if (!shown) problems.push('no visible legend or note: ' + svg.getAttribute('data-testid'));
  }
  return problems;
})()`;

const OPEN_DETAILS = `(() => { for (const d of document.querySelectorAll('details')) d.open = true; })()`;

const MODES = [
  ['a 1280-px screen', 1280, 'screen'],
  ['a 390-px phone', 390, 'screen'],
  ['printed on A4 (703 px of text)', 703, 'print'],
] as const;

async function open(file: string, width: number, media: 'screen' | 'print'): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ media });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return page;
}

describe.each(Object.entries(reports))('the %s report fits', (_name, file) => {
  it.each(MODES)('on %s', async (_mode, width, media) => {
    const page = await open(file, width, media);
    try {
      const charts = Number(await page.evaluate(`document.querySelectorAll('svg[role="img"]').length`));
      if (file !== compliance) expect(charts).toBeGreaterThan(10);
      expect(await page.evaluate(PROBLEMS)).toEqual([]);
      if (file === compliance) {
        await page.evaluate(OPEN_DETAILS);
        expect(await page.evaluate(PROBLEMS)).toEqual([]);
      }
      if (media === 'print') {
        const pdf = await page.pdf({ format: 'A4' });
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      }
    } finally {
      await page.close();
    }
  });
});

describe('the layout checks can fail', () => {
  it('names a table wider than its box, a cut text and a chart without a legend', async () => {
    const page = await open(reports.transparency, 1280, 'screen');
    try {
      await page.evaluate(`(() => {
        const s3 = document.querySelector('#s3 table');
        s3.style.tableLayout = 'fixed';
        s3.style.width = '2000px';
        const lead = document.querySelector('#s1 .lead');
        Object.assign(lead.style, { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', width: '80px' });
        document.querySelector('#s6 figcaption').remove();
      })()`);
      const problems = (await page.evaluate(PROBLEMS)) as string[];
      expect(problems.some((p) => p.startsWith('the page scrolls sideways'))).toBe(false);
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^wider than its container: table\[table-listens\] in s3 .* 2000 px/),
          expect.stringMatching(/^cut or scrolling: p in s1 /),
          'no visible legend or note: chart-requests',
        ]),
      );
    } finally {
      await page.close();
    }
  });
});
