import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowNetwork, MaxFlowError } from '../../../lambda/core/maxflow';
import { edmondsKarp } from '../../support/reference-maxflow';

function build(n: number, edges: readonly [number, number, number][]): FlowNetwork {
  const net = new FlowNetwork(n);
  for (const [u, v, c] of edges) net.addEdge(u, v, c);
  return net;
}

function matrix(n: number, edges: readonly [number, number, number][]): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const [u, v, c] of edges) if (u !== v) m[u]![v]! += c;
  return m;
}

const graph = fc.integer({ min: 2, max: 9 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: n - 1 }),
        fc.integer({ min: 0, max: n - 1 }),
        fc.integer({ min: 0, max: 20 }),
      ),
      { maxLength: 30 },
    ),
  }),
);

describe('Dinic max flow', () => {
  it('solves the CLRS example (23)', () => {
    const net = build(6, [
      [0, 1, 16],
      [0, 2, 13],
      [1, 3, 12],
      [2, 1, 4],
      [2, 4, 14],
      [3, 2, 9],
      [3, 5, 20],
      [4, 3, 7],
      [4, 5, 4],
    ]);
    expect(net.maxFlow(0, 5)).toBe(23);
  });

  it('returns 0 when the sink is unreachable', () => {
    expect(build(3, [[0, 1, 5]]).maxFlow(0, 2)).toBe(0);
  });

  it('rejects bad capacities and nodes', () => {
    const net = new FlowNetwork(3);
    expect(() => net.addEdge(0, 1, -1)).toThrow(MaxFlowError);
    expect(() => net.addEdge(0, 1, 1.5)).toThrow(MaxFlowError);
    expect(() => net.addEdge(0, 3, 1)).toThrow(MaxFlowError);
    expect(() => net.maxFlow(1, 1)).toThrow(MaxFlowError);
  });

  it('needs at least two nodes, counted by an integer', () => {
    expect(new FlowNetwork(2).nodeCount).toBe(2);
    for (const n of [1, 0, -3, 2.5, Number.NaN]) {
      expect(() => new FlowNetwork(n), String(n)).toThrow(/nodeCount must be an integer ≥ 2/);
    }
  });

  it('names nodes 0 … n − 1 only: a negative or fractional node is out of range on either end', () => {
    const net = new FlowNetwork(3);
    for (const [from, to] of [
      [-1, 1],
      [1, -1],
      [0.5, 1],
      [1, 1.5],
      [3, 0],
    ]) {
      expect(() => net.addEdge(from!, to!, 1), `${from}→${to}`).toThrow(/out of range/);
    }
    expect(() => net.maxFlow(-1, 2)).toThrow(/node -1 out of range/);
    expect(net.edgeCount).toBe(0);
    expect(net.addEdge(0, 2, 1)).toBe(0);
  });

  it('numbers edges in insertion order and reports their endpoints, capacity and flow', () => {
    const net = build(4, [
      [0, 1, 3],
      [1, 3, 2],
      [0, 2, 1],
      [2, 3, 5],
    ]);
    expect(net.edgeCount).toBe(4);
    expect([0, 1, 2, 3].map((e) => net.endpoints(e))).toEqual([
      [0, 1],
      [1, 3],
      [0, 2],
      [2, 3],
    ]);
    expect([0, 1, 2, 3].map((e) => net.capacity(e))).toEqual([3, 2, 1, 5]);
    expect(net.maxFlow(0, 3)).toBe(3);
    expect([0, 1, 2, 3].map((e) => net.flow(e))).toEqual([2, 2, 1, 1]);
    net.setCapacity(1, 4);
    expect(net.capacity(1)).toBe(4);
    expect(net.maxFlow(0, 3)).toBe(4);
  });

  it('equals Edmonds–Karp on random graphs, and flows are conserved and within capacity', () => {
    fc.assert(
      fc.property(graph, ({ n, edges }) => {
        const net = build(n, edges);
        const value = net.maxFlow(0, n - 1);
        expect(value).toBe(edmondsKarp(matrix(n, edges), 0, n - 1));
        const balance = new Array<number>(n).fill(0);
        edges.forEach(([u, v, c], id) => {
          const f = net.flow(id);
          expect(f).toBeGreaterThanOrEqual(0);
          expect(f).toBeLessThanOrEqual(c);
          balance[u]! -= f;
          balance[v]! += f;
        });
        for (let v = 1; v < n - 1; v++) expect(balance[v]).toBe(0);
        expect(balance[n - 1]).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('augments incrementally after raising capacities, never lowering a source edge flow', () => {
    fc.assert(
      fc.property(
        graph,
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 30, maxLength: 30 }),
        ({ n, edges }, raise) => {
          const net = build(n, edges);
          net.maxFlow(0, n - 1);
          const before = edges.map((_, id) => net.flow(id));
          const raised = edges.map(
            ([u, v, c], id) => [u, v, u === 0 ? c + raise[id]! : c] as [number, number, number],
          );
          raised.forEach(([, , c], id) => {
            net.setCapacity(id, c);
          });
          const value = net.maxFlow(0, n - 1);
          expect(value).toBe(edmondsKarp(matrix(n, raised), 0, n - 1));
          edges.forEach(([u, v], id) => {
            if (u === 0 && v !== 0) expect(net.flow(id)).toBeGreaterThanOrEqual(before[id]!);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts an edge into the source against it: the value is the net flow out of s', () => {
    // Flow left on 0→1 by a first run enters node 1; taken as the source of a second run, node 1
    // sends 5 on 1→2 of which 2 came in on 0→1, so its net outflow is 3 (not 5, nor 7).
    const net = build(3, [
      [0, 1, 2],
      [1, 2, 5],
    ]);
    expect(net.maxFlow(0, 2)).toBe(2);
    expect(net.maxFlow(1, 2)).toBe(3);
    expect([net.flow(0), net.flow(1)]).toEqual([2, 5]);
  });

  it('refuses a capacity below the current flow', () => {
    const net = build(2, [[0, 1, 5]]);
    net.maxFlow(0, 1);
    expect(() => net.setCapacity(0, 4)).toThrow(MaxFlowError);
  });
});
