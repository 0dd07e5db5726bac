/**
 * IAM-style wildcard patterns (`*` any run of characters, `?` one character), compared case-sensitively
 * unless asked otherwise. Three questions: does a pattern match a string, can two patterns match a common
 * string (an Allow on `bucket/connect/*` reaches some of `bucket/*`), and does one pattern match everything
 * another matches (a Deny on `bucket/*` covers `bucket/connect/*`).
 */

const fold = (s: string, ignoreCase: boolean) => (ignoreCase ? s.toLowerCase() : s);

/** `pattern` matches `value` exactly (IAM semantics). */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = fold(pattern, ignoreCase);
  const v = fold(value, ignoreCase);
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = vi;
    } else if (star >= 0) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/**
 * `step(i, j, go)` decides position `i` of one pattern and `j` of `q`, calling `go` for later positions;
 * each pair is decided once (the recursion alone is exponential on runs of `*`).
 */
function memoized(
  q: string,
  step: (i: number, j: number, go: (i: number, j: number) => boolean) => boolean,
): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (q.length + 1) + j;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const r = step(i, j, go);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** Some string matches both patterns. */
export function globIntersects(a: string, b: string, ignoreCase = false): boolean {
  const p = fold(a, ignoreCase);
  const q = fold(b, ignoreCase);
  return memoized(q, (i, j, go) => {
    if (i === p.length && j === q.length) return true;
    if (i < p.length && p[i] === '*') return go(i + 1, j) || (j < q.length && go(i, j + 1));
    if (j < q.length && q[j] === '*') return go(i, j + 1) || (i < p.length && go(i + 1, j));
    if (i === p.length || j === q.length) return false;
    return (p[i] === '?' || q[j] === '?' || p[i] === q[j]) && go(i + 1, j + 1);
  });
}

/**
 * Every string `inner` matches is matched by `outer`. Sound (never true when it should be false): `outer`'s
 * `*` may absorb any part of `inner`, its `?` one literal or `?` of `inner`, its literals only equal literals.
 */
export function globCovers(outer: string, inner: string, ignoreCase = false): boolean {
  const p = fold(outer, ignoreCase);
  const q = fold(inner, ignoreCase);
  return memoized(q, (i, j, go) => {
    if (i === p.length) return j === q.length;
    if (p[i] === '*') return go(i + 1, j) || (j < q.length && go(i, j + 1));
    if (j === q.length) return false;
    if (q[j] === '*') return false;
    if (p[i] === '?') return go(i + 1, j + 1);
    return p[i] === q[j] && go(i + 1, j + 1);
  });
}
