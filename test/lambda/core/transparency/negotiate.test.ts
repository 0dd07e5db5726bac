import { describe, expect, it } from 'vitest';
import { byQuality, negotiateReport } from '../../../../lambda/core/transparency/negotiate';

describe('negotiateReport', () => {
  it.each([
    [{}, {}, { format: 'json', lang: 'fr' }],
    [{ format: 'csv' }, {}, { format: 'csv', lang: 'fr' }],
    [{ lang: 'en' }, {}, { format: 'json', lang: 'en' }],
    [{}, { accept: 'text/csv' }, { format: 'csv', lang: 'fr' }],
    [{}, { accept: 'text/html;q=0.9, text/csv' }, { format: 'csv', lang: 'fr' }],
    [{}, { accept: '*/*, text/csv;q=0.5' }, { format: 'json', lang: 'fr' }],
    [{}, { 'accept-language': 'de-DE, en-GB;q=0.8, fr;q=0.7' }, { format: 'json', lang: 'en' }],
    [{}, { 'Accept-Language': 'fr-CA' }, { format: 'json', lang: 'fr' }],
    [{}, { 'accept-language': 'en;q=0' }, { format: 'json', lang: 'fr' }],
    [
      { format: 'json', lang: 'fr' },
      { accept: 'text/csv', 'accept-language': 'en' },
      { format: 'json', lang: 'fr' },
    ],
  ])('query %j, headers %j → %j', (query, headers, expected) => {
    expect(negotiateReport(query, headers, ['json', 'csv'])).toEqual(expected);
  });

  it('refuses a format the route does not serve and an unknown language', () => {
    expect(() => negotiateReport({ format: 'html' }, {}, ['json', 'csv'])).toThrow(
      /format must be one of json, csv/,
    );
    expect(() => negotiateReport({ lang: 'de' }, {}, ['json'])).toThrow(/lang must be one of fr, en/);
  });

  it('orders by quality, ties in the order given, q=0 dropped', () => {
    expect(byQuality('a;q=0.5, b, c;q=0.5, d;q=0')).toEqual(['b', 'a', 'c']);
    expect(byQuality(undefined)).toEqual([]);
  });
});
