/**
 * Maximum flow with integer capacities (Dinic's algorithm: BFS level graph + blocking flow by
 * iterative DFS with current-arc pointers). O(V²E) in general, much faster on the shallow
 * layered networks of the listen assignment.
 *
 * The network is incremental: after maxFlow(s, t), capacities may be raised with
 * setCapacity and maxFlow called again; it augments from the current flow (it never resets it),
 * and augmenting paths never push flow back into the source, so every source edge keeps at least
 * the flow it had.
 */

/** Bad graph construction or capacity (negative, non-integer, node out of range, …). */
export class MaxFlowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MaxFlowError';
  }
}

/** A capacity larger than any real total; use it for "infinite" edges. */
export const INFINITE_CAPACITY = 2 ** 52;

export class FlowNetwork {
  readonly nodeCount: number;
  // edge 2k is the forward edge k, 2k+1 its residual twin
  private to: number[] = [];
  private cap: number[] = []; // residual capacity
  private head: Int32Array;
  private next: number[] = [];
  private original: number[] = []; // capacity of forward edges (index k)

  constructor(nodeCount: number) {
    if (!Number.isInteger(nodeCount) || nodeCount < 2)
      throw new MaxFlowError(`nodeCount must be an integer ≥ 2`);
    this.nodeCount = nodeCount;
    this.head = new Int32Array(nodeCount).fill(-1);
  }

  private checkNode(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v >= this.nodeCount)
      throw new MaxFlowError(`node ${v} out of range`);
  }

  private static checkCap(c: number): void {
    if (!Number.isSafeInteger(c) || c < 0)
      throw new MaxFlowError(`capacity ${c} must be a non-negative integer`);
  }

  /** Adds a directed edge and returns its id (0, 1, 2, … in insertion order). */
  addEdge(from: number, to: number, capacity: number): number {
    this.checkNode(from);
    this.checkNode(to);
    FlowNetwork.checkCap(capacity);
    const id = this.original.length;
    this.original.push(capacity);
    this.push(from, to, capacity);
    this.push(to, from, 0);
    return id;
  }

  private push(from: number, to: number, cap: number): void {
    const e = this.to.length;
    this.to.push(to);
    this.cap.push(cap);
    this.next.push(this.head[from]!);
    this.head[from] = e;
  }

  get edgeCount(): number {
    return this.original.length;
  }

  /** The flow on edge `id`. */
  flow(id: number): number {
    return this.cap[2 * id + 1]!;
  }

  capacity(id: number): number {
    return this.original[id]!;
  }

  /** Changes an edge's capacity; it may not drop below the edge's current flow. */
  setCapacity(id: number, capacity: number): void {
    FlowNetwork.checkCap(capacity);
    const f = this.flow(id);
    if (capacity < f)
      throw new MaxFlowError(`capacity ${capacity} below the current flow ${f} of edge ${id}`);
    this.original[id] = capacity;
    this.cap[2 * id] = capacity - f;
  }

  /** Endpoints of edge `id`. */
  endpoints(id: number): [number, number] {
    return [this.to[2 * id + 1]!, this.to[2 * id]!];
  }

  /** Augments to a maximum s–t flow from the current flow; returns the total s→t flow value. */
  maxFlow(s: number, t: number): number {
    this.checkNode(s);
    this.checkNode(t);
    if (s === t) throw new MaxFlowError('source and sink must differ');
    const n = this.nodeCount;
    const level = new Int32Array(n);
    const iter = new Int32Array(n);
    const queue = new Int32Array(n);
    const stackEdge = new Int32Array(n);
    const { to, cap, next, head } = this;

    for (;;) {
      level.fill(-1);
      level[s] = 0;
      let qh = 0;
      let qt = 0;
      queue[qt++] = s;
      while (qh < qt) {
        const v = queue[qh++]!;
        for (let e = head[v]!; e !== -1; e = next[e]!) {
          const w = to[e]!;
          if (cap[e]! > 0 && level[w] === -1) {
            level[w] = level[v]! + 1;
            queue[qt++] = w;
          }
        }
      }
      if (level[t] === -1) break;
      for (let v = 0; v < n; v++) iter[v] = head[v]!;

      // blocking flow: iterative DFS along level-increasing edges
      let depth = 0;
      let v = s;
      for (;;) {
        if (v === t) {
          let f = Number.POSITIVE_INFINITY;
          for (let i = 0; i < depth; i++) f = Math.min(f, cap[stackEdge[i]!]!);
          for (let i = 0; i < depth; i++) {
            const e = stackEdge[i]!;
            cap[e] = cap[e]! - f;
            cap[e ^ 1] = cap[e ^ 1]! + f;
          }
          // restart from the source (current-arc pointers keep it efficient)
          depth = 0;
          v = s;
          continue;
        }
        let e = iter[v]!;
        while (e !== -1 && !(cap[e]! > 0 && level[to[e]!] === level[v]! + 1)) e = next[e]!;
        iter[v] = e;
        if (e !== -1) {
          stackEdge[depth++] = e;
          v = to[e]!;
          continue;
        }
        // dead end: retreat
        if (v === s) break;
        level[v] = -1;
        depth--;
        const back = stackEdge[depth]!;
        v = to[back ^ 1]!;
        iter[v] = next[iter[v]!]!;
      }
    }
    let total = 0;
    for (let e = head[s]!; e !== -1; e = next[e]!) {
      if ((e & 1) === 0) total += cap[e ^ 1]!;
      // Flow into s is 0 within one run, but not after an earlier run from another source.
      else total -= cap[e]!;
    }
    return total;
  }
}
