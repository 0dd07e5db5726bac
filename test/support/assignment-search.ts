/**
 * The reference for the assignment's soft rules: an exhaustive search, independent of
 * lambda/core/assignment.ts, over every multiset of coaches per agent. Used by the assignment tests
 * and by the soft-rules benchmark.
 */
import type { AssignmentInput } from '../../lambda/core/assignment';

/**
 * The fewest soft-rule breaches any assignment can have that gives each agent the same number of
 * listens within the hard rules (other team, coach cap): one per listen whose coach had the agent last
 * period, one per listen whose coach already has that agent.
 */
export function fewestBreaches(input: AssignmentInput, counts: ReadonlyMap<string, number>): number {
  const previous = new Set(input.previous.map((p) => `${p.agentId}|${p.coachId}`));
  const load = new Array<number>(input.coaches.length).fill(0);
  const agents = input.agents.filter((a) => (counts.get(a.agentId) ?? 0) > 0);
  let best = Number.POSITIVE_INFINITY;
  const agent = (i: number, sofar: number): void => {
    if (sofar >= best) return;
    if (i === agents.length) {
      best = sofar;
      return;
    }
    const ag = agents[i]!;
    const want = counts.get(ag.agentId)!;
    const pick = (slot: number, from: number, last: number, b: number): void => {
      if (slot === want) {
        agent(i + 1, b);
        return;
      }
      for (let k = from; k < input.coaches.length; k++) {
        const c = input.coaches[k]!;
        if (c.team === ag.team || load[k]! >= input.policy.maxPerCoach) continue;
        load[k]!++;
        pick(slot + 1, k, k, b + (previous.has(`${ag.agentId}|${c.coachId}`) ? 1 : 0) + (k === last ? 1 : 0));
        load[k]!--;
      }
    };
    pick(0, 0, -1, sofar);
  };
  agent(0, 0);
  return best;
}
