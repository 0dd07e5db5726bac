/**
 * A simulated month of eligible calls driven through the pure cores of both algorithm versions (or
 * any other probability rule), and
 * the homogeneity statistics of the recorded share (tenths of the month, 4-hour blocks in Paris
 * time, position since the agent's last recording). Fast on purpose (no Intl per call): the month
 * is December, when Europe/Paris is UTC+1 throughout.
 *
 * The volumes follow the local simulation (`lib/simulation/`): Zipf-like agent weights
 * (s = 0.8), mostly weekday office hours 08–19, a few calls at any time.
 */
import { createHash } from 'node:crypto';
import { decide } from '../../lambda/core/decision';
import { decideFair, screen, tookSlot, workingFraction } from '../../lambda/core/fair-lottery';
import { draw } from '../../lambda/core/lottery';
import { periodBounds } from '../../lambda/core/period';
import { SimRandom } from './random';

export const FAIR_MONTH = '2026-12';
const TZ = 'Europe/Paris';
const PARIS_OFFSET_MS = 3_600_000; // CET, all of December

export interface MonthCall {
  agent: number;
  contactId: string;
  at: Date;
}

export interface MonthPlan {
  calls: MonthCall[];
  agents: string[];
  seed: Uint8Array;
}

export function planFairMonth(opts: { agents: number; calls: number; seed: string }): MonthPlan {
  const rnd = new SimRandom(opts.seed, 'fair-month');
  const ranks = Array.from({ length: opts.agents }, (_, i) => i);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = rnd.int(i + 1);
    [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
  }
  const cumulative: number[] = [];
  let sum = 0;
  for (const r of ranks) {
    sum += 1 / (r + 1) ** 0.8;
    cumulative.push(sum);
  }
  const agents = Array.from({ length: opts.agents }, () => rnd.uuid());
  const { start, end } = periodBounds(FAIR_MONTH, TZ);
  const span = end.getTime() - start.getTime();
  const calls: MonthCall[] = [];
  for (let i = 0; i < opts.calls; i++) {
    let at = 0;
    for (let attempt = 0; attempt < 20; attempt++) {
      at = start.getTime() + 1000 * Math.floor((rnd.next() * span) / 1000);
      const local = new Date(at + PARIS_OFFSET_MS);
      const hour = local.getUTCHours();
      const day = local.getUTCDay();
      if ((hour >= 8 && hour < 19 && day !== 0 && day !== 6) || rnd.chance(0.08)) break;
    }
    calls.push({ agent: rnd.weighted(cumulative), contactId: rnd.uuid(), at: new Date(at) });
  }
  calls.sort((a, b) => a.at.getTime() - b.at.getTime());
  const seed = new Uint8Array(createHash('sha256').update(`fair-month|${opts.seed}`).digest());
  return { calls, agents, seed };
}

export interface MonthPolicy {
  samplingRate: number;
  maxRecordingsPerAgentPerMonth: number;
}

export interface CallOutcome {
  agent: number;
  tenth: number;
  block: number;
  /** Eligible calls since the agent's last recording (or since the period start), this one included. */
  sinceLast: number;
  recorded: boolean;
}

/** Runs every call of the plan through version `v`'s pure core, in time order. */
export function runMonth(plan: MonthPlan, policy: MonthPolicy, v: 1 | 2): CallOutcome[] {
  const full = { ...policy, timezone: TZ, excludedAgents: [], excludedQueues: [] };
  return walkMonth(plan, (c, s) => {
    const input = { contactId: c.contactId, agentId: plan.agents[c.agent]!, callerObjected: false, at: c.at };
    if (v === 1) return decide({ ...input, recordedSoFar: s.k }, full, plan.seed).outcome === 'record';
    const d = decideFair(screen(input, full, plan.seed), full, { callIndex: s.n + 1, recordedBefore: s.k });
    return tookSlot(d.reason);
  });
}

/**
 * Walks the plan's calls in time order with each agent's counters (`n` calls and `k` recordings
 * before this one) and asks `recorded` about each call.
 */
function walkMonth(
  plan: MonthPlan,
  recorded: (c: MonthCall, s: { n: number; k: number }, f: number) => boolean,
): CallOutcome[] {
  const { start, end } = periodBounds(FAIR_MONTH, TZ);
  const span = end.getTime() - start.getTime();
  const state = plan.agents.map(() => ({ n: 0, k: 0, since: 0 }));
  return plan.calls.map((c) => {
    const s = state[c.agent]!;
    s.since++;
    const f = (c.at.getTime() - start.getTime()) / span;
    const took = recorded(c, s, f);
    s.n++;
    const out: CallOutcome = {
      agent: c.agent,
      tenth: Math.floor(f * 10),
      block: Math.floor(new Date(c.at.getTime() + PARIS_OFFSET_MS).getUTCHours() / 4),
      sinceLast: s.since,
      recorded: took,
    };
    if (took) {
      s.k++;
      s.since = 0;
    }
    return out;
  });
}

/** What a design sees of a call: its position, the slots before it, f, g, and the agent's true volume. */
export interface DesignState {
  n: number;
  k: number;
  /** Elapsed (calendar) fraction of the period. */
  f: number;
  /** Working-time fraction of the period (version 2's clock). */
  g: number;
  /** The agent's eligible calls in the whole month (known only to an oracle). */
  total: number;
  /** The agent's eligible calls of the previous month (simulated: the true volume ± 20 %). */
  previous: number;
}

/** Runs the plan with any probability rule (u < p records): the alternatives of the design note. */
export function runDesign(plan: MonthPlan, probability: (s: DesignState) => number): CallOutcome[] {
  const totals = plan.agents.map(() => 0);
  for (const c of plan.calls) totals[c.agent]!++;
  const rnd = new SimRandom('previous-month', 'volumes');
  const previous = totals.map((t) => Math.max(1, Math.round(t * (0.8 + 0.4 * rnd.next()))));
  return walkMonth(plan, (c, s, f) => {
    const p = probability({
      n: s.n + 1,
      k: s.k,
      f,
      g: workingFraction(c.at, TZ),
      total: totals[c.agent]!,
      previous: previous[c.agent]!,
    });
    return draw(plan.seed, c.contactId) < p;
  });
}

/** Bins of the position since the last recording: 1, 2–3, 4–7, 8–15, 16–31, 32+. */
export const positionBin = (sinceLast: number): number => Math.min(5, Math.floor(Math.log2(sinceLast)));

export interface Homogeneity {
  /** Pearson statistic Σ (O − E)² / E over the bins with E > 0. */
  chiSquare: number;
  df: number;
  /** Recorded / expected per bin. */
  ratios: number[];
  observed: number[];
  expected: number[];
}

/** Per agent: how many eligible calls (n) and how many of them were recorded (r). */
function recordedPerAgent(outcomes: readonly CallOutcome[]): Map<number, { r: number; n: number }> {
  const perAgent = new Map<number, { r: number; n: number }>();
  for (const o of outcomes) {
    const a = perAgent.get(o.agent) ?? { r: 0, n: 0 };
    a.n++;
    if (o.recorded) a.r++;
    perAgent.set(o.agent, a);
  }
  return perAgent;
}

/** Pearson's chi-square of observed against expected counts, over the bins that expect anything. */
function chiSquareAcrossBins(observed: number[], expected: number[]): Homogeneity {
  let chiSquare = 0;
  let used = 0;
  for (let b = 0; b < expected.length; b++) {
    if (expected[b]! <= 0) continue;
    used++;
    chiSquare += (observed[b]! - expected[b]!) ** 2 / expected[b]!;
  }
  return {
    chiSquare,
    df: used - 1,
    ratios: observed.map((o, b) => (expected[b]! > 0 ? o / expected[b]! : Number.NaN)),
    observed,
    expected,
  };
}

/**
 * Homogeneity of the recorded share across bins, within agents: under "every eligible call of an
 * agent has the same probability", the expected recordings of a bin are Σ over its calls of the
 * agent's recorded share. Pooling agents instead would confound the bins with agent volume (a busy
 * agent has both long gaps between recordings and a low share), a Simpson effect that even an ideal
 * design fails.
 */
export function homogeneity(
  outcomes: readonly CallOutcome[],
  bin: (o: CallOutcome) => number,
  bins: number,
): Homogeneity {
  const perAgent = recordedPerAgent(outcomes);
  const observed = new Array<number>(bins).fill(0);
  const expected = new Array<number>(bins).fill(0);
  for (const o of outcomes) {
    const b = bin(o);
    const a = perAgent.get(o.agent)!;
    expected[b]! += a.r / a.n;
    if (o.recorded) observed[b]!++;
  }
  return chiSquareAcrossBins(observed, expected);
}

/** ln(i!) for i ≤ n, grown on demand. */
const logFactorials: number[] = [0];
function logFactorial(i: number): number {
  for (let j = logFactorials.length; j <= i; j++) logFactorials.push(logFactorials[j - 1]! + Math.log(j));
  return logFactorials[i]!;
}
/** ln C(a, b), −∞ outside 0 ≤ b ≤ a. */
const logChoose = (a: number, b: number): number =>
  b < 0 || b > a ? Number.NEGATIVE_INFINITY : logFactorial(a) - logFactorial(b) - logFactorial(a - b);

/**
 * Homogeneity of the recorded share across positions since the agent's last recording, within
 * agents. The bin of a call depends on where the recordings fell, so the expected count is not
 * "calls in the bin × the agent's share" (that expectation rejects even an independent coin flip per
 * call: given how many calls an agent had recorded, the gaps between them are the spacings of a
 * random subset, and a long gap is then more likely to end than a short one). Instead, under
 * "the agent's r recorded calls are a uniformly random subset of its n eligible calls" (true of a
 * coin flip of any fixed probability, and of an ideal fixed-size sample), the expected number of
 * recorded calls that come exactly j calls after the previous recording (or the period start) is
 * ((n − j)·C(n − j − 1, r − 2) + C(n − j, r − 1)) / C(n, r), summed over agents and bins.
 */
export function positionHomogeneity(outcomes: readonly CallOutcome[], bins = 6): Homogeneity {
  const perAgent = recordedPerAgent(outcomes);
  const observed = new Array<number>(bins).fill(0);
  const expected = new Array<number>(bins).fill(0);
  for (const { n, r } of perAgent.values()) {
    if (r === 0) continue;
    const all = logChoose(n, r);
    for (let j = 1; j <= n - r + 1; j++) {
      const e =
        (n - j) * Math.exp(logChoose(n - j - 1, r - 2) - all) + Math.exp(logChoose(n - j, r - 1) - all);
      expected[Math.min(bins - 1, positionBin(j))]! += e;
    }
  }
  for (const o of outcomes) if (o.recorded) observed[Math.min(bins - 1, positionBin(o.sinceLast))]!++;
  return chiSquareAcrossBins(observed, expected);
}

/** Upper 0.1 % points of the chi-square distribution. */
export const CHI2_999: Readonly<Record<number, number>> = {
  1: 10.828,
  2: 13.816,
  3: 16.266,
  4: 18.467,
  5: 20.515,
  6: 22.458,
  7: 24.322,
  8: 26.124,
  9: 27.877,
};
