/**
 * How often the assignment's soft rules (distinct coaches for one agent, not last period's coach)
 * fall short of the best any assignment could do: small random instances, each compared with an
 * exhaustive search over every multiset of coaches per agent (same listens per agent, same hard
 * rules). Run alone: `npx tsx bench/assignment-soft-rules.ts [instances]`.
 */
import { fileURLToPath } from 'node:url';
import { type AssignmentInput, assignListens } from '../lambda/core/assignment';
import { fewestBreaches } from '../test/support/assignment-search';
import { type BenchFigure, printFigures } from './figure';

/** A small reproducible linear congruential generator (the instances, not the lottery). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function smallInstance(t: number): AssignmentInput {
  const r = lcg(t * 7919 + 1);
  const teams = 2 + Math.floor(r() * 3);
  const nA = 1 + Math.floor(r() * 5);
  const nC = 1 + Math.floor(r() * 5);
  const minPerAgent = Math.floor(r() * 3);
  const maxPerAgent = minPerAgent + Math.floor(r() * 3) + 1;
  const maxPerCoach = 1 + Math.floor(r() * 3);
  const agents = Array.from({ length: nA }, (_, i) => ({
    agentId: `a${i}`,
    team: `t${Math.floor(r() * teams)}`,
    recordings: Array.from({ length: Math.floor(r() * 4) }, (_, j) => ({ contactId: `a${i}-c${j}` })),
  }));
  const coaches = Array.from({ length: nC }, (_, i) => ({
    coachId: `k${i}`,
    team: `t${Math.floor(r() * teams)}`,
  }));
  const previous = Array.from({ length: Math.floor(r() * 6) }, () => ({
    agentId: `a${Math.floor(r() * nA)}`,
    coachId: `k${Math.floor(r() * nC)}`,
  }));
  return {
    period: '2025-03',
    seed: new Uint8Array(32).map((_, i) => (i * 13 + t) & 0xff),
    agents,
    coaches,
    previous,
    policy: { minPerAgent, maxPerAgent, maxPerCoach },
  };
}

export function benchAssignmentSoftRules(instances = 20_000): BenchFigure[] {
  let compared = 0;
  let worse = 0;
  let noRepeatNeeded = 0;
  let repeatAnyway = 0;
  for (let t = 0; t < instances; t++) {
    const input = smallInstance(t);
    const result = assignListens(input);
    if (result.assignments.length === 0) continue;
    const counts = new Map<string, number>();
    for (const l of result.assignments) counts.set(l.agentId, (counts.get(l.agentId) ?? 0) + 1);
    const fewest = fewestBreaches(input, counts);
    const got = result.stats.repeatedFromPrevious + result.stats.sameCoachTwice;
    compared++;
    if (got > fewest) worse++;
    if (fewest === 0) {
      noRepeatNeeded++;
      if (got > 0) repeatAnyway++;
    }
  }
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;
  return [
    {
      name: 'soft rules: instances with more repeats than the fewest possible',
      value: worse,
      unit: 'instances',
      note: `${pct(worse, compared)} of ${compared} small random instances with listens, against an exhaustive search`,
    },
    {
      name: 'soft rules: a repeat kept where none was needed',
      value: repeatAnyway,
      unit: 'instances',
      note: `${pct(repeatAnyway, noRepeatNeeded)} of the ${noRepeatNeeded} instances where no repeat was needed`,
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printFigures(benchAssignmentSoftRules(Number(process.argv[2] ?? 20_000)));
}
