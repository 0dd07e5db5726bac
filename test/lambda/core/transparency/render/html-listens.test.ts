import { describe, expect, it } from 'vitest';
import { SMALL_TEAMS_ID } from '../../../../../lambda/core/transparency/model';
import { textWidth, wrap } from '../../../../../lambda/core/transparency/render/svg';
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
import { withExtraTeams } from '../../../../support/transparency-month';

// The known month (test/support/transparency-month.ts): policy 1 … 4 listens per recorded agent,
// 40 per coach. Listens: A001 2, A003 1 (team A), A004, A005, A006 1 each (team B); plans approved
// for A001 (+2) and A006 (+4), expired for A003 (+1). Coaches K01 (team A, 3 listens), K02 (team B,
// 2), K03 (team B, 1): team A's coach listens to team B, team B's to team A.

describe('§3, listens per agent, for a month known by hand', () => {
  it('draws the policy band, the plans’ extra room and each team’s range on an axis to 9', () => {
    const chart = byTestid(sectionOf(knownMonth(), 3), 'svg', 'chart-listens');
    // Domain: 4 listens + the largest plan (4) + 1 = 9, from x = 164 to 490.
    const x = (v: number) => r2(164 + (v * 326) / 9);
    const rects = tagsOf(chart, 'rect').filter((r) => r.x !== undefined);
    expect(rects[0]).toEqual({
      x: `${x(1)}`,
      y: '32',
      width: `${r2((3 * 326) / 9)}`,
      height: '128',
      fill: '#dafbe1',
      'data-testid': 'listens-band',
    });
    expect(rects[1]).toEqual({
      x: `${x(4)}`,
      y: '32',
      width: `${r2((4 * 326) / 9)}`,
      height: '128',
      fill: 'url(#hatch)',
    });
    const texts = textsOf(chart).map((t) => [Number(t.a.x), Number(t.a.y), t.s]);
    expect(texts.slice(0, 2)).toEqual([
      // Each label centred over its band: 2.5 and 6 listens.
      [x(2.5), 26, 'policy 1–4'],
      [x(6), 26, '+ plan'],
    ]);
    expect(texts.slice(2, 12)).toEqual(Array.from({ length: 10 }, (_v, i) => [x(i), 174, String(i)]));
    // One row per team, 30 px apart, its range mark 15 px below the row's top; team C (nobody
    // recorded) has none. A rule above all teams.
    const ranges = [...chart.matchAll(/<g ([^>]*)>([\s\S]*?)<\/g>/g)].map((g) => {
      const a = Object.fromEntries([...g[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((k) => [k[1], k[2]]));
      const line = tagsOf(g[2]!, 'line')[0]!;
      const [lo, hi] = tagsOf(g[2]!, 'circle');
      const med = tagsOf(g[2]!, 'rect')[0]!;
      return [
        a['data-testid'],
        [a['data-min'], a['data-median'], a['data-max']].join(' '),
        [line.x1, line.x2, line.y1, line.stroke].join(' '),
        [lo!.cx, hi!.cx, lo!.cy, lo!.stroke].join(' '),
        [med.x, med.y, med.width, med.height].join(' '),
      ];
    });
    expect(ranges).toEqual([
      [
        'm3:range:team-a',
        '1 1.5 2',
        `${x(1)} ${x(2)} 55 #0072B2`,
        `${x(1)} ${x(2)} 55 #0072B2`,
        `${r2(x(1.5) - 2)} 46 4 18`,
      ],
      [
        'm3:range:team-b',
        '1 1 1',
        `${x(1)} ${x(1)} 85 #E69F00`,
        `${x(1)} ${x(1)} 85 #E69F00`,
        `${r2(x(1) - 2)} 76 4 18`,
      ],
      [
        'm3:range:*',
        '1 1 2',
        `${x(1)} ${x(2)} 145 #32383f`,
        `${x(1)} ${x(2)} 145 #32383f`,
        `${r2(x(1) - 2)} 136 4 18`,
      ],
    ]);
    expect(chart).toContain('<line x1="0" x2="640" y1="132" y2="132" stroke="#8c959f"/>');
    expect(texts.slice(12)).toEqual([
      [150, 59, 'Team A'],
      [506, 59, '1 · 1.5 · 2'],
      [150, 89, 'Team B'],
      [506, 89, '1 · 1 · 1'],
      [150, 119, 'Team C'],
      [150, 149, 'All teams'],
      [506, 149, '1 · 1 · 2'],
      [506, 26, 'Min · Median · Max'],
    ]);
    expect(chart).toContain('class="label strong"><tspan x="150" dy="0">All teams</tspan>');
    // Band labels centred in their colour, values and their header left-aligned after the axis.
    expect(
      textsOf(chart)
        .map((t) => [t.s, t.a['text-anchor'], t.a.class, t.a.fill])
        .filter((t) => t[2] !== 'tick'),
    ).toEqual([
      ['policy 1–4', 'middle', 'rule-label', '#1a7f37'],
      ['+ plan', 'middle', 'rule-label', '#57606a'],
      ['Team A', 'end', 'label', undefined],
      ['1 · 1.5 · 2', undefined, 'value', undefined],
      ['Team B', 'end', 'label', undefined],
      ['1 · 1 · 1', undefined, 'value', undefined],
      ['Team C', 'end', 'label', undefined],
      ['All teams', 'end', 'label strong', undefined],
      ['1 · 1 · 2', undefined, 'value', undefined],
      ['Min · Median · Max', undefined, 'rule-label', undefined],
    ]);
    // Grid lines from the band's top to the last row; one rule, above all teams.
    expect(
      tagsOf(chart, 'line')
        .filter((l) => l.stroke === '#e6e9ec')
        .map((l) => [l.y1, l.y2]),
    ).toEqual(Array.from({ length: 10 }, () => ['32', '160']));
    expect(tagsOf(chart, 'line').filter((l) => l.x2 === '640')).toEqual([
      { x1: '0', x2: '640', y1: '132', y2: '132', stroke: '#8c959f' },
    ]);
    expect(strayText(chart)).toBe('');
    expect(chart).toMatch(/^<svg [^>]*viewBox="0 0 640 184"/);
  });

  it('tables listens, their spread and the approved plans per team, and is kept within the range', () => {
    const s3 = sectionOf(knownMonth(), 3);
    expect(headOf(byTestid(s3, 'table', 'table-listens'))).toEqual([
      'Team',
      'Listens',
      'Min',
      'Median',
      'Max',
      'Approved plans',
      'Extra listens',
    ]);
    expect(rowsOf(byTestid(s3, 'table', 'table-listens'))).toEqual([
      ['Team A', '3', '1', '1.5', '2', '2', '3'],
      ['Team B', '3', '1', '1', '1', '1', '4'],
      ['Team C', '0', '—', '—', '—', '0', '0'],
      ['All teams', '6', '1', '1', '2', '3', '7'],
    ]);
    expect(valuesOf(s3, 's3:median:')).toEqual({
      'team-a': '1.5',
      'team-b': '1',
      'team-c': undefined,
      '*': '1',
    });
    expect(s3).toMatch(/<span class="status ok" data-testid="status:3" data-value="1"/);
    expect([...s3.matchAll(/<span class="tag"[^>]*>(C\d+)<\/span>/g)].map((t) => t[1])).toEqual(['C5', 'C7']);
    expect(s3).toContain(
      '<p class="lead">Every recorded agent gets between 1 and 4 listens; more only with an approved coaching plan (7 extra listens this month).</p>',
    );
    expect(s3).toContain('<div class="row stack">');
    expect([...s3.matchAll(/<span class="sw ([^"]+)"><\/span>([^<]*)/g)].map((k) => [k[1], k[2]])).toEqual([
      ['sw-minmax', 'fewest and most listens of an agent'],
      ['sw-median-mark', 'median'],
      ['sw-band', 'policy range (1–4)'],
      ['sw-hatch', 'extra listens of an approved plan'],
    ]);
    // A002 listened to 5 times without a plan: above the range.
    const over = knownMonth();
    over.agents.find((a) => a.id === 'A003')!.listens = 5;
    expect(sectionOf(over, 3)).toMatch(/<span class="status ko" data-testid="status:3" data-value="0"/);
  });

  it('without a plan, draws no hatch and sizes the axis on the most listens seen', () => {
    const m = knownMonth();
    for (const a of m.agents) a.planExtra = 0;
    m.agents.find((a) => a.id === 'A004')!.listens = 6;
    const s3 = sectionOf(m, 3);
    const chart = byTestid(s3, 'svg', 'chart-listens');
    expect(chart).not.toContain('url(#hatch)"');
    expect(chart).not.toContain('+ plan');
    expect([...s3.matchAll(/<span class="sw ([^"]+)"><\/span>/g)].map((k) => k[1])).toEqual([
      'sw-minmax',
      'sw-median-mark',
      'sw-band',
    ]);
    // 6 listens seen, above 4 + 0: the axis runs to 7.
    const ticks = textsOf(chart).filter((t) => t.a.class === 'tick');
    expect(ticks.map((t) => [Number(t.a.x), t.s])).toEqual(
      Array.from({ length: 8 }, (_v, i) => [r2(164 + (i * 326) / 7), String(i)]),
    );
  });
});

describe('§4, coach workload, for a month known by hand', () => {
  it('draws one bar per coach, by team then id, against the cap of 40', () => {
    const m = knownMonth();
    m.coaches.reverse();
    // A coach of team C without a listen still shows, 1 px wide.
    m.coaches.push({ id: 'K00', team: 'team-c', listens: 0 });
    const chart = byTestid(sectionOf(m, 4), 'svg', 'chart-coaches');
    // Domain 40 × 1.1 = 44, from x = 180 to 590; a tick every 10.
    const x = (v: number) => r2(180 + (v * 410) / 44);
    const bars = tagsOf(chart, 'rect').map((r) => [
      r['data-testid'],
      Number(r.x),
      Number(r.y),
      Number(r.width),
      r.height,
      r.fill,
      r['data-value'],
    ]);
    expect(bars).toEqual([
      ['m4:listens:K01', 180, 29, r2(x(3) - 180), '15', '#0072B2', '3'],
      ['m4:listens:K02', 180, 53, r2(x(2) - 180), '15', '#E69F00', '2'],
      ['m4:listens:K03', 180, 77, r2(x(1) - 180), '15', '#E69F00', '1'],
      ['m4:listens:K00', 180, 101, 1, '15', '#009E73', '0'],
    ]);
    const texts = textsOf(chart).map((t) => [Number(t.a.x), Number(t.a.y), t.s, t.a['text-anchor']]);
    // Each bar's value right after it, in the value style.
    expect(
      textsOf(chart)
        .filter((t) => t.a.class === 'value')
        .map((t) => t.s),
    ).toEqual(['3', '2', '1', '0']);
    expect(texts).toEqual([
      ...[0, 10, 20, 30, 40].map((v) => [x(v), 134, String(v), 'middle']),
      [170, 40, 'K01 · Team A', 'end'],
      [r2(x(3) + 5), 40, '3', undefined],
      [170, 64, 'K02 · Team B', 'end'],
      [r2(x(2) + 5), 64, '2', undefined],
      [170, 88, 'K03 · Team B', 'end'],
      [r2(x(1) + 5), 88, '1', undefined],
      [170, 112, 'K00 · Team C', 'end'],
      [185, 112, '0', undefined],
      [x(40), 12, 'cap 40', 'middle'],
    ]);
    expect(chart).toContain(
      `<line x1="${x(40)}" x2="${x(40)}" y1="16" y2="120" stroke="#cf222e" stroke-width="2" data-testid="coach-cap-line"/>`,
    );
    expect(tagsOf(chart, 'line')[0]).toEqual({
      x1: '180',
      x2: '180',
      y1: '20',
      y2: '120',
      stroke: '#e6e9ec',
    });
    expect(chart).toMatch(/^<svg [^>]*viewBox="0 0 640 144"/);
  });

  it('shortens a long team name to fit beside the coach’s id', () => {
    const m = knownMonth();
    m.teams[0]!.name = 'Customer service and complaints, northern region';
    const label = textsOf(byTestid(sectionOf(m, 4), 'svg', 'chart-coaches')).find((t) =>
      t.s.startsWith('K01'),
    )!.s;
    const name = label.slice('K01 · '.length);
    // 170 px of label less 40 for the id: the name is cut, with an ellipsis, within 130 px.
    expect(name).toMatch(/^Customer .*…$/);
    expect(textWidth(name, 12)).toBeLessThanOrEqual(130);
    expect(textWidth(name, 12)).toBeGreaterThan(110);
  });

  it('widens the axis for a coach above the cap, with a tick every 20 beyond 100', () => {
    const m = knownMonth();
    m.coaches[0]!.listens = 100;
    const s4 = sectionOf(m, 4);
    const ticks = textsOf(byTestid(s4, 'svg', 'chart-coaches')).filter((t) => t.a.class === 'tick');
    expect(ticks.map((t) => [Number(t.a.x), t.s])).toEqual(
      [0, 20, 40, 60, 80, 100].map((v) => [r2(180 + (v * 410) / 110), String(v)]),
    );
    expect(s4).toMatch(/<span class="status ko" data-testid="status:4" data-value="0"/);
    expect(s4).toContain('<p class="lead">The busiest coach had 100 listens, against a cap of 40.</p>');
    // Up to 40 × 1.1, a tick every 5.
    const small = knownMonth();
    small.policy.maxListensPerCoachPerMonth = 30;
    const smallTicks = textsOf(byTestid(sectionOf(small, 4), 'svg', 'chart-coaches')).filter(
      (t) => t.a.class === 'tick',
    );
    expect(smallTicks.map((t) => t.s)).toEqual(['0', '5', '10', '15', '20', '25', '30']);
  });

  it('tables coaches and the busiest per team, then listens per coach, and is kept under the cap', () => {
    const s4 = sectionOf(knownMonth(), 4);
    // Three columns: a table that stays a table on a phone (only four columns or more become cards).
    expect(byTestid(s4, 'table', 'table-coaches')).toMatch(/^<table data-testid="table-coaches"><caption>/);
    expect(headOf(byTestid(s4, 'table', 'table-coaches'))).toEqual(['Team', 'Coaches', 'Busiest coach']);
    expect(rowsOf(byTestid(s4, 'table', 'table-coaches'))).toEqual([
      ['Team A', '1', '3'],
      ['Team B', '2', '2'],
      ['Team C', '0', '—'],
      ['All teams', '3', '3'],
    ]);
    expect(valuesOf(s4, 's4:load-max:')).toEqual({
      'team-a': '3',
      'team-b': '2',
      'team-c': undefined,
      '*': '3',
    });
    const detail = byTestid(s4, 'table', 'table-coach-detail');
    expect(detail).toContain(
      '<thead><tr><th scope="col">Coach</th><th scope="col">Team</th><th scope="col" class="n">Listens</th></tr></thead>',
    );
    expect(detail).toContain(
      '<tr><th data-label="Coach" scope="row">K02</th><td data-label="Team">Team B</td><td data-label="Listens" class="n" data-testid="s4:listens:K02" data-value="2">2</td></tr>',
    );
    expect(rowsOf(detail)).toEqual([
      ['K01', 'Team A', '3'],
      ['K02', 'Team B', '2'],
      ['K03', 'Team B', '1'],
    ]);
    expect(s4).toMatch(/<span class="status ok" data-testid="status:4" data-value="1"/);
    expect([...s4.matchAll(/<span class="tag"[^>]*>(C\d+)<\/span>/g)].map((t) => t[1])).toEqual(['C8']);
    expect(s4).toContain('<p class="lead">The busiest coach had 3 listens, against a cap of 40.</p>');
    expect([...s4.matchAll(/<span class="sw ([^"]+)"><\/span>([^<]*)/g)].map((k) => [k[1], k[2]])).toEqual([
      ['sw-team', 'one bar per coach, in the colour of the coach’s team'],
      ['sw-ceiling', 'the binding ceiling (40)'],
    ]);
    // Exactly at the cap is kept.
    const at = knownMonth();
    at.coaches[0]!.listens = 40;
    expect(sectionOf(at, 4)).toMatch(/data-testid="status:4" data-value="1"/);
    // No coach at all: the busiest had 0.
    const none = knownMonth();
    none.coaches = [];
    expect(sectionOf(none, 4)).toContain(
      '<p class="lead">The busiest coach had 0 listens, against a cap of 40.</p>',
    );
  });
});

describe('§5, who listened to whom, for a month known by hand', () => {
  it('shades each cell by its listens and marks the empty diagonal', () => {
    const chart = byTestid(sectionOf(knownMonth(), 5), 'svg', 'chart-matrix');
    // Three teams: cells 110 wide from x = 160, 34 high from y = 78 (column labels upright).
    const cells = tagsOf(chart, 'rect')
      .filter((r) => r['data-mark'] === 'cell')
      .map((r) => [
        r['data-testid'],
        Number(r.x),
        Number(r.y),
        r.width,
        r.height,
        r.fill,
        r.stroke,
        r['data-diagonal'],
      ]);
    const light = 'rgb(238,244,251)';
    const dark = 'rgb(17,94,160)';
    expect(cells).toEqual([
      ['m5:cell:team-a:team-a', 161, 79, '108', '32', 'url(#diag)', 'none', 'true'],
      ['m5:cell:team-a:team-b', 271, 79, '108', '32', dark, 'none', undefined],
      ['m5:cell:team-a:team-c', 381, 79, '108', '32', light, 'none', undefined],
      ['m5:cell:team-b:team-a', 161, 113, '108', '32', dark, 'none', undefined],
      ['m5:cell:team-b:team-b', 271, 113, '108', '32', 'url(#diag)', 'none', 'true'],
      ['m5:cell:team-b:team-c', 381, 113, '108', '32', light, 'none', undefined],
      ['m5:cell:team-c:team-a', 161, 147, '108', '32', light, 'none', undefined],
      ['m5:cell:team-c:team-b', 271, 147, '108', '32', light, 'none', undefined],
      ['m5:cell:team-c:team-c', 381, 147, '108', '32', 'url(#diag)', 'none', 'true'],
    ]);
    const texts = textsOf(chart).map((t) => [Number(t.a.x), Number(t.a.y), t.s, t.a.class, t.a.fill]);
    expect(texts.slice(0, 5)).toEqual([
      [325, 14, 'Agent’s team →', 'axis-title', undefined],
      [150, 70, 'Coach’s team ↓', 'axis-title', undefined],
      [215, 50, 'Team A', 'label', undefined],
      [325, 50, 'Team B', 'label', undefined],
      [435, 50, 'Team C', 'label', undefined],
    ]);
    expect(texts.slice(5, 9)).toEqual([
      [150, 99, 'Team A', 'label', undefined],
      [215, 99, 'same team', 'diag-label', undefined],
      [325, 99, '3', 'value', '#fff'],
      [435, 99, '0', 'value', undefined],
    ]);
    expect(chart).toMatch(/^<svg [^>]*viewBox="0 0 640 190"/);
  });

  it('shades a cell in proportion to the busiest one, white text only past 55 %', () => {
    const m = knownMonth();
    // Team A's coach listens to team C four more times: 4 is the busiest cell, 3 is 75 % of it.
    const template = m.assignments.find((a) => a.coachTeam === 'team-a')!;
    for (let k = 0; k < 4; k++) m.assignments.push({ ...template, agentTeam: 'team-c', agentId: 'A008' });
    m.assignments.push({ ...template, coachTeam: 'team-c', coachId: 'K09', agentTeam: 'team-b' });
    m.assignments.push({ ...template, coachTeam: 'team-c', coachId: 'K09', agentTeam: 'team-b' });
    const chart = byTestid(sectionOf(m, 5), 'svg', 'chart-matrix');
    const fill = (id: string) => tagsOf(chart, 'rect').find((r) => r['data-testid'] === id)!.fill;
    const mix = (a: number, b: number, k: number) => Math.round(a + (b - a) * k);
    const shade = (k: number) => `rgb(${mix(238, 17, k)},${mix(244, 94, k)},${mix(251, 160, k)})`;
    expect(fill('m5:cell:team-a:team-c')).toBe(shade(1));
    expect(fill('m5:cell:team-a:team-b')).toBe(shade(0.75));
    expect(fill('m5:cell:team-c:team-b')).toBe(shade(0.5));
    const label = (x: number, y: number) =>
      textsOf(chart).find((t) => t.a.x === `${x}` && t.a.y === `${y}`)!.a.fill;
    expect(label(325, 99)).toBe('#fff');
    // 2 of 4 is 50 %: dark text.
    expect(label(325, 167)).toBeUndefined();
  });

  it('flags a same-team listen in red, but not in the merged small teams', () => {
    const m = knownMonth();
    m.assignments[0]!.coachTeam = m.assignments[0]!.agentTeam;
    m.teams.push({ id: SMALL_TEAMS_ID, name: 'Small teams' });
    m.calls.byTeam.push({ team: SMALL_TEAMS_ID, calls: 0, recorded: 0, transferred: 0 });
    m.assignments.push({ ...m.assignments[1]!, coachTeam: SMALL_TEAMS_ID, agentTeam: SMALL_TEAMS_ID });
    const s5 = sectionOf(m, 5);
    const chart = byTestid(s5, 'svg', 'chart-matrix');
    const rect = (id: string) => tagsOf(chart, 'rect').find((r) => r['data-testid'] === id)!;
    expect(rect('m5:cell:team-a:team-a')).toMatchObject({
      fill: '#ffebe9',
      stroke: '#cf222e',
      'stroke-width': '2',
      'data-diagonal': 'true',
      'data-value': '1',
    });
    const small = rect(`m5:cell:${SMALL_TEAMS_ID}:${SMALL_TEAMS_ID}`);
    expect(small['data-diagonal']).toBeUndefined();
    expect(small.stroke).toBe('none');
    expect(small['stroke-width']).toBeUndefined();
    expect(rect('m5:cell:team-b:team-b')['stroke-width']).toBeUndefined();
    const strong = textsOf(chart).filter((t) => t.a.class === 'value strong');
    expect(strong.map((t) => [t.s, t.a.fill])).toEqual([['1', '#cf222e']]);
    expect(s5).toMatch(/<span class="status ko" data-testid="status:5" data-value="0"/);
    expect(s5).toContain('<p class="lead">1 listen was by a coach of the agent’s own team.</p>');
    const tbl = byTestid(s5, 'table', 'table-matrix');
    expect(tbl).toContain(
      '<td data-label="Team A" data-diagonal="true" class="n" data-testid="s5:cell:team-a:team-a" data-value="1">1</td>',
    );
    // The table marks the same cells as the chart: not the merged small teams'.
    const smallCell = tagsOf(tbl, 'td').find(
      (c) => c['data-testid'] === `s5:cell:${SMALL_TEAMS_ID}:${SMALL_TEAMS_ID}`,
    )!;
    expect(smallCell['data-value']).toBe('1');
    expect(smallCell['data-diagonal']).toBeUndefined();
  });

  it('tables the matrix up to 8 teams, with a dash on the empty diagonal, and is kept', () => {
    const s5 = sectionOf(knownMonth(), 5);
    const tbl = byTestid(s5, 'table', 'table-matrix');
    expect(tbl).toMatch(
      /^<table data-testid="table-matrix" class="wide"><caption>Cross-team listening matrix \(Coach’s team × Agent’s team\)<\/caption><thead><tr><th scope="col">Coach ↓ \/ agent →<\/th><th scope="col" class="n">Team A<\/th>/,
    );
    expect(rowsOf(tbl)).toEqual([
      ['Team A', '—', '3', '0'],
      ['Team B', '3', '—', '0'],
      ['Team C', '0', '0', '—'],
    ]);
    expect(tbl).toContain(
      '<td data-label="Team B" class="n" data-testid="s5:cell:team-a:team-b" data-value="3">3</td>',
    );
    expect(s5).toMatch(/<span class="status ok" data-testid="status:5" data-value="1"/);
    expect([...s5.matchAll(/<span class="tag"[^>]*>(C\d+)<\/span>/g)].map((t) => t[1])).toEqual([
      'C2',
      'C10',
    ]);
    expect(s5).toContain(
      '<p class="lead">6 listens, all by a coach of another team: the diagonal is empty.</p>',
    );
    expect(s5).toContain('<div class="row stack">');
    expect([...s5.matchAll(/<span class="sw ([^"]+)"><\/span>([^<]*)/g)].map((k) => [k[1], k[2]])).toEqual([
      ['sw-shade', 'darker: more listens'],
      ['sw-diagonal', 'same team: must stay empty'],
    ]);
  });

  it('beyond 5 teams, turns the column labels upright and lists pairs beyond 8', () => {
    const m = withExtraTeams(knownMonth(), 6, (t) => `Extra team ${t}`);
    const s5 = sectionOf(m, 5);
    const chart = byTestid(s5, 'svg', 'chart-matrix');
    // 9 teams: cells 470 / 9 wide, column labels rotated a quarter turn above y = 22 + 90 − 8.
    const cellW = 470 / 9;
    const heads = textsOf(chart).filter((t) => t.a.transform);
    expect(heads.map((t) => [t.a.x, t.a.y, t.a.transform, t.s])).toEqual(
      m.teams.map((tm, j) => {
        const cx = r2(160 + j * cellW + cellW / 2);
        return [`${cx}`, '104', `rotate(-90 ${cx} 104)`, tm.name];
      }),
    );
    const first = tagsOf(chart, 'rect').find((r) => r['data-mark'] === 'cell')!;
    expect([first.x, first.y, first.width]).toEqual(['161', '113', `${r2(cellW - 2)}`]);
    // "same team" does not fit in 52 px: the empty diagonal shows its hatch only.
    expect(chart).not.toContain('diag-label');
    expect(textsOf(chart).filter((t) => t.a.class === 'value').length).toBe(81 - 9);
    const tbl = byTestid(s5, 'table', 'table-matrix');
    expect(tbl).toMatch(/<caption>Cross-team listening matrix \(Coach’s team → Agent’s team\)<\/caption>/);
    // Pairs with listens (2), then the 9 diagonal cells.
    expect(rowsOf(tbl).length).toBe(11);
    expect(rowsOf(tbl)[1]).toEqual(['Team A', 'Team B', '3']);
    expect(headOf(tbl)).toEqual(['Coach’s team', 'Agent’s team', 'Listens']);
    expect(tbl).toContain(
      '<tr><th data-label="Coach’s team" scope="row">Team A</th><td data-label="Agent’s team">Team B</td><td data-label="Listens" class="n" data-testid="s5:cell:team-a:team-b" data-value="3">3</td></tr>',
    );
    expect(rowsOf(tbl)[0]).toEqual(['Team A', 'Team A', '—']);
  });

  it('keeps the matrix table at 8 teams; writes "same team" only where it fits (7 teams, not 8)', () => {
    const eight = sectionOf(
      withExtraTeams(knownMonth(), 5, (t) => `E${t}`),
      5,
    );
    const tbl = byTestid(eight, 'table', 'table-matrix');
    expect(headOf(tbl)).toEqual([
      'Coach ↓ / agent →',
      'Team A',
      'Team B',
      'Team C',
      'E0',
      'E1',
      'E2',
      'E3',
      'E4',
    ]);
    expect(rowsOf(tbl).length).toBe(8);
    // 470 / 8 = 58.75 px cells: "same team" (about 59 px at 11 px) does not fit in 54.75.
    expect(textWidth('same team', 11)).toBeGreaterThan(470 / 8 - 4);
    expect(byTestid(eight, 'svg', 'chart-matrix')).not.toContain('diag-label');
    const seven = byTestid(
      sectionOf(
        withExtraTeams(knownMonth(), 4, (t) => `E${t}`),
        5,
      ),
      'svg',
      'chart-matrix',
    );
    expect(
      textsOf(seven)
        .filter((t) => t.a.class === 'diag-label')
        .map((t) => t.s),
    ).toEqual(Array.from({ length: 7 }, () => 'same team'));
  });

  it('wraps a long column label on two lines within its cell, less 8 px', () => {
    const m = knownMonth();
    const name = 'Support desk for business customers';
    m.teams[1]!.name = name;
    const head = textsOf(byTestid(sectionOf(m, 5), 'svg', 'chart-matrix')).find(
      (t) => t.a.y === '50' && t.a.x === '325',
    )!;
    expect(wrap(name, 102, 12, 2)).not.toEqual(wrap(name, 118, 12, 2));
    expect(head.s).toBe(wrap(name, 102, 12, 2).join(' '));
  });

  it('writes a cell’s number in white only above 55 % of the busiest cell', () => {
    const m = knownMonth();
    const ab = m.assignments.find((a) => a.coachTeam === 'team-a')!;
    const ba = m.assignments.find((a) => a.coachTeam === 'team-b')!;
    // Team A → team C: 20 listens; team B → team A: 11, exactly 55 %.
    for (let k = 0; k < 20; k++) m.assignments.push({ ...ab, agentTeam: 'team-c', agentId: 'A008' });
    for (let k = 0; k < 8; k++) m.assignments.push({ ...ba });
    const chart = byTestid(sectionOf(m, 5), 'svg', 'chart-matrix');
    const value = (x: string, y: string) => textsOf(chart).find((t) => t.a.x === x && t.a.y === y)!;
    expect(value('215', '133').s).toBe('11');
    expect(value('215', '133').a.fill).toBeUndefined();
    expect(value('435', '99').a.fill).toBe('#fff');
  });

  it('shows no number in the cells of more than 19 teams', () => {
    const m = withExtraTeams(knownMonth(), 17, (t) => `X${t}`);
    const chart = byTestid(sectionOf(m, 5), 'svg', 'chart-matrix');
    expect(textsOf(chart).filter((t) => t.a.class === 'value')).toEqual([]);
  });
});
