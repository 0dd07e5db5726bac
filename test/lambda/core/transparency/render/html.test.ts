import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseMonthData } from '../../../../../lambda/core/transparency/model';
import { frenchSpacing } from '../../../../../lambda/core/transparency/render/i18n';
import { run } from '../../../../../lib/cli/transparency';
import { exampleMonthData } from '../../../../../lib/transparency-report/example';
import {
  renderTransparencyHtml,
  writeTransparencyReport,
} from '../../../../../lib/transparency-report/index';

const m = exampleMonthData();
const root = mkdtempSync(join(tmpdir(), 'transparency-html-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('transparency HTML (no browser)', () => {
  it('is self-contained: no script, no external URL, a CSP that forbids fetching', () => {
    const html = renderTransparencyHtml(m);
    expect(html).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\((?!#)/i);
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
  });

  it('gives each table its own caption and each chart a key: §3 names its markers, §6 its log scale', () => {
    const html = renderTransparencyHtml(m);
    const captions = [...html.matchAll(/<caption>([^<]+)<\/caption>/g)].map((c) => c[1]);
    expect(new Set(captions).size).toBe(captions.length);
    const s4 = /<section id="s4"[\s\S]*?<\/section>/.exec(html)![0];
    expect([...s4.matchAll(/<caption>([^<]+)<\/caption>/g)].map((c) => c[1])).toEqual([
      'Coachs et coach le plus chargé, par équipe',
      'Écoutes par coach',
    ]);
    const key = (n: number) =>
      new RegExp(`<section id="s${n}"[\\s\\S]*?<figcaption class="legend">([\\s\\S]*?)</figcaption>`)
        .exec(html)![1]!
        .replace(/<[^>]+>/g, ' ');
    expect(key(3)).toMatch(
      /le moins et le plus d’écoutes d’un agent[\s\S]*médiane[\s\S]*fourchette de la politique/,
    );
    expect(key(6)).toMatch(/Échelle logarithmique/);
    expect(key(8)).toMatch(/Un appel transféré compte une fois/);
    // Every chart's figure has its key (the pacing panels share one).
    const figures = [...html.matchAll(/<figure[^>]*>([\s\S]*?)<\/figure>/g)].map((f) => f[1]!);
    expect(figures.length).toBeGreaterThanOrEqual(10);
    for (const f of figures) expect(f).toMatch(/<figcaption class="legend">/);
    expect(renderTransparencyHtml(m, { lang: 'en' })).toMatch(/Logarithmic scale/);
  });

  it('lists the cross-team matrix as pairs of teams beyond 8 teams: every listen and every diagonal cell', () => {
    const big = structuredClone(m);
    for (let t = 0; t < 6; t++) {
      big.teams.push({ id: `extra-${t}`, name: `Équipe ${t}` });
      big.calls.byTeam.push({ team: `extra-${t}`, calls: 0, recorded: 0, transferred: 0 });
      for (let k = 0; k < 3; k++)
        big.agents.push({
          id: `B${t}${k}0`,
          team: `extra-${t}`,
          excluded: false,
          decisions: 0,
          recorded: 0,
          recordings: [],
          listens: 0,
          planExtra: 0,
        });
    }
    const html = renderTransparencyHtml(parseMonthData(big));
    const tbl = /<table data-testid="table-matrix"[\s\S]*?<\/table>/.exec(html)![0];
    expect(tbl.match(/<th scope="col"/g)).toHaveLength(3);
    const cells = [...tbl.matchAll(/data-testid="s5:cell:([^:"]+):([^:"]+)" data-value="(\d+)"/g)];
    expect(cells.reduce((s, c) => s + Number(c[3]), 0)).toBe(big.assignments.length);
    expect(cells.filter((c) => c[1] === c[2]).map((c) => c[3])).toEqual(big.teams.map(() => '0'));
  });

  it('labels every chart with a title and a description', () => {
    const html = renderTransparencyHtml(m, { lang: 'en' });
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    const svgs = [...html.matchAll(/<svg [^>]*aria-labelledby="([^"]+)"/g)];
    expect(svgs.length).toBe(14);
    for (const [, ids] of svgs) {
      const [title, desc] = ids!.split(' ');
      expect(html).toContain(`<title id="${title}">`);
      expect(html).toContain(`<desc id="${desc}">`);
    }
  });

  it('shows the time profile of recording: by week and by hour, calls against recordings', () => {
    const html = renderTransparencyHtml(m, { lang: 'en' });
    const value = (id: string) =>
      Number(new RegExp(`data-testid="${id}" data-value="([^"]+)"`).exec(html)?.[1]);
    const profile = m.timeProfile!;
    const calls = profile.hours.reduce((s, b) => s + b.calls, 0);
    const recorded = profile.hours.reduce((s, b) => s + b.recorded, 0);
    // Calls, not contact legs: the example month has transfers, so fewer calls than decisions.
    expect(m.calls.total.transferred).toBeGreaterThan(0);
    expect(calls).toBe(m.calls.total.calls);
    expect(calls).toBeLessThan(m.agents.reduce((s, a) => s + a.decisions, 0));
    expect(recorded).toBe(m.calls.total.recorded);
    profile.weeks.forEach((b, i) => {
      expect(value(`s9:calls:w${i + 1}`)).toBe(b.calls);
      expect(value(`s9:recorded:w${i + 1}`)).toBe(b.recorded);
    });
    const busiest = profile.hours.reduce(
      (best, b, h) => (b.calls > profile.hours[best]!.calls ? h : best),
      0,
    );
    expect(value(`s9:rate:h${busiest}`)).toBeCloseTo(
      profile.hours[busiest]!.recorded / profile.hours[busiest]!.calls,
      4,
    );
    expect(value(`m9:recordings:${busiest}`)).toBeCloseTo(profile.hours[busiest]!.recorded / recorded, 2);
    expect(html).toContain('When calls are recorded');
    // A month without a profile (an older producer) has no such section.
    expect(renderTransparencyHtml({ ...m, timeProfile: undefined }, { lang: 'en' })).not.toContain('id="s9"');
  });

  it('escapes team names', () => {
    const odd = structuredClone(m);
    odd.teams[0]!.name = '<script>alert(1)</script> & "co"';
    const html = renderTransparencyHtml(odd);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('uses French typography', () => {
    expect(frenchSpacing('Période : mars ; « oui » ? 30 %')).toBe(
      'Période\u00a0: mars\u202f; «\u202foui\u202f»\u202f? 30\u202f%',
    );
    const html = renderTransparencyHtml(m);
    expect(html).toContain('Période\u00a0: <b');
    expect(html).toMatch(/\d,\d\u202f%/);
    expect(html).toContain('1er avril 2027');
  });

  it('does not claim verifications its producer did not run', () => {
    const { verification: _ran, ...unverified } = structuredClone(m);
    const html = renderTransparencyHtml(unverified);
    expect(html).toContain('data-testid="s7:audit" data-value="0"');
    expect(html).toContain('data-testid="s7:decisions" data-value="0"');
    expect(html).toContain('Non vérifié par le producteur de ce rapport');
    expect(html).toContain('data-testid="verdict" data-value="0"');
  });

  it('says so when a commitment is broken', () => {
    const bad = structuredClone(m);
    bad.assignments[0]!.coachTeam = bad.assignments[0]!.agentTeam;
    bad.verification!.audit.ok = false;
    const html = renderTransparencyHtml(bad);
    expect(html).toContain('data-testid="verdict" data-value="0"');
    expect(html).toContain('data-testid="status:5" data-value="0"');
    expect(html).toContain('data-testid="s7:audit" data-value="0"');
  });
});

describe('fairlisten transparency', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
  });
  afterEach(() => vi.restoreAllMocks());

  it('writes both files from month.json and prints their paths', async () => {
    const dir = join(root, 'cli');
    const input = join(root, 'month.json');
    writeTransparencyReport(m, dir); // also proves the export works for `npm start`
    const { writeFileSync } = await import('node:fs');
    writeFileSync(input, JSON.stringify(m));
    expect(await run(['--month-data', input, '--out', dir, '--lang', 'en'])).toBe(0);
    expect(out).toEqual([
      join(dir, 'transparency-2027-03.en.html'),
      join(dir, 'transparency-2027-03.en.csv'),
    ]);
    expect(readFileSync(out[0]!, 'utf8')).toContain('<html lang="en">');
    expect(readFileSync(join(dir, 'transparency-2027-03.html'), 'utf8')).toContain('<html lang="fr">');
  });

  it('rejects invalid month data with the path of each problem', async () => {
    const input = join(root, 'bad.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(input, JSON.stringify({ ...m, agents: [{ ...m.agents[0], id: 'Jean Martin' }] }));
    expect(await run(['--month-data', input, '--out', join(root, 'bad')])).toBe(1);
    expect(err.join('\n')).toMatch(/agents\.0\.id: agent id "Jean Martin" is not an opaque pseudonym/);
  });

  it('rejects bad usage', async () => {
    expect(await run([])).toBe(2);
    expect(await run(['--example', '--lang', 'de'])).toBe(2);
  });
});

describe('honest labels', () => {
  it('marks a simulated month on the page, in both languages, and only a simulated one', () => {
    const fr = renderTransparencyHtml(m);
    expect(fr).toContain(
      '<p class="watermark" role="note" data-testid="watermark">Données simulées — ne décrit aucun salarié réel</p>',
    );
    // Repeated at the top of every printed page.
    expect(fr).toMatch(/@media print\{[^}]*\{[^}]*\}[^@]*\.watermark\{position:fixed;top:0/);
    expect(renderTransparencyHtml(m, { lang: 'en' })).toContain(
      'Simulated data — describes no real employee',
    );
    const live = renderTransparencyHtml({ ...m, simulated: false });
    expect(live).not.toContain('data-testid="watermark"');
    expect(live).not.toContain('Données simulées');
  });

  it('speaks the French a works council reads', () => {
    const fr = renderTransparencyHtml(m);
    expect(fr).toContain('demandée pendant l’appel');
    expect(fr).toContain('demandée après l’appel');
    expect(fr).not.toMatch(/demandé (pendant|après)/);
    expect(fr).toMatch(/chaînes de hachage, [\d\u202f\u00a0]+ entrées/);
    expect(fr).not.toMatch(/engagée/);
    expect(fr).toContain('Empreinte publiée avant le début du mois');
    expect(fr).toContain('✓ conforme');
    expect(fr).not.toMatch(/✓ tenu/);
    expect(fr).toContain('heure de Paris');
    expect(fr).not.toContain('Heures en Europe/Paris');
  });
});

describe('the badges C1 to C10', () => {
  it.each(['fr', 'en'] as const)(
    'are each explained in one line naming the works council’s opinion (%s)',
    (lang) => {
      const html = renderTransparencyHtml(m, { lang });
      const legend = html.match(/<ul data-testid="concern-legend">(.*?)<\/ul>/)?.[1] ?? '';
      const items = [...legend.matchAll(/<li>(.*?)<\/li>/g)].map((x) => x[1]!);
      expect(items.map((i) => i.split(' ')[0])).toEqual(Array.from({ length: 10 }, (_v, k) => `C${k + 1}`));
      expect(html).toContain(
        lang === 'fr'
          ? 'l’avis du CSE sur l’outil d’enregistrement'
          : 'works council’s opinion on the call recording tool',
      );
      // Every badge on the page is one the legend explains.
      for (const tag of html.matchAll(/<span class="tag" title="([^"]*)">(C\d+)<\/span>/g)) {
        expect(legend).toContain(`${tag[2]} —`);
        // Its tooltip is its line of the list.
        expect(tag[1]).toMatch(new RegExp(`^${tag[2]} — `));
        expect(items).toContain(tag[1]);
      }
    },
  );
});
