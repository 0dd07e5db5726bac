/**
 * The works council's transparency report as one self-contained HTML page: inline CSS and SVG, no
 * script, no font, no image to fetch (a Content-Security-Policy of `default-src 'none'` says so to
 * the browser). Every chart is an `<svg role="img">` with a title and a description, and a table
 * beside it gives the same numbers to screen readers and to anyone who prefers to read them.
 *
 * Test hooks: every number a test compares has `data-testid="<section>:<metric>:<key>"` and
 * `data-value` (the raw number); every mark of a chart has `data-mark`.
 */
import {
  ALL_TEAMS,
  agentPacing,
  crossTeamMatrix,
  pacingGrid,
  pacingSummary,
  reasonRows,
  requestSpeeds,
  seedTimeline,
  type TeamSummary,
  teamSummaries,
  verdict,
} from '../aggregate';
import { type MonthData, SIMULATED_LABEL, SMALL_TEAMS_ID } from '../model';
import { type Formatters, formatters, type Lang, type Strings, strings } from './i18n';
import {
  COLORS,
  el,
  esc,
  linear,
  logScale,
  multiline,
  round,
  selfClosing,
  svgChart,
  teamColor,
  text,
  textWidth,
  wrap,
} from './svg';

export interface RenderOptions {
  /** @default 'fr' */
  lang?: Lang;
}

interface Ctx {
  m: MonthData;
  t: Strings;
  f: Formatters;
  teams: TeamSummary[];
  total: TeamSummary;
  teamIndex: Map<string, number>;
  teamName: (id: string) => string;
}

const W = 640;

const dv = (v: number | null | undefined): string | undefined =>
  v === null || v === undefined ? undefined : String(Number.isInteger(v) ? v : Number(v.toFixed(6)));

function cell(content: string, testid?: string, value?: number | null, numeric = true): string {
  return el(
    'td',
    { class: numeric ? 'n' : undefined, 'data-testid': testid, 'data-value': dv(value) },
    content,
  );
}

function th(content: string, scope: 'col' | 'row', numeric = false): string {
  return el('th', { scope, class: numeric ? 'n' : undefined }, content);
}

/**
 * Each body cell names its column (`data-label`): below 600 px a table of five columns or more turns
 * each row into a card whose cells carry that name, so no table is wider than a phone.
 */
function labelled(head: readonly string[], rows: readonly string[]): string[] {
  return rows.map((r) => {
    let i = 0;
    return r.replace(/<(td|th)\b/g, (m) => `${m} data-label="${esc(head[i++] ?? '')}"`);
  });
}

function table(caption: string, head: string[], rows: string[], testid: string, numericFrom = 1): string {
  return el(
    'table',
    { 'data-testid': testid, class: head.length >= 4 ? 'wide' : undefined },
    `${el('caption', {}, esc(caption))}<thead><tr>${head
      .map((h, i) => th(esc(h), 'col', i >= numericFrom))
      .join('')}</tr></thead><tbody>${labelled(head, rows).join('')}</tbody>`,
  );
}

/** A chart's key, under it: a swatch (a CSS class of `.sw`) and its meaning per item, then a note. */
function legend(items: ReadonlyArray<readonly [swatch: string, label: string]>, note?: string): string {
  return `<figcaption class="legend">${items
    .map(([sw, label]) => `<span class="key"><span class="sw ${sw}"></span>${esc(label)}</span>`)
    .join('')}${note ? `<span class="key-note">${esc(note)}</span>` : ''}</figcaption>`;
}

const rowLabel = (ctx: Ctx, r: TeamSummary) => (r.team === ALL_TEAMS ? ctx.t.allTeams : r.name);

function xTicks(
  values: number[],
  x: (v: number) => number,
  y0: number,
  y1: number,
  label: (v: number) => string,
) {
  return values
    .map(
      (v) =>
        selfClosing('line', { x1: x(v), x2: x(v), y1: y0, y2: y1, stroke: COLORS.grid }) +
        text(x(v), y1 + 14, label(v), { 'text-anchor': 'middle', class: 'tick' }),
    )
    .join('');
}

function verticalRule(x: number, y0: number, y1: number, color: string, dashed: boolean, testid: string) {
  return selfClosing('line', {
    x1: x,
    x2: x,
    y1: y0,
    y2: y1,
    stroke: color,
    'stroke-width': 2,
    'stroke-dasharray': dashed ? '5 4' : undefined,
    'data-testid': testid,
  });
}

/**
 * One row of a horizontal bar chart: its label right-aligned before the axis at `x0`, the bar from
 * the axis to `end` (at least 1 px, so a zero still shows) and the value just after the bar.
 */
function barRow(r: {
  y: number;
  labelW: number;
  label: string[];
  x0: number;
  end: number;
  bar: { dy: number; height: number; fill: string | undefined };
  mark: string;
  testid: string;
  value: number;
  shown: string;
  gap: number;
}): string {
  return (
    multiline(r.labelW, r.y + 16, r.label, { 'text-anchor': 'end', class: 'label' }) +
    selfClosing('rect', {
      x: r.x0,
      y: r.y + r.bar.dy,
      width: Math.max(1, r.end - r.x0),
      height: r.bar.height,
      rx: 2,
      fill: r.bar.fill,
      'data-mark': r.mark,
      'data-testid': r.testid,
      'data-value': r.value,
    }) +
    text(r.end + r.gap, r.y + 16, r.shown, { class: 'value' })
  );
}

// 1. Recorded share against the ceiling -----------------------------------------------------------

function shareSection(ctx: Ctx): string {
  const { t, f, m } = ctx;
  const rows = [...ctx.teams, ctx.total];
  const labelW = 150;
  const x0 = labelW + 10;
  const x1 = W - 60;
  const top = 40;
  const rowH = 30;
  const maxRate = Math.max(...rows.map((r) => r.rate ?? 0));
  const domain = Math.max(0.35, Math.ceil((maxRate * 1.1) / 0.05) * 0.05);
  const x = linear(0, domain, x0, x1);
  const yEnd = top + rows.length * rowH;
  const ticks = Array.from({ length: Math.floor(domain / 0.05 + 1e-9) + 1 }, (_v, i) => i * 0.05);
  const ceiling = 0.3;
  const ceilingLabel = t.s1.ceiling(f.pct(ceiling, 0));
  const rateLabel = t.s1.rate(f.pct(m.policy.samplingRate, 0));
  const anchorFor = (px: number, label: string) =>
    px + textWidth(label, 11) / 2 > W ? 'end' : px - textWidth(label, 11) / 2 < 0 ? 'start' : 'middle';
  let body = xTicks(ticks, x, top - 6, yEnd, (v) => f.pct(v, 0));
  body += verticalRule(x(ceiling), 18, yEnd, COLORS.ceiling, false, 'ceiling-line');
  body += text(x(ceiling), 13, ceilingLabel, {
    'text-anchor': anchorFor(x(ceiling), ceilingLabel),
    class: 'rule-label',
    fill: COLORS.ceiling,
  });
  body += verticalRule(x(m.policy.samplingRate), 32, yEnd, COLORS.muted, true, 'rate-line');
  body += text(x(m.policy.samplingRate), 28, rateLabel, {
    'text-anchor': anchorFor(x(m.policy.samplingRate), rateLabel),
    class: 'rule-label',
    fill: COLORS.muted,
  });
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const isTotal = r.team === ALL_TEAMS;
    const color = isTotal ? COLORS.total : teamColor(i);
    const rate = r.rate ?? 0;
    if (isTotal) body += selfClosing('line', { x1: 0, x2: W, y1: y + 2, y2: y + 2, stroke: COLORS.axis });
    body += multiline(labelW, y + 19, wrap(rowLabel(ctx, r), labelW, 12, 1), {
      'text-anchor': 'end',
      class: isTotal ? 'label strong' : 'label',
    });
    body += selfClosing('rect', {
      x: x0,
      y: y + 6,
      width: Math.max(1, x(rate) - x0),
      height: 18,
      rx: 2,
      fill: color,
      'data-mark': 'bar',
      'data-testid': `m1:rate:${r.team}`,
      'data-value': dv(r.rate),
    });
    body += text(x(rate) + 6, y + 19, r.rate === null ? '—' : f.pct(rate), { class: 'value' });
  });
  const chart = svgChart({
    id: 'chart-share',
    testid: 'chart-share',
    width: W,
    height: yEnd + 24,
    title: t.s1.chartTitle,
    desc: t.s1.chartDesc(f.pct(ceiling, 0), f.pct(m.policy.samplingRate, 0)),
    body,
  });
  const tbl = table(
    t.s1.chartTitle,
    [t.team, t.s1.calls, t.s1.transferred, t.s1.recorded, t.s1.share],
    rows.map(
      (r) =>
        `<tr>${th(esc(rowLabel(ctx, r)), 'row')}${cell(f.int(r.calls), `s1:calls:${r.team}`, r.calls)}${cell(
          f.int(r.transferred),
          `s1:transferred:${r.team}`,
          r.transferred,
        )}${cell(f.int(r.recordedCalls), `s1:recorded:${r.team}`, r.recordedCalls)}${cell(r.rate === null ? '—' : f.pct(r.rate), `s1:rate:${r.team}`, r.rate)}</tr>`,
    ),
    'table-share',
  );
  const ok = maxRate <= ceiling;
  return section(
    ctx,
    1,
    t.s1.h,
    ['C1', 'C4'],
    ok,
    ok ? t.s1.lead(f.pct(maxRate), f.pct(ceiling, 0)) : t.s1.leadKo,
    [
      row(
        chart,
        legend([
          ['sw-team', t.legend.teamBar],
          ['sw-ceiling', `${t.legend.ceiling} (${f.pct(ceiling, 0)})`],
          ['sw-rate', `${t.legend.drawRate} (${f.pct(m.policy.samplingRate, 0)})`],
        ]),
        tbl,
      ),
      `<p class="note">${esc(t.s1.transferNote)}</p>`,
    ],
  );
}

// 2. Recordings per agent, and pacing ---------------------------------------------------------------

function recordingsSection(ctx: Ctx): string {
  const { t, f, m } = ctx;
  const cap = m.policy.maxRecordingsPerAgentPerMonth;
  const eligible = m.agents.filter((a) => !a.excluded);
  const maxV = Math.max(cap, ...eligible.map((a) => a.recorded));
  const labelW = 150;
  const x0 = labelW + 10;
  const x1 = W - 10;
  const colW = (x1 - x0) / (maxV + 1);
  const pitch = 10;
  const perLine = Math.max(1, Math.floor((colW - 4) / pitch));
  const top = 26;
  let y = top;
  let body = '';
  const rowsSvg: string[] = [];
  m.teams.forEach((team, ti) => {
    const agents = eligible.filter((a) => a.team === team.id);
    const byValue = new Map<number, string[]>();
    for (const a of agents) byValue.set(a.recorded, [...(byValue.get(a.recorded) ?? []), a.id]);
    const lines = Math.max(1, ...[...byValue.values()].map((ids) => Math.ceil(ids.length / perLine)));
    const h = lines * pitch + 14;
    let dots = '';
    for (const [v, ids] of byValue) {
      ids.forEach((id, k) => {
        const cx =
          x0 +
          v * colW +
          colW / 2 -
          ((Math.min(perLine, ids.length) - 1) * pitch) / 2 +
          (k % perLine) * pitch;
        const cy = y + h - 9 - Math.floor(k / perLine) * pitch;
        dots += el(
          'circle',
          { cx, cy, r: 4, fill: teamColor(ti), 'data-mark': 'agent', 'data-agent': id, 'data-value': v },
          el('title', {}, esc(`${id} : ${v}`)),
        );
      });
    }
    rowsSvg.push(
      selfClosing('line', { x1: x0, x2: x1, y1: y + h, y2: y + h, stroke: COLORS.grid }) +
        multiline(labelW, y + h / 2 + 4, wrap(team.name, labelW, 12, 1), {
          'text-anchor': 'end',
          class: 'label',
        }) +
        dots,
    );
    y += h;
  });
  for (let v = 0; v <= maxV; v++) {
    body += selfClosing('line', {
      x1: x0 + v * colW,
      x2: x0 + v * colW,
      y1: top,
      y2: y,
      stroke: COLORS.grid,
    });
    body += text(x0 + v * colW + colW / 2, y + 15, f.int(v), { 'text-anchor': 'middle', class: 'tick' });
  }
  body += rowsSvg.join('');
  const capX = x0 + (cap + 1) * colW;
  body += verticalRule(capX, 16, y, COLORS.ceiling, false, 'cap-line');
  body += text(capX - 4, 12, t.s2.cap(f.int(cap)), {
    'text-anchor': 'end',
    class: 'rule-label',
    fill: COLORS.ceiling,
  });
  body += text(x0 + (x1 - x0) / 2, y + 32, t.s2.axis, { 'text-anchor': 'middle', class: 'axis-title' });
  const unit = svgChart({
    id: 'chart-recordings',
    testid: 'chart-recordings',
    width: W,
    height: y + 40,
    title: t.s2.unitTitle,
    desc: t.s2.unitDesc(f.int(cap)),
    body,
  });
  const rows = [...ctx.teams, ctx.total];
  const atCap = (team: string) =>
    eligible.filter((a) => (team === ALL_TEAMS || a.team === team) && a.recorded >= cap).length;
  const tbl = table(
    t.s2.unitTitle,
    [t.team, t.s2.min, t.s2.median, t.s2.max, t.s2.atCap],
    rows.map((r) => {
      const d = r.recordingsPerAgent;
      return `<tr>${th(esc(rowLabel(ctx, r)), 'row')}${cell(d ? f.int(d.min) : '—', `s2:min:${r.team}`, d?.min)}${cell(
        d ? f.num(d.median) : '—',
        `s2:median:${r.team}`,
        d?.median,
      )}${cell(d ? f.int(d.max) : '—', `s2:max:${r.team}`, d?.max)}${cell(
        f.int(atCap(r.team)),
        `s2:at-cap:${r.team}`,
        atCap(r.team),
      )}</tr>`;
    }),
    'table-recordings',
  );

  // Pacing small multiples.
  const grid = pacingGrid(m);
  const panels: string[] = [];
  let within = true;
  const panelTeams: { id: string | undefined; name: string; color: string }[] = [
    { id: undefined, name: t.allTeams, color: COLORS.total },
    ...m.teams.map((tm, i) => ({ id: tm.id, name: tm.name, color: teamColor(i) })),
  ];
  for (const pt of panelTeams) {
    const pw = 320;
    const ph = 196;
    const px0 = 30;
    const px1 = pw - 10;
    const py0 = 30;
    const py1 = ph - 34;
    const yMax = Math.max(cap, ...eligible.map((a) => a.recorded));
    const px = linear(0, 1, px0, px1);
    const py = linear(0, yMax, py1, py0);
    const agents = agentPacing(m, pt.id);
    const stepPath = (fr: number[]) => {
      let d = `M${round(px(0))},${round(py(0))}`;
      fr.forEach((fx, k) => {
        d += `H${round(px(fx))}V${round(py(k + 1))}`;
      });
      return `${d}H${round(px(1))}`;
    };
    // Highest and median agent as step functions over every recording instant.
    const events = agents
      .flatMap((a, ai) => a.fractions.map((fx) => ({ fx, ai })))
      .sort((p, q) => p.fx - q.fx);
    const counts = agents.map(() => 0);
    let maxD = `M${round(px(0))},${round(py(0))}`;
    let medD = maxD;
    let maxNow = 0;
    let medNow = 0;
    for (const ev of events) {
      counts[ev.ai]!++;
      const nextMax = Math.max(...counts);
      const sorted = [...counts].sort((p, q) => p - q);
      const mid = Math.floor(sorted.length / 2);
      const nextMed = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      if (nextMax !== maxNow) maxD += `H${round(px(ev.fx))}V${round(py(nextMax))}`;
      if (nextMed !== medNow) medD += `H${round(px(ev.fx))}V${round(py(nextMed))}`;
      maxNow = nextMax;
      medNow = nextMed;
      if (nextMax > Math.min(cap, Math.ceil(cap * ev.fx))) within = false;
    }
    maxD += `H${round(px(1))}`;
    medD += `H${round(px(1))}`;
    let stair = `M${round(px(0))},${round(py(0))}`;
    for (const s of grid.staircase)
      stair += `V${round(py(s.limit))}H${round(px(Math.min(1, s.from + 1 / cap)))}`;
    let pb = '';
    for (let v = 0; v <= yMax; v += yMax > 10 ? 2 : 1) {
      pb += selfClosing('line', { x1: px0, x2: px1, y1: py(v), y2: py(v), stroke: COLORS.grid });
      pb += text(px0 - 5, py(v) + 4, f.int(v), { 'text-anchor': 'end', class: 'tick' });
    }
    for (const d of [1, 8, 15, 22, 29].filter((d) => d <= grid.days)) {
      const fx = grid.dayStart[d - 1]!;
      pb += selfClosing('line', { x1: px(fx), x2: px(fx), y1: py1, y2: py1 + 4, stroke: COLORS.axis });
      pb += text(px(fx), py1 + 16, t.s2.day(String(d)), {
        'text-anchor': d === 1 ? 'start' : 'middle',
        class: 'tick',
      });
    }
    pb += selfClosing('line', { x1: px0, x2: px1, y1: py1, y2: py1, stroke: COLORS.axis });
    pb += agents
      .map((a) =>
        selfClosing('path', {
          d: stepPath(a.fractions),
          fill: 'none',
          stroke:
            pt.id === undefined
              ? teamColor(ctx.teamIndex.get(m.agents.find((x) => x.id === a.agentId)!.team)!)
              : pt.color,
          'stroke-opacity': 0.28,
          'stroke-width': 1,
          'data-mark': 'agent',
          'data-agent': a.agentId,
          'data-value': a.fractions.length,
        }),
      )
      .join('');
    pb += selfClosing('path', {
      d: stair,
      fill: 'none',
      stroke: COLORS.ceiling,
      'stroke-opacity': 0.35,
      'stroke-width': 6,
      'stroke-linejoin': 'round',
      'data-mark': 'limit',
      'data-value': cap,
    });
    pb += selfClosing('path', {
      d: medD,
      fill: 'none',
      stroke: pt.color,
      'stroke-width': 2,
      'stroke-dasharray': '4 3',
      'data-mark': 'median',
      'data-value': medNow,
    });
    pb += selfClosing('path', {
      d: maxD,
      fill: 'none',
      stroke: COLORS.ink,
      'stroke-width': 2.2,
      'data-mark': 'max',
      'data-value': maxNow,
    });
    pb += text(4, 16, pt.name, { class: 'panel-title' });
    const key = pt.id ?? ALL_TEAMS;
    panels.push(
      svgChart({
        id: `chart-pacing-${key === ALL_TEAMS ? 'all' : key}`,
        testid: `chart-pacing:${key}`,
        width: pw,
        height: ph,
        title: t.s2.pacingTitle(pt.name),
        desc: t.s2.pacingDesc(pt.name, f.int(cap)),
        body: pb,
      }),
    );
  }
  const pacingKey = legend([
    ['sw-limit', t.s2.legendLimit],
    ['sw-max', t.s2.legendMax],
    ['sw-median', t.s2.legendMedian],
    ['sw-agent', t.s2.legendAgent],
  ]);
  const checkpoints = [7, 14, 21, 28].filter((d) => d < grid.days);
  const pacingRows = [
    ...m.teams.map((tm) => ({ id: tm.id, name: tm.name })),
    { id: ALL_TEAMS, name: t.allTeams },
  ].map((pt) => {
    const s = pacingSummary(m, pt.id === ALL_TEAMS ? undefined : pt.id);
    const cells = [...checkpoints, grid.days].map((d) => {
      const day = s[d - 1]!;
      return cell(`${f.num(day.max)} / ${f.int(day.limit)}`, `s2:pacing:${pt.id}:${d}`, day.max).replace(
        '<td',
        `<td data-limit="${day.limit}"`,
      );
    });
    return `<tr>${th(esc(pt.name), 'row')}${cells.join('')}</tr>`;
  });
  const pacingTable = table(
    t.s2.pacingCaption,
    [t.team, ...checkpoints.map((d) => t.s2.checkpoint(String(d))), t.s2.endOfMonth],
    pacingRows,
    'table-pacing',
  );
  return section(
    ctx,
    2,
    t.s2.h,
    ['C5', 'C7'],
    within && ctx.total.capBreaches.recordings === 0,
    t.s2.lead(f.int(cap)),
    [
      row(
        unit,
        legend([
          ['sw-dot', t.legend.agentDot],
          ['sw-ceiling', `${t.legend.ceiling} (${f.int(cap)})`],
        ]),
        tbl,
      ),
      `<h3>${esc(t.s2.pacingH)}</h3><p class="note">${esc(t.s2.pacingLead)} <strong data-testid="s2:within-pace" data-value="${
        within ? 1 : 0
      }">${esc(within ? t.s2.withinPace : t.s2.abovePace)}</strong></p><figure class="pacing">${pacingKey}<div class="multiples">${panels.join(
        '',
      )}</div></figure><div class="aside">${pacingTable}</div>`,
    ],
  );
}

// 3. Listens per agent ----------------------------------------------------------------------------

function listensSection(ctx: Ctx): string {
  const { t, f, m } = ctx;
  const { min, max } = m.policy.listensPerAgentPerMonth;
  const rows = [...ctx.teams, ctx.total];
  const maxExtra = Math.max(0, ...m.agents.map((a) => a.planExtra));
  const observed = Math.max(0, ...rows.map((r) => r.listensPerAgent?.max ?? 0));
  const domain = Math.max(max + maxExtra, observed) + 1;
  const labelW = 150;
  const x0 = labelW + 14;
  const x1 = W - 150;
  const x = linear(0, domain, x0, x1);
  const top = 40;
  const rowH = 30;
  const yEnd = top + rows.length * rowH;
  let body = selfClosing('rect', {
    x: x(min),
    y: top - 8,
    width: x(max) - x(min),
    height: yEnd - top + 8,
    fill: COLORS.band,
    'data-testid': 'listens-band',
  });
  body += text((x(min) + x(max)) / 2, top - 14, t.s3.band(f.int(min), f.int(max)), {
    'text-anchor': 'middle',
    class: 'rule-label',
    fill: COLORS.ok,
  });
  if (maxExtra > 0) {
    body += selfClosing('rect', {
      x: x(max),
      y: top - 8,
      width: x(max + maxExtra) - x(max),
      height: yEnd - top + 8,
      fill: 'url(#hatch)',
    });
    body += text((x(max) + x(max + maxExtra)) / 2, top - 14, t.s3.plan, {
      'text-anchor': 'middle',
      class: 'rule-label',
      fill: COLORS.muted,
    });
  }
  body += xTicks(
    Array.from({ length: domain + 1 }, (_v, i) => i),
    x,
    top - 8,
    yEnd,
    (v) => f.int(v),
  );
  rows.forEach((r, i) => {
    const y = top + i * rowH + 15;
    const isTotal = r.team === ALL_TEAMS;
    const color = isTotal ? COLORS.total : teamColor(i);
    const d = r.listensPerAgent;
    if (isTotal) body += selfClosing('line', { x1: 0, x2: W, y1: y - 13, y2: y - 13, stroke: COLORS.axis });
    body += multiline(labelW, y + 4, wrap(rowLabel(ctx, r), labelW, 12, 1), {
      'text-anchor': 'end',
      class: isTotal ? 'label strong' : 'label',
    });
    if (!d) return;
    body += el(
      'g',
      {
        'data-mark': 'range',
        'data-testid': `m3:range:${r.team}`,
        'data-min': d.min,
        'data-median': d.median,
        'data-max': d.max,
      },
      selfClosing('line', {
        x1: x(d.min),
        x2: x(d.max),
        y1: y,
        y2: y,
        stroke: color,
        'stroke-width': 6,
        'stroke-linecap': 'round',
      }) +
        selfClosing('circle', { cx: x(d.min), cy: y, r: 5, fill: '#fff', stroke: color, 'stroke-width': 2 }) +
        selfClosing('circle', { cx: x(d.max), cy: y, r: 5, fill: '#fff', stroke: color, 'stroke-width': 2 }) +
        selfClosing('rect', {
          x: x(d.median) - 2,
          y: y - 9,
          width: 4,
          height: 18,
          fill: COLORS.ink,
        }),
    );
    body += text(x1 + 16, y + 4, `${f.num(d.min)} · ${f.num(d.median)} · ${f.num(d.max)}`, {
      class: 'value',
    });
  });
  body += text(x1 + 16, top - 14, `${t.s2.min} · ${t.s2.median} · ${t.s2.max}`, { class: 'rule-label' });
  const chart = svgChart({
    id: 'chart-listens',
    testid: 'chart-listens',
    width: W,
    height: yEnd + 24,
    title: t.s3.chartTitle,
    desc: t.s3.chartDesc(f.int(min), f.int(max)),
    body,
    defs: `<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f4f6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c9ced4" stroke-width="2"/></pattern>`,
  });
  const tbl = table(
    t.s3.chartTitle,
    [t.team, t.s3.listens, t.s2.min, t.s2.median, t.s2.max, t.s3.plansApproved, t.s3.extraListens],
    rows.map((r) => {
      const d = r.listensPerAgent;
      return `<tr>${th(esc(rowLabel(ctx, r)), 'row')}${cell(f.int(r.listens), `s3:listens:${r.team}`, r.listens)}${cell(
        d ? f.int(d.min) : '—',
        `s3:min:${r.team}`,
        d?.min,
      )}${cell(d ? f.num(d.median) : '—', `s3:median:${r.team}`, d?.median)}${cell(
        d ? f.int(d.max) : '—',
        `s3:max:${r.team}`,
        d?.max,
      )}${cell(f.int(r.plansApproved), `s3:plans:${r.team}`, r.plansApproved)}${cell(
        f.int(r.planExtraListens),
        `s3:extra:${r.team}`,
        r.planExtraListens,
      )}</tr>`;
    }),
    'table-listens',
  );
  const ok = ctx.total.capBreaches.listens === 0;
  return section(
    ctx,
    3,
    t.s3.h,
    ['C5', 'C7'],
    ok,
    t.s3.lead(f.int(min), f.int(max), f.int(ctx.total.planExtraListens)),
    [
      row(
        chart,
        legend([
          ['sw-minmax', t.legend.minMax],
          ['sw-median-mark', t.legend.median],
          ['sw-band', `${t.legend.band} (${f.int(min)}–${f.int(max)})`],
          ...(maxExtra > 0 ? ([['sw-hatch', t.legend.plan]] as const) : []),
        ]),
        tbl,
        true,
      ),
    ],
  );
}

// 4. Coach load -----------------------------------------------------------------------------------

function coachSection(ctx: Ctx): string {
  const { t, f, m } = ctx;
  const cap = m.policy.maxListensPerCoachPerMonth;
  const coaches = [...m.coaches].sort(
    (a, b) => ctx.teamIndex.get(a.team)! - ctx.teamIndex.get(b.team)! || (a.id < b.id ? -1 : 1),
  );
  const labelW = 170;
  const x0 = labelW + 10;
  const x1 = W - 50;
  const top = 24;
  const rowH = 24;
  const domain = Math.max(cap * 1.1, ...coaches.map((c) => c.listens * 1.1));
  const x = linear(0, domain, x0, x1);
  const yEnd = top + coaches.length * rowH;
  const step = domain > 100 ? 20 : domain > 40 ? 10 : 5;
  let body = xTicks(
    Array.from({ length: Math.floor(domain / step) + 1 }, (_v, i) => i * step),
    x,
    top - 4,
    yEnd,
    (v) => f.int(v),
  );
  coaches.forEach((c, i) => {
    body += barRow({
      y: top + i * rowH,
      labelW,
      label: [`${c.id} · ${wrap(ctx.teamName(c.team), labelW - 40, 12, 1)[0]}`],
      x0,
      end: x(c.listens),
      bar: { dy: 5, height: 15, fill: teamColor(ctx.teamIndex.get(c.team)!) },
      mark: 'coach',
      testid: `m4:listens:${c.id}`,
      value: c.listens,
      shown: f.int(c.listens),
      gap: 5,
    });
  });
  body += verticalRule(x(cap), 16, yEnd, COLORS.ceiling, false, 'coach-cap-line');
  body += text(x(cap), 12, t.s4.cap(f.int(cap)), {
    'text-anchor': 'middle',
    class: 'rule-label',
    fill: COLORS.ceiling,
  });
  const chart = svgChart({
    id: 'chart-coaches',
    testid: 'chart-coaches',
    width: W,
    height: yEnd + 24,
    title: t.s4.chartTitle,
    desc: t.s4.chartDesc(f.int(cap)),
    body,
  });
  const rows = [...ctx.teams, ctx.total];
  const tbl = table(
    t.s4.byTeamCaption,
    [t.team, t.coaches, t.s4.loadMax],
    rows.map(
      (r) =>
        `<tr>${th(esc(rowLabel(ctx, r)), 'row')}${cell(f.int(r.coaches), `s4:coaches:${r.team}`, r.coaches)}${cell(
          r.coachLoadMax === null ? '—' : f.int(r.coachLoadMax),
          `s4:load-max:${r.team}`,
          r.coachLoadMax,
        )}</tr>`,
    ),
    'table-coaches',
  );
  const detail = table(
    t.s4.byCoachCaption,
    [t.coach, t.team, t.s4.listens],
    coaches.map(
      (c) =>
        `<tr>${th(esc(c.id), 'row')}${cell(esc(ctx.teamName(c.team)), undefined, undefined, false)}${cell(
          f.int(c.listens),
          `s4:listens:${c.id}`,
          c.listens,
        )}</tr>`,
    ),
    'table-coach-detail',
    2,
  );
  const maxLoad = ctx.total.coachLoadMax ?? 0;
  return section(
    ctx,
    4,
    t.s4.h,
    ['C8'],
    ctx.total.capBreaches.coaches === 0,
    t.s4.lead(f.int(maxLoad), f.int(cap)),
    [
      row(
        chart,
        legend([
          ['sw-team', t.legend.coachBar],
          ['sw-ceiling', `${t.legend.ceiling} (${f.int(cap)})`],
        ]),
        `${tbl}${detail}`,
      ),
    ],
  );
}

// 5. Cross-team matrix ----------------------------------------------------------------------------

function matrixSection(ctx: Ctx): string {
  const { t, f, m } = ctx;
  const mx = crossTeamMatrix(m);
  // A team's own cell; the merged small teams' is not one (their listens cross real teams).
  const sameTeam = (i: number, j: number) => i === j && mx.teams[i] !== SMALL_TEAMS_ID;
  const n = mx.teams.length;
  const labelW = 150;
  const x0 = labelW + 10;
  const cellW = Math.min(110, (W - x0 - 10) / n);
  const rotate = cellW < 90;
  const headH = rotate ? 90 : 56;
  const top = 22 + headH;
  const cellH = 34;
  const maxCell = Math.max(1, ...mx.cells.flat());
  const shade = (v: number) => {
    const k = v / maxCell;
    const mix = (a: number, b: number) => Math.round(a + (b - a) * k);
    return `rgb(${mix(238, 17)},${mix(244, 94)},${mix(251, 160)})`;
  };
  let body = text(x0 + (n * cellW) / 2, 14, `${t.s5.cols} →`, {
    'text-anchor': 'middle',
    class: 'axis-title',
  });
  body += text(labelW, top - 8, `${t.s5.rows} ↓`, { 'text-anchor': 'end', class: 'axis-title' });
  // Slanted column labels, upright when the last ones would pass the chart's right edge.
  const angle = x0 + n * cellW + Math.cos(Math.PI / 4.5) * headH > W ? -90 : -40;
  // Narrow cells (many teams) show their shade only: the numbers are in the table.
  const valuesFit = cellW >= 24;
  const diagonalLabel = textWidth(t.s5.diagonal, 11) <= cellW - 4 ? t.s5.diagonal : '';
  mx.teams.forEach((id, j) => {
    const cx = x0 + j * cellW + cellW / 2;
    body += rotate
      ? text(cx, top - 8, wrap(ctx.teamName(id), headH, 12, 1)[0]!, {
          transform: `rotate(${angle} ${round(cx)} ${round(top - 8)})`,
          class: 'label',
        })
      : multiline(cx, top - 28, wrap(ctx.teamName(id), cellW - 8, 12, 2), {
          'text-anchor': 'middle',
          class: 'label',
        });
  });
  mx.teams.forEach((rowTeam, i) => {
    const y = top + i * cellH;
    body += multiline(labelW, y + cellH / 2 + 4, wrap(ctx.teamName(rowTeam), labelW, 12, 1), {
      'text-anchor': 'end',
      class: 'label',
    });
    mx.teams.forEach((colTeam, j) => {
      const v = mx.cells[i]![j]!;
      const diag = sameTeam(i, j);
      const x = x0 + j * cellW;
      body += selfClosing('rect', {
        x: x + 1,
        y: y + 1,
        width: cellW - 2,
        height: cellH - 2,
        fill: diag ? (v > 0 ? '#ffebe9' : 'url(#diag)') : shade(v),
        stroke: diag && v > 0 ? COLORS.ceiling : 'none',
        'stroke-width': diag && v > 0 ? 2 : undefined,
        'data-mark': 'cell',
        'data-testid': `m5:cell:${rowTeam}:${colTeam}`,
        'data-row': rowTeam,
        'data-col': colTeam,
        'data-diagonal': diag ? 'true' : undefined,
        'data-value': v,
      });
      const label = diag && v === 0 ? diagonalLabel : valuesFit ? f.int(v) : '';
      if (label)
        body += text(x + cellW / 2, y + cellH / 2 + 4, label, {
          'text-anchor': 'middle',
          class: diag ? (v === 0 ? 'diag-label' : 'value strong') : 'value',
          fill: !diag && v / maxCell > 0.55 ? '#fff' : diag && v > 0 ? COLORS.ceiling : undefined,
        });
    });
  });
  const chart = svgChart({
    id: 'chart-matrix',
    testid: 'chart-matrix',
    width: W,
    height: top + n * cellH + 10,
    title: t.s5.chartTitle,
    desc: t.s5.chartDesc,
    body,
    defs: `<pattern id="diag" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#f6f8fa"/><line x1="0" y1="0" x2="0" y2="8" stroke="#e1e4e8" stroke-width="3"/></pattern>`,
  });
  const cellOf = (i: number, j: number) =>
    cell(
      i === j && mx.cells[i]![j] === 0 ? '—' : f.int(mx.cells[i]![j]!),
      `s5:cell:${mx.teams[i]}:${mx.teams[j]}`,
      mx.cells[i]![j]!,
    ).replace('<td', sameTeam(i, j) ? '<td data-diagonal="true"' : '<td');
  // Up to 8 teams, the matrix itself; beyond, one row per pair of teams with listens and one per
  // diagonal cell (which must read 0): a table a page can hold whatever the number of teams.
  const tbl =
    mx.teams.length <= 8
      ? el(
          'table',
          { 'data-testid': 'table-matrix', class: 'wide' },
          `${el('caption', {}, esc(`${t.s5.chartTitle} (${t.s5.rows} × ${t.s5.cols})`))}<thead><tr>${th(
            esc(t.s5.corner),
            'col',
          )}${mx.teams.map((id) => th(esc(ctx.teamName(id)), 'col', true)).join('')}</tr></thead><tbody>${labelled(
            [t.s5.corner, ...mx.teams.map((id) => ctx.teamName(id))],
            mx.teams.map(
              (rowTeam, i) =>
                `<tr>${th(esc(ctx.teamName(rowTeam)), 'row')}${mx.teams.map((_c, j) => cellOf(i, j)).join('')}</tr>`,
            ),
          ).join('')}</tbody>`,
        )
      : table(
          `${t.s5.chartTitle} (${t.s5.rows} → ${t.s5.cols})`,
          [t.s5.rows, t.s5.cols, t.s3.listens],
          mx.teams.flatMap((rowTeam, i) =>
            mx.teams.flatMap((colTeam, j) =>
              i === j || mx.cells[i]![j]! > 0
                ? [
                    `<tr>${th(esc(ctx.teamName(rowTeam)), 'row')}${cell(
                      esc(ctx.teamName(colTeam)),
                      undefined,
                      undefined,
                      false,
                    )}${cellOf(i, j)}</tr>`,
                  ]
                : [],
            ),
          ),
          'table-matrix',
          2,
        );
  const ok = mx.diagonal === 0;
  return section(
    ctx,
    5,
    t.s5.h,
    ['C2', 'C10'],
    ok,
    ok ? t.s5.lead(f.int(m.assignments.length)) : t.s5.leadKo(f.int(mx.diagonal)),
    [
      row(
        chart,
        legend([
          ['sw-shade', t.legend.shade],
          ['sw-diagonal', t.legend.diagonal],
        ]),
        tbl,
        true,
      ),
    ],
  );
}

// 6. Deletions and redactions ---------------------------------------------------------------------

function requestsSection(ctx: Ctx): string {
  const { t, f, m } = ctx;
  const speeds = requestSpeeds(m);
  const labelW = 180;
  const x0 = labelW + 10;
  const x1 = W - 130;
  const top = 20;
  const rowH = 40;
  const maxS = Math.max(600, ...speeds.map((s) => (s.maxSeconds ?? 0) * 1.5));
  const x = logScale(0.5, maxS, x0, x1);
  const yEnd = top + speeds.length * rowH;
  const ticks = [1, 10, 60, 600, 3600, 36000].filter((v) => v <= maxS);
  let body = xTicks(ticks, x, top - 6, yEnd, (v) => f.seconds(v));
  const kindLabel = (k: string) => (k === 'deletion' ? t.s6.deletion : t.s6.redaction);
  const arrivalLabel = (a: string) => (a === 'request-first' ? t.s6.requestFirst : t.s6.fileFirst);
  speeds.forEach((s, i) => {
    const y = top + i * rowH;
    const color = s.kind === 'deletion' ? '#0072B2' : '#CC79A7';
    const light = s.kind === 'deletion' ? '#b3d4ea' : '#ecd3e3';
    body += multiline(labelW, y + 17, [kindLabel(s.kind), arrivalLabel(s.arrival)], {
      'text-anchor': 'end',
      class: 'label',
    }).replace('<tspan x="180" dy="14">', '<tspan x="180" dy="14" class="sub">');
    const key = `${s.kind}:${s.arrival}`;
    if (s.medianSeconds === null || s.maxSeconds === null) {
      body += el(
        'g',
        { 'data-mark': 'request', 'data-testid': `m6:${key}`, 'data-requests': s.requests },
        text(x0 + 4, y + 24, t.s6.none, { class: 'value muted' }),
      );
      return;
    }
    body += el(
      'g',
      {
        'data-mark': 'request',
        'data-testid': `m6:${key}`,
        'data-median': dv(s.medianSeconds),
        'data-max': dv(s.maxSeconds),
        'data-requests': s.requests,
      },
      selfClosing('rect', {
        x: x0,
        y: y + 8,
        width: Math.max(1, x(s.maxSeconds) - x0),
        height: 22,
        fill: light,
        rx: 2,
      }) +
        selfClosing('rect', {
          x: x0,
          y: y + 12,
          width: Math.max(1, x(s.medianSeconds) - x0),
          height: 14,
          fill: color,
          rx: 2,
        }),
    );
    body += multiline(
      x1 + 10,
      y + 17,
      [`${t.s6.med} ${f.seconds(s.medianSeconds)}`, `max ${f.seconds(s.maxSeconds)}`],
      {
        class: 'value',
      },
    );
  });
  const chart = svgChart({
    id: 'chart-requests',
    testid: 'chart-requests',
    width: W,
    height: yEnd + 24,
    title: t.s6.chartTitle,
    desc: t.s6.chartDesc,
    body,
  });
  const tbl = table(
    t.s6.chartTitle,
    [t.s6.kind, t.s6.requests, t.s6.done, t.s6.openFailed, t.s6.medianTime, t.s6.maxTime],
    speeds.map((s) => {
      const key = `${s.kind}:${s.arrival}`;
      return `<tr>${th(`${esc(kindLabel(s.kind))}<br><small>${esc(arrivalLabel(s.arrival))}</small>`, 'row')}${cell(
        f.int(s.requests),
        `s6:requests:${key}`,
        s.requests,
      )}${cell(f.int(s.done), `s6:done:${key}`, s.done)}${cell(
        `${f.int(s.open)} / ${f.int(s.failed)}`,
        `s6:failed:${key}`,
        s.failed,
      )}${cell(s.medianSeconds === null ? '—' : f.seconds(s.medianSeconds), `s6:median:${key}`, s.medianSeconds)}${cell(
        s.maxSeconds === null ? '—' : f.seconds(s.maxSeconds),
        `s6:max:${key}`,
        s.maxSeconds,
      )}</tr>`;
    }),
    'table-requests',
  );
  const fileFirst = m.requests
    .filter((r) => r.arrival === 'file-first' && r.status === 'done' && r.completedAt)
    .map((r) => (Date.parse(r.completedAt!) - Date.parse(r.requestedAt)) / 1000)
    .sort((a, b) => a - b);
  const med = fileFirst.length
    ? fileFirst.length % 2
      ? fileFirst[(fileFirst.length - 1) / 2]!
      : (fileFirst[fileFirst.length / 2 - 1]! + fileFirst[fileFirst.length / 2]!) / 2
    : null;
  const allDone = m.requests.every((r) => r.status === 'done');
  return section(
    ctx,
    6,
    t.s6.h,
    ['C9'],
    allDone ? true : 'warn',
    t.s6.lead(f.int(m.requests.length), med === null ? '—' : f.seconds(med)),
    [
      row(
        chart,
        legend(
          [
            ['sw-median-time', t.legend.medianTime],
            ['sw-max-time', t.legend.maxTime],
          ],
          t.legend.logNote,
        ),
        tbl,
        true,
      ),
      `<p class="note">${esc(t.s6.arrivalNote)}</p>`,
    ],
  );
}

// 7. Seed and verification ------------------------------------------------------------------------

function seedSection(ctx: Ctx): string {
  const { t, f, m } = ctx;
  const tl = seedTimeline(m);
  const s0 = Date.parse(tl.periodStart);
  const s1 = Date.parse(tl.periodEnd);
  const committed = Date.parse(m.seeds.committedAt);
  const revealed = m.seeds.revealedAt ? Date.parse(m.seeds.revealedAt) : null;
  const day = 86_400_000;
  const d0 = Math.min(committed, s0) - 3 * day;
  const d1 = Math.max(revealed ?? s1, s1) + 4 * day;
  const x = linear(d0, d1, 20, W - 20);
  const axisY = 78;
  let body = selfClosing('line', { x1: 20, x2: W - 20, y1: axisY, y2: axisY, stroke: COLORS.axis });
  body += selfClosing('rect', {
    x: x(s0),
    y: axisY - 22,
    width: x(s1) - x(s0),
    height: 22,
    fill: '#eaeef2',
    'data-mark': 'period',
  });
  body += text((x(s0) + x(s1)) / 2, axisY - 7, `${t.s7.periodLabel} · ${f.month(m.period)}`, {
    'text-anchor': 'middle',
    class: 'label',
  });
  body += text(x(s0), axisY + 16, f.date(tl.periodStart), { 'text-anchor': 'middle', class: 'tick' });
  body += text(x(s1), axisY + 16, f.date(new Date(s1 - 1).toISOString()), {
    'text-anchor': 'middle',
    class: 'tick',
  });
  const marker = (at: number, label: string, color: string, anchor: string, mark: string) =>
    selfClosing('line', { x1: x(at), x2: x(at), y1: 24, y2: axisY, stroke: color, 'stroke-width': 2 }) +
    selfClosing('circle', { cx: x(at), cy: 24, r: 5, fill: color, 'data-mark': mark }) +
    text(x(at) + (anchor === 'end' ? -9 : 9), 28, label, {
      'text-anchor': anchor,
      class: 'label strong',
      fill: color,
    });
  const commitOk = tl.committedBeforeStart;
  body += marker(
    committed,
    t.s7.committedOn(f.date(m.seeds.committedAt)),
    commitOk ? COLORS.ok : COLORS.ceiling,
    'start',
    'commit',
  );
  if (revealed !== null) {
    body += marker(
      revealed,
      t.s7.revealedOn(f.date(m.seeds.revealedAt!)),
      m.seeds.commitmentMatches ? COLORS.ok : COLORS.ceiling,
      'end',
      'reveal',
    );
  }
  const chart = svgChart({
    id: 'chart-seed',
    testid: 'chart-seed',
    width: W,
    height: 104,
    title: t.s7.chartTitle,
    desc: t.s7.chartDesc,
    body,
  });
  const v = m.verification;
  const decisions = ctx.total.decisions;
  const checks: { id: string; ok: boolean; label: string }[] = [
    {
      id: 'committed-before',
      ok: commitOk,
      label: `${commitOk ? t.s7.committedBefore : t.s7.committedLate} (${f.dateTime(m.seeds.committedAt)})`,
    },
    {
      id: 'seed-matches',
      ok: m.seeds.commitmentMatches && revealed !== null,
      label:
        revealed === null
          ? t.s7.notRevealed
          : `${m.seeds.commitmentMatches ? t.s7.seedMatches : t.s7.seedMismatch} (${f.dateTime(m.seeds.revealedAt!)})`,
    },
    {
      id: 'decisions',
      ok: v?.decisions.ok === true && v.decisions.violations === 0,
      label:
        v === undefined
          ? t.s7.notVerified
          : v.decisions.ok && v.decisions.violations === 0
            ? t.s7.decisionsOk(f.int(decisions), f.int(v.decisions.violations))
            : t.s7.decisionsKo(f.int(v.decisions.violations)),
    },
    {
      id: 'audit',
      ok: v?.audit.ok === true,
      label:
        v === undefined
          ? t.s7.notVerified
          : v.audit.ok
            ? t.s7.auditOk(f.int(v.audit.chains), f.int(v.audit.records))
            : t.s7.auditKo,
    },
  ];
  const list = `<table data-testid="table-checks"><caption>${esc(t.s7.h)}</caption><thead><tr>${th(
    esc(t.s7.check),
    'col',
  )}${th(esc(t.s7.result), 'col')}</tr></thead><tbody>${checks
    .map(
      (c) =>
        `<tr><th scope="row">${esc(c.label)}</th><td data-testid="s7:${c.id}" data-value="${c.ok ? 1 : 0}" class="${
          c.ok ? 'ok' : 'ko'
        }">${c.ok ? '✓' : '✗'} ${esc(c.ok ? t.ok : t.ko)}</td></tr>`,
    )
    .join(
      '',
    )}</tbody></table><p class="hash"><span>${esc(t.s7.commitment)}</span> <code data-testid="s7:commitment">${esc(
    m.seeds.commitment,
  )}</code></p>`;
  const ok = checks.every((c) => c.ok);
  return section(ctx, 7, t.s7.h, ['C2', 'C6'], ok, t.s7.lead, [
    row(chart, legend([], t.legend.seedNote), list),
  ]);
}

// 8. Reasons --------------------------------------------------------------------------------------

function reasonsSection(ctx: Ctx): string {
  const { t, f } = ctx;
  const rows = reasonRows(ctx.m);
  const labelW = 230;
  const x0 = labelW + 10;
  const x1 = W - 130;
  const top = 10;
  const rowH = 26;
  const maxC = Math.max(1, ...rows.map((r) => r.count));
  const x = linear(0, maxC, x0, x1);
  const yEnd = top + rows.length * rowH;
  const color: Record<string, string> = {
    drawn: '#0072B2',
    'not-drawn': '#8c959f',
    'agent-cap-reached': '#E69F00',
    'excluded-line': '#6e7781',
    'caller-objected': '#CC79A7',
    'record-failed': '#D55E00',
    error: '#cf222e',
  };
  let body = '';
  rows.forEach((r, i) => {
    body += barRow({
      y: top + i * rowH,
      labelW,
      label: wrap(t.s8.reasons[r.reason]!, labelW, 12, 1),
      x0,
      end: x(r.count),
      bar: { dy: 4, height: 16, fill: color[r.reason] },
      mark: 'reason',
      testid: `m8:${r.reason}`,
      value: r.count,
      shown: `${f.int(r.count)} · ${f.pct(r.share)}`,
      gap: 6,
    });
  });
  body += selfClosing('line', { x1: x0, x2: x0, y1: top, y2: yEnd, stroke: COLORS.axis });
  const chart = svgChart({
    id: 'chart-reasons',
    testid: 'chart-reasons',
    width: W,
    height: yEnd + 10,
    title: t.s8.chartTitle,
    desc: t.s8.chartDesc,
    body,
  });
  const tbl = table(
    t.s8.chartTitle,
    [t.s8.reason, t.s8.count, t.s8.share],
    rows.map(
      (r) =>
        `<tr>${th(esc(t.s8.reasons[r.reason]!), 'row')}${cell(f.int(r.count), `s8:count:${r.reason}`, r.count)}${cell(
          f.pct(r.share),
          `s8:share:${r.reason}`,
          r.share,
        )}</tr>`,
    ),
    'table-reasons',
  );
  const share = (k: string) => rows.find((r) => r.reason === k)!.share;
  return section(
    ctx,
    8,
    t.s8.h,
    ['C1', 'C6'],
    true,
    t.s8.lead(f.pct(share('drawn')), f.pct(share('not-drawn'))),
    [row(chart, legend([['sw-reason', t.legend.reasonBar]], t.legend.reasonsNote), tbl)],
  );
}

function timeSection(ctx: Ctx): string {
  const { t, f, m } = ctx;
  const profile = m.timeProfile;
  if (!profile) return '';
  const totalCalls = profile.hours.reduce((s, b) => s + b.calls, 0);
  const totalRec = profile.hours.reduce((s, b) => s + b.recorded, 0);
  const share = (n: number, of: number) => (of > 0 ? n / of : 0);
  // Hours: the share of the month's calls and of its recordings made in each hour, side by side.
  const top = 10;
  const h = 160;
  const x0 = 36;
  const slot = (W - x0 - 10) / 24;
  const maxShare = Math.max(
    0.01,
    ...profile.hours.flatMap((b) => [share(b.calls, totalCalls), share(b.recorded, totalRec)]),
  );
  const y = linear(0, maxShare, top + h, top);
  let body = selfClosing('line', { x1: x0, x2: W - 10, y1: top + h, y2: top + h, stroke: COLORS.axis });
  profile.hours.forEach((b, i) => {
    const x = x0 + i * slot;
    const bar = (value: number, dx: number, fill: string, mark: string) =>
      selfClosing('rect', {
        x: x + dx,
        y: y(value),
        width: Math.max(1, slot / 2 - 2),
        height: Math.max(0, top + h - y(value)),
        fill,
        'data-mark': mark,
        'data-testid': `m9:${mark}:${i}`,
        'data-value': value,
      });
    body += bar(share(b.calls, totalCalls), 1, COLORS.muted, 'calls');
    body += bar(share(b.recorded, totalRec), slot / 2, '#0072B2', 'recordings');
    if (i % 3 === 0)
      body += text(x + slot / 2, top + h + 14, String(i).padStart(2, '0'), {
        class: 'tick',
        'text-anchor': 'middle',
      });
  });
  const chart = svgChart({
    id: 'chart-time',
    testid: 'chart-time',
    width: W,
    height: top + h + 24,
    title: t.s9.byHour,
    desc: t.s9.chartDesc,
    body,
  });
  const rowOf = (label: string, b: { calls: number; recorded: number }, key: string) =>
    `<tr>${th(esc(label), 'row')}${cell(f.int(b.calls), `s9:calls:${key}`, b.calls)}${cell(
      f.pct(share(b.calls, totalCalls)),
      `s9:callShare:${key}`,
      share(b.calls, totalCalls),
    )}${cell(f.int(b.recorded), `s9:recorded:${key}`, b.recorded)}${cell(
      f.pct(share(b.recorded, totalRec)),
      `s9:recordingShare:${key}`,
      share(b.recorded, totalRec),
    )}${cell(b.calls > 0 ? f.pct(b.recorded / b.calls) : '–', `s9:rate:${key}`, b.calls > 0 ? b.recorded / b.calls : null)}</tr>`;
  const head = [t.s9.bin, t.s9.calls, t.s9.callShare, t.s9.recorded, t.s9.recordingShare, t.s9.rate];
  const weeks = table(
    t.s9.byWeek,
    head,
    profile.weeks.map((b, i) => rowOf(i < 4 ? t.s9.week(i + 1) : t.s9.rest, b, `w${i + 1}`)),
    'table-time-weeks',
  );
  const hours = table(
    t.s9.byHour,
    head,
    profile.hours
      .filter((b) => b.calls > 0)
      .map((b) => rowOf(t.s9.hour(profile.hours.indexOf(b)), b, `h${profile.hours.indexOf(b)}`)),
    'table-time-hours',
  );
  const rates = profile.hours.filter((b) => b.calls >= 100).map((b) => b.recorded / b.calls);
  const lo = rates.length ? Math.min(...rates) : 0;
  const hi = rates.length ? Math.max(...rates) : 0;
  return section(ctx, 9, t.s9.h, ['C2', 'C6'], true, t.s9.lead(f.pct(lo), f.pct(hi)), [
    row(
      chart,
      legend([
        ['sw-calls', t.legend.callShare],
        ['sw-recordings', t.legend.recordingShare],
      ]),
      weeks,
      true,
    ),
    // Below the chart at full width; on a phone its rows become cards (see `table`).
    `<div class="aside">${hours}</div>`,
  ]);
}

// Page --------------------------------------------------------------------------------------------

/** A chart with its key under it and its table beside it (`stack`: below it, for a wide table). */
function row(chart: string, key: string, aside: string, stack = false): string {
  return `<div class="row${stack ? ' stack' : ''}"><figure>${chart}${key}</figure><div class="aside">${aside}</div></div>`;
}

function section(
  ctx: Ctx,
  n: number,
  heading: string,
  concerns: string[],
  ok: boolean | 'warn',
  lead: string,
  parts: string[],
): string {
  const [cls, icon, word] =
    ok === 'warn' ? ['warn', '!', ctx.t.warn] : ok ? ['ok', '✓', ctx.t.ok] : ['ko', '✗', ctx.t.ko];
  const status = `<span class="status ${cls}" data-testid="status:${n}" data-value="${
    ok === true ? 1 : 0
  }" title="${esc(word)}">${icon}<span class="sr"> ${esc(word)}</span></span>`;
  // Each badge carries its one-line explanation (the list at the foot of the page) as its tooltip.
  const explain = (c: string) =>
    ctx.t.concernLegend.items.find((line) => line.startsWith(`${c} `)) ?? ctx.t.concerns;
  const tags = concerns.map((c) => `<span class="tag" title="${esc(explain(c))}">${c}</span>`).join('');
  return `<section id="s${n}" aria-labelledby="s${n}-h"><h2 id="s${n}-h"><span class="num">${n}</span>${esc(
    heading,
  )} ${status}${tags}</h2><p class="lead">${esc(lead)}</p>${parts.join('')}</section>`;
}

function kpis(ctx: Ctx): string {
  const { t, f, m, total } = ctx;
  const v = verdict(m);
  const l = total.listensPerAgent;
  const tiles: { id: string; label: string; value: string; raw: number | null; sub: string; ok: boolean }[] =
    [
      {
        id: 'share',
        label: t.kpi.share,
        value: total.rate === null ? '—' : f.pct(total.rate),
        raw: total.rate,
        sub: t.kpi.shareSub(f.pct(0.3, 0)),
        ok: v.checks.rateBelowCeiling,
      },
      {
        id: 'recordings-max',
        label: t.kpi.recordings,
        value: f.int(total.recordingsPerAgent?.max ?? 0),
        raw: total.recordingsPerAgent?.max ?? 0,
        sub: t.kpi.recordingsSub(f.int(m.policy.maxRecordingsPerAgentPerMonth)),
        ok: total.capBreaches.recordings === 0,
      },
      {
        id: 'listens',
        label: t.kpi.listens,
        value: l ? `${f.int(l.min)}–${f.int(l.max)}` : '—',
        raw: l?.max ?? null,
        sub: t.kpi.listensSub(
          f.int(m.policy.listensPerAgentPerMonth.min),
          f.int(m.policy.listensPerAgentPerMonth.max),
        ),
        ok: total.capBreaches.listens === 0,
      },
      {
        id: 'coach-max',
        label: t.kpi.coach,
        value: f.int(total.coachLoadMax ?? 0),
        raw: total.coachLoadMax,
        sub: t.kpi.coachSub(f.int(m.policy.maxListensPerCoachPerMonth)),
        ok: total.capBreaches.coaches === 0,
      },
      {
        id: 'own-team',
        label: t.kpi.ownTeam,
        value: f.int(crossTeamMatrix(m).diagonal),
        raw: crossTeamMatrix(m).diagonal,
        sub: t.kpi.ownTeamSub,
        ok: v.checks.crossTeamOnly,
      },
      {
        id: 'breaches',
        label: t.kpi.breaches,
        value: f.int(total.capBreaches.total),
        raw: total.capBreaches.total,
        sub: t.kpi.breachesSub,
        ok: v.checks.noCapBreach,
      },
      {
        id: 'verified',
        label: t.kpi.verified,
        value: v.checks.decisionsVerified && v.checks.auditVerified && v.checks.seedMatches ? '✓' : '✗',
        raw: v.checks.decisionsVerified && v.checks.auditVerified && v.checks.seedMatches ? 1 : 0,
        sub: t.kpi.verifiedSub,
        ok: v.checks.decisionsVerified && v.checks.auditVerified && v.checks.seedMatches,
      },
    ];
  return `<div class="kpis">${tiles
    .map(
      (k) =>
        `<div class="kpi ${k.ok ? 'ok' : 'ko'}"><div class="l">${esc(k.label)}</div><div class="v" data-testid="kpi:${
          k.id
        }" data-value="${esc(dv(k.raw) ?? '')}">${esc(k.value)}</div><div class="s">${k.ok ? '✓' : '✗'} ${esc(k.sub)}</div></div>`,
    )
    .join('')}</div>`;
}

const CSS = `
:root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--ok:#1a7f37;--ko:#cf222e;--bg:#f6f8fa}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans","Liberation Sans",Arial,sans-serif;-webkit-print-color-adjust:exact;print-color-adjust:exact}
main{max-width:1180px;margin:0 auto;padding:24px 24px 40px}
header h1{font-size:26px;margin:0 0 4px;line-height:1.2}
header .sub{color:var(--muted);margin:0 0 12px}
.meta{display:flex;flex-wrap:wrap;gap:6px 20px;color:var(--muted);font-size:13px;margin:0 0 14px;padding:0}
.meta li{list-style:none}.meta b{color:var(--ink);font-weight:600}
.verdict{font-size:17px;font-weight:600;padding:10px 14px;border-radius:8px;margin:0 0 14px}
.verdict.ok{background:#dafbe1;color:#0f5323}.verdict.ko{background:#ffebe9;color:#86181d}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin-bottom:8px}
.kpi{background:#fff;border:1px solid var(--line);border-top:4px solid var(--ok);border-radius:8px;padding:10px 12px}
.kpi.ko{border-top-color:var(--ko)}
.kpi .l{font-size:12px;color:var(--muted);min-height:2.5em}
.kpi .v{font-size:28px;font-weight:700;line-height:1.2;font-variant-numeric:tabular-nums}
.kpi .s{font-size:12px;color:var(--muted)}
.kpi.ok .s{color:var(--ok)}.kpi.ko .s{color:var(--ko)}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 20px 18px;margin:16px 0}
h2{font-size:19px;margin:0 0 4px;display:flex;align-items:center;gap:8px;flex-wrap:wrap}
h2 .num{display:inline-grid;place-items:center;width:26px;height:26px;border-radius:50%;background:var(--ink);color:#fff;font-size:14px}
h3{font-size:16px;margin:18px 0 2px}
.status{display:inline-grid;place-items:center;min-width:24px;height:24px;border-radius:12px;font-size:14px;color:#fff;padding:0 6px}
.status.ok{background:var(--ok)}.status.ko{background:var(--ko)}.status.warn{background:#9a6700}
.tag{font-size:11px;font-weight:600;padding:2px 7px;border-radius:10px;background:#ddf4ff;color:#0a3069}
.lead{margin:2px 0 12px;font-size:15px}
.note{color:var(--muted);margin:6px 0}
.row{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:24px;align-items:start}
figure{margin:0}
.row.stack{grid-template-columns:minmax(0,1fr)}.row.stack figure{max-width:760px}
svg.chart{width:100%;height:auto;display:block;overflow:visible}
svg text{font-size:12px;fill:var(--ink)}
svg .tick{font-size:11px;fill:var(--muted)}
svg .label.strong,svg .strong{font-weight:700}
svg .value{font-size:12px;font-variant-numeric:tabular-nums}
svg .muted,svg .sub{fill:var(--muted);font-size:11px}
svg .rule-label{font-size:11px;font-weight:600}
svg .axis-title{font-size:12px;fill:var(--muted);font-weight:600}
svg .panel-title{font-size:13px;font-weight:700}
svg .diag-label{font-size:11px;fill:var(--muted);font-style:italic}
.multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px 16px;margin:8px 0 12px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center;font-size:12px;color:var(--muted);margin:6px 0}
.key{display:inline-flex;align-items:center}
.key-note{flex-basis:100%}
.sw{display:inline-block;flex:none;width:22px;height:0;border-top:2px solid;margin-right:5px;vertical-align:middle}
.sw-limit{border-color:#eba6ab;border-top-width:6px}.sw-max{border-color:var(--ink);border-top-width:3px}
.sw-median{border-color:#0072B2;border-top-style:dashed}.sw-agent{border-color:#9ab7d3;border-top-width:1px}
.sw-ceiling,.sw-rate{width:0;height:14px;border-top:0;border-left:2px solid #cf222e;margin:0 8px 0 4px}.sw-rate{border-left:2px dashed #57606a}
.sw-team,.sw-band,.sw-hatch,.sw-shade,.sw-diagonal,.sw-median-time,.sw-max-time,.sw-reason,.sw-calls,.sw-recordings{height:10px;border-top:0;width:18px;border-radius:2px}
.sw-team{width:30px;background:linear-gradient(90deg,#0072B2 0 25%,#E69F00 25% 50%,#009E73 50% 75%,#32383f 75%)}
.sw-dot{width:8px;height:8px;border:0;border-radius:50%;background:#0072B2}
.sw-minmax{width:10px;height:10px;border:2px solid #57606a;border-radius:50%;background:#fff}
.sw-median-mark{width:4px;height:14px;border:0;background:var(--ink);margin:0 7px 0 4px}
.sw-band{background:#dafbe1}
.sw-hatch{background:repeating-linear-gradient(45deg,#f3f4f6 0 3px,#c9ced4 3px 5px)}
.sw-shade{width:30px;background:linear-gradient(90deg,rgb(238,244,251),rgb(17,94,160))}
.sw-diagonal{background:repeating-linear-gradient(45deg,#f6f8fa 0 4px,#e1e4e8 4px 7px);outline:1px solid var(--line)}
.sw-median-time{background:linear-gradient(90deg,#0072B2 50%,#CC79A7 50%)}.sw-max-time{background:linear-gradient(90deg,#b3d4ea 50%,#ecd3e3 50%)}
.sw-reason{width:30px;background:linear-gradient(90deg,#0072B2 0 33%,#8c959f 33% 66%,#E69F00 66%)}
.sw-calls{background:#57606a}.sw-recordings{background:#0072B2}
table{border-collapse:collapse;width:100%;font-size:12.5px;font-variant-numeric:tabular-nums;margin:0 0 12px}
caption{caption-side:top;text-align:left;font-weight:600;color:var(--muted);font-size:12px;padding:0 0 4px}
th,td{padding:4px 6px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid var(--line);font-size:12px;color:var(--muted);font-weight:600}
tbody th{font-weight:500}
.n{text-align:right}td.n{white-space:nowrap}
.aside{overflow-x:auto}
td.ok{color:var(--ok);font-weight:600;white-space:nowrap}td.ko{color:var(--ko);font-weight:600;white-space:nowrap}
.hash{font-size:12px;color:var(--muted);margin:4px 0 0}
.hash code{display:block;font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;color:var(--ink);word-break:break-all;background:var(--bg);padding:6px 8px;border-radius:6px;margin-top:3px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{color:var(--muted);font-size:12px;margin-top:20px}
.watermark{margin:0;padding:6px 12px;background:#fff4ce;border-bottom:2px solid #9a6700;color:#4d2d00;font-weight:700;text-align:center}
footer h2{font-size:14px;color:var(--ink)}
footer ul{padding-left:18px;margin:4px 0 10px}
@media (max-width:960px){.row{grid-template-columns:minmax(0,1fr)}}
/* A phone: a table of four columns or more becomes one card per row, each value named by its column. */
@media (max-width:600px){
  main{padding:12px 10px 28px}
  section{padding:12px 12px 14px}
  table.wide,table.wide tbody,table.wide tr,table.wide th,table.wide td{display:block}
  table.wide thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
  table.wide caption{display:block}
  table.wide tr{border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:4px 8px}
  table.wide tbody th{border:0;font-weight:700;padding:2px 0}
  table.wide td{display:flex;justify-content:space-between;gap:12px;border:0;padding:2px 0;white-space:normal;text-align:right}
  table.wide td::before{content:attr(data-label);color:var(--muted);text-align:left}
}
@media print{
  @page{size:A4;margin:12mm}
  body{background:#fff;font-size:11pt}
  /* Fixed in print: repeated at the top of every page. */
  .watermark{position:fixed;top:0;left:0;right:0;padding:1mm;font-size:9pt}
  main{max-width:none;padding:8mm 0 0}
  section{border:0;border-top:1px solid var(--line);border-radius:0;padding:8px 0 0;margin:0 0 6mm;break-inside:avoid-page}
  .row{grid-template-columns:minmax(0,1fr);gap:6px}
  .multiples{grid-template-columns:repeat(2,minmax(0,1fr))}
  .kpis{grid-template-columns:repeat(4,minmax(0,1fr))}
  figure,table,.multiples svg{break-inside:avoid}
}
`;

/** The transparency page for one month, French by default. */
export function renderTransparencyHtml(model: MonthData, options: RenderOptions = {}): string {
  const lang = options.lang ?? 'fr';
  const t = strings(lang);
  const f = formatters(lang, model.policy.timezone);
  const { teams, total } = teamSummaries(model);
  const names = new Map(model.teams.map((tm) => [tm.id, tm.name]));
  const ctx: Ctx = {
    m: model,
    t,
    f,
    teams,
    total,
    teamIndex: new Map(model.teams.map((tm, i) => [tm.id, i])),
    teamName: (id) => names.get(id) ?? id,
  };
  const v = verdict(model);
  const title = `${t.title} · ${f.month(model.period)}`;
  const header = `<header><h1>${esc(t.title)}</h1><p class="sub">${esc(t.subtitle)}</p><ul class="meta"><li>${esc(
    t.period,
  )}${lang === 'fr' ? '\u00a0' : ''}: <b data-testid="period" data-value="${esc(model.period)}">${esc(
    f.month(model.period),
  )}</b></li><li>${esc(t.policyVersion)}${lang === 'fr' ? '\u00a0' : ''}: <b>${esc(model.policy.version)}</b></li><li>${esc(
    t.generated,
  )} <b>${esc(f.dateTime(model.generatedAt))}</b></li><li>${esc(t.timezoneNote(model.policy.timezone))}</li></ul><p class="verdict ${
    v.ok ? 'ok' : 'ko'
  }" data-testid="verdict" data-value="${v.ok ? 1 : 0}">${v.ok ? '✓' : '✗'} ${esc(v.ok ? t.verdictOk : t.verdictKo)}</p>${kpis(
    ctx,
  )}</header>`;
  const footer = `<footer><h2>${esc(t.concernLegend.h)}</h2><p>${esc(t.concernLegend.intro)}</p><ul data-testid="concern-legend">${t.concernLegend.items
    .map((line) => `<li>${esc(line)}</li>`)
    .join('')}</ul><h2>${esc(t.footer.definitions)}</h2><ul>${t.footer.defs
    .map((d) => `<li>${esc(d)}</li>`)
    .join('')}<li data-testid="breaches-recount" data-value="${total.capBreaches.total}" data-producer="${
    model.capBreaches
  }">${esc(t.footer.breachesProducer(f.int(total.capBreaches.total), f.int(model.capBreaches)))}</li></ul><p>${esc(
    t.privacyNote,
  )}</p></footer>`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${
  model.simulated
    ? `<p class="watermark" role="note" data-testid="watermark">${esc(SIMULATED_LABEL[lang])}</p>\n`
    : ''
}<main>
${header}
${shareSection(ctx)}
${recordingsSection(ctx)}
${listensSection(ctx)}
${coachSection(ctx)}
${matrixSection(ctx)}
${requestsSection(ctx)}
${seedSection(ctx)}
${reasonsSection(ctx)}
${timeSection(ctx)}
${footer}
</main>
</body>
</html>
`;
}
