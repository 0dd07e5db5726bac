/**
 * The transparency report in real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core): no console error, no request but the page itself, every chart drawn with the
 * expected marks and no overlapping labels, and every number equal in the model, the page and the CSV.
 * Full-page screenshots go to test/__screenshots__/ (gitignored) for a human to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_FORMAT, parseCsv } from '../../lambda/core/transparency/csv';
import type { MonthData } from '../../lambda/core/transparency/model';
import type { Lang } from '../../lambda/core/transparency/render/i18n';
import { exampleMonthData } from '../../lib/transparency-report/example';
import { writeTransparencyReport } from '../../lib/transparency-report/index';
import { launchChromium } from '../support/chromium';

const SCREENSHOTS = fileURLToPath(new URL('../__screenshots__/', import.meta.url));
const model = exampleMonthData();
const out = mkdtempSync(join(tmpdir(), 'transparency-browser-'));
const files = {
  fr: writeTransparencyReport(model, out, 'fr'),
  en: writeTransparencyReport(model, out, 'en'),
};

let context: BrowserContext;
let close: () => Promise<void>;

beforeAll(async () => {
  // Throws "Chromium not found … apt-get install -y chromium" when missing: the suite fails, never skips.
  ({ context, close } = await launchChromium());
});

afterAll(async () => {
  await close?.();
  rmSync(out, { recursive: true, force: true });
});

/** Independent expectations, computed here from the raw model (not with the report's helpers). */
function expected(m: MonthData) {
  const med = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const k = s.length >> 1;
    return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
  };
  const byTeam = (team: string) => {
    const agents = m.agents.filter((a) => team === '*' || a.team === team);
    // Calls, not contact legs (a transfer is several legs of one call): the model's call counts.
    const callRow = team === '*' ? m.calls.total : m.calls.byTeam.find((c) => c.team === team)!;
    const calls = callRow.calls;
    const recorded = callRow.recorded;
    const transferred = callRow.transferred;
    const listens = agents.filter((a) => a.recorded > 0).map((a) => a.listens);
    const loads = m.coaches.filter((c) => team === '*' || c.team === team).map((c) => c.listens);
    return {
      calls,
      recorded,
      transferred,
      rate: recorded / calls,
      listensMin: Math.min(...listens),
      listensMedian: med(listens),
      listensMax: Math.max(...listens),
      coachLoadMax: Math.max(...loads),
      deletions: m.requests.filter((r) => r.kind === 'deletion' && (team === '*' || r.agentTeam === team))
        .length,
      redactions: m.requests.filter((r) => r.kind === 'redaction' && (team === '*' || r.agentTeam === team))
        .length,
    };
  };
  return { byTeam, teams: [...m.teams.map((t) => t.id), '*'] };
}

interface Loaded {
  page: Page;
  consoleErrors: string[];
  foreignRequests: string[];
}

async function load(lang: Lang): Promise<Loaded> {
  const url = pathToFileURL(files[lang].html).href;
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning')
      consoleErrors.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  await page.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    foreignRequests.push(route.request().url());
    return route.abort();
  });
  page.on('request', (req) => {
    if (req.url() !== url && !foreignRequests.includes(req.url())) foreignRequests.push(req.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  return { page, consoleErrors, foreignRequests };
}

async function values(page: Page): Promise<Map<string, string>> {
  const pairs = await page.$$eval('[data-testid][data-value]', (els) =>
    els.map((e) => [e.getAttribute('data-testid')!, e.getAttribute('data-value')!] as const),
  );
  const map = new Map<string, string>();
  for (const [k, v] of pairs) {
    expect(map.has(k), `data-testid ${k} appears twice`).toBe(false);
    map.set(k, v);
  }
  return map;
}

const num = (map: Map<string, string>, key: string): number => {
  const v = map.get(key);
  expect(v, `no data-value for ${key}`).toBeDefined();
  return Number(v);
};

describe.each(['fr', 'en'] as const)('transparency report in Chromium (%s)', (lang) => {
  let loaded: Loaded;
  beforeAll(async () => {
    loaded = await load(lang);
  });
  afterAll(async () => {
    await loaded?.page.close();
  });

  it('loads with no console error and no request but the page itself', () => {
    expect(loaded.consoleErrors).toEqual([]);
    expect(loaded.foreignRequests).toEqual([]);
  });

  it(`is in ${lang === 'fr' ? 'French' : 'English'}`, async () => {
    const { page } = loaded;
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    const h2 = await page.textContent('#s1-h');
    if (lang === 'fr') {
      expect(h2).toContain('Part des appels enregistrés');
      expect(await page.textContent('#s5-h')).toContain('Qui a écouté qui');
      // French typography: decimal comma and a narrow no-break space before %.
      expect(await page.textContent('[data-testid="s1:rate:*"]')).toMatch(/^\d+,\d\u202f%$/);
      expect(await page.textContent('header')).toMatch(/Période\u00a0: mars 2027/);
    } else {
      expect(h2).toContain('Share of calls recorded');
      expect(await page.textContent('[data-testid="s1:rate:*"]')).toMatch(/^\d+\.\d%$/);
    }
  });

  it('renders every chart, with the expected marks', async () => {
    const { page } = loaded;
    const eligible = model.agents.filter((a) => !a.excluded);
    const marks: Record<string, number> = {
      'chart-share': model.teams.length + 1,
      'chart-recordings': eligible.length,
      'chart-pacing:*': eligible.length + 3,
      ...Object.fromEntries(
        model.teams.map((t) => [`chart-pacing:${t.id}`, eligible.filter((a) => a.team === t.id).length + 3]),
      ),
      'chart-listens': model.teams.length + 1,
      'chart-coaches': model.coaches.length,
      'chart-matrix': model.teams.length ** 2,
      'chart-requests': 4,
      'chart-seed': 3,
      'chart-reasons': 7,
      'chart-time': 48, // 24 hours × (share of calls, share of recordings)
    };
    const charts = await page.$$eval('svg[role="img"]', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const ids = (svg.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean);
        return {
          testid: svg.getAttribute('data-testid'),
          width: box.width,
          height: box.height,
          labelled:
            ids.length === 2 && ids.every((id: string) => svg.ownerDocument.getElementById(id)?.textContent),
          marks: svg.querySelectorAll('[data-mark]').length,
          visibleMarks: [...svg.querySelectorAll('[data-mark]')].filter((e) => {
            const b = e.getBoundingClientRect();
            return b.width > 0 || b.height > 0;
          }).length,
        };
      }),
    );
    expect(charts.map((c) => c.testid).sort()).toEqual(Object.keys(marks).sort());
    for (const c of charts) {
      expect(c.width, `${c.testid} width`).toBeGreaterThan(100);
      expect(c.height, `${c.testid} height`).toBeGreaterThan(50);
      expect(c.labelled, `${c.testid} title and desc`).toBeTruthy();
      expect(c.marks, `${c.testid} marks`).toBe(marks[c.testid!]);
      expect(c.visibleMarks, `${c.testid} visible marks`).toBe(marks[c.testid!]);
    }
    // Every chart has a table beside it, with a caption and header cells with a scope.
    const tables = await page.$$eval('table', (ts) =>
      ts.map((t) => ({
        caption: t.querySelector('caption')?.textContent ?? '',
        scoped: [...t.querySelectorAll('th')].every(
          (th) => th.getAttribute('scope') === 'col' || th.getAttribute('scope') === 'row',
        ),
      })),
    );
    expect(tables.length).toBeGreaterThanOrEqual(9);
    for (const t of tables) {
      expect(t.caption.length).toBeGreaterThan(5);
      expect(t.scoped).toBe(true);
    }
  });

  it('has no overlapping labels inside any chart', async () => {
    const overlaps = await loaded.page.$$eval('svg[role="img"]', (svgs) => {
      const found: string[] = [];
      for (const svg of svgs) {
        const boxes = [...svg.querySelectorAll('text')]
          .map((t) => ({ text: t.textContent ?? '', box: t.getBoundingClientRect() }))
          .filter((b) => b.box.width > 0);
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i]!.box;
            const b = boxes[j]!.box;
            const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (dx > 1 && dy > 2) found.push(`${svg.id}: "${boxes[i]!.text}" × "${boxes[j]!.text}"`);
          }
        }
        const frame = svg.getBoundingClientRect();
        for (const b of boxes) {
          if (b.box.right > frame.right + 1 || b.box.left < frame.left - 1)
            found.push(`${svg.id}: "${b.text}" outside`);
        }
      }
      return found;
    });
    expect(overlaps).toEqual([]);
  });

  it('shows the numbers of the model, in the charts, the tables and the CSV', async () => {
    const map = await values(loaded.page);
    const exp = expected(model);
    const { separator } = CSV_FORMAT[lang];
    const csv = parseCsv(readFileSync(files[lang].csv, 'utf8'), separator);
    const csvNum = (s: string) => (s === '' ? null : Number(s.replace(',', '.')));
    expect(csv).toHaveLength(model.teams.length + 2);
    exp.teams.forEach((team, i) => {
      const e = exp.byTeam(team);
      const row = csv[i + 1]!;
      expect(row[0]).toBe(model.period);
      expect(row[1]).toBe(team);
      // Page tables.
      expect(num(map, `s1:calls:${team}`)).toBe(e.calls);
      expect(num(map, `s1:transferred:${team}`)).toBe(e.transferred);
      expect(num(map, `s1:recorded:${team}`)).toBe(e.recorded);
      expect(num(map, `s1:rate:${team}`)).toBeCloseTo(e.rate, 6);
      expect(num(map, `s3:min:${team}`)).toBe(e.listensMin);
      expect(num(map, `s3:median:${team}`)).toBe(e.listensMedian);
      expect(num(map, `s3:max:${team}`)).toBe(e.listensMax);
      expect(num(map, `s4:load-max:${team}`)).toBe(e.coachLoadMax);
      // Chart marks say the same.
      expect(num(map, `m1:rate:${team}`)).toBe(num(map, `s1:rate:${team}`));
      // CSV.
      expect(csvNum(row[4]!)).toBe(e.calls);
      expect(csvNum(row[5]!)).toBe(e.transferred);
      expect(csvNum(row[6]!)).toBe(e.recorded);
      expect(csvNum(row[7]!)).toBeCloseTo(e.rate * 100, 2);
      expect([csvNum(row[8]!), csvNum(row[9]!), csvNum(row[10]!)]).toEqual([
        e.listensMin,
        e.listensMedian,
        e.listensMax,
      ]);
      expect(csvNum(row[11]!)).toBe(e.coachLoadMax);
      expect(csvNum(row[12]!)).toBe(e.deletions);
      expect(csvNum(row[13]!)).toBe(e.redactions);
      expect(csvNum(row[14]!)).toBe(0);
    });
    const ranges = await loaded.page.$$eval('[data-mark="range"]', (gs) =>
      gs.map((g) => [
        g.getAttribute('data-testid'),
        g.getAttribute('data-min'),
        g.getAttribute('data-median'),
        g.getAttribute('data-max'),
      ]),
    );
    for (const [testid, min, medianV, max] of ranges) {
      const team = testid!.split(':')[2]!;
      expect([Number(min), Number(medianV), Number(max)]).toEqual([
        num(map, `s3:min:${team}`),
        num(map, `s3:median:${team}`),
        num(map, `s3:max:${team}`),
      ]);
    }
    for (const c of model.coaches) {
      expect(num(map, `m4:listens:${c.id}`)).toBe(c.listens);
      expect(num(map, `s4:listens:${c.id}`)).toBe(c.listens);
    }
    for (const [reason, n] of Object.entries(model.reasons)) {
      expect(num(map, `m8:${reason}`)).toBe(n);
      expect(num(map, `s8:count:${reason}`)).toBe(n);
    }
    for (const kind of ['deletion', 'redaction'] as const) {
      for (const arrival of ['request-first', 'file-first'] as const) {
        const rs = model.requests.filter((r) => r.kind === kind && r.arrival === arrival);
        expect(num(map, `s6:requests:${kind}:${arrival}`)).toBe(rs.length);
        const secs = rs
          .filter((r) => r.completedAt)
          .map((r) => (Date.parse(r.completedAt!) - Date.parse(r.requestedAt)) / 1000);
        expect(num(map, `s6:max:${kind}:${arrival}`)).toBeCloseTo(Math.max(...secs), 3);
      }
    }
    // KPI tiles.
    expect(num(map, 'kpi:share')).toBeCloseTo(exp.byTeam('*').rate, 6);
    expect(num(map, 'kpi:coach-max')).toBe(exp.byTeam('*').coachLoadMax);
    expect(num(map, 'kpi:breaches')).toBe(0);
    expect(num(map, 'verdict')).toBe(1);
    for (const check of ['committed-before', 'seed-matches', 'decisions', 'audit'])
      expect(num(map, `s7:${check}`)).toBe(1);
    expect(await loaded.page.textContent('[data-testid="s7:commitment"]')).toBe(model.seeds.commitment);
    // Pacing: the highest agent never above the staircase, at any checkpoint.
    const pacing = await loaded.page.$$eval('[data-testid^="s2:pacing:"]', (tds) =>
      tds.map((td) => [Number(td.getAttribute('data-value')), Number(td.getAttribute('data-limit'))]),
    );
    expect(pacing.length).toBeGreaterThan(0);
    for (const [max, limit] of pacing) expect(max).toBeLessThanOrEqual(limit!);
  });

  it('shows an empty diagonal in the cross-team matrix', async () => {
    const map = await values(loaded.page);
    let offDiagonal = 0;
    for (const r of model.teams) {
      for (const c of model.teams) {
        const n = model.assignments.filter((x) => x.coachTeam === r.id && x.agentTeam === c.id).length;
        expect(num(map, `m5:cell:${r.id}:${c.id}`)).toBe(n);
        expect(num(map, `s5:cell:${r.id}:${c.id}`)).toBe(n);
        if (r.id === c.id) expect(n).toBe(0);
        else offDiagonal += n;
      }
    }
    expect(offDiagonal).toBe(model.assignments.length);
    const diagonal = await loaded.page.$$eval('[data-diagonal="true"]', (els) =>
      els.map((e) => [e.getAttribute('data-value'), e.tagName.toLowerCase(), e.textContent]),
    );
    expect(diagonal).toHaveLength(2 * model.teams.length);
    for (const [value, tag, content] of diagonal) {
      expect(value).toBe('0');
      if (tag === 'td') expect(content).toBe('—');
    }
  });

  it('says "simulated data" above the report on screen and at the top of every printed page', async () => {
    const { page } = loaded;
    const label = lang === 'fr' ? 'Données simulées — ne décrit aucun salarié réel' : 'Simulated data';
    expect(await page.textContent('[data-testid="watermark"]')).toContain(label);
    expect(await page.isVisible('[data-testid="watermark"]')).toBe(true);
    await page.emulateMedia({ media: 'print' });
    try {
      // position: fixed in print is what Chromium repeats on every page.
      // A string: the test tree is typed without the DOM library.
      const style = await page.evaluate(`(() => {
        const cs = getComputedStyle(document.querySelector('[data-testid="watermark"]'));
        return { position: cs.position, top: cs.top, display: cs.display };
      })()`);
      expect(style).toEqual({ position: 'fixed', top: '0px', display: 'block' });
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.length).toBeGreaterThan(10_000);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('saves a full-page screenshot', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `transparency-${lang}.png`);
    const png = await loaded.page.screenshot({ path, fullPage: true });
    expect(png.length).toBeGreaterThan(50_000);
    // A4 print layout renders too.
    await loaded.page.emulateMedia({ media: 'print' });
    await loaded.page.setViewportSize({ width: 794, height: 1123 });
    await loaded.page.screenshot({
      path: join(SCREENSHOTS, `transparency-${lang}-print.png`),
      fullPage: true,
    });
    await loaded.page.emulateMedia({ media: 'screen' });
    await loaded.page.setViewportSize({ width: 1280, height: 900 });
  });
});

// Layout (1280 px, 390 px, A4; no overflow, no cut text, a legend under every chart): layout.test.ts.
