import { describe, expect, it } from 'vitest';
import type { MonthData } from '../../../../../lambda/core/transparency/model';
import {
  byTestid,
  headOf,
  knownMonth,
  r2,
  rowsOf,
  sectionOf,
  strayText,
  tagsOf,
  textsOf,
  valuesOf,
} from '../../../../support/html-report';

// The known month (test/support/transparency-month.ts): cap 8 recordings; eligible agents A001 (2
// recordings: 3 Nov 10:00 UTC and midnight in Paris on 10 Nov), A002 (0), A003 (1) in team A;
// A004, A005, A006 (1 each) in team B, A007 excluded; A008, A009 (0) in team C. November 2026 in
// Paris starts 31 Oct 23:00 UTC and lasts 30 days (720 h).
const H = 3_600_000;
const MONTH_START = Date.parse('2026-10-31T23:00:00.000Z');
const at = (hours: number) => new Date(MONTH_START + hours * H).toISOString();

describe('§2, recordings per agent, for a month known by hand', () => {
  it('tables the fewest, median and most recordings per team and who is at the cap', () => {
    const s2 = sectionOf(knownMonth(), 2);
    const tbl = byTestid(s2, 'table', 'table-recordings');
    expect(tbl).toMatch(/^<table data-testid="table-recordings" class="wide"><caption>Recordings per agent/);
    expect(rowsOf(tbl)).toEqual([
      ['Team A', '0', '1', '2', '0'],
      ['Team B', '1', '1', '1', '0'],
      ['Team C', '0', '0', '0', '0'],
      ['All teams', '0', '1', '2', '0'],
    ]);
    expect(valuesOf(tbl, 's2:median:')).toEqual({ 'team-a': '1', 'team-b': '1', 'team-c': '0', '*': '1' });

    // With a cap of 1, A001 (2) is above it and A003 … A006 (1) at it: "at the cap" counts both.
    const m = knownMonth();
    m.policy.maxRecordingsPerAgentPerMonth = 1;
    const low = byTestid(sectionOf(m, 2), 'table', 'table-recordings');
    expect(valuesOf(low, 's2:at-cap:')).toEqual({ 'team-a': '2', 'team-b': '3', 'team-c': '0', '*': '5' });
    // A team without an agent has no distribution: a dash, and no value.
    const empty = knownMonth();
    empty.teams.push({ id: 'team-d', name: 'Team D' });
    empty.calls.byTeam.push({ team: 'team-d', calls: 0, recorded: 0, transferred: 0 });
    const none = byTestid(sectionOf(empty, 2), 'table', 'table-recordings');
    expect(rowsOf(none)[3]).toEqual(['Team D', '—', '—', '—', '0']);
    expect(valuesOf(none, 's2:min:')['team-d']).toBeUndefined();
  });

  it('places one dot per eligible agent in its team’s row, on the column of its recordings', () => {
    const chart = byTestid(sectionOf(knownMonth(), 2), 'svg', 'chart-recordings');
    // Columns 0 … 8 (the cap) and one more for the cap line, from x = 160 to 630.
    const colW = 470 / 9;
    const col = (v: number) => 160 + v * colW + colW / 2;
    const dots = tagsOf(chart, 'circle').map((c) => [
      c['data-agent'],
      Number(c.cx),
      Number(c.cy),
      c.fill,
      c['data-value'],
    ]);
    // Rows are 24 px high (one line of dots); dots sit 9 px above a row's bottom line. Agents with
    // the same count sit side by side, 10 px apart, centred on their column.
    expect(dots).toEqual([
      ['A001', r2(col(2)), 41, '#0072B2', '2'],
      ['A002', r2(col(0)), 41, '#0072B2', '0'],
      ['A003', r2(col(1)), 41, '#0072B2', '1'],
      ['A004', r2(col(1) - 10), 65, '#E69F00', '1'],
      ['A005', r2(col(1)), 65, '#E69F00', '1'],
      ['A006', r2(col(1) + 10), 65, '#E69F00', '1'],
      ['A008', r2(col(0) - 5), 89, '#009E73', '0'],
      ['A009', r2(col(0) + 5), 89, '#009E73', '0'],
    ]);
    expect(chart).toContain('<title>A001 : 2</title>');
    expect(strayText(chart)).toBe('');
    // The cap line is solid: a ceiling, not a guide.
    expect(chart).toContain(
      '<line x1="630" x2="630" y1="16" y2="98" stroke="#cf222e" stroke-width="2" data-testid="cap-line"/>',
    );
    expect(chart).toMatch(/^<svg [^>]*viewBox="0 0 640 138"/);
    const lines = tagsOf(chart, 'line').map((l) => [l.x1, l.x2, l.y1, l.y2].map(Number));
    // A grid line per column, then each team row's bottom line, then the cap line.
    expect(lines).toEqual([
      ...Array.from({ length: 9 }, (_v, i) => [r2(160 + i * colW), r2(160 + i * colW), 26, 98]),
      [160, 630, 50, 50],
      [160, 630, 74, 74],
      [160, 630, 98, 98],
      [630, 630, 16, 98],
    ]);
    const texts = textsOf(chart).map((t) => [Number(t.a.x), Number(t.a.y), t.s, t.a['text-anchor']]);
    expect(texts).toEqual([
      ...Array.from({ length: 9 }, (_v, i) => [r2(col(i)), 113, String(i), 'middle']),
      [150, 42, 'Team A', 'end'],
      [150, 66, 'Team B', 'end'],
      [150, 90, 'Team C', 'end'],
      [626, 12, 'cap 8', 'end'],
      [395, 130, 'recordings in the month', 'middle'],
    ]);
  });

  it('wraps a crowded column onto a second line of dots, and widens the axis for an agent above the cap', () => {
    const m = knownMonth();
    // Six more agents of team C without a recording: eight at 0, four to a line of dots.
    for (let k = 0; k < 6; k++)
      m.agents.push({ ...m.agents.find((a) => a.id === 'A008')!, id: `C${String(k).padStart(3, '0')}` });
    // An excluded agent never shows.
    m.agents.find((a) => a.id === 'A007')!.recorded = 3;
    // A003 at 10, above the cap of 8: the axis runs to 10.
    m.agents.find((a) => a.id === 'A003')!.recorded = 10;
    const chart = byTestid(sectionOf(m, 2), 'svg', 'chart-recordings');
    const colW = 470 / 11;
    const col = (v: number) => 160 + v * colW + colW / 2;
    const perLine = Math.floor((colW - 4) / 10);
    expect(perLine).toBe(3);
    const dots = tagsOf(chart, 'circle').map((c) => [c['data-agent'], Number(c.cx), Number(c.cy)]);
    expect(dots.map((d) => d[0])).not.toContain('A007');
    expect(dots.find((d) => d[0] === 'A003')).toEqual(['A003', r2(col(10)), 41]);
    // Team C: 8 agents at 0, three lines (34 px high per extra line): its row is 44 px.
    const teamC = dots.filter((d) => String(d[0]).startsWith('C') || d[0] === 'A008' || d[0] === 'A009');
    const bottom = 26 + 24 + 24 + 44;
    expect(teamC).toEqual(
      ['A008', 'A009', 'C000', 'C001', 'C002', 'C003', 'C004', 'C005'].map((id, k) => [
        id,
        r2(col(0) - 10 + (k % 3) * 10),
        bottom - 9 - Math.floor(k / 3) * 10,
      ]),
    );
    expect(chart).toMatch(new RegExp(`viewBox="0 0 640 ${bottom + 40}"`));
    // The cap line stands after column 8, whatever the widest column.
    expect(chart).toContain(
      `<line x1="${r2(160 + 9 * colW)}" x2="${r2(160 + 9 * colW)}" y1="16" y2="${bottom}"`,
    );
  });
});

describe('§2, the pacing of recordings across the month', () => {
  // py: 0 … 8 recordings from y = 162 up to 30; px: the month from x = 30 to 310.
  const px = (hours: number) => r2(30 + (280 * hours) / 720);
  const py = (v: number) => r2(162 - (132 * v) / 8);
  const panel = (m: MonthData, key: string) => byTestid(sectionOf(m, 2), 'svg', `chart-pacing:${key}`);
  const path = (svg: string, mark: string) => tagsOf(svg, 'path').filter((p) => p['data-mark'] === mark);

  it('draws each agent’s steps, the highest and the median agent over every recording instant', () => {
    const all = panel(knownMonth(), '*');
    // Recordings at 59 h (A001), 83 h (A003), 107 h (A005), 131 h (A004), 155 h (A006), 216 h (A001).
    expect(path(all, 'agent').map((p) => [p['data-agent'], p.d, p.stroke, p['data-value']])).toEqual([
      ['A001', `M30,162H${px(59)}V${py(1)}H${px(216)}V${py(2)}H310`, '#0072B2', '2'],
      ['A002', 'M30,162H310', '#0072B2', '0'],
      ['A003', `M30,162H${px(83)}V${py(1)}H310`, '#0072B2', '1'],
      ['A004', `M30,162H${px(131)}V${py(1)}H310`, '#E69F00', '1'],
      ['A005', `M30,162H${px(107)}V${py(1)}H310`, '#E69F00', '1'],
      ['A006', `M30,162H${px(155)}V${py(1)}H310`, '#E69F00', '1'],
      ['A008', 'M30,162H310', '#009E73', '0'],
      ['A009', 'M30,162H310', '#009E73', '0'],
    ]);
    // Highest: 1 from 59 h, 2 from 216 h. Median of 8 agents: ½ once four have one (131 h), 1 at five.
    expect(path(all, 'max').map((p) => [p.d, p['data-value']])).toEqual([
      [`M30,162H${px(59)}V${py(1)}H${px(216)}V${py(2)}H310`, '2'],
    ]);
    expect(path(all, 'median').map((p) => [p.d, p['data-value'], p.stroke])).toEqual([
      [`M30,162H${px(131)}V${py(0.5)}H${px(155)}V${py(1)}H310`, '1', '#32383f'],
    ]);
    // The staircase ceil(8 × f): one more every eighth of the month.
    expect(path(all, 'limit').map((p) => [p.d, p['data-value']])).toEqual([
      [
        `M30,162${Array.from({ length: 8 }, (_v, k) => `V${py(k + 1)}H${r2(30 + (280 * (k + 1)) / 8)}`).join('')}`,
        '8',
      ],
    ]);
    // Team B alone: three agents, the median is the middle one (A004 at 131 h).
    const b = panel(knownMonth(), 'team-b');
    expect(path(b, 'median').map((p) => [p.d, p.stroke])).toEqual([
      [`M30,162H${px(131)}V${py(1)}H310`, '#E69F00'],
    ]);
    expect(path(b, 'max').map((p) => p.d)).toEqual([`M30,162H${px(107)}V${py(1)}H310`]);
    expect(path(b, 'agent').map((p) => p.stroke)).toEqual(['#E69F00', '#E69F00', '#E69F00']);
    expect(b).toContain('<text x="4" y="16" class="panel-title">Team B</text>');
    expect(b).toMatch(/^<svg [^>]*id="chart-pacing-team-b"/);
    expect(all).toMatch(/^<svg [^>]*id="chart-pacing-all"/);
  });

  it('has a tick for every count up to the cap, and a day mark on days 1, 8, 15, 22 and 29', () => {
    const all = panel(knownMonth(), '*');
    const ticks = textsOf(all).filter((t) => t.a.class === 'tick');
    expect(ticks.map((t) => [Number(t.a.x), Number(t.a.y), t.s, t.a['text-anchor']])).toEqual([
      ...Array.from({ length: 9 }, (_v, v) => [25, r2(py(v) + 4), String(v), 'end']),
      ...[1, 8, 15, 22, 29].map((d) => [px((d - 1) * 24), 178, `day ${d}`, d === 1 ? 'start' : 'middle']),
    ]);
    const lines = tagsOf(all, 'line').map((l) => [l.x1, l.x2, l.y1, l.y2, l.stroke]);
    expect(lines).toEqual([
      ...Array.from({ length: 9 }, (_v, v) => ['30', '310', `${py(v)}`, `${py(v)}`, '#e6e9ec']),
      ...[1, 8, 15, 22, 29].map((d) => [
        `${px((d - 1) * 24)}`,
        `${px((d - 1) * 24)}`,
        '162',
        '166',
        '#8c959f',
      ]),
      ['30', '310', '162', '162', '#8c959f'],
    ]);
    // Above 10, every other count: a cap of 12 has ticks 0, 2 … 12; a cap of 10 all of 0 … 10.
    const twelve = knownMonth();
    twelve.policy.maxRecordingsPerAgentPerMonth = 12;
    const tickOf = (m: MonthData) =>
      textsOf(panel(m, '*'))
        .filter((t) => t.a.class === 'tick' && t.a['text-anchor'] === 'end')
        .map((t) => Number(t.s));
    expect(tickOf(twelve)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    const ten = knownMonth();
    ten.policy.maxRecordingsPerAgentPerMonth = 10;
    expect(tickOf(ten)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('marks the days and the week checkpoints that the month has: 28 days in February 2027, 29 in 2028', () => {
    const february = (period: string) => {
      const m = knownMonth();
      m.period = period;
      for (const a of m.agents) a.recordings = [];
      return sectionOf(m, 2);
    };
    const days = (s2: string) =>
      textsOf(byTestid(s2, 'svg', 'chart-pacing:*'))
        .filter((t) => t.s.startsWith('day'))
        .map((t) => t.s);
    const short = february('2027-02');
    expect(days(short)).toEqual(['day 1', 'day 8', 'day 15', 'day 22']);
    // Day 28 is the end of the month: one column for it, not two.
    expect(headOf(byTestid(short, 'table', 'table-pacing'))).toEqual([
      'Team',
      'Day 7',
      'Day 14',
      'Day 21',
      'End',
    ]);
    expect(short).toContain('data-testid="s2:pacing:*:28"');
    const leap = february('2028-02');
    expect(days(leap)).toEqual(['day 1', 'day 8', 'day 15', 'day 22', 'day 29']);
    expect(headOf(byTestid(leap, 'table', 'table-pacing'))).toEqual([
      'Team',
      'Day 7',
      'Day 14',
      'Day 21',
      'Day 28',
      'End',
    ]);
  });

  it('says every agent stayed under the pace, until one reaches a count before the month allows it', () => {
    const s2 = sectionOf(knownMonth(), 2);
    expect(s2).toContain(
      '<strong data-testid="s2:within-pace" data-value="1">Every agent stayed under the pacing limit every day.</strong>',
    );
    expect(s2).toMatch(/<span class="status ok" data-testid="status:2" data-value="1"/);
    expect(s2).toContain(
      '<p class="lead">No agent can be recorded more than 8 times a month, and the cap is spread over the month: nobody can be targeted in one day.</p>',
    );
    // A001's second recording at 91 h: past an eighth of the month (90 h) the limit is 2. Within.
    const late = knownMonth();
    late.agents[0]!.recordings[1]!.decidedAt = at(91);
    expect(sectionOf(late, 2)).toContain('data-testid="s2:within-pace" data-value="1"');
    // At exactly 90 h, ceil(8 × ⅛) is still 1: a second recording is ahead of the pace.
    const early = knownMonth();
    early.agents[0]!.recordings[1]!.decidedAt = at(90);
    const ahead = sectionOf(early, 2);
    expect(ahead).toMatch(/<strong data-testid="s2:within-pace" data-value="0">[^<]+<\/strong>/);
    expect(ahead).not.toContain('Every agent stayed under');
    expect(ahead).toMatch(/<span class="status ko" data-testid="status:2" data-value="0"/);
    // An excluded agent above the cap is a breach although nobody eligible went ahead of the pace.
    const breach = knownMonth();
    breach.agents.find((a) => a.id === 'A007')!.recorded = 9;
    const ko = sectionOf(breach, 2);
    expect(ko).toContain('data-testid="s2:within-pace" data-value="1"');
    expect(ko).toMatch(/<span class="status ko" data-testid="status:2" data-value="0"/);
  });

  it('tables the highest count against the limit at the end of each week and of the month', () => {
    const tbl = byTestid(sectionOf(knownMonth(), 2), 'table', 'table-pacing');
    expect(tbl).toContain(
      '<thead><tr><th scope="col">Team</th><th scope="col" class="n">Day 7</th><th scope="col" class="n">Day 14</th><th scope="col" class="n">Day 21</th><th scope="col" class="n">Day 28</th><th scope="col" class="n">End</th></tr></thead>',
    );
    // Limits ceil(8 × d / 30): 2, 4, 6, 8, then 8. A001 has 1 by day 7, 2 from day 10.
    expect(rowsOf(tbl)).toEqual([
      ['Team A', '1 / 2', '2 / 4', '2 / 6', '2 / 8', '2 / 8'],
      ['Team B', '1 / 2', '1 / 4', '1 / 6', '1 / 8', '1 / 8'],
      ['Team C', '0 / 2', '0 / 4', '0 / 6', '0 / 8', '0 / 8'],
      ['All teams', '1 / 2', '2 / 4', '2 / 6', '2 / 8', '2 / 8'],
    ]);
    expect(tbl).toContain(
      '<td data-label="Day 14" data-limit="4" class="n" data-testid="s2:pacing:team-a:14" data-value="2">',
    );
    expect(tbl).toContain('data-testid="s2:pacing:*:30" data-value="2"');
  });

  it('has its key and its two badges, in French too', () => {
    const fr = sectionOf(knownMonth(), 2, 'fr');
    expect([...fr.matchAll(/<span class="tag"[^>]*>(C\d+)<\/span>/g)].map((t) => t[1])).toEqual(['C5', 'C7']);
    expect([...fr.matchAll(/<span class="sw ([^"]+)"><\/span>/g)].map((k) => k[1])).toEqual([
      'sw-dot',
      'sw-ceiling',
      'sw-limit',
      'sw-max',
      'sw-median',
      'sw-agent',
    ]);
    expect(fr).toMatch(/<span class="sw sw-ceiling"><\/span>[^<]*\(8\)<\/span>/);
    expect(fr).toContain('<figure class="pacing"><figcaption class="legend">');
    expect(fr).toContain('</figcaption><div class="multiples"><svg');
    expect(fr).toContain('<div class="aside"><table data-testid="table-pacing"');
  });
});
