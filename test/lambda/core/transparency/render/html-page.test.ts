import { describe, expect, it } from 'vitest';
import type { MonthData } from '../../../../../lambda/core/transparency/model';
import { renderTransparencyHtml } from '../../../../../lib/transparency-report/index';
import { knownMonth } from '../../../../support/html-report';

// The known month (test/support/transparency-month.ts): 6 of 8 calls recorded (75 %, above the
// 30 % ceiling), at most 2 recordings per agent (cap 8), 1 … 2 listens (policy 1 … 4), the busiest
// coach at 3 (cap 40), no same-team listen, no breach, every verification passed.

/** Each key figure: its tile's class, its shown value, its raw value, and its line under it. */
const kpis = (html: string) =>
  [
    ...html.matchAll(
      /<div class="kpi (ok|ko)"><div class="l">([^<]*)<\/div><div class="v" data-testid="kpi:([^"]+)" data-value="([^"]*)">([^<]*)<\/div><div class="s">([^<]*)<\/div><\/div>/g,
    ),
  ].map((k) => [k[3], k[1], k[5], k[4], k[6]]);

/** The known month with every share at or below 30 %: every commitment kept. */
const keptMonth = (): MonthData => {
  const m = knownMonth();
  m.calls.byTeam = [
    { team: 'team-a', calls: 10, recorded: 3, transferred: 0 },
    { team: 'team-b', calls: 10, recorded: 1, transferred: 0 },
    { team: 'team-c', calls: 0, recorded: 0, transferred: 0 },
  ];
  m.calls.total = { calls: 20, recorded: 4, transferred: 0 };
  return m;
};

describe('the key figures at the top of the page, for a month known by hand', () => {
  it('shows each figure, its raw value and whether its commitment was kept', () => {
    expect(kpis(renderTransparencyHtml(knownMonth(), { lang: 'en' }))).toEqual([
      ['share', 'ko', '75.0%', '0.75', '✗ ceiling 30%'],
      ['recordings-max', 'ok', '2', '2', '✓ cap 8 per month'],
      ['listens', 'ok', '1–2', '2', '✓ policy 1–4 (+ approved plan)'],
      ['coach-max', 'ok', '3', '3', '✓ cap 40 listens'],
      ['own-team', 'ok', '0', '0', '✓ must be 0 (cross-listening)'],
      ['breaches', 'ok', '0', '0', '✓ recordings, listens, coaches'],
      ['verified', 'ok', '✓', '1', '✓ lottery, audit log, seed'],
    ]);
    expect(kpis(renderTransparencyHtml(keptMonth(), { lang: 'en' }))[0]).toEqual([
      'share',
      'ok',
      '20.0%',
      '0.2',
      '✓ ceiling 30%',
    ]);
  });

  it('turns each figure red on its own breach', () => {
    const m = keptMonth();
    m.agents.find((a) => a.id === 'A001')!.recorded = 9;
    m.agents.find((a) => a.id === 'A003')!.listens = 5;
    m.coaches[0]!.listens = 41;
    m.assignments[0]!.coachTeam = m.assignments[0]!.agentTeam;
    const tiles = kpis(renderTransparencyHtml(m, { lang: 'en' }));
    expect(tiles.map((t) => [t[0], t[1], t[2]])).toEqual([
      ['share', 'ok', '20.0%'],
      ['recordings-max', 'ko', '9'],
      ['listens', 'ko', '1–5'],
      ['coach-max', 'ko', '41'],
      ['own-team', 'ko', '1'],
      ['breaches', 'ko', '3'],
      ['verified', 'ok', '✓'],
    ]);
    expect(tiles[1]![4]).toBe('✗ cap 8 per month');
    // Breaches the producer counted, although none is recounted here.
    const producer = keptMonth();
    producer.capBreaches = 2;
    const p = kpis(renderTransparencyHtml(producer, { lang: 'en' }));
    expect(p.find((t) => t[0] === 'breaches')).toEqual([
      'breaches',
      'ko',
      '0',
      '0',
      '✗ recordings, listens, coaches',
    ]);
  });

  it('says the independent checks are not all done when one of them is missing or failed', () => {
    const verified = (m: MonthData) =>
      kpis(renderTransparencyHtml(m, { lang: 'en' })).find((t) => t[0] === 'verified');
    const notRun = keptMonth();
    delete notRun.verification;
    expect(verified(notRun)).toEqual(['verified', 'ko', '✗', '0', '✗ lottery, audit log, seed']);
    const audit = keptMonth();
    audit.verification!.audit.ok = false;
    expect(verified(audit)).toEqual(['verified', 'ko', '✗', '0', '✗ lottery, audit log, seed']);
    const seed = keptMonth();
    seed.seeds.commitmentMatches = false;
    expect(verified(seed)).toEqual(['verified', 'ko', '✗', '0', '✗ lottery, audit log, seed']);
  });

  it('shows a dash, and no raw value, for a month without a call, a recording, a listen or a coach', () => {
    const m = knownMonth();
    m.calls.byTeam = m.calls.byTeam.map((c) => ({ ...c, calls: 0, recorded: 0, transferred: 0 }));
    m.calls.total = { calls: 0, recorded: 0, transferred: 0 };
    m.agents = m.agents.filter((a) => a.excluded);
    m.coaches = [];
    m.assignments = [];
    const tiles = kpis(renderTransparencyHtml(m, { lang: 'en' }));
    expect(tiles.map((t) => [t[0], t[2], t[3]])).toEqual([
      ['share', '—', ''],
      ['recordings-max', '0', '0'],
      ['listens', '—', ''],
      ['coach-max', '0', ''],
      ['own-team', '0', '0'],
      ['breaches', '0', '0'],
      ['verified', '✓', '1'],
    ]);
  });
});

describe('the page’s header and footer, for a month known by hand', () => {
  it('names the month, the policy version, when it was made and in which time zone, in both languages', () => {
    const en = renderTransparencyHtml(knownMonth(), { lang: 'en' });
    expect(en).toContain('<title>Call recording transparency report · November 2026</title>');
    expect(en).toContain(
      '<ul class="meta"><li>Period: <b data-testid="period" data-value="2026-11">November 2026</b></li><li>Policy version: <b>7</b></li><li>Generated <b>3 December 2026 at 07:00</b></li><li>Times in Europe/Paris.</li></ul>',
    );
    const fr = renderTransparencyHtml(knownMonth());
    expect(fr).toContain(
      '<li>Période\u00a0: <b data-testid="period" data-value="2026-11">novembre 2026</b></li>',
    );
    expect(fr).toContain('<li>Version de la politique\u00a0: <b>7</b></li>');
  });

  it('gives the verdict: kept only when every commitment is', () => {
    const verdict = (m: MonthData) =>
      /<p class="verdict [^"]+"[^>]*>[^<]*<\/p>/.exec(renderTransparencyHtml(m, { lang: 'en' }))![0];
    expect(verdict(knownMonth())).toBe(
      '<p class="verdict ko" data-testid="verdict" data-value="0">✗ At least one commitment was not kept this month: see the sections marked ✗</p>',
    );
    expect(verdict(keptMonth())).toBe(
      '<p class="verdict ok" data-testid="verdict" data-value="1">✓ Every commitment was kept this month</p>',
    );
  });

  it('recounts the breaches beside the producer’s count, and explains every badge', () => {
    const m = keptMonth();
    m.capBreaches = 2;
    m.agents.find((a) => a.id === 'A001')!.recorded = 9;
    const html = renderTransparencyHtml(m, { lang: 'en' });
    expect(html).toContain(
      '<li data-testid="breaches-recount" data-value="1" data-producer="2">Cap breaches recounted here: 1; reported by the checks: 2.</li></ul><p>Aggregated or pseudonymous data only',
    );
    expect(html).toMatch(
      /<footer><h2>What the badges C1 to C10 mean<\/h2><p>Each badge [^<]+<\/p><ul data-testid="concern-legend"><li>C1 — /,
    );
    expect(html).toContain('</ul><h2>Definitions</h2><ul><li>Share recorded = ');
    expect(html).toMatch(/<\/footer>\n<\/main>\n<\/body>\n<\/html>\n$/);
  });

  it('lays out the nine sections in order, each with its number, heading, status and badges', () => {
    const html = renderTransparencyHtml(knownMonth(), { lang: 'en' });
    const heads = [
      ...html.matchAll(
        /<section id="s(\d)" aria-labelledby="s\1-h"><h2 id="s\1-h"><span class="num">\1<\/span>([^<]+) <span class="status (\w+)" data-testid="status:\1" data-value="(\d)" title="([^"]+)">(.)<span class="sr"> \5<\/span><\/span>((?:<span class="tag" title="[^"]+">C\d+<\/span>)+)<\/h2><p class="lead">/g,
      ),
    ].map((s) => [s[1], s[3], s[4], s[5], s[6], [...s[7]!.matchAll(/>(C\d+)</g)].map((t) => t[1]).join(' ')]);
    expect(heads).toEqual([
      ['1', 'ko', '0', 'not kept', '✗', 'C1 C4'],
      ['2', 'ok', '1', 'kept', '✓', 'C5 C7'],
      ['3', 'ok', '1', 'kept', '✓', 'C5 C7'],
      ['4', 'ok', '1', 'kept', '✓', 'C8'],
      ['5', 'ok', '1', 'kept', '✓', 'C2 C10'],
      ['6', 'warn', '0', 'to watch', '!', 'C9'],
      ['7', 'ok', '1', 'kept', '✓', 'C2 C6'],
      ['8', 'ok', '1', 'kept', '✓', 'C1 C6'],
      ['9', 'ok', '1', 'kept', '✓', 'C2 C6'],
    ]);
    // Each badge's tooltip is its line of the legend.
    expect(html).toContain(
      '<span class="tag" title="C8 — Coach workload: a maximum of listens per coach.">C8</span>',
    );
    // A chart with its key under it and its table beside it.
    expect(html).toContain(
      '<div class="row"><figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 184"',
    );
    expect(html).toMatch(
      /<\/svg><figcaption class="legend">[\s\S]*?<\/figcaption><\/figure><div class="aside"><table data-testid="table-share"/,
    );
  });
});

describe('§1, the labels of its two rules at the ends of the axis', () => {
  const ruleLabels = (m: MonthData) =>
    [
      .../<svg[^>]*id="chart-share"[\s\S]*?<\/svg>/
        .exec(renderTransparencyHtml(m, { lang: 'en' }))![0]
        .matchAll(/<text x="([\d.]+)" y="\d+" text-anchor="(\w+)" class="rule-label"[^>]*>([^<]+)</g),
    ].map((t) => [Number(t[1]), t[2], t[3]]);

  it('keeps them centred over their lines, from a lottery rate of 0 to one at the ceiling', () => {
    // Every share at most 30 %: the axis runs to 35 %, x = 160 … 580.
    const top = keptMonth();
    top.policy.samplingRate = 0.3;
    expect(ruleLabels(top)).toEqual([
      [520, 'middle', 'ceiling 30%'],
      [520, 'middle', 'lottery rate 30%'],
    ]);
    const none = keptMonth();
    none.policy.samplingRate = 0;
    expect(ruleLabels(none)).toEqual([
      [520, 'middle', 'ceiling 30%'],
      [160, 'middle', 'lottery rate 0%'],
    ]);
  });
});
