import { describe, expect, it } from 'vitest';
import { teamSummaries } from '../../../../lambda/core/transparency/aggregate';
import { csvField, parseCsv, renderTransparencyCsv } from '../../../../lambda/core/transparency/csv';
import { exampleMonthData } from '../../../../lib/transparency-report/example';

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
