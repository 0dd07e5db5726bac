/** One measured figure of `npm run bench`, with the bound its issue sets and, where one exists, a peer. */
export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The issue's target: `value` (or `ratio`, when `on: 'ratio'`) must be `op` bound. */
  readonly target?: { readonly op: '<=' | '>='; readonly value: number; readonly on?: 'value' | 'ratio' };
  /** The same measure for a reference (ffmpeg, the max-flow optimum, buffer-copy bandwidth). */
  readonly peer?: number;
  readonly peerName?: string;
  /** peer comparison, as defined by the figure (e.g. peer time / our time). */
  readonly ratio?: number;
  readonly note?: string;
}

/** Whether the figure meets its target (undefined when it has none). */
export function meetsTarget(f: BenchFigure): boolean | undefined {
  if (!f.target) return undefined;
  const measured = f.target.on === 'ratio' ? f.ratio : f.value;
  if (measured === undefined || !Number.isFinite(measured)) return false;
  return f.target.op === '<=' ? measured <= f.target.value : measured >= f.target.value;
}

const fmt = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 3 });

export function describeTarget(f: BenchFigure): string {
  if (!f.target) return '';
  const what = f.target.on === 'ratio' ? 'ratio ' : '';
  return `${what}${f.target.op === '<=' ? '≤' : '≥'} ${fmt(f.target.value)}`;
}

/** A markdown table of figures: value, target and whether it is met, peer and ratio. */
export function figuresTable(figures: readonly BenchFigure[]): string {
  const rows = figures.map((f) => {
    const met = meetsTarget(f);
    return [
      f.name,
      `${fmt(f.value)} ${f.unit}`,
      describeTarget(f),
      met === undefined ? '' : met ? 'met' : '**missed**',
      f.peer === undefined ? '' : `${fmt(f.peer)}${f.peerName ? ` (${f.peerName})` : ''}`,
      f.ratio === undefined ? '' : fmt(f.ratio),
      f.note ?? '',
    ];
  });
  const header = ['figure', 'measured', 'target', '', 'peer', 'ratio', 'note'];
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** For benchmark modules run on their own. */
export function printFigures(figures: readonly BenchFigure[]): void {
  console.log(figuresTable(figures));
}
