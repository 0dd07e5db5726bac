/**
 * The figures of docs/compliance/algorithm-design-note.md: designs of the per-call probability
 * compared on simulated months (400 agents, 60,000 eligible calls, December, default policy), with
 * the homogeneity of the recorded share within agents across tenths of the month, 4-hour blocks
 * (Paris time) and positions since the agent's last recording, and how many busy agents reach the
 * cap; then, for versions 1 and 2 and an independent coin flip per call (the reference a correct test
 * must not reject), the recorded share per tenth of the month and how often each test rejects at
 * 0.1 % over many simulated months.
 *
 * Run: npx tsx bench/fairness.ts [--designs a,b,c] [--seeds 50]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fairProbability } from '../lambda/core/fair-lottery';
import { pacedLimit } from '../lambda/core/pacing';
import {
  type CallOutcome,
  CHI2_999,
  type DesignState,
  homogeneity,
  type MonthPlan,
  planFairMonth,
  positionHomogeneity,
  runDesign,
  runMonth,
} from '../lib/simulation/fairness';

const RATE = 0.2;
const MAX = 8;
const policy = { samplingRate: RATE, maxRecordingsPerAgentPerMonth: MAX };

/** The v2 draft of the previous round: calendar clock, prior weight 0.05, no margin. */
function draftV2(s: DesignState): number {
  if (s.k >= MAX) return 0;
  const lambda = (s.n - 1 + 0.05 * 120) / (s.f + 0.05);
  return Math.min(RATE, (MAX - s.k) / (1 + lambda * (1 - s.f)));
}

export const DESIGNS: Record<string, (s: DesignState) => number> = {
  'v1: rate, then paced cap': (s) => (s.k + 1 <= pacedLimit(MAX, s.f) ? RATE : 0),
  'rate, cap only (no pacing)': (s) => (s.k < MAX ? RATE : 0),
  'fixed p from last month': (s) => (s.k < MAX ? Math.min(RATE, MAX / s.previous) : 0),
  'v2 draft: calendar clock, no margin': draftV2,
  'v2 (published): working-time clock, 10 % margin': (s) =>
    fairProbability(policy, { callIndex: s.n, recordedBefore: s.k }, s.g),
  'oracle: true volume known': (s) => (s.k < MAX ? Math.min(RATE, (MAX - s.k) / (s.total - s.n + 1)) : 0),
};

export interface Figures {
  share: number;
  tenths: number;
  blocks: number;
  positions: number;
  tenthRatios: number[];
  busyAtCap: number;
  veryBusyAtCap: number;
  busyMean: number;
  maxPerAgent: number;
  firstHalf: number;
}

export function figuresOf(out: readonly CallOutcome[]): Figures {
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
  const agents = [...perAgent.values()];
  const busy = agents.filter((a) => a.n >= (2 * MAX) / RATE);
  const veryBusy = agents.filter((a) => a.n >= (5 * MAX) / RATE);
  const tenths = homogeneity(out, (o) => o.tenth, 10);
  return {
    share: recorded / out.length,
    tenths: tenths.chiSquare,
    blocks: homogeneity(out, (o) => o.block, 6).chiSquare,
    positions: positionHomogeneity(out).chiSquare,
    tenthRatios: tenths.ratios,
    busyAtCap: busy.filter((a) => a.r >= MAX).length / busy.length,
    veryBusyAtCap: veryBusy.filter((a) => a.r >= MAX).length / veryBusy.length,
    busyMean: busy.reduce((s, a) => s + a.r, 0) / busy.length,
    maxPerAgent: Math.max(...agents.map((a) => a.r)),
    firstHalf: firstHalf / recorded,
  };
}

const plan = (seed: string): MonthPlan => planFairMonth({ agents: 400, calls: 60_000, seed });
const pct = (x: number, digits = 0) => `${(100 * x).toFixed(digits)} %`;

/** A coin flip per call at the agent's own fixed probability, cap far away: the null a test must accept. */
const coin = (s: DesignState) => Math.min(RATE, 4 / s.total);

function designTable(seeds: string[]): void {
  console.log(
    `critical values at 0.1 %: tenths ${CHI2_999[9]} (df 9), blocks and positions ${CHI2_999[5]} (df 5)\n`,
  );
  console.log(
    '| design | plan | share recorded | χ² tenths | χ² 4-h blocks | χ² positions | busy agents at cap (≥ 80 calls) | (≥ 200 calls) | mean recordings (busy) | 1st half |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const seed of seeds) {
    const p = plan(seed);
    for (const [design, probability] of Object.entries(DESIGNS)) {
      const f = figuresOf(runDesign(p, probability));
      console.log(
        `| ${design} | ${seed} | ${pct(f.share, 2)} | ${f.tenths.toFixed(1)} | ${f.blocks.toFixed(1)} | ${f.positions.toFixed(1)} | ${pct(f.busyAtCap)} | ${pct(f.veryBusyAtCap)} | ${f.busyMean.toFixed(2)} | ${pct(f.firstHalf)} |`,
      );
    }
  }
}

function seedStudy(count: number): void {
  const runs: Record<string, Figures[]> = { 'version 1': [], 'version 2': [], 'coin flip (reference)': [] };
  for (let i = 1; i <= count; i++) {
    const p = plan(`month-${i}`);
    runs['version 1']!.push(figuresOf(runMonth(p, policy, 1)));
    runs['version 2']!.push(figuresOf(runMonth(p, policy, 2)));
    runs['coin flip (reference)']!.push(figuresOf(runDesign(p, coin)));
    process.stderr.write(`\r${i}/${count} simulated months`);
  }
  process.stderr.write('\n');
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(
    `\nRecorded share per tenth of the month, relative to the agents' own shares (first 5 months):\n`,
  );
  console.log('| version | month | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | χ² |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, figs] of Object.entries(runs)) {
    figs.slice(0, 5).forEach((f, i) => {
      console.log(
        `| ${name} | month-${i + 1} | ${f.tenthRatios.map((r) => r.toFixed(2)).join(' | ')} | ${f.tenths.toFixed(1)} |`,
      );
    });
  }
  console.log(`\nOver ${count} simulated months (plans month-1 … month-${count}):\n`);
  console.log(
    '| version | tenths: mean χ² (max), rejected | 4-h blocks: mean χ² (max), rejected | positions: mean χ² (max), rejected | busy agents at cap (≥ 80 / ≥ 200 calls) | most recordings of one agent | share recorded |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, figs] of Object.entries(runs)) {
    const axis = (get: (f: Figures) => number, crit: number) => {
      const xs = figs.map(get);
      return `${mean(xs).toFixed(1)} (${Math.max(...xs).toFixed(1)}), ${xs.filter((x) => x > crit).length}/${xs.length}`;
    };
    console.log(
      `| ${name} | ${axis((f) => f.tenths, CHI2_999[9]!)} | ${axis((f) => f.blocks, CHI2_999[5]!)} | ${axis((f) => f.positions, CHI2_999[5]!)} | ${pct(mean(figs.map((f) => f.busyAtCap)), 1)} / ${pct(mean(figs.map((f) => f.veryBusyAtCap)), 1)} | ${Math.max(...figs.map((f) => f.maxPerAgent))} | ${pct(mean(figs.map((f) => f.share)), 2)} |`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { designs: { type: 'string', default: 'a,b,c' }, seeds: { type: 'string', default: '50' } },
  });
  if (values.designs) designTable(values.designs.split(',').filter(Boolean));
  if (Number(values.seeds) > 0) seedStudy(Number(values.seeds));
}
