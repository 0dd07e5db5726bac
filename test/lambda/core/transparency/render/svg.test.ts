import { describe, expect, it } from 'vitest';
import {
  attrs,
  el,
  esc,
  linear,
  logScale,
  multiline,
  PALETTE,
  round,
  selfClosing,
  svgChart,
  teamColor,
  text,
  textWidth,
  wrap,
} from '../../../../../lambda/core/transparency/render/svg';

describe('SVG and HTML building blocks', () => {
  it('escapes the five characters that could open markup or leave an attribute, numbers as text', () => {
    expect(esc(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    expect(esc(12.5)).toBe('12.5');
  });

  it('writes attributes in order: true bare, false and missing left out, numbers rounded, text escaped', () => {
    expect(
      attrs({ id: 'a"b', hidden: true, open: false, title: undefined, lang: null, x: 1.2345, n: 0 }),
    ).toBe(' id="a&quot;b" hidden x="1.23" n="0"');
    expect(attrs({})).toBe('');
    expect(el('g', { class: 'x' }, '<b/>')).toBe('<g class="x"><b/></g>');
    expect(el('g', {})).toBe('<g></g>');
    expect(selfClosing('rect', { x: 2, y: 3.456 })).toBe('<rect x="2" y="3.46"/>');
    expect(text(1, 2, 'a < b', { class: 'c' })).toBe('<text x="1" y="2" class="c">a &lt; b</text>');
    expect(text(1, 2, 'a')).toBe('<text x="1" y="2">a</text>');
  });

  it('rounds coordinates to two decimals', () => {
    expect([round(1.234), round(2.346), round(-1.234), round(7)]).toEqual([1.23, 2.35, -1.23, 7]);
  });

  it('maps a domain onto a range, linearly or logarithmically', () => {
    const x = linear(10, 20, 100, 300);
    expect([x(10), x(15), x(20), x(25)]).toEqual([100, 200, 300, 400]);
    // An empty domain maps everything onto the range's start, never NaN.
    expect([linear(3, 3, 10, 20)(3), linear(3, 3, 10, 20)(4)]).toEqual([10, 10]);
    const y = logScale(1, 1000, 0, 300);
    expect([y(1), y(10), y(100), y(1000)].map(round)).toEqual([0, 100, 200, 300]);
    // Below the domain (0 seconds on a log axis) is clamped to its start.
    expect([y(0), y(0.5)]).toEqual([0, 0]);
    expect(logScale(10, 100, 50, 150)(100)).toBe(150);
  });

  it('estimates label widths: narrow, wide and ordinary characters', () => {
    expect(textWidth('il.,:;’ |·')).toBeCloseTo(10 * 0.3 * 12, 10);
    expect(textWidth("I'\u202f\u00a0")).toBeCloseTo(4 * 0.3 * 12, 10);
    expect(textWidth('mwMW@%—–')).toBeCloseTo(8 * 0.86 * 12, 10);
    expect(textWidth('ab', 10)).toBeCloseTo(2 * 0.56 * 10, 10);
    expect(textWidth('')).toBe(0);
  });

  it('wraps a label into lines that fit, ellipsizing the last one', () => {
    const w = textWidth('aaaa aaaa', 10);
    expect(wrap('aaaa aaaa', w, 10)).toEqual(['aaaa aaaa']);
    expect(wrap('aaaa aaaa', w - 0.01, 10)).toEqual(['aaaa', 'aaaa']);
    expect(wrap('aaaa  aaaa aaaa', w, 10, 3)).toEqual(['aaaa aaaa', 'aaaa']);
    // A word wider than the line stays whole on its own line.
    expect(wrap('aaaaaaaaaa b', 20, 10, 2)).toEqual(['aaaaaaaaaa', 'b']);
    // Beyond `lines`, the rest joins the last line, cut until it fits with the ellipsis.
    expect(wrap('aaaa bbbb cccc dddd', w, 10, 1)).toEqual(['aaaa bbb…']);
    expect(wrap('aaaa bbbb cccc dddd eeee', w, 10)).toEqual(['aaaa bbbb', 'cccc ddd…']);
    expect(wrap('aaaa bbbb cccc dddd', w, 10)).toEqual(['aaaa bbbb', 'cccc dddd']);
    // The cut may end inside the first word that did not fit.
    expect(wrap('aaaa bbbbbbbbbb', textWidth('aaaa bbb…', 10), 10, 1)).toEqual(['aaaa bbb…']);
    // A cut that ends on a space drops it before the ellipsis ('aaaa …' is 31 wide, 'aaaa b…' 36.6).
    expect(wrap('aaaa bbbb', 32, 10, 1)).toEqual(['aaaa…']);
    // Nothing fits: one character and the ellipsis are kept.
    expect(wrap('aaaa bbbb', 1, 10, 1)).toEqual(['a…']);
    expect(wrap('', 100)).toEqual([]);
  });

  it('writes multi-line text as tspans, each line below the previous one', () => {
    expect(multiline(5, 6, ['a', 'b&c', 'd'], { class: 'k' }, 20)).toBe(
      '<text x="5" y="6" class="k"><tspan x="5" dy="0">a</tspan><tspan x="5" dy="20">b&amp;c</tspan><tspan x="5" dy="20">d</tspan></text>',
    );
    expect(multiline(0, 0, ['a', 'b'])).toContain('<tspan x="0" dy="14">b</tspan>');
  });

  it('cycles through the palette by team index', () => {
    expect([teamColor(0), teamColor(1), teamColor(7), teamColor(8), teamColor(9)]).toEqual([
      PALETTE[0],
      PALETTE[1],
      PALETTE[7],
      PALETTE[0],
      PALETTE[1],
    ]);
  });

  it('labels a chart by its title and description, escaped, with its defs when it has some', () => {
    const chart = {
      id: 'c1',
      testid: 'chart-c1',
      width: 300,
      height: 120.456,
      title: 'A & B',
      desc: '<none>',
      body: '<rect/>',
    };
    expect(svgChart(chart)).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 120.46" width="300" height="120.46" role="img" aria-labelledby="c1-title c1-desc" id="c1" data-testid="chart-c1" class="chart">' +
        '<title id="c1-title">A &amp; B</title><desc id="c1-desc">&lt;none&gt;</desc><rect/></svg>',
    );
    expect(svgChart({ ...chart, defs: '<marker/>' })).toContain(
      '<desc id="c1-desc">&lt;none&gt;</desc><defs><marker/></defs><rect/>',
    );
  });
});
