import { describe, expect, it, vi } from 'vitest';
import {
  badRequest,
  createRouter,
  HttpError,
  INTERNAL_ERROR_MESSAGE,
  internalError,
  json,
  MAX_BODY_BYTES,
  parseJsonBody,
  pathUuid,
  SECURITY_HEADERS,
  serviceUnavailable,
  text,
} from '../../../lambda/shared/http';
import type { RouteSpec } from '../../../lambda/shared/routes';
import { claimsOf, IDENTITY } from '../../support/listening';

describe('json responses', () => {
  it('are JSON, never cached, not sniffed, never framed', () => {
    const r = json(202, { requestId: 'r' });
    expect(r).toEqual({
      statusCode: 202,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'referrer-policy': 'no-referrer',
      },
      body: '{"requestId":"r"}',
    });
  });

  it('a CSV download has the same security headers and a file name', () => {
    const r = text(200, 'text/csv; charset=utf-8', 'a,b\n', 'x.csv');
    expect(r.headers).toEqual({
      ...SECURITY_HEADERS,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="x.csv"',
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

describe('pathUuid', () => {
  it('gives the UUID in lower case', () => {
    const id = '0F8FAD5B-D9CB-469F-A165-70867728950E';
    expect(pathUuid({ pathParameters: { contactId: id } }, 'contactId')).toBe(id.toLowerCase());
  });

  it.each([undefined, '', '../etc', '0f8fad5b-d9cb-469f-a165-70867728950', 'x'.repeat(36)])(
    '%j → 400 invalid-<name>',
    (value) => {
      expect(() => pathUuid({ pathParameters: { planId: value } }, 'planId')).toThrow(
        expect.objectContaining({ statusCode: 400, code: 'invalid-plan-id' }),
      );
    },
  );
});

describe('createRouter', () => {
  const ROUTE: RouteSpec = { method: 'POST', path: '/things/{thingId}', roles: ['coach'] };
  const logger = { info: vi.fn(), error: vi.fn() };
  const ok = vi.fn(async () => json(200, { ok: true }));
  const router = createRouter([[ROUTE, ok]], { identity: IDENTITY, logger });
  const request = (
    routeKey: unknown,
    claims: Record<string, unknown> | null = claimsOf('coach')!,
    body?: string,
  ) => ({
    routeKey,
    requestContext: { requestId: 'r-1', ...(claims ? { authorizer: { jwt: { claims } } } : {}) },
    ...(body === undefined ? {} : { body }),
  });
  const answer = async (event: unknown) => {
    const r = await router(event);
    return [r.statusCode, JSON.parse(r.body).error?.code];
  };

  it('serves the route to a caller with its role', async () => {
    expect(await answer(request('POST /things/{thingId}'))).toEqual([200, undefined]);
    expect(ok).toHaveBeenCalledWith(expect.objectContaining({ routeKey: 'POST /things/{thingId}' }), {
      subject: 'sub-coach',
      connectUserId: expect.any(String),
      roles: new Set(['coach']),
    });
  });

  it.each([
    'constructor',
    'toString',
    '__proto__',
    'hasOwnProperty',
    'valueOf',
    'GET /things/{thingId}',
    '',
    42,
  ])('route key %j is an unknown route (404), not an Object.prototype member', async (key) => {
    expect(await answer(request(key))).toEqual([404, 'route-not-found']);
  });

  it('checks identity, then role, then body size, before the handler runs', async () => {
    ok.mockClear();
    expect(await answer(request('POST /things/{thingId}', null))).toEqual([401, 'no-identity']);
    expect(await answer(request('POST /things/{thingId}', { sub: '' }))).toEqual([401, 'no-identity']);
    expect(await answer(request('POST /things/{thingId}', claimsOf('agent')!))).toEqual([403, 'forbidden']);
    const big = JSON.stringify({ x: 'y'.repeat(MAX_BODY_BYTES) });
    expect(await answer(request('POST /things/{thingId}', claimsOf('coach')!, big))).toEqual([
      413,
      'body-too-large',
    ]);
    expect(ok).not.toHaveBeenCalled();
  });

  it('an unexpected error is a generic 500, logged with ids and the error name only', async () => {
    const failing = createRouter(
      [
        [
          ROUTE,
          async () => {
            throw new TypeError('secret detail of table fairlisten-x');
          },
        ],
      ],
      { identity: IDENTITY, logger },
    );
    const r = await failing(request('POST /things/{thingId}'));
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toContain('secret');
    expect(JSON.parse(r.body)).toEqual({ error: { code: 'internal', message: INTERNAL_ERROR_MESSAGE } });
    expect(logger.error).toHaveBeenLastCalledWith('unexpected error', {
      routeKey: 'POST /things/{thingId}',
      requestId: 'r-1',
      error: 'TypeError',
    });
  });

  it.each([undefined, null, 42, 'x', [], {}])('never throws, whatever the event: %j', async (event) => {
    expect(await answer(event)).toEqual([404, 'route-not-found']);
  });
});
