/**
 * The figures of docs/compliance/algorithm-design-note.md: designs of the per-call probability
 * compared on simulated months (400 agents, 60,000 eligible calls, December, default policy), with
 * the homogeneity of the recorded share within agents across tenths of the month, 4-hour blocks
 * (Paris time) and positions since the agent's last recording, and how many busy agents reach the
 * cap. Run: npx tsx bench/fairness.ts [seed,seed,…]
 */
import { fileURLToPath } from 'node:url';
import { fairProbability } from '../lambda/core/fair-lottery';
import { pacedLimit } from '../lambda/core/pacing';
import {
  type CallOutcome,
  CHI2_999,
  type DesignState,
  homogeneity,
  planFairMonth,
  positionBin,
  runDesign,
} from '../lib/simulation/fairness';

const RATE = 0.2;
const MAX = 8;
const policy = { samplingRate: RATE, maxRecordingsPerAgentPerMonth: MAX };

export const DESIGNS: Record<string, (s: DesignState) => number> = {
  'v1: rate, then paced cap': (s) => (s.k + 1 <= pacedLimit(MAX, s.f) ? RATE : 0),
  'rate, cap only (no pacing)': (s) => (s.k < MAX ? RATE : 0),
  'fixed p from last month': (s) => (s.k < MAX ? Math.min(RATE, MAX / s.previous) : 0),
  'v2: adaptive (published)': (s) => fairProbability(policy, { callIndex: s.n, recordedBefore: s.k }, s.f),
  'oracle: true volume known': (s) => (s.k < MAX ? Math.min(RATE, (MAX - s.k) / (s.total - s.n + 1)) : 0),
};

export interface DesignFigures {
  design: string;
  share: number;
  tenths: number;
  blocks: number;
  positions: number;
  busyAtCap: number;
  busyMean: number;
  firstHalf: number;
}

export function designFigures(seed: string): DesignFigures[] {
  const plan = planFairMonth({ agents: 400, calls: 60_000, seed });
  return Object.entries(DESIGNS).map(([design, p]) => {
    const out: CallOutcome[] = runDesign(plan, p);
    const perAgent = new Map<number, { n: number; r: number }>();
    let firstHalf = 0;
    for (const o of out) {
      const a = perAgent.get(o.agent) ?? { n: 0, r: 0 };
      a.n++;
      if (o.recorded) {
        a.r++;
        if (o.tenth < 5) firstHalf++;
      }
      perAgent.set(o.agent, a);
    }
    const recorded = out.filter((o) => o.recorded).length;
    const busy = [...perAgent.values()].filter((a) => a.n >= (2 * MAX) / RATE);
    return {
      design,
      share: recorded / out.length,
      tenths: homogeneity(out, (o) => o.tenth, 10).chiSquare,
      blocks: homogeneity(out, (o) => o.block, 6).chiSquare,
      positions: homogeneity(out, (o) => positionBin(o.sinceLast), 6).chiSquare,
      busyAtCap: busy.filter((a) => a.r >= MAX).length / busy.length,
      busyMean: busy.reduce((s, a) => s + a.r, 0) / busy.length,
      firstHalf: firstHalf / recorded,
    };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const seeds = (process.argv[2] ?? 'a').split(',');
  console.log(
    `critical values at 0.1 %: tenths ${CHI2_999[9]} (df 9), blocks and positions ${CHI2_999[5]} (df 5)`,
  );
  console.log(
    '| design | seed | share recorded | χ² tenths | χ² 4-h blocks | χ² positions | busy agents at cap | mean recordings (busy) | recordings in 1st half |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const seed of seeds) {
    for (const f of designFigures(seed)) {
      console.log(
        `| ${f.design} | ${seed} | ${(100 * f.share).toFixed(2)} % | ${f.tenths.toFixed(1)} | ${f.blocks.toFixed(1)} | ${f.positions.toFixed(1)} | ${(100 * f.busyAtCap).toFixed(0)} % | ${f.busyMean.toFixed(2)} | ${(100 * f.firstHalf).toFixed(0)} % |`,
      );
    }
  }
}
