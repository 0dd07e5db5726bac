/** Small, dependency-free SVG and HTML building blocks for the transparency report. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text or an attribute value (both quotes included). */
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export type Attrs = Record<string, string | number | boolean | undefined | null>;

export function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== null && v !== false)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${esc(typeof v === 'number' ? round(v) : String(v))}"`))
    .join('');
}

/** Coordinates with at most two decimals keep the page small and stable. */
export const round = (n: number): number => Math.round(n * 100) / 100;

export function el(tag: string, a: Attrs, children = ''): string {
  return `<${tag}${attrs(a)}>${children}</${tag}>`;
}

export function selfClosing(tag: string, a: Attrs): string {
  return `<${tag}${attrs(a)}/>`;
}

export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return el('text', { x, y, ...a }, esc(content));
}

/** A linear scale [d0, d1] → [r0, r1]. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A logarithmic scale [d0, d1] → [r0, r1] (values below d0 are clamped). */
export function logScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const l0 = Math.log10(d0);
  const k = (r1 - r0) / (Math.log10(d1) - l0);
  return (v) => r0 + (Math.log10(Math.max(v, d0)) - l0) * k;
}

/** Rough width of a label in the page's sans-serif font (for layout, never for exact fit). */
export function textWidth(s: string, size = 12): number {
  let w = 0;
  for (const ch of s) w += /[ilI.,:;'’ \u202f\u00a0|·]/.test(ch) ? 0.3 : /[mwMW@%—–]/.test(ch) ? 0.86 : 0.56;
  return w * size;
}

/** Split a label into at most `lines` lines that fit `maxWidth` (the last one ellipsized). */
export function wrap(label: string, maxWidth: number, size = 12, lines = 2): string[] {
  const words = label.split(/\s+/);
  const out: string[] = [];
  let current = '';
  for (const word of words) {
    const next = current ? `${current} ${word}` : word;
    if (textWidth(next, size) <= maxWidth || !current) current = next;
    else {
      out.push(current);
      current = word;
    }
  }
  if (current) out.push(current);
  if (out.length <= lines) return out;
  const kept = out.slice(0, lines);
  let last = `${kept[lines - 1]} ${out.slice(lines).join(' ')}`;
  while (textWidth(`${last}…`, size) > maxWidth && last.length > 1) last = last.slice(0, -1);
  kept[lines - 1] = `${last.trimEnd()}…`;
  return kept;
}

/** Multi-line text with tspans; `y` is the baseline of the first line. */
export function multiline(x: number, y: number, lines: string[], a: Attrs = {}, lineHeight = 14): string {
  return el(
    'text',
    { x, y, ...a },
    lines.map((l, i) => el('tspan', { x, dy: i === 0 ? 0 : lineHeight }, esc(l))).join(''),
  );
}

/** Okabe–Ito based palette, readable with the common colour-vision deficiencies. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#7A6A00',
  '#555555',
];
export const COLORS = {
  ink: '#1f2328',
  muted: '#57606a',
  grid: '#e6e9ec',
  axis: '#8c959f',
  ceiling: '#cf222e',
  ok: '#1a7f37',
  band: '#dafbe1',
  total: '#32383f',
} as const;

export const teamColor = (index: number): string => PALETTE[index % PALETTE.length]!;

export interface SvgChart {
  id: string;
  testid: string;
  width: number;
  height: number;
  title: string;
  desc: string;
  body: string;
  /** Extra <defs> content. */
  defs?: string;
}

/** An accessible chart: role="img", labelled by its <title> and described by its <desc>. */
export function svgChart(c: SvgChart): string {
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${c.width} ${round(c.height)}`,
      width: c.width,
      height: round(c.height),
      role: 'img',
      'aria-labelledby': `${c.id}-title ${c.id}-desc`,
      id: c.id,
      'data-testid': c.testid,
      class: 'chart',
    },
    `${el('title', { id: `${c.id}-title` }, esc(c.title))}${el('desc', { id: `${c.id}-desc` }, esc(c.desc))}${
      c.defs ? el('defs', {}, c.defs) : ''
    }${c.body}`,
  );
}
