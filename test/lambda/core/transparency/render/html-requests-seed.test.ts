import { describe, expect, it } from 'vitest';
import type { MonthData } from '../../../../../lambda/core/transparency/model';
import {
  byTestid,
  headOf,
  knownMonth,
  r2,
  rowsOf,
  sectionOf,
  tagsOf,
  textsOf,
  valuesOf,
} from '../../../../support/html-report';

// The known month (test/support/transparency-month.ts). Requests: three deletions asked during the
// call, done in 60 s, 600 s and 120 s; two asked after it, one failed (with a completion instant
// stored) and one waiting for its recording; one redaction asked after the call, done in 30 s.
// Seed committed 20 Oct 2026 00:00 UTC, revealed 2 Dec 00:15 UTC; the month runs from 31 Oct
// 23:00 UTC to 30 Nov 23:00 UTC. Reasons: 6 calls recorded, 1 not drawn, 1 excluded line.

const request = (m: MonthData, i: number) => m.requests[i]!;

describe('§6, deletions and redactions, for a month known by hand', () => {
  // Log scale from 0.5 s to 1.5 × the slowest (900 s), x = 190 … 510.
  const x = (s: number, maxS = 900) =>
    190 + ((Math.log10(Math.max(s, 0.5)) - Math.log10(0.5)) * 320) / (Math.log10(maxS) - Math.log10(0.5));

  it('draws the median and slowest time per kind and arrival, or says none was done', () => {
    const chart = byTestid(sectionOf(knownMonth(), 6), 'svg', 'chart-requests');
    const groups = [...chart.matchAll(/<g ([^>]*)>([\s\S]*?)<\/g>/g)].map((g) => [
      Object.fromEntries([...g[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((k) => [k[1], k[2]])),
      tagsOf(g[2]!, 'rect').map((r) => [Number(r.y), Number(r.width), r.height, r.fill]),
      textsOf(g[2]!).map((t) => [Number(t.a.x), Number(t.a.y), t.s]),
    ]);
    expect(groups).toEqual([
      [
        {
          'data-mark': 'request',
          'data-testid': 'm6:deletion:request-first',
          'data-median': '120',
          'data-max': '600',
          'data-requests': '3',
        },
        [
          [28, r2(x(600) - 190), '22', '#b3d4ea'],
          [32, r2(x(120) - 190), '14', '#0072B2'],
        ],
        [],
      ],
      [
        { 'data-mark': 'request', 'data-testid': 'm6:deletion:file-first', 'data-requests': '2' },
        [],
        [[194, 84, 'none done']],
      ],
      [
        { 'data-mark': 'request', 'data-testid': 'm6:redaction:request-first', 'data-requests': '0' },
        [],
        [[194, 124, 'none done']],
      ],
      [
        {
          'data-mark': 'request',
          'data-testid': 'm6:redaction:file-first',
          'data-median': '30',
          'data-max': '30',
          'data-requests': '1',
        },
        [
          [148, r2(x(30) - 190), '22', '#ecd3e3'],
          [152, r2(x(30) - 190), '14', '#CC79A7'],
        ],
        [],
      ],
    ]);
    const outside = textsOf(chart.replace(/<g [\s\S]*?<\/g>/g, '')).map((t) => [
      Number(t.a.x),
      Number(t.a.y),
      t.s,
      t.a['text-anchor'],
      t.a.class,
    ]);
    expect(outside).toEqual([
      [r2(x(1)), 194, '1\u00a0s', 'middle', 'tick'],
      [r2(x(10)), 194, '10\u00a0s', 'middle', 'tick'],
      [r2(x(60)), 194, '1\u00a0min', 'middle', 'tick'],
      [r2(x(600)), 194, '10\u00a0min', 'middle', 'tick'],
      [180, 37, 'Deletion asked during the call', 'end', 'label'],
      [520, 37, 'median 2\u00a0min max 10\u00a0min', undefined, 'value'],
      [180, 77, 'Deletion asked after the call', 'end', 'label'],
      [180, 117, 'Redaction asked during the call', 'end', 'label'],
      [180, 157, 'Redaction asked after the call', 'end', 'label'],
      [520, 157, 'median 30\u00a0s max 30\u00a0s', undefined, 'value'],
    ]);
    expect(chart).toContain('<tspan x="180" dy="14" class="sub">asked during the call</tspan>');
    expect(chart).toContain('<text x="194" y="84" class="value muted">none done</text>');
    expect(chart).toContain('<tspan x="520" dy="14">max 10\u00a0min</tspan>');
    expect(tagsOf(chart, 'line')[0]).toEqual({
      x1: `${r2(x(1))}`,
      x2: `${r2(x(1))}`,
      y1: '14',
      y2: '180',
      stroke: '#e6e9ec',
    });
    expect(chart).toMatch(/^<svg [^>]*viewBox="0 0 640 204"/);
  });

  it('keeps an axis to 10 min when every request is fast, and a 1 px bar for an instant one', () => {
    const m = knownMonth();
    // The 600 s deletion done in 0 s: the slowest is 120 s, under the 600 s floor of the axis.
    request(m, 1).completedAt = request(m, 1).requestedAt;
    const chart = byTestid(sectionOf(m, 6), 'svg', 'chart-requests');
    const ticks = textsOf(chart).filter((t) => t.a.class === 'tick');
    expect(ticks.map((t) => [Number(t.a.x), t.s])).toEqual(
      [1, 10, 60, 600].map((v, i) => [
        r2(x(v, 600)),
        ['1\u00a0s', '10\u00a0s', '1\u00a0min', '10\u00a0min'][i],
      ]),
    );
    expect(ticks.at(-1)!.a.x).toBe('510');
    // A redaction done the instant it was asked: a 1 px bar.
    const instant = knownMonth();
    request(instant, 5).completedAt = request(instant, 5).requestedAt;
    const g = byTestid(
      byTestid(sectionOf(instant, 6), 'svg', 'chart-requests'),
      'g',
      'm6:redaction:file-first',
    );
    expect(tagsOf(g, 'rect').map((r) => r.width)).toEqual(['1', '1']);
    // An hour-long deletion: ticks to 1 h.
    const slow = knownMonth();
    request(slow, 0).completedAt = new Date(
      Date.parse(request(slow, 0).requestedAt) + 3_600_000,
    ).toISOString();
    const slowTicks = textsOf(byTestid(sectionOf(slow, 6), 'svg', 'chart-requests')).filter(
      (t) => t.a.class === 'tick',
    );
    expect(slowTicks.map((t) => t.s)).toEqual([
      '1\u00a0s',
      '10\u00a0s',
      '1\u00a0min',
      '10\u00a0min',
      '1\u00a0h',
    ]);
  });

  it('tables requests, done, open / failed and the times, and watches what is not done', () => {
    const s6 = sectionOf(knownMonth(), 6);
    const tbl = byTestid(s6, 'table', 'table-requests');
    expect(headOf(tbl)).toEqual([
      'Request',
      'Requests',
      'Done',
      'Pending / failed',
      'Median time',
      'Slowest',
    ]);
    expect(s6).toContain('<div class="row stack">');
    expect([...s6.matchAll(/<span class="sw ([^"]+)"><\/span>/g)].map((k) => k[1])).toEqual([
      'sw-median-time',
      'sw-max-time',
    ]);
    expect(rowsOf(tbl)).toEqual([
      ['Deletion<br><small>asked during the call</small>', '3', '3', '0 / 0', '2\u00a0min', '10\u00a0min'],
      ['Deletion<br><small>asked after the call</small>', '2', '0', '1 / 1', '—', '—'],
      ['Redaction<br><small>asked during the call</small>', '0', '0', '0 / 0', '—', '—'],
      ['Redaction<br><small>asked after the call</small>', '1', '1', '0 / 0', '30\u00a0s', '30\u00a0s'],
    ]);
    expect(valuesOf(tbl, 's6:failed:')).toEqual({
      'deletion:request-first': '0',
      'deletion:file-first': '1',
      'redaction:request-first': '0',
      'redaction:file-first': '0',
    });
    expect(valuesOf(tbl, 's6:median:')['deletion:file-first']).toBeUndefined();
    expect(s6).toContain(
      '<span class="status warn" data-testid="status:6" data-value="0" title="to watch">!<span class="sr"> to watch</span></span>',
    );
    // Only the redaction asked after the call is done among those: its median, 30 s.
    expect(s6).toContain(
      '<p class="lead">6 requests; done in 30\u00a0s (median) when the recording already existed.</p>',
    );
    expect(s6).toMatch(/<\/div><\/div><p class="note">Asked during the call: [^<]+<\/p><\/section>$/);
    // Every request done: kept. The failed one's stored instant (90 s) now counts: the median of
    // 30 s and 90 s is 1 min; the waiting one done in 150 s makes three: 90 s.
    const done = knownMonth();
    request(done, 3).status = 'done';
    expect(sectionOf(done, 6)).toContain('(median) when');
    const two = sectionOf(done, 6);
    expect(two).toContain(
      '<p class="lead">6 requests; done in 1\u00a0min (median) when the recording already existed.</p>',
    );
    request(done, 4).status = 'done';
    request(done, 4).completedAt = new Date(Date.parse(request(done, 4).requestedAt) + 150_000).toISOString();
    const all = sectionOf(done, 6);
    expect(all).toContain(
      '<p class="lead">6 requests; done in 1\u00a0min\u00a030\u00a0s (median) when the recording already existed.</p>',
    );
    expect(all).toMatch(/<span class="status ok" data-testid="status:6" data-value="1" title="kept">✓/);
    // No request after the call done: a dash.
    const none = knownMonth();
    none.requests = none.requests.filter((r) => r.arrival === 'request-first');
    expect(sectionOf(none, 6)).toContain(
      '<p class="lead">3 requests; done in — (median) when the recording already existed.</p>',
    );
  });
});

describe('§7, the lottery seed, for a month known by hand', () => {
  const DAY = 86_400_000;
  const s0 = Date.parse('2026-10-31T23:00:00.000Z');
  const s1 = Date.parse('2026-11-30T23:00:00.000Z');

  it('places the month, the commitment and the reveal on a time line', () => {
    const chart = byTestid(sectionOf(knownMonth(), 7), 'svg', 'chart-seed');
    const committed = Date.parse('2026-10-20T00:00:00.000Z');
    const revealed = Date.parse('2026-12-02T00:15:00.000Z');
    // From 3 days before the commitment to 4 days after the reveal, x = 20 … 620.
    const d0 = committed - 3 * DAY;
    const d1 = revealed + 4 * DAY;
    const x = (t: number) => r2(20 + ((t - d0) * 600) / (d1 - d0));
    expect(tagsOf(chart, 'rect')).toEqual([
      {
        x: `${x(s0)}`,
        y: '56',
        width: `${r2(((s1 - s0) * 600) / (d1 - d0))}`,
        height: '22',
        fill: '#eaeef2',
        'data-mark': 'period',
      },
    ]);
    expect(tagsOf(chart, 'line')).toEqual([
      { x1: '20', x2: '620', y1: '78', y2: '78', stroke: '#8c959f' },
      {
        x1: `${x(committed)}`,
        x2: `${x(committed)}`,
        y1: '24',
        y2: '78',
        stroke: '#1a7f37',
        'stroke-width': '2',
      },
      {
        x1: `${x(revealed)}`,
        x2: `${x(revealed)}`,
        y1: '24',
        y2: '78',
        stroke: '#1a7f37',
        'stroke-width': '2',
      },
    ]);
    expect(tagsOf(chart, 'circle').map((c) => [c.cx, c.cy, c.fill, c['data-mark']])).toEqual([
      [`${x(committed)}`, '24', '#1a7f37', 'commit'],
      [`${x(revealed)}`, '24', '#1a7f37', 'reveal'],
    ]);
    expect(textsOf(chart).map((t) => [Number(t.a.x), Number(t.a.y), t.s, t.a['text-anchor']])).toEqual([
      [r2(20 + ((s0 + (s1 - s0) / 2 - d0) * 600) / (d1 - d0)), 71, 'the month · November 2026', 'middle'],
      [x(s0), 94, '1 Nov', 'middle'],
      [x(s1), 94, '30 Nov', 'middle'],
      [r2(x(committed) + 9), 28, 'committed 20 Oct', 'start'],
      [r2(x(revealed) - 9), 28, 'revealed 2 Dec', 'end'],
    ]);
  });

  it('lists the four checks and the commitment, all kept', () => {
    const s7 = sectionOf(knownMonth(), 7);
    const tbl = byTestid(s7, 'table', 'table-checks');
    expect(rowsOf(tbl)).toEqual([
      ['Committed before the month started (20 October 2026 at 02:00)', '✓ kept'],
      ['The revealed seed matches the commitment (2 December 2026 at 01:15)', '✓ kept'],
      ['10 decisions recomputed from the seed, 0 difference', '✓ kept'],
      ['Audit log intact: 2 hash chains, 20 records', '✓ kept'],
    ]);
    expect(tbl).toContain('<td data-testid="s7:audit" data-value="1" class="ok">✓ kept</td>');
    expect(tbl).toContain(
      '<caption>Lottery seed and verification</caption><thead><tr><th scope="col">Check</th><th scope="col">Result</th></tr></thead>',
    );
    expect(s7).toMatch(
      /<p class="hash"><span>Commitment \(SHA-256\)<\/span> <code data-testid="s7:commitment">[0-9a-f]{64}<\/code><\/p>/,
    );
    expect(s7).toMatch(/<span class="status ok" data-testid="status:7" data-value="1"/);
    expect(s7).toContain('<figcaption class="legend"><span class="key-note">Timeline:');
  });

  it('shows a late commitment, an unrevealed or mismatched seed and failed verifications in red', () => {
    const late = knownMonth();
    late.seeds.committedAt = '2026-11-02T00:00:00.000Z';
    delete late.seeds.revealedAt;
    const s7 = sectionOf(late, 7);
    const chart = byTestid(s7, 'svg', 'chart-seed');
    // From 3 days before the month to 4 days after it.
    const d0 = s0 - 3 * DAY;
    const d1 = s1 + 4 * DAY;
    const x = (t: number) => r2(20 + ((t - d0) * 600) / (d1 - d0));
    expect(tagsOf(chart, 'circle').map((c) => [c.cx, c.fill, c['data-mark']])).toEqual([
      [`${x(Date.parse(late.seeds.committedAt))}`, '#cf222e', 'commit'],
    ]);
    expect(tagsOf(chart, 'rect')[0]!.x).toBe(`${x(s0)}`);
    expect(rowsOf(byTestid(s7, 'table', 'table-checks')).slice(0, 2)).toEqual([
      ['Committed AFTER the month started (2 November 2026 at 01:00)', '✗ not kept'],
      ['not revealed yet', '✗ not kept'],
    ]);
    expect(s7).toMatch(/<span class="status ko" data-testid="status:7" data-value="0"/);

    const bad = knownMonth();
    bad.seeds.commitmentMatches = false;
    bad.verification = {
      decisions: { ok: true, violations: 2 },
      audit: { ok: false, chains: 2, records: 20 },
    };
    const ko = sectionOf(bad, 7);
    expect(tagsOf(byTestid(ko, 'svg', 'chart-seed'), 'circle').map((c) => c.fill)).toEqual([
      '#1a7f37',
      '#cf222e',
    ]);
    expect(rowsOf(byTestid(ko, 'table', 'table-checks')).slice(1)).toEqual([
      ['The revealed seed does NOT match the commitment (2 December 2026 at 01:15)', '✗ not kept'],
      ['2 decisions differ from the recomputation', '✗ not kept'],
      ['Audit log chain BROKEN', '✗ not kept'],
    ]);
    // The producer's "not ok" with no difference is still not kept; so is a failed audit alone.
    const notOk = knownMonth();
    notOk.verification!.decisions.ok = false;
    const ko2 = sectionOf(notOk, 7);
    expect(ko2).toContain(
      '<th scope="row">0 decisions differ from the recomputation</th><td data-testid="s7:decisions" data-value="0"',
    );
    expect(ko2).toContain('data-testid="s7:audit" data-value="1"');
    expect(ko2).toMatch(/data-testid="status:7" data-value="0"/);
  });
});

describe('§8, the reasons, for a month known by hand', () => {
  it('draws one bar per reason on an axis to the most common one, with its count and share', () => {
    const s8 = sectionOf(knownMonth(), 8);
    const chart = byTestid(s8, 'svg', 'chart-reasons');
    const x = (v: number) => r2(240 + (v * 270) / 6);
    const counts = [6, 1, 0, 1, 0, 0, 0];
    const keys = [
      'drawn',
      'not-drawn',
      'agent-cap-reached',
      'excluded-line',
      'caller-objected',
      'record-failed',
      'error',
    ];
    const fills = ['#0072B2', '#8c959f', '#E69F00', '#6e7781', '#CC79A7', '#D55E00', '#cf222e'];
    expect(
      tagsOf(chart, 'rect').map((r) => [
        r['data-testid'],
        Number(r.x),
        Number(r.y),
        Number(r.width),
        r.height,
        r.fill,
        r['data-value'],
      ]),
    ).toEqual(
      keys.map((k, i) => [
        `m8:${k}`,
        240,
        14 + i * 26,
        Math.max(1, x(counts[i]!) - 240),
        '16',
        fills[i],
        `${counts[i]}`,
      ]),
    );
    const values = textsOf(chart).filter((t) => t.a.class === 'value');
    expect(values.map((t) => [Number(t.a.x), Number(t.a.y), t.s])).toEqual(
      keys.map((_k, i) => [
        r2(x(counts[i]!) + 6),
        26 + i * 26,
        `${counts[i]} · ${(counts[i]! * 12.5).toFixed(1)}%`,
      ]),
    );
    const labels = textsOf(chart).filter((t) => t.a.class === 'label');
    expect(labels.map((t) => [t.a.x, t.a.y, t.a['text-anchor'], t.s])).toEqual(
      [
        'Drawn and recorded',
        'Not drawn',
        'Drawn, agent at the paced cap',
        'Excluded line or agent',
        'Caller objected',
        'Drawn, recording failed',
        'Error (not recorded)',
      ].map((s, i) => ['230', `${26 + i * 26}`, 'end', s]),
    );
    expect(tagsOf(chart, 'line')).toEqual([{ x1: '240', x2: '240', y1: '10', y2: '192', stroke: '#8c959f' }]);
    expect(chart).toMatch(/^<svg [^>]*viewBox="0 0 640 202"/);
  });

  it('tables every reason with its share, and leads with the recorded and not drawn shares', () => {
    const s8 = sectionOf(knownMonth(), 8);
    expect(headOf(byTestid(s8, 'table', 'table-reasons'))).toEqual(['Reason', 'Calls', 'Share']);
    expect(rowsOf(byTestid(s8, 'table', 'table-reasons')).map((r) => r.slice(1))).toEqual([
      ['6', '75.0%'],
      ['1', '12.5%'],
      ['0', '0.0%'],
      ['1', '12.5%'],
      ['0', '0.0%'],
      ['0', '0.0%'],
      ['0', '0.0%'],
    ]);
    expect(valuesOf(s8, 's8:share:')).toMatchObject({ drawn: '0.75', 'not-drawn': '0.125', error: '0' });
    expect(s8).toContain(
      '<p class="lead">75.0% of calls were recorded; 12.5% were not drawn by the lottery.</p>',
    );
    expect(s8).toMatch(/<span class="status ok" data-testid="status:8" data-value="1"/);
    expect(s8).toContain(
      '<span class="sw sw-reason"></span>calls with this reason · share of all calls</span><span class="key-note">A transferred call',
    );
    // A month without a call: every bar 1 px, every share 0.
    const empty = knownMonth();
    for (const k of Object.keys(empty.reasons) as (keyof MonthData['reasons'])[]) empty.reasons[k] = 0;
    const none = byTestid(sectionOf(empty, 8), 'svg', 'chart-reasons');
    expect(new Set(tagsOf(none, 'rect').map((r) => r.width))).toEqual(new Set(['1']));
  });
});

describe('§9, when calls are recorded, for a month known by hand', () => {
  // Calls by hour (Paris): 1 at 00:00 (recorded), 7 at 11:00 (5 recorded); 8 calls, 6 recorded.
  it('draws each hour’s share of calls and of recordings side by side', () => {
    const chart = byTestid(sectionOf(knownMonth(), 9), 'svg', 'chart-time');
    // The highest share is 7 of 8 calls: bars up to 160 px from y = 170.
    const slot = 594 / 24;
    const h = (share: number) => (share * 160) / (7 / 8);
    const bars = tagsOf(chart, 'rect').map((r) => [
      r['data-testid'],
      Number(r.x),
      Number(r.y),
      Number(r.width),
      Number(r.height),
      r.fill,
    ]);
    expect(bars.length).toBe(48);
    const bar = (i: number, mark: string, share: number, dx: number, fill: string) => [
      `m9:${mark}:${i}`,
      r2(36 + i * slot + dx),
      r2(170 - h(share)),
      r2(slot / 2 - 2),
      r2(h(share)),
      fill,
    ];
    expect(bars.slice(0, 4)).toEqual([
      bar(0, 'calls', 1 / 8, 1, '#57606a'),
      bar(0, 'recordings', 1 / 6, slot / 2, '#0072B2'),
      bar(1, 'calls', 0, 1, '#57606a'),
      bar(1, 'recordings', 0, slot / 2, '#0072B2'),
    ]);
    expect(bars.slice(22, 24)).toEqual([
      bar(11, 'calls', 7 / 8, 1, '#57606a'),
      bar(11, 'recordings', 5 / 6, slot / 2, '#0072B2'),
    ]);
    expect(tagsOf(chart, 'rect')[22]!['data-value']).toBe('0.88');
    const ticks = textsOf(chart).map((t) => [
      Number(t.a.x),
      Number(t.a.y),
      t.s,
      t.a.class,
      t.a['text-anchor'],
    ]);
    expect(ticks).toEqual(
      [0, 3, 6, 9, 12, 15, 18, 21].map((i) => [
        r2(36 + i * slot + slot / 2),
        184,
        String(i).padStart(2, '0'),
        'tick',
        'middle',
      ]),
    );
    expect(tagsOf(chart, 'line')).toEqual([{ x1: '36', x2: '630', y1: '170', y2: '170', stroke: '#8c959f' }]);
    expect(chart).toMatch(/^<svg [^>]*viewBox="0 0 640 194"/);
  });

  it('tables the weeks and the hours with calls, and leads with the spread of hours with 100 calls', () => {
    const s9 = sectionOf(knownMonth(), 9);
    expect(rowsOf(byTestid(s9, 'table', 'table-time-weeks'))).toEqual([
      ['Week 1 (days 1–7)', '6', '75.0%', '5', '83.3%', '83.3%'],
      ['Week 2 (days 8–14)', '2', '25.0%', '1', '16.7%', '50.0%'],
      ['Week 3 (days 15–21)', '0', '0.0%', '0', '0.0%', '–'],
      ['Week 4 (days 22–28)', '0', '0.0%', '0', '0.0%', '–'],
      ['Days 29 to the end', '0', '0.0%', '0', '0.0%', '–'],
    ]);
    expect(valuesOf(s9, 's9:rate:')).toEqual({
      w1: '0.833333',
      w2: '0.5',
      w3: undefined,
      w4: undefined,
      w5: undefined,
      h0: '1',
      h11: '0.714286',
    });
    expect(rowsOf(byTestid(s9, 'table', 'table-time-hours'))).toEqual([
      ['00:00–01:00', '1', '12.5%', '1', '16.7%', '100.0%'],
      ['11:00–12:00', '7', '87.5%', '5', '83.3%', '71.4%'],
    ]);
    expect(s9).toContain('<div class="row stack">');
    expect(s9).toMatch(
      /<\/div><\/div><div class="aside"><table data-testid="table-time-hours" class="wide">/,
    );
    expect(s9).toContain(
      'the recorded share ranges from 0.0% to 0.0% across the hours with at least 100 calls.</p>',
    );
    // Hours of 100 calls or more: 15 % and 20 %; an hour of 99 calls, all recorded, does not count.
    const m = knownMonth();
    const hours = m.timeProfile!.hours;
    hours[9] = { calls: 100, recorded: 20 };
    hours[10] = { calls: 200, recorded: 30 };
    hours[12] = { calls: 99, recorded: 99 };
    const busy = sectionOf(m, 9);
    expect(busy).toContain(
      'the recorded share ranges from 15.0% to 20.0% across the hours with at least 100 calls.</p>',
    );
    expect(busy).toMatch(/<span class="status ok" data-testid="status:9" data-value="1"/);
    expect([...busy.matchAll(/<span class="sw ([^"]+)"><\/span>/g)].map((k) => k[1])).toEqual([
      'sw-calls',
      'sw-recordings',
    ]);
  });

  it('draws nothing above the axis for a month without a call, and no section without a profile', () => {
    const m = knownMonth();
    m.timeProfile = {
      weeks: m.timeProfile!.weeks.map(() => ({ calls: 0, recorded: 0 })),
      hours: m.timeProfile!.hours.map(() => ({ calls: 0, recorded: 0 })),
    };
    const s9 = sectionOf(m, 9);
    const bars = tagsOf(byTestid(s9, 'svg', 'chart-time'), 'rect');
    expect(new Set(bars.map((b) => [b.y, b.height, b['data-value']].join(' ')))).toEqual(
      new Set(['170 0 0']),
    );
    expect(rowsOf(byTestid(s9, 'table', 'table-time-hours'))).toEqual([]);
    expect(rowsOf(byTestid(s9, 'table', 'table-time-weeks'))[0]).toEqual([
      'Week 1 (days 1–7)',
      '0',
      '0.0%',
      '0',
      '0.0%',
      '–',
    ]);
  });
});
