/**
 * The one HTTP adapter of the functions behind the HTTP API (payload format 2.0, JWT authorizer):
 * route lookup, the caller, role checks, JSON bodies, typed errors and the headers of every answer.
 *
 * Every error is `{error: {code, message}}` (plus `details` where it helps the caller fix the
 * request) with a stable, machine-readable `code`; messages name identifiers the caller already
 * sent (contact id, request id), never personal data. The order of checks is the same on every
 * route: route (404) → identity (401) → role (403) → body size (413) → path, query and body (400)
 * → the rest.
 *
 * A request without a usable identity is 401, not 403: the authorizer answers 401 for a missing or
 * invalid token, so a client sees one status for "not authenticated" whether API Gateway or the
 * function refused; 403 means "we know who you are and you may not".
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type IdentityConfig, type Principal, principalFromClaims, type Role } from './principal';
import { type RouteSpec, routeKey } from './routes';

/** The part of an HTTP API event (payload 2.0, JWT authorizer) the functions read. */
export interface ApiEvent {
  /** `METHOD /path/{param}` of the matched route. */
  readonly routeKey?: string;
  readonly requestContext?: {
    readonly requestId?: string;
    readonly authorizer?: { readonly jwt?: { readonly claims?: Readonly<Record<string, unknown>> } };
  };
  readonly pathParameters?: Readonly<Record<string, string | undefined>>;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
  /** Request headers, names lower-cased (payload 2.0). */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

export type ApiResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

/**
 * Headers on every answer: never cached (answers are per caller), no MIME sniffing, never framed,
 * no content loaded from the answer, HTTPS only (the OWASP REST headers).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'no-referrer',
};

export function json(statusCode: number, body: unknown): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS },
    body: JSON.stringify(body),
  };
}

/** A non-JSON answer (a CSV export), offered as a download named `filename`. */
export function text(statusCode: number, contentType: string, body: string, filename?: string): ApiResult {
  return {
    statusCode,
    headers: {
      'content-type': contentType,
      ...SECURITY_HEADERS,
      ...(filename ? { 'content-disposition': `attachment; filename="${filename}"` } : {}),
    },
    body,
  };
}

/** An error with the HTTP status and code it is answered with. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Extra, non-personal detail for the caller (e.g. which fields are invalid). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }

  toResponse(): ApiResult {
    return json(this.statusCode, {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    });
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>): HttpError =>
  new HttpError(400, code, message, details);
export const unauthorized = (message: string): HttpError => new HttpError(401, 'no-identity', message);
export const forbidden = (message: string, code = 'forbidden'): HttpError =>
  new HttpError(403, code, message);
export const notFound = (code: string, message: string): HttpError => new HttpError(404, code, message);
export const conflict = (code: string, message: string): HttpError => new HttpError(409, code, message);
export const payloadTooLarge = (message: string): HttpError => new HttpError(413, 'body-too-large', message);
export const badGateway = (code: string, message: string): HttpError => new HttpError(502, code, message);
export const serviceUnavailable = (code: string, message: string): HttpError =>
  new HttpError(503, code, message);

/** The answer for an error nobody anticipated: generic, so nothing internal leaks. */
export const INTERNAL_ERROR_MESSAGE = 'internal error; the request was not completed, retry later';
export const internalError = (): ApiResult =>
  json(500, { error: { code: 'internal', message: INTERNAL_ERROR_MESSAGE } });

/** Largest request body accepted (the largest route takes a reason and at most 50 ranges). */
export const MAX_BODY_BYTES = 16 * 1024;

/** The request body as text, base64 decoded; `undefined` when empty, 413 beyond `maxBytes`. */
function bodyText(event: Pick<ApiEvent, 'body' | 'isBase64Encoded'>, maxBytes: number): string | undefined {
  const raw = event.body;
  if (typeof raw !== 'string' || raw === '') return undefined;
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(body, 'utf8') > maxBytes) {
    throw payloadTooLarge(`request body exceeds ${maxBytes} bytes`);
  }
  return body;
}

/**
 * The request body parsed as JSON. An absent or empty body is `undefined` (the route's schema
 * decides whether that is allowed); anything that is not JSON is a 400, a body beyond `maxBytes`
 * a 413.
 */
export function parseJsonBody(
  event: Pick<ApiEvent, 'body' | 'isBase64Encoded'>,
  maxBytes = MAX_BODY_BYTES,
): unknown {
  const body = bodyText(event, maxBytes);
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw badRequest('invalid-json', 'request body is not valid JSON');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The path parameter `name` as a lower-case UUID; 400 `invalid-<name>` otherwise. */
export function pathUuid(event: Pick<ApiEvent, 'pathParameters'>, name: string): string {
  const value = event.pathParameters?.[name];
  if (typeof value !== 'string' || !UUID.test(value)) {
    const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw badRequest(
      `invalid-${kebab}`,
      `${name} must be a UUID (e.g. 0f8fad5b-d9cb-469f-a165-70867728950e)`,
    );
  }
  return value.toLowerCase();
}

/** The verified caller; 401 when the token carries no usable identity (no subject). */
export function callerOf(event: ApiEvent, identity: IdentityConfig): Principal {
  const principal = principalFromClaims(event.requestContext?.authorizer?.jwt?.claims, identity);
  if (!principal) throw unauthorized('the request carries no usable identity (no subject claim)');
  return principal;
}

/** 403 unless the caller has one of `roles`. */
export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.some((r) => principal.roles.has(r))) {
    throw forbidden(`this route is for: ${roles.join(', ')}`);
  }
}

/** The caller's Connect user id; 403 when the token carries none (agents and coaches need one). */
export function connectUserOf(principal: Principal): string {
  if (!principal.connectUserId) {
    throw forbidden(
      'the token names no Connect user: send the ID token (an access token does not carry the Connect user id), or ask the data-protection officer to link your account to your Connect user',
      'no-connect-user',
    );
  }
  return principal.connectUserId;
}

/** What a route's handler gets: the event and the caller, who already has one of the route's roles. */
export type RouteHandler = (event: ApiEvent, principal: Principal) => Promise<ApiResult>;

export interface RouterOptions {
  readonly identity: IdentityConfig;
  readonly logger: Pick<Logger, 'info' | 'error'>;
}

/**
 * One function's HTTP entry point: finds the route (a Map, so `constructor` or `__proto__` is an
 * unknown route like any other), checks identity, role and body size, runs the handler and maps every error
 * to its answer; anything unexpected is a 500 with a generic message, logged with ids only.
 * Never throws, whatever the event.
 */
export function createRouter(
  routes: Iterable<readonly [RouteSpec, RouteHandler]>,
  options: RouterOptions,
): (event: unknown) => Promise<ApiResult> {
  const table = new Map<string, { readonly spec: RouteSpec; readonly handle: RouteHandler }>();
  for (const [spec, handle] of routes) table.set(routeKey(spec), { spec, handle });
  const { logger } = options;

  return async (raw) => {
    const event: ApiEvent = raw !== null && typeof raw === 'object' ? (raw as ApiEvent) : {};
    const key = typeof event.routeKey === 'string' ? event.routeKey : '';
    const requestId = event.requestContext?.requestId;
    try {
      const route = table.get(key);
      if (!route) throw notFound('route-not-found', 'no such route');
      const principal = callerOf(event, options.identity);
      requireRole(principal, route.spec.roles);
      bodyText(event, MAX_BODY_BYTES); // every route, whether it reads a body or not
      return await route.handle(event, principal);
    } catch (err) {
      if (err instanceof HttpError) {
        const log = err.statusCode >= 500 ? logger.error : logger.info;
        log.call(logger, 'request refused', {
          routeKey: key,
          requestId,
          status: err.statusCode,
          code: err.code,
        });
        return err.toResponse();
      }
      logger.error('unexpected error', {
        routeKey: key,
        requestId,
        error: err instanceof Error ? err.name : 'unknown',
      });
      return internalError();
    }
  };
}
