import { beforeEach, describe, expect, it } from 'vitest';
import {
  type Formatters,
  formatters,
  frenchSpacing,
  NBSP,
  NNBSP,
  strings,
} from '../../../../../lambda/core/transparency/render/i18n';

describe('French spacing', () => {
  it.each([
    ['a : b', `a${NBSP}: b`],
    ['fin :', `fin${NBSP}:`],
    // A colon inside a word or a time is not punctuation to space.
    ['10:05 et a :b', '10:05 et a :b'],
    ['a ; b ! c ? 5 %', `a${NNBSP}; b${NNBSP}! c${NNBSP}? 5${NNBSP}%`],
    ['« x »', `«${NNBSP}x${NNBSP}»`],
    ['a : b : c', `a${NBSP}: b${NBSP}: c`],
  ])('%j → %j', (raw, spaced) => {
    expect(frenchSpacing(raw)).toBe(spaced);
  });
});

describe('number and date formats', () => {
  // Made in each test, so that a mutation run sees which test reads what.
  let fr: Formatters;
  let en: Formatters;
  beforeEach(() => {
    fr = formatters('fr', 'Europe/Paris');
    en = formatters('en', 'Europe/Paris');
  });

  it('groups digits, rounds, and writes the share with a narrow space before % in French', () => {
    expect([fr.lang, en.lang]).toEqual(['fr', 'en']);
    expect([fr.int(12699.4), en.int(12699.6)]).toEqual([`12${NNBSP}699`, '12,700']);
    expect([fr.num(2.345), fr.num(2.345, 2), fr.num(2), en.num(2.345)]).toEqual(['2,3', '2,35', '2', '2.3']);
    expect([fr.pct(0.1234), fr.pct(0.5, 0), en.pct(0.1234), en.pct(0.5, 2)]).toEqual([
      `12,3${NNBSP}%`,
      `50${NNBSP}%`,
      '12.3%',
      '50.00%',
    ]);
  });

  it.each([
    [5.25, `5,3${NBSP}s`],
    [9.96, `10${NBSP}s`],
    [42.4, `42${NBSP}s`],
    [59.4, `59${NBSP}s`],
    [59.6, `1${NBSP}min`],
    [60, `1${NBSP}min`],
    [125.4, `2${NBSP}min${NBSP}5${NBSP}s`],
    [179.6, `3${NBSP}min`],
    [3599.4, `59${NBSP}min${NBSP}59${NBSP}s`],
    // From an hour on, hours and minutes as the log scale's key writes them (« 1 h »).
    [3599.6, `1${NBSP}h`],
    [3929, `1${NBSP}h${NBSP}5${NBSP}min`],
    [7169, `1${NBSP}h${NBSP}59${NBSP}min`],
    [7170, `2${NBSP}h`],
  ])('writes %s seconds as %j', (s, text) => {
    expect(fr.seconds(s)).toBe(text);
  });

  it('writes dates in the policy time zone, the first of a month as « 1er » in French only', () => {
    expect(fr.dateTime('2026-11-01T09:05:00Z')).toBe('1er novembre 2026 à 10:05');
    expect(en.dateTime('2026-11-01T09:05:00Z')).toBe('1 November 2026 at 10:05');
    expect([fr.date('2026-11-01T09:05:00Z'), fr.date('2026-11-11T09:05:00Z')]).toEqual([
      '1er nov.',
      '11 nov.',
    ]);
    // 23:30 UTC on 30 November is 1 December in Paris.
    expect(fr.date('2026-11-30T23:30:00Z')).toBe('1er déc.');
    expect(en.date('2026-11-01T09:05:00Z')).toBe('1 Nov');
    expect(formatters('fr', 'America/New_York').date('2026-11-01T03:00:00Z')).toBe('31 oct.');
    expect([fr.month('2026-11'), en.month('2027-01')]).toEqual(['novembre 2026', 'January 2027']);
  });
});

describe('the words of the report', () => {
  it('spaces every French string, list and sentence the French way, and leaves English as written', () => {
    const fr = strings('fr');
    const en = strings('en');
    expect(fr.subtitle).toBe(
      `Pour le CSE${NBSP}: chaque engagement de la politique d’enregistrement, vérifié sur les données du mois`,
    );
    expect(fr.timezoneNote('Europe/Paris')).toBe(`Heures${NBSP}: heure de Paris.`);
    expect(fr.footer.breachesProducer('2', '0')).toBe(
      `Dépassements recomptés ici${NBSP}: 2${NNBSP}; signalés par les contrôles${NBSP}: 0.`,
    );
    expect(fr.timezoneNote('America/New_York')).toBe(`Heures${NBSP}: fuseau America/New_York.`);
    expect([fr.s9.week(2), en.s9.week(4)]).toEqual(['Semaine 2 (jours 8 à 14)', 'Week 4 (days 22–28)']);
    expect([fr.s9.hour(9), en.s9.hour(23)]).toEqual(['09 h – 10 h', '23:00–24:00']);
    // One same-team listen is singular in both languages.
    expect([fr.s5.leadKo('1'), fr.s5.leadKo('2')]).toEqual([
      '1 écoute a été faite par un coach de l’équipe de l’agent.',
      '2 écoutes ont été faites par un coach de l’équipe de l’agent.',
    ]);
    expect([en.s5.leadKo('1'), en.s5.leadKo('2')]).toEqual([
      '1 listen was by a coach of the agent’s own team.',
      '2 listens were by a coach of the agent’s own team.',
    ]);
    expect(fr.concernLegend.items.filter((i) => / [:;!?%]/.test(i))).toEqual([]);
    expect(fr.concernLegend.items.length).toBe(en.concernLegend.items.length);
    expect(en.subtitle).toBe(
      'For the works council: every commitment of the recording policy, checked against the month’s data',
    );
  });
});
