import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  CanonicalJsonError,
  canonicalize,
  compareUtf16,
  isJsonObject,
} from '../../../lambda/core/canonical-json';

/** The error canonicalize throws for `value`; fails the test when it accepts the value. */
function refusal(value: unknown): CanonicalJsonError {
  try {
    canonicalize(value);
  } catch (e) {
    if (e instanceof CanonicalJsonError) return e;
    throw e;
  }
  throw new Error(`canonicalize accepted ${String(value)}`);
}

function f64(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonical JSON (RFC 8785)', () => {
  it('canonicalizes the RFC 8785 §3.2.2 sample', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh",' +
        '"1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control",' +
        '"\\u00f6":"Latin Small Letter O With Diaeresis"}',
    );
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('serializes IEEE-754 %s as %s (RFC 8785 appendix B)', (hex, expected) => {
    expect(canonicalize(f64(hex))).toBe(expected);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['undefined', undefined],
    ['undefined member', { a: undefined }],
    ['bigint', 1n],
    ['function', () => 1],
    ['Date', new Date(0)],
    ['Map', new Map()],
    ['class instance', new (class Foo {})()],
    ['lone surrogate', '\ud800'],
    ['sparse array', new Array(3)],
  ])('rejects %s', (_name, value) => {
    expect(() => canonicalize(value)).toThrow(CanonicalJsonError);
  });

  it('rejects cycles but accepts shared (non-cyclic) references and null-prototype objects', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalize(a)).toThrow(/cyclic/);
    const shared = { x: 1 };
    expect(canonicalize({ b: shared, a: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const bare = Object.assign(Object.create(null), { z: [], y: {} });
    expect(canonicalize(bare)).toBe('{"y":{},"z":[]}');
  });

  it('names the path of the offending value (escaped like a JSON pointer) and says why', () => {
    expect(refusal({ data: { list: [1, Number.NaN] } })).toMatchObject({
      path: '/data/list/1',
      message: 'cannot canonicalize value at /data/list/1: non-finite number NaN',
    });
    expect(refusal(Number.NaN)).toMatchObject({
      path: '',
      message: 'cannot canonicalize value: non-finite number NaN',
    });
    expect(refusal({ 'a/b': { '~': undefined } })).toMatchObject({
      path: '/a~1b/~0',
      reason: 'undefined is not JSON',
    });
  });

  // A value already in canonical order is written by JSON.stringify; any other member by member.
  // Wrapping a value in an object whose keys are out of order sends all of it the second way.
  const memberByMember = (v: unknown) => {
    const text = canonicalize({ b: v, a: 0 });
    return text.slice('{"a":0,"b":'.length, -1);
  };
  /** The value with every object's keys in canonical order (the order JSON.parse keeps). */
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;

  it('writes the same text by both paths, for values in any key order', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        expect(canonicalize(sorted(v))).toBe(memberByMember(v));
        expect(canonicalize(v)).toBe(memberByMember(v));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    [
      'integer-like keys (JSON.stringify writes them first, in numeric order)',
      { '10': 1, '9': 2, a: 3 },
      '{"10":1,"9":2,"a":3}',
    ],
    ['-0 in an array', [-0, 0], '[0,0]'],
    ['a backslash before u', { a: '\\ud800' }, '{"a":"\\\\ud800"}'],
    [
      'deep nesting',
      JSON.parse(`${'['.repeat(100)}1${']'.repeat(100)}`),
      `${'['.repeat(100)}1${']'.repeat(100)}`,
    ],
    ['a null-prototype object', Object.assign(Object.create(null), { a: 1 }), '{"a":1}'],
    ['a key that is not a function toJSON', { toJSON: 1 }, '{"toJSON":1}'],
    ['an array subclass', { a: new (class extends Array {})() }, '{"a":[]}'],
  ])('writes %s canonically', (_name, value, text) => {
    expect(canonicalize(value)).toBe(text);
  });

  it.each([
    ['a lone surrogate in sorted keys', { a: 'x', b: '\udc00' }],
    ['a lone surrogate in a key', { '\ud800': 1 }],
    ['Infinity nested in order', { a: [1, Number.POSITIVE_INFINITY] }],
    ['undefined nested in order', { a: [undefined] }],
    ['a hole nested in order', { a: new Array(2) }],
    ['a symbol key', { a: 1, [Symbol('s')]: 2 }],
    ['a toJSON method', { a: 1, toJSON: () => ({}) }],
    ['a Date nested in order', { a: new Date(0) }],
  ])('rejects %s', (_name, value) => {
    expect(() => canonicalize(value)).toThrow(CanonicalJsonError);
  });

  it('rejects a cycle deeper than the fast path looks', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 70; i++) {
      const next: Record<string, unknown> = {};
      at.a = next;
      at = next;
    }
    at.a = deep;
    expect(() => canonicalize(deep)).toThrow(/cyclic/);
  });

  it('rejects an array that contains itself', () => {
    const list: unknown[] = [1];
    list.push([list]);
    expect(refusal(list)).toMatchObject({ path: '/1/0', reason: 'cyclic structure' });
  });

  it('checks the elements of an array subclass too', () => {
    const list = new (class List extends Array<unknown> {})();
    list.push(1, Number.NaN);
    expect(refusal({ a: list })).toMatchObject({ path: '/a/1', reason: 'non-finite number NaN' });
  });

  it('ignores a toJSON that a polluted prototype lends every object and array', () => {
    for (const proto of [Object.prototype, Array.prototype] as { toJSON?: () => unknown }[]) {
      proto.toJSON = () => 'polluted';
      try {
        expect(canonicalize({ a: [1] })).toBe('{"a":[1]}');
      } finally {
        Reflect.deleteProperty(proto, 'toJSON');
      }
    }
  });

  // The member-by-member path calls JSON.stringify once per string and key; the fast path once for
  // the whole value. Counting the calls shows which path a value took: a fast path that silently
  // stopped applying would give the same text, only slower.
  /** Two strings in an array inside `depth` more arrays: the innermost array is at that depth. */
  const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}["x","y"]${']'.repeat(depth)}`);
  const stringifyCalls = (value: unknown): number => {
    const spy = vi.spyOn(JSON, 'stringify');
    try {
      canonicalize(value);
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  };

  it.each([
    ['a string', 'x'],
    ['a boolean', false],
    ['a number', -1.5],
    ['null', null],
    ['an array of every kind of value', ['a', true, 2, null, [], {}]],
    ['an object with keys in order', { a: 1, b: 'x', c: [{ d: null, e: false }] }],
    ['a null-prototype object', Object.assign(Object.create(null), { a: 1, b: 2 })],
    ['a value nested as deep as the fast path looks', nested(63)],
  ])('writes %s in one JSON.stringify call', (_name, value) => {
    expect(stringifyCalls(value)).toBe(1);
  });

  it.each([
    ['keys out of order', { b: 1, a: 2 }],
    ['a value nested deeper than the fast path looks', nested(64)],
    ['an array subclass', new (class List extends Array<unknown> {})('x', 'y')],
  ])('writes %s member by member', (_name, value) => {
    expect(stringifyCalls(value)).toBeGreaterThan(1);
  });

  it('tells a hole in an array from an undefined element', () => {
    const holey: number[] = [];
    holey[0] = 1;
    holey[2] = 3;
    expect(refusal(holey)).toMatchObject({ path: '/1', reason: 'sparse array hole' });
    expect(refusal([1, undefined, 3])).toMatchObject({ path: '/1', reason: 'undefined is not JSON' });
  });

  it('names the class of an object that is not plain, and copes with one that has no constructor', () => {
    expect(refusal({ at: new Date(0) })).toMatchObject({ path: '/at', reason: 'not a plain object (Date)' });
    const orphan = Object.create(Object.create(null));
    expect(refusal(orphan)).toMatchObject({ path: '', reason: 'not a plain object (unknown)' });
  });

  it('refuses symbol keys: two objects that differ only in one would share a canonical text', () => {
    const hidden = Symbol('hidden');
    expect(refusal({ a: 1, [hidden]: 'one' })).toMatchObject({ path: '', reason: 'object has symbol keys' });
    expect(refusal({ x: { a: 1, [hidden]: 'two' } })).toMatchObject({ path: '/x' });
  });
});

describe('compareUtf16', () => {
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['a', 'a', 0],
    ['', 'a', -1],
    // Not locale order: every capital letter comes before every small one.
    ['Z', 'a', -1],
    // Code units, not code points: U+FFFF comes after U+1F600, whose first unit is 0xD83D.
    ['\uffff', '\ud83d\ude00', 1],
  ])('compares %j with %j as %i', (a, b, expected) => {
    expect(compareUtf16(a, b)).toBe(expected);
  });
});

describe('isJsonObject', () => {
  it('accepts a plain or null-prototype object that canonicalize accepts', () => {
    expect(isJsonObject({ a: [1, 'x', null, { b: true }] })).toBe(true);
    expect(isJsonObject(Object.assign(Object.create(null), { a: 1 }))).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'x'],
    ['a number', 1],
    ['an array', [{ a: 1 }]],
    ['a Date', new Date(0)],
    ['an object holding NaN', { a: Number.NaN }],
    ['an object holding a lone surrogate', { a: '\udc00' }],
  ])('answers false, without throwing, for %s', (_name, value) => {
    expect(isJsonObject(value)).toBe(false);
  });
});
