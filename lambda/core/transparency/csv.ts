/**
 * The transparency report as a spreadsheet: one line per team, then an all-teams line (team id `*`).
 *
 * Format (RFC 4180: CRLF line ends, fields with the separator, a quote or a line break are quoted,
 * quotes doubled):
 * - `fr` (default) follows the French Excel / LibreOffice convention: `;` separator, decimal comma,
 *   a UTF-8 byte order mark so accents open correctly, a French header;
 * - `en`: `,` separator, decimal point, no byte order mark, an English header.
 * Numbers are never grouped (`12699`, not `12 699`), the recorded share is a percentage with two
 * decimals, an empty field means "no value" (a team without recorded agents has no listens
 * median). Calls are calls, not contact legs: `appels_transférés` / `transferred_calls` counts
 * those with more than one leg. Text fields starting with = + - @ get a leading apostrophe (spreadsheet formula
 * injection).
 */
import { ALL_TEAMS, type TeamSummary, teamSummaries } from './aggregate';
import { type MonthData, SIMULATED_LABEL } from './model';

export type CsvLang = 'fr' | 'en';

export interface CsvOptions {
  /** @default 'fr' */
  lang?: CsvLang;
}

export const CSV_FORMAT = {
  fr: { separator: ';', decimal: ',', bom: '\ufeff' },
  en: { separator: ',', decimal: '.', bom: '' },
} as const;

export const CSV_KEYS = [
  'period',
  'teamId',
  'team',
  'agents',
  'calls',
  'transferred',
  'recorded',
  'ratePct',
  'listensMin',
  'listensMedian',
  'listensMax',
  'coachLoadMax',
  'deletions',
  'redactions',
  'capBreaches',
  'source',
] as const;

/** Column headers: French for staff representatives (what Excel in France opens), English variant. */
export const CSV_HEADERS: Record<CsvLang, Record<(typeof CSV_KEYS)[number] | 'allTeams', string>> = {
  fr: {
    period: 'période',
    teamId: 'id_équipe',
    team: 'équipe',
    agents: 'agents',
    calls: 'appels',
    transferred: 'appels_transférés',
    recorded: 'appels_enregistrés',
    ratePct: 'part_enregistrée_pct',
    listensMin: 'écoutes_min',
    listensMedian: 'écoutes_médiane',
    listensMax: 'écoutes_max',
    coachLoadMax: 'charge_coach_max',
    deletions: 'suppressions',
    redactions: 'caviardages',
    capBreaches: 'dépassements_plafond',
    source: 'source',
    allTeams: 'Toutes équipes',
  },
  en: {
    period: 'period',
    teamId: 'team_id',
    team: 'team',
    agents: 'agents',
    calls: 'calls',
    transferred: 'transferred_calls',
    recorded: 'recorded_calls',
    ratePct: 'recorded_pct',
    listensMin: 'listens_min',
    listensMedian: 'listens_median',
    listensMax: 'listens_max',
    coachLoadMax: 'coach_load_max',
    deletions: 'deletions',
    redactions: 'redactions',
    capBreaches: 'cap_breaches',
    source: 'source',
    allTeams: 'All teams',
  },
};

export function csvField(value: string | number | null | undefined, lang: CsvLang): string {
  const { separator, decimal } = CSV_FORMAT[lang];
  if (value === null || value === undefined) return '';
  let s: string;
  if (typeof value === 'number') {
    s = Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
    s = s.replace('.', decimal);
  } else {
    s = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  }
  return s.includes(separator) || /["\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const LIVE_SOURCE = { fr: 'système en production', en: 'live system' } as const;

function values(m: MonthData, r: TeamSummary, allTeams: string, lang: CsvLang): (string | number | null)[] {
  return [
    m.period,
    r.team,
    r.team === ALL_TEAMS ? allTeams : r.name,
    r.agents,
    r.calls,
    r.transferred,
    r.recordedCalls,
    r.rate === null ? null : Number((r.rate * 100).toFixed(2)),
    r.listensPerAgent?.min ?? null,
    r.listensPerAgent?.median ?? null,
    r.listensPerAgent?.max ?? null,
    r.coachLoadMax,
    r.deletions,
    r.redactions,
    r.capBreaches.total,
    // On every line, so no extract of the file loses it.
    m.simulated ? SIMULATED_LABEL[lang] : LIVE_SOURCE[lang],
  ];
}

export function renderTransparencyCsv(model: MonthData, options: CsvOptions = {}): string {
  const lang = options.lang ?? 'fr';
  const t = CSV_HEADERS[lang];
  const { separator, bom } = CSV_FORMAT[lang];
  const { teams, total } = teamSummaries(model);
  const line = (fields: (string | number | null)[]) => fields.map((v) => csvField(v, lang)).join(separator);
  const lines = [
    line(CSV_KEYS.map((k) => t[k])),
    ...[...teams, total].map((r) => line(values(model, r, t.allTeams, lang))),
  ];
  return `${bom}${lines.join('\r\n')}\r\n`;
}

/** Parse RFC 4180 text (the report's own, or a spreadsheet's re-export) into rows of fields. */
export function parseCsv(text: string, separator: string): string[][] {
  const src = text.startsWith('\ufeff') ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\r' && src[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
