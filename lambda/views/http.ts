/**
 * HTTP plumbing shared by the listening functions (playback, coaching, views): the caller from the
 * JWT claims, JSON bodies, typed errors mapped to status codes. Responses never echo request data
 * beyond identifiers and are never cached.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type IdentityConfig, type Principal, principalFromClaims, type Role } from '../shared/principal';

/** The part of an API Gateway HTTP API (payload 2.0, JWT authorizer) event the handlers read. */
export interface ApiEvent {
  /** `METHOD /path/{param}` of the matched route. */
  readonly routeKey?: string;
  readonly requestContext?: {
    readonly authorizer?: { readonly jwt?: { readonly claims?: Record<string, unknown> } };
  };
  readonly pathParameters?: Readonly<Record<string, string | undefined>>;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

export type ApiResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** An outcome with its status code; `code` is a stable machine-readable reason. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string = code,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

export function json(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: { ...HEADERS }, body: JSON.stringify(body) };
}

export function text(statusCode: number, contentType: string, body: string, filename?: string): ApiResult {
  return {
    statusCode,
    headers: {
      'content-type': contentType,
      'cache-control': 'no-store',
      ...(filename ? { 'content-disposition': `attachment; filename="${filename}"` } : {}),
    },
    body,
  };
}

/** The verified caller; 401 without a usable identity. */
export function callerOf(event: ApiEvent, identity: IdentityConfig): Principal {
  const principal = principalFromClaims(event.requestContext?.authorizer?.jwt?.claims, identity);
  if (!principal) throw new HttpError(401, 'no-identity', 'the request carries no usable identity');
  return principal;
}

/** 403 unless the caller has one of `roles`. */
export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.some((r) => principal.roles.has(r))) {
    throw new HttpError(403, 'forbidden', `this route is for: ${roles.join(', ')}`);
  }
}

/** The caller's Connect user id; 403 when the token carries none (agents and coaches need one). */
export function connectUserOf(principal: Principal): string {
  if (!principal.connectUserId)
    throw new HttpError(403, 'no-connect-user', 'the token names no Connect user');
  return principal.connectUserId;
}

export function jsonBody(event: ApiEvent): unknown {
  if (!event.body) throw new HttpError(400, 'invalid-body', 'a JSON body is required');
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'invalid-body', 'the body is not JSON');
  }
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function pathId(event: ApiEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value || !UUID_RE.test(value)) throw new HttpError(400, 'invalid-path', `${name} must be a UUID`);
  return value;
}

/** Runs `fn`, mapping HttpError to its status and anything else to a logged 500 (no details out). */
export async function respond(
  logger: Pick<Logger, 'error'>,
  fn: () => Promise<ApiResult>,
): Promise<ApiResult> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HttpError) {
      return json(err.status, {
        error: err.code,
        message: err.message,
        ...(err.details ? { details: err.details } : {}),
      });
    }
    logger.error('request failed', { error: err as Error });
    return json(500, { error: 'internal', message: 'internal error' });
  }
}
