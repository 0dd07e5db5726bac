/**
 * Reading the transparency page the way its reader does, without a browser: one section, a table's
 * cells, a chart's marks. The page is generated (every attribute double-quoted, every element
 * closed), so a few regular expressions read it exactly.
 */
import { buildMonthModel } from '../../lambda/core/transparency/build';
import type { MonthData } from '../../lambda/core/transparency/model';
import { renderTransparencyHtml } from '../../lib/transparency-report/index';
import { knownMonthInput } from './transparency-month';

/** The known month (see `knownMonthInput`), as the page renders it. Build it inside a test. */
export const knownMonth = (): MonthData => buildMonthModel(knownMonthInput());

/** Section `n` (1 … 9) of the page of `m`, in English unless told. */
export function sectionOf(m: MonthData, n: number, lang: 'en' | 'fr' = 'en'): string {
  const html = renderTransparencyHtml(m, { lang });
  const found = new RegExp(`<section id="s${n}"[\\s\\S]*?</section>`).exec(html);
  if (!found) throw new Error(`no section ${n} on the page`);
  return found[0];
}

/** The element with `data-testid="<testid>"` (an svg chart, a table …), up to its closing tag. */
export function byTestid(html: string, tag: string, testid: string): string {
  const found = new RegExp(`<${tag}[^>]*data-testid="${escapeRe(testid)}"[\\s\\S]*?</${tag}>`).exec(html);
  if (!found) throw new Error(`no <${tag}> with data-testid "${testid}"`);
  return found[0];
}

/** Every attribute of one start tag, by name. */
export function attrsOf(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
}

/** The attributes of every `<tag …>` in `html`, in order; numbers stay strings (as written). */
export function tagsOf(html: string, tag: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b([^>]*?)/?>`, 'g'))].map((t) => attrsOf(t[1]!));
}

/** Every `<text>` of a chart: its attributes and what it reads (tspans joined by a space). */
export function textsOf(svg: string): { a: Record<string, string>; s: string }[] {
  return [...svg.matchAll(/<text\b([^>]*)>([\s\S]*?)<\/text>/g)].map((t) => ({
    a: attrsOf(t[1]!),
    s: [...t[2]!.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((x) => x[1]).join(' ') || t[2]!,
  }));
}

/** What a chart shows outside its texts, titles and descriptions: nothing (no stray characters). */
export const strayText = (svg: string): string =>
  svg
    .replace(/<(text|title|desc)\b[^>]*>[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, '')
    .trim();

/** A table's head: the text of each column header. */
export const headOf = (table: string): string[] =>
  [...(/<thead>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? '').matchAll(/<th\b[^>]*>([^<]*)<\/th>/g)].map(
    (h) => h[1]!,
  );

/** A table's body: per row, the row header then each cell as it reads. */
export function rowsOf(table: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  const outside = body.replace(/<tr>[\s\S]*?<\/tr>/g, '');
  if (outside) throw new Error(`a table body holds something besides its rows: ${outside}`);
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1]!.matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!),
  );
}

/** The `data-value` of every cell whose test id starts with `prefix`, by the rest of its id. */
export function valuesOf(html: string, prefix: string): Record<string, string | undefined> {
  return Object.fromEntries(
    [...html.matchAll(new RegExp(`<td\\b[^>]*data-testid="${escapeRe(prefix)}([^"]*)"[^>]*>`, 'g'))].map(
      (c) => [c[1]!, attrsOf(c[0])['data-value']],
    ),
  );
}

/** Two decimals, the way the page writes a coordinate. */
export const r2 = (n: number): number => Math.round(n * 100) / 100;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
