/**
 * JSON responses and typed HTTP errors for the functions behind the HTTP API (payload format 2.0).
 * Every answer, error or not, is a JSON body; errors are `{error: {code, message}}` with a stable,
 * machine-readable `code` and a message a person can act on. Messages name identifiers the caller
 * already sent (contact id, request id), never personal data.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Headers on every response: JSON, never cached (answers are per caller), no MIME sniffing. */
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export type JsonResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

export function json(statusCode: number, body: unknown): JsonResponse {
  return { statusCode, headers: { ...HEADERS }, body: JSON.stringify(body) };
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

  toResponse(): JsonResponse {
    return json(this.statusCode, {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    });
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>): HttpError =>
  new HttpError(400, code, message, details);
export const forbidden = (message: string): HttpError => new HttpError(403, 'forbidden', message);
export const notFound = (code: string, message: string): HttpError => new HttpError(404, code, message);
export const conflict = (code: string, message: string): HttpError => new HttpError(409, code, message);
export const payloadTooLarge = (message: string): HttpError => new HttpError(413, 'body-too-large', message);
export const badGateway = (code: string, message: string): HttpError => new HttpError(502, code, message);
export const serviceUnavailable = (code: string, message: string): HttpError =>
  new HttpError(503, code, message);

/** The answer for an error nobody anticipated: generic, so nothing internal leaks. */
export const INTERNAL_ERROR_MESSAGE = 'internal error; the request was not completed, retry later';
export const internalError = (): JsonResponse =>
  json(500, { error: { code: 'internal', message: INTERNAL_ERROR_MESSAGE } });

/** Largest request body accepted (the privacy routes take a reason and at most 50 ranges). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The request body parsed as JSON. An absent or empty body is `undefined` (the schema decides
 * whether that is allowed); anything that is not JSON is a 400, a body beyond `maxBytes` a 413.
 */
export function parseJsonBody(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  maxBytes = MAX_BODY_BYTES,
): unknown {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw payloadTooLarge(`request body exceeds ${maxBytes} bytes`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('invalid-json', 'request body is not valid JSON');
  }
}
