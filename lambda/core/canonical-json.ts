/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * - object members sorted by key, comparing the keys as arrays of UTF-16 code units;
 * - no whitespace;
 * - strings serialized as ECMAScript JSON.stringify does (RFC 8785 §3.2.2.2);
 * - numbers serialized as ECMAScript Number.prototype.toString (§3.2.2.3); -0 becomes 0;
 * - NaN, ±Infinity, undefined, bigint, functions, symbols, lone surrogates, cycles and
 *   non-plain objects (Date, Map, class instances, …) are rejected with CanonicalJsonError.
 */

export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A value that has no canonical JSON form; `path` is a JSON-pointer-like location ("" = root). */
export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot canonicalize ${path === '' ? 'value' : `value at ${path}`}: ${reason}`);
    this.name = 'CanonicalJsonError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s))
    throw new CanonicalJsonError(path, 'string contains a lone surrogate (not I-JSON)');
  return JSON.stringify(s);
}

/** Compares two strings by UTF-16 code units (what RFC 8785 §3.2.3 requires; not locale order). */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function serialize(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `non-finite number ${value}`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'object': {
      if (value === null) return 'null';
      if (seen.has(value)) throw new CanonicalJsonError(path, 'cyclic structure');
      seen.add(value);
      let out: string;
      if (Array.isArray(value)) {
        const parts: string[] = [];
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) throw new CanonicalJsonError(`${path}/${i}`, 'sparse array hole');
          parts.push(serialize(value[i], `${path}/${i}`, seen));
        }
        out = `[${parts.join(',')}]`;
      } else {
        if (!isPlainObject(value)) {
          const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
          throw new CanonicalJsonError(path, `not a plain object (${name})`);
        }
        if (Object.getOwnPropertySymbols(value).length > 0) {
          throw new CanonicalJsonError(path, 'object has symbol keys');
        }
        const keys = Object.keys(value).sort(compareUtf16);
        const parts: string[] = [];
        for (const key of keys) {
          const child = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
          const v = (value as Record<string, unknown>)[key];
          parts.push(`${serializeString(key, child)}:${serialize(v, child, seen)}`);
        }
        out = `{${parts.join(',')}}`;
      }
      seen.delete(value);
      return out;
    }
    case 'undefined':
      throw new CanonicalJsonError(path, 'undefined is not JSON');
    default:
      throw new CanonicalJsonError(path, `${typeof value} is not JSON`);
  }
}

/** The RFC 8785 canonical JSON text of `value`. Throws CanonicalJsonError for non-JSON input. */
export function canonicalize(value: unknown): string {
  return serialize(value, '', new Set());
}

/** True when `value` is a plain JSON object that canonicalize accepts. */
export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlainObject(value))
    return false;
  try {
    canonicalize(value);
    return true;
  } catch {
    return false;
  }
}
