import { describe, expect, it } from 'vitest';
import {
  badRequest,
  HttpError,
  internalError,
  json,
  MAX_BODY_BYTES,
  parseJsonBody,
  serviceUnavailable,
} from '../../../lambda/shared/http';

describe('json responses', () => {
  it('are JSON, never cached and not sniffed', () => {
    const r = json(202, { requestId: 'r' });
    expect(r).toEqual({
      statusCode: 202,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
      body: '{"requestId":"r"}',
    });
  });

  it('errors are {error: {code, message}} with optional details', () => {
    expect(JSON.parse(serviceUnavailable('x-down', 'X is down').toResponse().body)).toEqual({
      error: { code: 'x-down', message: 'X is down' },
    });
    const withDetails = badRequest('invalid-body', 'bad', { problems: [] }).toResponse();
    expect(withDetails.statusCode).toBe(400);
    expect(JSON.parse(withDetails.body)).toEqual({
      error: { code: 'invalid-body', message: 'bad', details: { problems: [] } },
    });
    expect(new HttpError(409, 'c', 'm')).toBeInstanceOf(Error);
  });

  it('the internal error says nothing internal', () => {
    const r = internalError();
    expect(r.statusCode).toBe(500);
    expect(JSON.parse(r.body).error.code).toBe('internal');
  });
});

describe('parseJsonBody', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['{"a":1}', { a: 1 }],
    ['[1]', [1]],
    ['null', null],
  ])('%j → %j', (body, parsed) => {
    expect(parseJsonBody({ body, isBase64Encoded: false })).toEqual(parsed);
  });

  it('decodes base64 bodies', () => {
    expect(parseJsonBody({ body: Buffer.from('{"a":2}').toString('base64'), isBase64Encoded: true })).toEqual(
      {
        a: 2,
      },
    );
  });

  it('malformed JSON → 400 invalid-json', () => {
    expect(() => parseJsonBody({ body: '{', isBase64Encoded: false })).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'invalid-json' }),
    );
  });

  it('a body over the limit (counted in UTF-8 bytes) → 413', () => {
    const body = JSON.stringify({ r: 'é'.repeat(MAX_BODY_BYTES / 2) });
    expect(() => parseJsonBody({ body, isBase64Encoded: false })).toThrow(
      expect.objectContaining({ statusCode: 413, code: 'body-too-large' }),
    );
  });
});
