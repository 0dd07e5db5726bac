/**
 * Listen assignment: who listens to which kept recording this period.
 *
 * Hard rules (never broken): a listen goes to a coach of another team (C10); an agent gets at most
 * min(maxPerAgent + approved extra, kept recordings) listens, one per distinct recording (C5);
 * a coach gets at most maxPerCoach listens (C8).
 *
 * Optimality: the number of listens is the maximum flow of
 *   source →(cap) agent →(∞) agentTeam →(∞, teams differ) coachTeam →(maxPerCoach) coach → sink,
 * computed in two phases: phase 1 with agent capacity min(minPerAgent, recordings) (maximises the
 * listens counted towards the minimum), phase 2 raises it to the agent maximum and augments from
 * the phase-1 flow (no agent loses a phase-1 listen). This aggregated network has the same max-flow
 * value as the agent×coach bipartite one.
 *
 * Soft rules (preferred, never at the cost of a listen): distinct coaches for one agent; not the
 * coach who evaluated the agent last period. Applied greedily, then improved by local moves/swaps.
 *
 * Lottery: every choice (which agents are served first when capacity is short, which coach, which
 * recording) comes from HMAC-SHA256(seed, "assign|<period>|<label>|<counter>") streams over inputs
 * sorted canonically, so the result is a pure function of the input set — same input, same output,
 * whatever the input array order.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { compareUtf16 } from './canonical-json';
import { FlowNetwork, INFINITE_CAPACITY } from './maxflow';

/**
 * The cross-team rule (C10) on its own: a coach may be assigned (listen to, or propose a coaching
 * plan for) an agent only when both are placed in a team and the teams differ.
 */
export function mayBeAssigned(coachTeam: string | undefined, agentTeam: string | undefined): boolean {
  return coachTeam !== undefined && agentTeam !== undefined && coachTeam !== agentTeam;
}

export interface AssignmentRecording {
  contactId: string;
  [key: string]: unknown;
}

export interface AssignmentAgent {
  agentId: string;
  team: string;
  recordings: readonly AssignmentRecording[];
}

export interface AssignmentCoach {
  coachId: string;
  team: string;
}

export interface AssignmentPolicy {
  minPerAgent: number;
  maxPerAgent: number;
  maxPerCoach: number;
}

export interface AssignmentInput {
  period: string;
  /** the period's committed 32-byte seed */
  seed: Uint8Array;
  agents: readonly AssignmentAgent[];
  coaches: readonly AssignmentCoach[];
  /** last period's assignments (pairs), for the soft no-repeat rule */
  previous: readonly { agentId: string; coachId: string }[];
  policy: AssignmentPolicy;
  /** approved coaching plans: extra listens above maxPerAgent (summed per agent) */
  extraListens?: readonly { agentId: string; extra: number }[];
}

export interface ListenAssignment {
  period: string;
  contactId: string;
  agentId: string;
  agentTeam: string;
  coachId: string;
  coachTeam: string;
}

export interface AgentShortfall {
  agentId: string;
  team: string;
  got: number;
  /** the agent's effective minimum: min(minPerAgent, kept recordings) */
  min: number;
}

export interface AssignmentResult {
  assignments: ListenAssignment[];
  shortfall: {
    agentsBelowMin: AgentShortfall[];
    byTeam: Record<string, { agentsBelowMin: number; missingListens: number }>;
    /** Σ over agents of (effective min − got), when positive */
    missingListens: number;
  };
  stats: {
    agents: number;
    coaches: number;
    listens: number;
    /** max-flow optimum of the capacitated problem (= listens) */
    optimum: number;
    /** Σ effective minimum over agents */
    minTarget: number;
    /** listens counted towards the minimum, Σ min(got, effective min) — phase-1 optimum */
    minCovered: number;
    /** listens given by a coach who already had the agent last period (no alternative found) */
    repeatedFromPrevious: number;
    /** listens by a coach who already listens to the same agent this period */
    sameCoachTwice: number;
  };
}

/** Invalid assignment input; `problems` lists every problem. */
export class AssignmentInputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid assignment input:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AssignmentInputError';
  }
}

const count = z.number().int().min(0).max(1_000_000);
const inputSchema = z.object({
  period: z.string().min(1),
  seed: z.instanceof(Uint8Array).refine((s) => s.length === 32, 'seed must be 32 bytes'),
  agents: z.array(
    z.object({
      agentId: z.string().min(1),
      team: z.string().min(1),
      recordings: z.array(z.looseObject({ contactId: z.string().min(1) })),
    }),
  ),
  coaches: z.array(z.object({ coachId: z.string().min(1), team: z.string().min(1) })),
  previous: z.array(z.object({ agentId: z.string(), coachId: z.string() })),
  policy: z
    .object({ minPerAgent: count, maxPerAgent: count, maxPerCoach: count })
    .refine((p) => p.minPerAgent <= p.maxPerAgent, 'policy.minPerAgent must not exceed maxPerAgent'),
  extraListens: z.array(z.object({ agentId: z.string(), extra: count })).optional(),
});

// ---------------------------------------------------------------------------------------------
// Lottery
// ---------------------------------------------------------------------------------------------

/** A deterministic random stream: block i = HMAC-SHA256(seed, "assign|<period>|<label>|<i>"). */
export interface LotteryStream {
  /** uniform integer in [0, n), unbiased (rejection sampling); 1 ≤ n ≤ 2³² */
  below(n: number): number;
  /** Fisher–Yates shuffle of a copy */
  shuffle<T>(items: readonly T[]): T[];
}

export function lotteryStream(seed: Uint8Array, period: string, label: string): LotteryStream {
  let counter = 0;
  let block: Buffer = Buffer.alloc(0);
  let pos = 0;
  const nextUint32 = (): number => {
    if (pos + 4 > block.length) {
      block = createHmac('sha256', seed).update(`assign|${period}|${label}|${counter++}`, 'utf8').digest();
      pos = 0;
    }
    const v = block.readUInt32BE(pos);
    pos += 4;
    return v;
  };
  const below = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`below(${n})`);
    const limit = Math.floor(2 ** 32 / n) * n;
    for (;;) {
      const x = nextUint32();
      if (x < limit) return x % n;
    }
  };
  return {
    below,
    shuffle<T>(items: readonly T[]): T[] {
      const a = [...items];
      for (let i = a.length - 1; i > 0; i--) {
        const j = below(i + 1);
        const tmp = a[i]!;
        a[i] = a[j]!;
        a[j] = tmp;
      }
      return a;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Assignment
// ---------------------------------------------------------------------------------------------

interface Agent {
  id: string;
  team: number;
  recordings: string[];
  min: number;
  max: number;
  rank: number; // lottery rank
  got: number;
  prev: Set<number>; // coach indices of last period
}

interface Coach {
  id: string;
  team: number;
  load: number;
}

export function assignListens(input: AssignmentInput): AssignmentResult {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    throw new AssignmentInputError(
      parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`),
    );
  }
  const { period, seed, policy } = input;
  const problems: string[] = [];

  // canonical order
  const rawAgents = [...input.agents].sort((a, b) => compareUtf16(a.agentId, b.agentId));
  const rawCoaches = [...input.coaches].sort((a, b) => compareUtf16(a.coachId, b.coachId));
  for (let i = 1; i < rawAgents.length; i++) {
    if (rawAgents[i]!.agentId === rawAgents[i - 1]!.agentId)
      problems.push(`duplicate agentId ${rawAgents[i]!.agentId}`);
  }
  for (let i = 1; i < rawCoaches.length; i++) {
    if (rawCoaches[i]!.coachId === rawCoaches[i - 1]!.coachId)
      problems.push(`duplicate coachId ${rawCoaches[i]!.coachId}`);
  }
  if (problems.length > 0) throw new AssignmentInputError(problems);

  const teams = [...new Set([...rawAgents.map((a) => a.team), ...rawCoaches.map((c) => c.team)])].sort(
    compareUtf16,
  );
  const teamIndex = new Map(teams.map((t, i) => [t, i]));
  const K = teams.length;

  const extra = new Map<string, number>();
  // Stryker disable next-line ArrayDeclaration: a made-up entry has no agentId, and no agent has none
  for (const e of input.extraListens ?? []) extra.set(e.agentId, (extra.get(e.agentId) ?? 0) + e.extra);

  const coaches: Coach[] = rawCoaches.map((c) => ({
    id: c.coachId,
    team: teamIndex.get(c.team)!,
    load: 0,
  }));
  const coachIndex = new Map(coaches.map((c, i) => [c.id, i]));
  const prevByAgent = new Map<string, Set<number>>();
  for (const p of input.previous) {
    const k = coachIndex.get(p.coachId);
    if (k === undefined) continue;
    let s = prevByAgent.get(p.agentId);
    if (!s) {
      s = new Set();
      prevByAgent.set(p.agentId, s);
    }
    s.add(k);
  }

  const agents: Agent[] = rawAgents.map((a) => {
    const recordings = [...new Set(a.recordings.map((r) => r.contactId))].sort(compareUtf16);
    const n = recordings.length;
    return {
      id: a.agentId,
      team: teamIndex.get(a.team)!,
      recordings,
      min: Math.min(policy.minPerAgent, n),
      max: Math.min(policy.maxPerAgent + (extra.get(a.agentId) ?? 0), n),
      rank: 0,
      got: 0,
      prev: prevByAgent.get(a.agentId) ?? new Set(),
    };
  });

  // lottery orders (over canonical order, so independent of input order)
  const agentOrder = lotteryStream(seed, period, 'agent-order').shuffle(agents.map((_, i) => i));
  agentOrder.forEach((a, r) => {
    agents[a]!.rank = r;
  });
  // coaches and teams are visited in these orders wherever a tie is left: the first one wins
  const coachOrder = lotteryStream(seed, period, 'coach-order').shuffle(coaches.map((_, i) => i));
  const teamOrder = lotteryStream(seed, period, 'team-order').shuffle(teams.map((_, i) => i));

  // ---- flow network
  const S = 0;
  const T = 1;
  const agentTeamNode = (t: number) => 2 + t;
  const coachTeamNode = (t: number) => 2 + K + t;
  const coachNode = (k: number) => 2 + 2 * K + k;
  const agentNode = (a: number) => 2 + 2 * K + coaches.length + a;
  const net = new FlowNetwork(2 + 2 * K + coaches.length + agents.length);

  // adjacency lists are explored last-added-first; insertion follows reversed lottery order
  const sourceEdge = new Int32Array(agents.length).fill(-1);
  for (let r = agentOrder.length - 1; r >= 0; r--) {
    const a = agentOrder[r]!;
    const ag = agents[a]!;
    if (ag.max === 0) continue;
    sourceEdge[a] = net.addEdge(S, agentNode(a), ag.min);
    net.addEdge(agentNode(a), agentTeamNode(ag.team), INFINITE_CAPACITY);
  }
  const coachEdge = new Int32Array(coaches.length); // every coach gets one
  // Stryker disable next-line ArrayDeclaration,BooleanLiteral: pruning only, an edge into a coach team without coaches carries no flow
  const hasCoach = new Array<boolean>(K).fill(false);
  for (let r = coachOrder.length - 1; r >= 0; r--) {
    const k = coachOrder[r]!;
    const c = coaches[k]!;
    hasCoach[c.team] = true;
    coachEdge[k] = net.addEdge(coachTeamNode(c.team), coachNode(k), policy.maxPerCoach);
    net.addEdge(coachNode(k), T, INFINITE_CAPACITY);
  }
  // Stryker disable next-line ArrayDeclaration,BooleanLiteral: pruning only, an edge out of an agent team without agents carries no flow
  const hasAgent = new Array<boolean>(K).fill(false);
  for (const a of agents) if (a.max > 0) hasAgent[a.team] = true;
  const pairEdge = new Map<number, number>(); // x*K+y → edge id
  // Stryker disable next-line ArithmeticOperator: starting at K + 1 reads two teams past the end, which have no agents
  for (let rx = K - 1; rx >= 0; rx--) {
    const x = teamOrder[rx]!;
    if (!hasAgent[x]) continue;
    // Stryker disable next-line ArithmeticOperator: K + 1 adds a second edge to the team after x, explored after the first (infinite) one, so it never carries flow
    for (let ry = K - 1; ry >= 0; ry--) {
      const y = teamOrder[(ry + rx) % K]!; // rotate so teams do not all prefer the same coach team
      if (y === x || !hasCoach[y]) continue;
      pairEdge.set(x * K + y, net.addEdge(agentTeamNode(x), coachTeamNode(y), INFINITE_CAPACITY));
    }
  }

  const minCovered = net.maxFlow(S, T);
  agents.forEach((ag, a) => {
    if (sourceEdge[a]! >= 0) net.setCapacity(sourceEdge[a]!, ag.max);
  });
  const optimum = net.maxFlow(S, T);

  agents.forEach((ag, a) => {
    ag.got = sourceEdge[a]! >= 0 ? net.flow(sourceEdge[a]!) : 0;
  });
  const coachFlow = coaches.map((_, k) => net.flow(coachEdge[k]!));

  // ---- decomposition, step A: split each agent team's listens over coach teams (F_xy); per slot,
  // prefer a team with a coach the agent does not have yet, then one of those that did not have the
  // agent last period, then the most flow left; a tie goes to the first team in the team lottery
  const coachesOfTeam: number[][] = teams.map(() => []);
  for (const k of coachOrder) coachesOfTeam[coaches[k]!.team]!.push(k);
  const agentsOfTeam: number[][] = teams.map(() => []);
  for (const a of agentOrder) agentsOfTeam[agents[a]!.team]!.push(a); // an agent without listens adds nothing

  // incoming[y] = list of [agent, slots] sent to coach team y
  const incoming: [number, number][][] = teams.map(() => []);
  for (let x = 0; x < K; x++) {
    const members = agentsOfTeam[x]!;
    const remaining = new Map<number, number>(); // in team lottery order
    for (const y of teamOrder) {
      const e = pairEdge.get(x * K + y);
      if (e !== undefined) remaining.set(y, net.flow(e)); // a team left with 0 is skipped below
    }
    const ys = [...remaining.keys()];
    // most listens first; a tie keeps the agent lottery order (members are in it, the sort is stable)
    const sorted = [...members].sort((a, b) => agents[b]!.got - agents[a]!.got);
    for (const a of sorted) {
      const ag = agents[a]!;
      const perTeam = new Map<number, number>();
      const prevIn = new Map<number, number>();
      for (const y of ys) prevIn.set(y, countPrev(ag, coachesOfTeam[y]!));
      for (let slot = 0; slot < ag.got; slot++) {
        // Stryker disable next-line UnaryOperator: always overwritten: while a slot is left, some coach team still has flow for it
        let best = -1;
        let bestKey = Number.NEGATIVE_INFINITY;
        for (const y of ys) {
          const rem = remaining.get(y)!;
          if (rem === 0) continue;
          const used = perTeam.get(y) ?? 0;
          const freshCoach = coachesOfTeam[y]!.length > used + prevIn.get(y)! ? 1 : 0;
          const notUsed = coachesOfTeam[y]!.length > used ? 1 : 0;
          const key = notUsed * 2 ** 40 + freshCoach * 2 ** 39 + rem;
          if (key > bestKey) {
            bestKey = key;
            best = y;
          }
        }
        remaining.set(best, remaining.get(best)! - 1);
        perTeam.set(best, (perTeam.get(best) ?? 0) + 1);
      }
      for (const [y, n] of perTeam) incoming[y]!.push([a, n]);
    }
  }

  // ---- step B: inside each coach team, give slots to coaches (Gale–Ryser-like greedy): a coach the
  // agent does not have yet, then not last period's, then the most flow left; a tie goes to the first
  // coach in the coach lottery (the pool is in that order)
  const coachesOf: number[][] = agents.map(() => []); // agent → coach indices (with repeats)
  const assignedTo: number[][] = coaches.map(() => []); // coach → agent indices
  const remainingCap = [...coachFlow];
  for (let y = 0; y < K; y++) {
    const list = incoming[y]!.sort((p, q) => q[1] - p[1] || agents[p[0]]!.rank - agents[q[0]]!.rank);
    const pool = coachesOfTeam[y]!;
    for (const [a, n] of list) {
      const ag = agents[a]!;
      for (let s = 0; s < n; s++) {
        // Stryker disable next-line UnaryOperator: always overwritten: while a slot is left, some coach of the team still has flow for it
        let best = -1;
        let bestKey = Number.NEGATIVE_INFINITY;
        for (const k of pool) {
          if (remainingCap[k]! === 0) continue;
          const key =
            (coachesOf[a]!.includes(k) ? 0 : 2 ** 41) + (ag.prev.has(k) ? 0 : 2 ** 40) + remainingCap[k]!;
          if (key > bestKey) {
            bestKey = key;
            best = k;
          }
        }
        remainingCap[best] = remainingCap[best]! - 1;
        coachesOf[a]!.push(best);
        assignedTo[best]!.push(a);
      }
    }
  }
  for (let k = 0; k < coaches.length; k++) coaches[k]!.load = coachFlow[k]!;

  // ---- repair: move or swap listens that repeat last period's coach or a coach already used
  const bad = (a: number, k: number, ignoreOne: boolean): boolean => {
    const ag = agents[a]!;
    if (ag.prev.has(k)) return true;
    let n = 0;
    for (const c of coachesOf[a]!) if (c === k) n++;
    return n > (ignoreOne ? 1 : 0);
  };
  const replace = (arr: number[], from: number, to: number) => {
    arr[arr.indexOf(from)] = to;
  };
  const coachesByRank = [...coachOrder];
  // Every move or swap lowers the number of breaching listens, so passes end; a later pass can use
  // capacity or a swap partner that a later agent's repair made available.
  for (let repaired = true; repaired; ) {
    repaired = false;
    for (const a of agentOrder) {
      const ag = agents[a]!;
      for (let i = 0; i < coachesOf[a]!.length; i++) {
        const k = coachesOf[a]![i]!;
        if (!bad(a, k, true)) continue;
        let fixed = false;
        // (1) move to a coach with spare capacity
        for (const k2 of coachesByRank) {
          const c2 = coaches[k2]!;
          if (c2.team === ag.team || c2.load >= policy.maxPerCoach || bad(a, k2, false)) continue;
          coachesOf[a]![i] = k2;
          assignedTo[k]!.splice(assignedTo[k]!.indexOf(a), 1);
          assignedTo[k2]!.push(a);
          coaches[k]!.load--;
          c2.load++;
          fixed = true;
          repaired = true;
          break;
        }
        if (fixed) continue;
        // (2) swap with another agent's listen
        search: for (const k2 of coachesByRank) {
          const c2 = coaches[k2]!;
          if (k2 === k || c2.team === ag.team || bad(a, k2, false)) continue;
          for (const a2 of assignedTo[k2]!) {
            if (a2 === a || agents[a2]!.team === coaches[k]!.team || bad(a2, k, false)) continue;
            coachesOf[a]![i] = k2;
            replace(coachesOf[a2]!, k2, k);
            replace(assignedTo[k]!, a, a2);
            replace(assignedTo[k2]!, a2, a);
            repaired = true;
            break search;
          }
        }
      }
    }
  }

  // ---- recordings and output
  const assignments: ListenAssignment[] = [];
  let repeatedFromPrevious = 0;
  let sameCoachTwice = 0;
  agents.forEach((ag, a) => {
    if (ag.got === 0) return;
    const recs = lotteryStream(seed, period, `recordings|${ag.id}`).shuffle(ag.recordings);
    const ks = [...coachesOf[a]!].sort((p, q) => compareUtf16(coaches[p]!.id, coaches[q]!.id));
    const seen = new Set<number>();
    ks.forEach((k, i) => {
      const c = coaches[k]!;
      if (ag.prev.has(k)) repeatedFromPrevious++;
      if (seen.has(k)) sameCoachTwice++;
      seen.add(k);
      assignments.push({
        period,
        contactId: recs[i]!,
        agentId: ag.id,
        agentTeam: teams[ag.team]!,
        coachId: c.id,
        coachTeam: teams[c.team]!,
      });
    });
  });
  assignments.sort((p, q) => compareUtf16(p.agentId, q.agentId) || compareUtf16(p.contactId, q.contactId));

  // ---- shortfall
  const agentsBelowMin: AgentShortfall[] = [];
  const byTeam: Record<string, { agentsBelowMin: number; missingListens: number }> = {};
  let missingListens = 0;
  let minTarget = 0;
  for (const ag of agents) {
    minTarget += ag.min;
    if (ag.got >= ag.min) continue;
    const team = teams[ag.team]!;
    agentsBelowMin.push({ agentId: ag.id, team, got: ag.got, min: ag.min });
    const t = byTeam[team] ?? { agentsBelowMin: 0, missingListens: 0 };
    byTeam[team] = t;
    t.agentsBelowMin++;
    t.missingListens += ag.min - ag.got;
    missingListens += ag.min - ag.got;
  }

  return {
    assignments,
    shortfall: { agentsBelowMin, byTeam, missingListens },
    stats: {
      agents: agents.length,
      coaches: coaches.length,
      listens: assignments.length,
      optimum,
      minTarget,
      minCovered,
      repeatedFromPrevious,
      sameCoachTwice,
    },
  };
}

function countPrev(ag: Agent, pool: readonly number[]): number {
  if (ag.prev.size === 0) return 0;
  let n = 0;
  for (const k of pool) if (ag.prev.has(k)) n++;
  return n;
}
