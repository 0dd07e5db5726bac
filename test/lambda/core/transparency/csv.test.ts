import { describe, expect, it } from 'vitest';
import { teamSummaries } from '../../../../lambda/core/transparency/aggregate';
import { buildMonthModel } from '../../../../lambda/core/transparency/build';
import { csvField, parseCsv, renderTransparencyCsv } from '../../../../lambda/core/transparency/csv';
import { exampleMonthData } from '../../../../lib/transparency-report/example';
import { knownMonthInput } from '../../../support/transparency-month';

const m = exampleMonthData();

describe('transparency CSV', () => {
  it('is French by default: BOM, `;`, decimal comma, French header, CRLF', () => {
    const csv = renderTransparencyCsv(m);
    expect(
      csv.startsWith(
        '\ufeffpériode;id_équipe;équipe;agents;appels;appels_transférés;appels_enregistrés;part_enregistrée_pct;',
      ),
    ).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replaceAll('\r\n', '')).not.toContain('\n');
    const rows = parseCsv(csv, ';');
    expect(rows).toHaveLength(m.teams.length + 2);
    expect(rows.at(-1)!.slice(1, 3)).toEqual(['*', 'Toutes équipes']);
    expect(rows[1]![7]).toMatch(/^\d+,\d+$/);
  });

  it('is machine-friendly in English: no BOM, `,`, decimal point', () => {
    const csv = renderTransparencyCsv(m, { lang: 'en' });
    expect(
      csv.startsWith(
        'period,team_id,team,agents,calls,transferred_calls,recorded_calls,recorded_pct,listens_min,',
      ),
    ).toBe(true);
    expect(parseCsv(csv, ',')[1]![7]).toMatch(/^\d+\.\d+$/);
  });

  it('holds the same numbers as the aggregation', () => {
    const { teams, total } = teamSummaries(m);
    const rows = parseCsv(renderTransparencyCsv(m, { lang: 'en' }), ',').slice(1);
    [...teams, total].forEach((t, i) => {
      const r = rows[i]!.map((f) => (f === '' ? null : Number(f)));
      // Calls, not contact legs.
      expect(r.slice(3, 7)).toEqual([t.agents, t.calls, t.transferred, t.recordedCalls]);
      expect(r[7]).toBeCloseTo(t.rate! * 100, 2);
      expect(r.slice(8, 15)).toEqual([
        t.listensPerAgent!.min,
        t.listensPerAgent!.median,
        t.listensPerAgent!.max,
        t.coachLoadMax,
        t.deletions,
        t.redactions,
        t.capBreaches.total,
      ]);
    });
  });

  it.each([
    [
      'fr',
      'Ventes; « grands comptes »',
      'Ventes; « grands comptes »'.includes(';') ? '"Ventes; « grands comptes »"' : '',
    ],
    ['en', 'Sales, "key" accounts', '"Sales, ""key"" accounts"'],
    ['en', '=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['fr', 2.5, '2,5'],
    ['en', 2.5, '2.5'],
    ['fr', null, ''],
  ] as const)('quotes %s field %j as RFC 4180', (lang, value, expected) => {
    expect(csvField(value, lang)).toBe(expected);
  });

  it('round-trips awkward team names', () => {
    const odd = structuredClone(m);
    odd.teams[0]!.name = 'Équipe "A";\r\nnuit';
    for (const lang of ['fr', 'en'] as const) {
      const rows = parseCsv(renderTransparencyCsv(odd, { lang }), lang === 'fr' ? ';' : ',');
      expect(rows[1]![2]).toBe('Équipe "A";\r\nnuit');
      expect(rows).toHaveLength(odd.teams.length + 2);
    }
  });
});

describe('transparency CSV source column', () => {
  it('says on every line that a simulated month describes no real employee', () => {
    for (const [lang, sep, label] of [
      ['fr', ';', 'Données simulées — ne décrit aucun salarié réel'],
      ['en', ',', 'Simulated data — describes no real employee'],
    ] as const) {
      const [header, ...rows] = parseCsv(renderTransparencyCsv(m, { lang }), sep);
      expect(header!.at(-1)).toBe('source');
      expect(rows.length).toBeGreaterThan(1);
      for (const row of rows) expect(row.at(-1)).toBe(label);
    }
    const live = parseCsv(renderTransparencyCsv({ ...m, simulated: false }), ';').slice(1);
    for (const row of live) expect(row.at(-1)).toBe('système en production');
  });
});

describe('transparency CSV of a month known by hand', () => {
  it('writes every figure, an empty field where a team has no value (no call, no coach)', () => {
    const known = buildMonthModel(knownMonthInput());
    const src = 'Simulated data — describes no real employee';
    expect(renderTransparencyCsv(known, { lang: 'en' }).split('\r\n')).toEqual([
      'period,team_id,team,agents,calls,transferred_calls,recorded_calls,recorded_pct,listens_min,listens_median,listens_max,coach_load_max,deletions,redactions,cap_breaches,source',
      `2026-11,team-a,Team A,3,3,2,3,100,1,1.5,2,3,2,0,0,${src}`,
      `2026-11,team-b,Team B,4,6,1,3,50,1,1,1,2,3,1,0,${src}`,
      `2026-11,team-c,Team C,3,0,0,0,,,,,,0,0,0,${src}`,
      `2026-11,*,All teams,10,8,2,6,75,1,1,2,3,5,1,0,${src}`,
      '',
    ]);
    // French: `;`, decimal comma.
    expect(renderTransparencyCsv(known).split('\r\n')[1]).toBe(
      '2026-11;team-a;Team A;3;3;2;3;100;1;1,5;2;3;2;0;0;Données simulées — ne décrit aucun salarié réel',
    );
  });

  it('writes numbers with at most four decimals, never grouped, and defuses formulas', () => {
    expect(csvField(2 / 3, 'fr')).toBe('0,6667');
    expect(csvField(12699, 'en')).toBe('12699');
    expect(csvField(undefined, 'en')).toBe('');
    expect(csvField('-1', 'en')).toBe("'-1");
    expect(csvField('@x', 'fr')).toBe("'@x");
    expect(csvField('+x', 'fr')).toBe("'+x");
    expect(csvField('\tx', 'en')).toBe("'\tx");
  });
});

describe('parseCsv', () => {
  it.each([
    ['', []],
    ['\ufeffa;b\r\n', [['a', 'b']]],
    ['a;b', [['a', 'b']]],
    ['abc', [['abc']]],
    ['a;', [['a', '']]],
    [';', [['', '']]],
    ['a\r\n\r\nb\r\n', [['a'], [''], ['b']]],
    // Only CRLF ends a line: a lone CR or LF is part of the field.
    ['a\rb;c\nd\r\n', [['a\rb', 'c\nd']]],
    ['"x ""y"";z"\r\n', [['x "y";z']]],
  ])('reads %j', (text, rows) => {
    expect(parseCsv(text, ';')).toEqual(rows);
  });
});
