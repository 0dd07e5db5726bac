/**
 * Listen-assignment benchmark: 40,000 kept recordings, 10,000 agents in 100 teams, 1,000 coaches.
 * Run alone: `npx tsx bench/assignment.ts`.
 */
import { fileURLToPath } from 'node:url';
import { type AssignmentInput, assignListens, lotteryStream } from '../lambda/core/assignment';
import { type BenchFigure, printFigures } from './figure';

/** A reproducible instance; recordings per agent vary 0–8 (mean 4). */
export function generateAssignmentInstance(
  agents = 10_000,
  teams = 100,
  coaches = 1_000,
  recordings = 40_000,
): AssignmentInput {
  const seed = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
  const rnd = lotteryStream(seed, 'bench', 'instance');
  const counts = new Array<number>(agents).fill(0);
  for (let r = 0; r < recordings; r++) counts[rnd.below(agents)]!++;
  const agentList = counts.map((n, i) => ({
    agentId: `agent-${String(i).padStart(5, '0')}`,
    team: `team-${String(i % teams).padStart(3, '0')}`,
    recordings: Array.from({ length: n }, (_, j) => ({ contactId: `contact-${i}-${j}` })),
  }));
  const coachList = Array.from({ length: coaches }, (_, k) => ({
    coachId: `coach-${String(k).padStart(4, '0')}`,
    team: `team-${String(k % teams).padStart(3, '0')}`,
  }));
  // last period: each agent had two coaches of other teams
  const previous = agentList.flatMap((a, i) =>
    [0, 1].map((d) => ({ agentId: a.agentId, coachId: coachList[(i * 7 + d * 13 + 1) % coaches]!.coachId })),
  );
  return {
    period: '2025-03',
    seed,
    agents: agentList,
    coaches: coachList,
    previous,
    policy: { minPerAgent: 2, maxPerAgent: 4, maxPerCoach: 40 },
    extraListens: [{ agentId: 'agent-00001', extra: 2 }],
  };
}

export async function benchAssignment(): Promise<BenchFigure[]> {
  const input = generateAssignmentInstance();
  assignListens(generateAssignmentInstance(500, 10, 50, 2000)); // warm-up (JIT)
  const started = performance.now();
  const result = assignListens(input);
  const ms = performance.now() - started;
  const { stats, shortfall } = result;
  return [
    {
      name: 'assignment wall time (40k recordings, 10k agents, 1k coaches)',
      value: Math.round(ms),
      unit: 'ms',
      target: { op: '<=', value: 2000 },
    },
    {
      name: 'listens assigned vs max-flow optimum',
      value: stats.listens,
      unit: 'listens',
      peer: stats.optimum,
      peerName: 'max-flow optimum',
      ratio: stats.listens / stats.optimum,
      note: 'optimum from the aggregated Dinic network; tests check it against an independent Edmonds–Karp on the full bipartite graph (random small instances)',
      target: { op: '>=', value: 1, on: 'ratio' },
    },
    {
      name: 'minimum coverage (phase 1)',
      value: stats.minCovered,
      unit: 'listens',
      peer: stats.minTarget,
      ratio: stats.minCovered / stats.minTarget,
    },
    { name: 'agents below minimum', value: shortfall.agentsBelowMin.length, unit: 'agents' },
    { name: 'listens repeating last period’s coach', value: stats.repeatedFromPrevious, unit: 'listens' },
    {
      name: 'listens by a coach already listening to the agent',
      value: stats.sameCoachTwice,
      unit: 'listens',
    },
    ...benchShortCapacity(),
  ];
}

/** Same instance with coaches capped at 15 listens: capacity (15,000) below the minimum target. */
function benchShortCapacity(): BenchFigure[] {
  const input = generateAssignmentInstance();
  input.policy = { ...input.policy, maxPerCoach: 15 };
  const started = performance.now();
  const { stats, shortfall } = assignListens(input);
  const ms = performance.now() - started;
  const capacity = input.coaches.length * input.policy.maxPerCoach;
  return [
    {
      name: 'short capacity: wall time',
      value: Math.round(ms),
      unit: 'ms',
      target: { op: '<=', value: 2000 },
    },
    {
      name: 'short capacity: listens vs coach capacity bound',
      value: stats.listens,
      unit: 'listens',
      peer: capacity,
      ratio: stats.listens / capacity,
    },
    {
      name: 'short capacity: missing listens to the minimum',
      value: shortfall.missingListens,
      unit: 'listens',
      peer: stats.minTarget - capacity,
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchAssignment().then(printFigures);
}
