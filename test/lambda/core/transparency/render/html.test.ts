import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildMonthModel } from '../../../../../lambda/core/transparency/build';
import { type MonthData, parseMonthData } from '../../../../../lambda/core/transparency/model';
import { frenchSpacing } from '../../../../../lambda/core/transparency/render/i18n';
import { run } from '../../../../../lib/cli/transparency';
import { exampleMonthData } from '../../../../../lib/transparency-report/example';
import {
  renderTransparencyHtml,
  writeTransparencyReport,
} from '../../../../../lib/transparency-report/index';
import { knownMonthInput, withExtraTeams } from '../../../../support/transparency-month';

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
    const big = withExtraTeams(structuredClone(m), 6, (t) => `Équipe ${t}`);
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

describe('§1, the recorded share per team, for a month known by hand', () => {
  const render = () => renderTransparencyHtml(buildMonthModel(knownMonthInput()), { lang: 'en' });

  it('tables every team’s calls, transfers, recorded calls and share, then all teams', () => {
    const tbl = /<table data-testid="table-share"[\s\S]*?<\/table>/.exec(render())![0];
    const head = ['Team', 'Calls answered', 'of which transferred', 'Calls recorded', 'Share recorded'];
    const td = (col: number, id: string, team: string, value: string | null, shown: string) =>
      `<td data-label="${head[col]}" class="n" data-testid="s1:${id}:${team}"${value === null ? '' : ` data-value="${value}"`}>${shown}</td>`;
    const tr = (
      team: string,
      label: string,
      [calls, transferred, recorded]: number[],
      rate: string | null,
      shown: string,
    ) =>
      `<tr><th data-label="Team" scope="row">${label}</th>${td(1, 'calls', team, `${calls}`, `${calls}`)}${td(2, 'transferred', team, `${transferred}`, `${transferred}`)}${td(3, 'recorded', team, `${recorded}`, `${recorded}`)}${td(4, 'rate', team, rate, shown)}</tr>`;
    expect(tbl).toBe(
      '<table data-testid="table-share" class="wide"><caption>Share of calls recorded, per team</caption><thead><tr>' +
        `<th scope="col">Team</th>${head
          .slice(1)
          .map((h) => `<th scope="col" class="n">${h}</th>`)
          .join('')}</tr></thead><tbody>` +
        tr('team-a', 'Team A', [3, 2, 3], '1', '100.0%') +
        tr('team-b', 'Team B', [6, 1, 3], '0.5', '50.0%') +
        tr('team-c', 'Team C', [0, 0, 0], null, '—') +
        tr('*', 'All teams', [8, 2, 6], '0.75', '75.0%') +
        '</tbody></table>',
    );
  });

  it('draws each share as a bar on an axis wide enough for the highest, with the ceiling and the lottery rate', () => {
    const chart = /<svg[^>]*id="chart-share"[\s\S]*?<\/svg>/.exec(render())![0];
    // The axis runs from x = 160 to 580 over 0 … 110 % (the highest share, 100 %, plus a tenth).
    const r2 = (n: number) => Math.round(n * 100) / 100;
    const x = (v: number) => r2(160 + (v * 420) / 1.1);
    expect(chart).toMatch(/^<svg [^>]*viewBox="0 0 640 184" width="640" height="184"/);
    const bars = [
      ...chart.matchAll(
        /<rect x="160" y="(\d+)" width="([\d.]+)" [^>]*fill="([^"]+)"[^>]*data-testid="m1:rate:([^"]+)"/g,
      ),
    ];
    expect(bars.map((b) => [b[4], Number(b[1]), Number(b[2]), b[3]])).toEqual([
      ['team-a', 46, r2((1 * 420) / 1.1), '#0072B2'],
      ['team-b', 76, r2((0.5 * 420) / 1.1), '#E69F00'],
      // No call: the bar is 1 px wide, so that the row still shows.
      ['team-c', 106, 1, '#009E73'],
      ['*', 136, r2((0.75 * 420) / 1.1), '#32383f'],
    ]);
    const values = [...chart.matchAll(/<text x="([\d.]+)" y="(\d+)" class="value">([^<]+)<\/text>/g)];
    expect(values.map((v) => [Number(v[1]), Number(v[2]), v[3]])).toEqual([
      [r2(160 + 420 / 1.1 + 6), 59, '100.0%'],
      [r2(160 + 210 / 1.1 + 6), 89, '50.0%'],
      [166, 119, '—'],
      [r2(160 + 315 / 1.1 + 6), 149, '75.0%'],
    ]);
    const labels = [
      ...chart.matchAll(
        /<text x="150" y="(\d+)" text-anchor="end" class="([^"]+)"><tspan x="150" dy="0">([^<]+)</g,
      ),
    ];
    expect(labels.map((l) => [Number(l[1]), l[2], l[3]])).toEqual([
      [59, 'label', 'Team A'],
      [89, 'label', 'Team B'],
      [119, 'label', 'Team C'],
      [149, 'label strong', 'All teams'],
    ]);
    // A rule separates the all-teams row, and only it.
    expect(chart.match(/<line x1="0" x2="640"[^>]*>/g)).toEqual([
      '<line x1="0" x2="640" y1="132" y2="132" stroke="#8c959f"/>',
    ]);
    expect(chart).toContain(
      `<text x="${x(0.2)}" y="28" text-anchor="middle" class="rule-label" fill="#57606a">lottery rate 20%</text>`,
    );
    expect(chart).toContain(
      `<line x1="${x(0.3)}" x2="${x(0.3)}" y1="18" y2="160" stroke="#cf222e" stroke-width="2" data-testid="ceiling-line"/>`,
    );
    expect(chart).toContain(
      `<text x="${x(0.3)}" y="13" text-anchor="middle" class="rule-label" fill="#cf222e">ceiling 30%</text>`,
    );
    expect(chart).toContain(
      `<line x1="${x(0.2)}" x2="${x(0.2)}" y1="32" y2="160" stroke="#57606a" stroke-width="2" stroke-dasharray="5 4" data-testid="rate-line"/>`,
    );
    const ticks = [
      ...chart.matchAll(
        /<line x1="([\d.]+)" x2="\1" y1="34" y2="160" stroke="#e6e9ec"\/><text x="\1" y="174" text-anchor="middle" class="tick">(\d+)%<\/text>/g,
      ),
    ];
    expect(ticks.map((t) => [Number(t[1]), Number(t[2])])).toEqual(
      Array.from({ length: 23 }, (_v, i) => [x(i * 0.05), i * 5]),
    );
  });

  it('marks the section kept only while every share is at or below 30 %, with its commitments and its key', () => {
    const section = (m: MonthData) =>
      /<section id="s1"[\s\S]*?<\/section>/.exec(renderTransparencyHtml(m, { lang: 'en' }))![0];
    const known = buildMonthModel(knownMonthInput());
    const ko = section(known);
    expect(ko).toMatch(/<span class="status ko" data-testid="status:1" data-value="0"/);
    expect(ko).toContain('<p class="lead">At least one team is above the ceiling.</p>');
    expect([...ko.matchAll(/<span class="tag"[^>]*>(C\d+)<\/span>/g)].map((t) => t[1])).toEqual(['C1', 'C4']);
    expect([...ko.matchAll(/<span class="sw ([^"]+)"><\/span>([^<]+)</g)].map((k) => [k[1], k[2]])).toEqual([
      ['sw-team', 'one bar per team, in the team’s colour; dark grey: all teams'],
      ['sw-ceiling', 'the binding ceiling (30%)'],
      ['sw-rate', 'the lottery rate (20%)'],
    ]);
    // Team A exactly at the ceiling (3 of 10 calls), the others below: kept.
    const at = structuredClone(known);
    at.calls.byTeam = [
      { team: 'team-a', calls: 10, recorded: 3, transferred: 0 },
      { team: 'team-b', calls: 10, recorded: 1, transferred: 0 },
      { team: 'team-c', calls: 0, recorded: 0, transferred: 0 },
    ];
    at.calls.total = { calls: 20, recorded: 4, transferred: 0 };
    const ok = section(at);
    expect(ok).toMatch(/<span class="status ok" data-testid="status:1" data-value="1"/);
    expect(ok).not.toContain('above the ceiling');
  });
});
