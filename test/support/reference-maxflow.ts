/**
 * Deliberately simple, obviously-correct references for tests: Edmonds–Karp on a dense
 * capacity matrix, and the listen-assignment optimum on the full (unaggregated) agent×coach graph.
 */

/** Edmonds–Karp (BFS shortest augmenting paths) on an n×n capacity matrix. */
export function edmondsKarp(capacity: number[][], s: number, t: number): number {
  const n = capacity.length;
  const residual = capacity.map((row) => [...row]);
  let flow = 0;
  for (;;) {
    const parent = new Array<number>(n).fill(-1);
    parent[s] = s;
    const queue = [s];
    while (queue.length > 0 && parent[t] === -1) {
      const u = queue.shift()!;
      for (let v = 0; v < n; v++) {
        if (parent[v] === -1 && residual[u]![v]! > 0) {
          parent[v] = u;
          queue.push(v);
        }
      }
    }
    if (parent[t] === -1) return flow;
    let bottleneck = Number.POSITIVE_INFINITY;
    for (let v = t; v !== s; v = parent[v]!) bottleneck = Math.min(bottleneck, residual[parent[v]!]![v]!);
    for (let v = t; v !== s; v = parent[v]!) {
      residual[parent[v]!]![v]! -= bottleneck;
      residual[v]![parent[v]!]! += bottleneck;
    }
    flow += bottleneck;
  }
}

/**
 * Maximum number of listens: source → agent (agentCap[a]) → coach (unbounded, only when the teams
 * differ) → sink (coachCap). One node per agent and per coach, one edge per eligible pair.
 */
export function referenceListenOptimum(
  agents: readonly { team: string; cap: number }[],
  coaches: readonly { team: string }[],
  coachCap: number,
): number {
  const n = agents.length + coaches.length + 2;
  const s = n - 2;
  const t = n - 1;
  const big = agents.reduce((sum, a) => sum + a.cap, 0) + 1;
  const cap = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  agents.forEach((a, i) => {
    cap[s]![i] = a.cap;
    coaches.forEach((c, j) => {
      if (c.team !== a.team) cap[i]![agents.length + j] = big;
    });
  });
  coaches.forEach((_, j) => {
    cap[agents.length + j]![t] = coachCap;
  });
  return edmondsKarp(cap, s, t);
}
