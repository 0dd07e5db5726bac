/**
 * Which representation of the transparency report a caller gets: `?format=` and `?lang=` win;
 * otherwise the `Accept` and `Accept-Language` headers (highest q first); otherwise the route's
 * first format, in French. Pure; an unsupported explicit value is an error (400), never a guess.
 */
export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_LANGS = ['fr', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

export const MEDIA_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv',
  html: 'text/html',
};

export class NegotiationError extends Error {
  override readonly name = 'NegotiationError';
}

/** `a, b;q=0.5` → the values, highest q first (ties: the order given); q=0 entries dropped. */
export function byQuality(header: string | undefined): string[] {
  if (!header) return [];
  return (
    header
      .split(',')
      .map((part) => {
        const [value = '', ...params] = part.split(';').map((s) => s.trim());
        const q = params.find((p) => /^q=/i.test(p));
        const quality = q ? Number(q.slice(2)) : 1;
        return { value: value.toLowerCase(), quality: Number.isFinite(quality) ? quality : 0 };
      })
      .filter((e) => e.value !== '' && e.quality > 0)
      // Array.prototype.sort is stable: equal qualities keep the order given.
      .sort((a, b) => b.quality - a.quality)
      .map((e) => e.value)
  );
}

const header = (headers: Readonly<Record<string, string | undefined>> | undefined, name: string) =>
  headers?.[name] ?? Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

export function negotiateReport(
  query: Readonly<Record<string, string | undefined>> | undefined,
  headers: Readonly<Record<string, string | undefined>> | undefined,
  formats: readonly ReportFormat[],
): { format: ReportFormat; lang: ReportLang } {
  let format: ReportFormat | undefined;
  const askedFormat = query?.format;
  if (askedFormat !== undefined) {
    if (!(formats as readonly string[]).includes(askedFormat))
      throw new NegotiationError(`format must be one of ${formats.join(', ')}`);
    format = askedFormat as ReportFormat;
  } else {
    for (const type of byQuality(header(headers, 'accept'))) {
      if (type === '*/*') break;
      const match = formats.find((f) => MEDIA_TYPES[f] === type);
      if (match) {
        format = match;
        break;
      }
    }
  }
  let lang: ReportLang | undefined;
  const askedLang = query?.lang;
  if (askedLang !== undefined) {
    if (!(REPORT_LANGS as readonly string[]).includes(askedLang))
      throw new NegotiationError(`lang must be one of ${REPORT_LANGS.join(', ')}`);
    lang = askedLang as ReportLang;
  } else {
    for (const tag of byQuality(header(headers, 'accept-language'))) {
      const primary = tag.split('-')[0];
      const match = REPORT_LANGS.find((l) => l === primary);
      if (match) {
        lang = match;
        break;
      }
    }
  }
  return { format: format ?? formats[0]!, lang: lang ?? 'fr' };
}
