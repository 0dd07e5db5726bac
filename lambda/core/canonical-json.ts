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

/** The JSON-pointer-like location of a value from the keys and indexes leading to it ("" = root). */
function pathOf(keys: readonly (string | number)[]): string {
  let path = '';
  for (const key of keys) path += `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return path;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(s: string, keys: readonly (string | number)[]): string {
  const out = JSON.stringify(s);
  // JSON.stringify writes a lone surrogate as a \u escape: without one, there is nothing to look for.
  if (out.includes('\\u') && LONE_SURROGATE.test(s))
    throw new CanonicalJsonError(pathOf(keys), 'string contains a lone surrogate (not I-JSON)');
  return out;
}

/** Compares two strings by UTF-16 code units (what RFC 8785 §3.2.3 requires; not locale order). */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `keys` is the path to `value`, kept as a stack and made into text only for an error: a record
 * of a million decisions is canonicalized without building a path string for each of its values.
 */
function serialize(value: unknown, keys: (string | number)[], seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, keys);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(pathOf(keys), `non-finite number ${value}`);
      // ECMAScript's Number::toString gives "0" for -0 too: -0 needs no case of its own.
      return String(value);
    case 'object': {
      if (value === null) return 'null';
      if (seen.has(value)) throw new CanonicalJsonError(pathOf(keys), 'cyclic structure');
      seen.add(value);
      let out: string;
      if (Array.isArray(value)) {
        out = '[';
        for (let i = 0; i < value.length; i++) {
          keys.push(i);
          if (!(i in value)) throw new CanonicalJsonError(pathOf(keys), 'sparse array hole');
          out += `${i === 0 ? '' : ','}${serialize(value[i], keys, seen)}`;
          keys.pop();
        }
        out += ']';
      } else {
        if (!isPlainObject(value)) {
          const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
          throw new CanonicalJsonError(pathOf(keys), `not a plain object (${name})`);
        }
        if (Object.getOwnPropertySymbols(value).length > 0) {
          throw new CanonicalJsonError(pathOf(keys), 'object has symbol keys');
        }
        const names = Object.keys(value).sort(compareUtf16);
        out = '{';
        for (let i = 0; i < names.length; i++) {
          const key = names[i]!;
          keys.push(key);
          const v = (value as Record<string, unknown>)[key];
          out += `${i === 0 ? '' : ','}${serializeString(key, keys)}:${serialize(v, keys, seen)}`;
          keys.pop();
        }
        out += '}';
      }
      seen.delete(value);
      return out;
    }
    default: // undefined, bigint, function, symbol
      throw new CanonicalJsonError(pathOf(keys), `${typeof value} is not JSON`);
  }
}

/** How deep the fast path below looks; a deeper value (or a cycle) takes the member-by-member path. */
const FAST_DEPTH = 64;

/**
 * True when `JSON.stringify(value)` is already the canonical text, lone surrogates aside: only
 * strings, booleans, null, finite numbers (it writes -0 as 0, as RFC 8785 does), dense arrays and
 * plain objects whose own keys come in UTF-16 order (the order JSON.stringify writes them in) and
 * that have no symbol keys and no toJSON. A value JSON.parse made from canonical text is one.
 */
function stringifiesCanonically(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth === FAST_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !stringifiesCanonically(value[i], depth + 1)) return false;
        }
        return true;
      }
      if (!isPlainObject(value)) return false;
      const names = Object.keys(value);
      for (let i = 0; i < names.length; i++) {
        if (i > 0 && !(names[i - 1]! < names[i]!)) return false;
        if (!stringifiesCanonically((value as Record<string, unknown>)[names[i]!], depth + 1)) return false;
      }
      return Object.getOwnPropertySymbols(value).length === 0;
    }
  }
  return false; // undefined, bigint, function, symbol
}

/**
 * The RFC 8785 canonical JSON text of `value`. Throws CanonicalJsonError for non-JSON input.
 * A value already in canonical order is written by JSON.stringify (native, one string); only a
 * lone surrogate, written as a `\ud…` escape, sends it down the member-by-member path too.
 */
export function canonicalize(value: unknown): string {
  if (stringifiesCanonically(value, 0)) {
    const out = JSON.stringify(value);
    if (!out.includes('\\ud')) return out;
  }
  return serialize(value, [], new Set());
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
