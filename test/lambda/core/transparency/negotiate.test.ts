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

describe('negotiateReport at the edges', () => {
  it('answers the defaults without a query or headers at all', () => {
    expect(negotiateReport(undefined, undefined, ['html', 'csv'])).toEqual({ format: 'html', lang: 'fr' });
  });

  it('reads a header whatever the case of its name', () => {
    expect(negotiateReport({}, { Accept: 'text/csv', 'ACCEPT-LANGUAGE': 'en' }, ['json', 'csv'])).toEqual({
      format: 'csv',
      lang: 'en',
    });
  });

  it('skips a media type or a language the route does not serve for the next one', () => {
    expect(negotiateReport({}, { accept: 'text/plain, text/csv;q=0.8' }, ['json', 'csv']).format).toBe('csv');
    expect(negotiateReport({}, { accept: 'application/xml' }, ['json', 'csv']).format).toBe('json');
  });
});

describe('byQuality at the edges', () => {
  it('keeps the order given among equal qualities', () => {
    expect(byQuality('e, d, c;q=0.2, b, a')).toEqual(['e', 'd', 'b', 'a', 'c']);
    expect(byQuality('x;q=0.5, y;q=0.5, z;q=0.5')).toEqual(['x', 'y', 'z']);
  });

  it('drops empty entries and reads q only from a `q=` parameter', () => {
    expect(byQuality('a,, ;q=0.9,b')).toEqual(['a', 'b']);
    // `seq=0` is another parameter, not a quality of 0.
    expect(byQuality('text/csv;seq=0, text/html;Q=0.5')).toEqual(['text/csv', 'text/html']);
    // An unreadable or infinite quality counts as 0: the value is dropped.
    expect(byQuality('A/B;q=high')).toEqual([]);
    expect(byQuality('a;q=Infinity, b;q=0.1')).toEqual(['b']);
  });
});
