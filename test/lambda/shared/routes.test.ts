/**
 * Every route of every HTTP function, from the one route table: the refusals the shared router
 * decides (unknown route, no identity, wrong role, oversized body, bad path parameter) have the
 * same status, the same `{error: {code, message}}` body and the same security headers everywhere.
 * The functions run with clients that fail on use, so a refusal provably happens before any I/O.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCoaching } from '../../../lambda/plans/coaching';
import { createPlayback } from '../../../lambda/playback/playback';
import { createPrivacyApi } from '../../../lambda/privacy/privacy';
import { type ApiResult, MAX_BODY_BYTES, SECURITY_HEADERS } from '../../../lambda/shared/http';
import type { Role } from '../../../lambda/shared/principal';
import { API_ROUTES, type ApiFunction, type RouteSpec, routeKey } from '../../../lambda/shared/routes';
import { createViews } from '../../../lambda/views/views';
import { expectGeneratedDocFresh } from '../../support/generated-docs';
import { ROOT, sourceFiles } from '../../support/imports';
import { claimsOf, IDENTITY, type Persona, ROSTER, silentLogger, uuid } from '../../support/listening';
import { MemoryAudit } from '../../support/memory-audit';

/** A client that fails the test's expectations if anything reaches it (answers 500). */
const unreachable = {
  send: () => Promise.reject(new Error('I/O reached before the refusal')),
} as never;

const FUNCTIONS: Record<ApiFunction, (event: unknown) => Promise<ApiResult>> = {
  privacy: (event) =>
    createPrivacyApi({
      ddb: unreachable,
      tables: { requests: 'r', recordings: 'c', decisions: 'd' },
      identity: IDENTITY,
      recordingControl: unreachable,
      executor: unreachable,
      audit: new MemoryAudit(),
      requestRetentionDays: 365,
      logger: silentLogger,
    }).handle(event),
  playback: createPlayback({
    ddb: unreachable,
    s3: unreachable,
    listeningTable: 'l',
    recordingsTable: 'c',
    bucket: 'b',
    audit: new MemoryAudit(),
    identity: IDENTITY,
    urlTtlSeconds: 60,
    now: () => new Date(),
    logger: silentLogger,
  }),
  coaching: createCoaching({
    ddb: unreachable,
    plansTable: 'p',
    listeningTable: 'l',
    audit: new MemoryAudit(),
    identity: IDENTITY,
    limits: { maxDays: 30, maxExtraListens: 4 },
    loadRoster: async () => ROSTER,
    timezone: 'Europe/Paris',
    auditRetentionDays: 365,
    now: () => new Date(),
    newId: () => uuid(1, '6'),
    logger: silentLogger,
  }),
  views: createViews({
    ddb: unreachable,
    listeningTable: 'l',
    plansTable: 'p',
    s3: unreachable,
    identity: IDENTITY,
    policy: {} as never,
    now: () => new Date(),
    logger: silentLogger,
  }),
};

const PERSONA_OF: Record<Role, Persona> = {
  agent: 'agent',
  coach: 'coach',
  dpo: 'dpo',
  staffRepresentative: 'staffRepresentative',
};
const ROLES = Object.keys(PERSONA_OF) as Role[];

const ROUTES = (Object.entries(API_ROUTES) as [ApiFunction, Record<string, RouteSpec>][]).flatMap(
  ([fn, routes]) => Object.values(routes).map((route) => [routeKey(route), fn, route] as const),
);

function request(route: RouteSpec, persona: Persona, options: { body?: string; path?: string } = {}) {
  const claims = claimsOf(persona);
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return {
    version: '2.0',
    routeKey: routeKey(route),
    requestContext: { requestId: 'r-1', ...(claims ? { authorizer: { jwt: { claims } } } : {}) },
    pathParameters: Object.fromEntries(params.map((p) => [p, options.path ?? uuid(9)])),
    ...(options.body === undefined ? {} : { body: options.body }),
  };
}

/** The answer's status and error code, after checking the body shape and the headers. */
async function refusal(fn: ApiFunction, event: unknown): Promise<[number, string]> {
  const r = await FUNCTIONS[fn](event);
  expect(r.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS });
  const body = JSON.parse(r.body) as { error: { code: string; message: string; details?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({
    code: expect.stringMatching(/^[a-z]+(-[a-z]+)*$/),
    message: expect.any(String),
    ...(body.error.details === undefined ? {} : { details: expect.anything() }),
  });
  expect(body.error.message.length).toBeGreaterThan(5);
  return [r.statusCode, body.error.code];
}

describe.each(ROUTES)('%s (%s)', (_key, fn, route) => {
  const allowed = route.roles[0]!;
  const refused = ROLES.filter((r) => !route.roles.includes(r));

  it('no identity → 401 no-identity', async () => {
    expect(await refusal(fn, request(route, 'none'))).toEqual([401, 'no-identity']);
  });

  it.each(refused)('role %s → 403 forbidden', async (role) => {
    expect(await refusal(fn, request(route, PERSONA_OF[role]))).toEqual([403, 'forbidden']);
  });

  it('a body over 16 KB → 413 body-too-large', async () => {
    const body = JSON.stringify({ reason: 'x'.repeat(MAX_BODY_BYTES) });
    expect(await refusal(fn, request(route, PERSONA_OF[allowed], { body }))).toEqual([413, 'body-too-large']);
  });

  // Only routes with a path parameter have one to get wrong; the others register no such test.
  if (route.path.includes('{')) {
    it('a path parameter that is not a UUID (a period: YYYY-MM) → 400 invalid-…', async () => {
      const [status, code] = await refusal(fn, request(route, PERSONA_OF[allowed], { path: '../etc' }));
      expect([status, code]).toEqual([400, expect.stringMatching(/^invalid-([a-z-]+-id|period)$/)]);
    });
  }

  it('is served by its own function only: the others answer 404 route-not-found', async () => {
    for (const other of Object.keys(FUNCTIONS) as ApiFunction[]) {
      if (other === fn) continue;
      expect(await refusal(other, request(route, PERSONA_OF[allowed]))).toEqual([404, 'route-not-found']);
    }
  });
});

describe.each(Object.keys(FUNCTIONS) as ApiFunction[])('%s', (fn) => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'GET /me/../transparency'])(
    'route key %j → 404 route-not-found',
    async (key) => {
      const event = { routeKey: key, requestContext: { authorizer: { jwt: { claims: claimsOf('dpo') } } } };
      expect(await refusal(fn, event)).toEqual([404, 'route-not-found']);
    },
  );
});

describe('docs/api/errors.md', () => {
  /** Every error code a function can answer, read from the sources of lambda/. */
  function codesInSources(): Set<string> {
    const codes = new Set(['route-not-found', 'no-identity', 'forbidden', 'body-too-large', 'internal']);
    for (const route of ROUTES.map(([, , r]) => r)) {
      for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
        codes.add(`invalid-${name!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      }
    }
    const call =
      /(?:new HttpError\(\s*[^,]+,\s*|\b(?:badRequest|notFound|conflict|badGateway|serviceUnavailable)\(\s*)([^,]+),|\bforbidden\(\s*(?:'[^']*'|`[^`]*`)\s*,\s*'([a-z-]+)'/g;
    for (const file of sourceFiles('lambda')) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      for (const m of source.matchAll(call)) {
        if (m[2]) codes.add(m[2]);
        // The code argument, possibly `cond ? 'a' : 'b'`: every literal that is not compared.
        for (const lit of (m[1] ?? '').matchAll(/'([a-z]+(?:-[a-z]+)*)'(?!\s*\?)/g)) codes.add(lit[1]!);
      }
    }
    codes.delete('code'); // the helpers' own parameter
    return codes;
  }

  it('lists every error code the functions answer, and no other', () => {
    const doc = readFileSync(join(ROOT, 'docs/api/errors.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| \d{3} \| `([a-z-]+)` \|/gm)].map((m) => m[1]!));
    const inCode = codesInSources();
    expect(inCode.size).toBeGreaterThan(30);
    expect([...documented].sort()).toEqual([...inCode].sort());
  });
});

describe('docs/api/routes.md', () => {
  it('is the route × role matrix the route table generates', () => {
    expectGeneratedDocFresh('docs/api/routes.md');
  });
});
