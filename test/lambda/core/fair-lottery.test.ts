import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecisionError } from '../../../lambda/core/decision';
import {
  ALGORITHM_V2,
  decideFair,
  fairProbability,
  PRIOR_FACTOR,
  PRIOR_WEIGHT,
  screen,
  toFairDecisionRecord,
} from '../../../lambda/core/fair-lottery';
import { draw, seedFromHex } from '../../../lambda/core/lottery';
import { elapsedFraction } from '../../../lambda/core/period';
import {
  CHI2_999,
  homogeneity,
  planFairMonth,
  positionBin,
  runMonth,
} from '../../../lib/simulation/fairness';

const seed = seedFromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const AGENT = '11111111-1111-4111-8111-111111111111';
const EXCL_AGENT = '22222222-2222-4222-8222-222222222222';
const policy = {
  samplingRate: 0.2,
  maxRecordingsPerAgentPerMonth: 8,
  timezone: 'Europe/Paris',
  excludedAgents: [EXCL_AGENT],
  excludedQueues: [],
  version: 'test',
};

describe('fairProbability: the published formula', () => {
  it.each([
    // n, k, f, expected (by hand: N0 = 3·8/0.2 = 120, W = 0.05)
    { n: 1, k: 0, f: 0, p: 8 / (1 + ((0 + 0.05 * 120) / 0.05) * 1) }, // λ = 120: p = 8/121
    { n: 61, k: 4, f: 0.5, p: Math.min(0.2, 4 / (1 + ((60 + 6) / 0.55) * 0.5)) }, // λ = 120: 4/61
    { n: 11, k: 0, f: 0.9, p: 0.2 }, // a quiet agent: the rate binds
    { n: 200, k: 8, f: 0.3, p: 0 }, // the cap is reached
  ])('n=$n k=$k f=$f → $p', ({ n, k, f, p }) => {
    expect(fairProbability(policy, { callIndex: n, recordedBefore: k }, f)).toBe(p);
  });

  it('uses the published constants', () => {
    expect([PRIOR_FACTOR, PRIOR_WEIGHT]).toEqual([3, 0.05]);
  });

  it('never exceeds the rate, is 0 exactly at the cap, and falls as slots are used', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        fc.double({ min: 0.01, max: 0.3, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        (n, k0, f, rate, max) => {
          const k = Math.min(k0, n - 1);
          const pol = { samplingRate: rate, maxRecordingsPerAgentPerMonth: max };
          const p = fairProbability(pol, { callIndex: n, recordedBefore: k }, f);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(rate);
          expect(p === 0).toBe(k >= max);
          if (k + 1 < n && k + 1 <= max) {
            expect(fairProbability(pol, { callIndex: n, recordedBefore: k + 1 }, f)).toBeLessThanOrEqual(p);
          }
        },
      ),
    );
  });

  it('refuses impossible states', () => {
    expect(() => fairProbability(policy, { callIndex: 0, recordedBefore: 0 }, 0.5)).toThrow(DecisionError);
    expect(() => fairProbability(policy, { callIndex: 3, recordedBefore: 3 }, 0.5)).toThrow(/recordedBefore/);
    expect(() => fairProbability(policy, { callIndex: 3, recordedBefore: 0 }, 1)).toThrow(/f must be/);
  });
});

describe('decideFair', () => {
  const at = new Date('2026-12-16T10:00:00Z');
  const input = (contactId: string, over = {}) => ({
    contactId,
    agentId: AGENT,
    callerObjected: false,
    at,
    ...over,
  });
  const idWhere = (pred: (u: number) => boolean): string => {
    for (let i = 0; ; i++) {
      const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
      if (pred(draw(seed, id))) return id;
    }
  };

  it('excluded and objecting calls get no position and no probability', () => {
    const a = decideFair(
      screen(
        input(
          idWhere(() => true),
          { agentId: EXCL_AGENT },
        ),
        policy,
        seed,
      ),
      policy,
      null,
    );
    expect(a).toMatchObject({ reason: 'excluded-line', state: null, probability: null, outcome: 'skip' });
    const b = decideFair(
      screen(
        input(
          idWhere(() => true),
          { callerObjected: true },
        ),
        policy,
        seed,
      ),
      policy,
      null,
    );
    expect(b).toMatchObject({ reason: 'caller-objected', probability: null, lotterySelected: false });
  });

  it('records exactly when u < p, and says agent-cap-reached at the cap', () => {
    const state = { callIndex: 61, recordedBefore: 4 };
    const p = fairProbability(policy, state, elapsedFraction(at, policy.timezone));
    const low = idWhere((u) => u < p);
    const between = idWhere((u) => u >= p && u < policy.samplingRate);
    expect(decideFair(screen(input(low), policy, seed), policy, state)).toMatchObject({
      reason: 'drawn',
      outcome: 'record',
      probability: p,
      lotterySelected: true,
    });
    expect(decideFair(screen(input(between), policy, seed), policy, state)).toMatchObject({
      reason: 'not-drawn',
      outcome: 'skip',
    });
    expect(
      decideFair(screen(input(low), policy, seed), policy, { callIndex: 61, recordedBefore: 8 }),
    ).toMatchObject({ reason: 'agent-cap-reached', probability: 0, outcome: 'skip' });
    expect(() => decideFair(screen(input(low), policy, seed), policy, null)).toThrow(/callIndex/);
  });

  it('names its version and stores its position, slots before and probability', () => {
    const state = { callIndex: 3, recordedBefore: 1 };
    const i = input(idWhere(() => true));
    const record = toFairDecisionRecord({
      input: i,
      decision: decideFair(screen(i, policy, seed), policy, state),
      agentArn: `arn:aws:connect:eu-central-1:123456789012:instance/x/agent/${AGENT}`,
      policy,
    });
    expect(record).toMatchObject({ algorithmVersion: ALGORITHM_V2, callIndex: 3, recordedBefore: 1 });
    expect(record.probability).toBe(fairProbability(policy, state, elapsedFraction(at, policy.timezone)));
  });

  it('same inputs, same decisions', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 743 * 3600 - 1 }),
        (contactId, n, k0, sec) => {
          const i = input(contactId, { at: new Date(Date.UTC(2026, 10, 30, 23) + sec * 1000) });
          const state = { callIndex: n, recordedBefore: Math.min(k0, n - 1) };
          expect(decideFair(screen(i, policy, seed), policy, state)).toEqual(
            decideFair(screen({ ...i }, { ...policy }, seed.slice()), policy, { ...state }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('homogeneity of the recorded share on a simulated month (400 agents, 60,000 calls)', () => {
  // The pure cores only, in time order: the whole month of both versions takes a few seconds.
  const plan = planFairMonth({ agents: 400, calls: 60_000, seed: 'a' });
  const defaults = { samplingRate: 0.2, maxRecordingsPerAgentPerMonth: 8 };
  const v1 = runMonth(plan, defaults, 1);
  const v2 = runMonth(plan, defaults, 2);
  const byBlock = (o: (typeof v2)[number]) => o.block;
  const byPosition = (o: (typeof v2)[number]) => positionBin(o.sinceLast);
  const byTenth = (o: (typeof v2)[number]) => o.tenth;

  it('version 1 is rejected on every axis (the test has the power to see the skew)', () => {
    for (const [bin, bins] of [
      [byTenth, 10],
      [byBlock, 6],
      [byPosition, 6],
    ] as const) {
      const h = homogeneity(v1, bin, bins);
      expect(h.chiSquare).toBeGreaterThan(CHI2_999[h.df]!);
    }
  });

  it('version 2: 4-hour blocks (Paris time) are not rejected at 0.1 %', () => {
    const h = homogeneity(v2, byBlock, 6);
    expect(h.df).toBe(5);
    expect(h.chiSquare).toBeLessThan(CHI2_999[5]!);
  });

  it('version 2: positions since the last recording are close to flat (v1: 0.7× to 1.8×)', () => {
    const h1 = homogeneity(v1, byPosition, 6);
    const h2 = homogeneity(v2, byPosition, 6);
    // Measured: v1 294, v2 16.3 on this month (critical 20.5); on other simulated months v2 reaches
    // 27 (so does an oracle that knows each agent's volume): see the design note.
    expect(h2.chiSquare * 10).toBeLessThan(h1.chiSquare);
    expect(Math.max(...h2.ratios) / Math.min(...h2.ratios)).toBeLessThan(1.3);
  });

  it('version 2: tenths of the month are much flatter than version 1 (still rejected at 0.1 %)', () => {
    const h1 = homogeneity(v1, byTenth, 10);
    const h2 = homogeneity(v2, byTenth, 10);
    // Measured: v1 167, v2 37 (critical 27.9): a weekly cycle remains, see the design note.
    expect(h2.chiSquare * 3).toBeLessThan(h1.chiSquare);
    expect(Math.max(...h2.ratios) / Math.min(...h2.ratios)).toBeLessThan(1.6);
  });

  it('version 2 is efficient and within the rate: busy agents reach the cap, the share stays below it', () => {
    const perAgent = new Map<number, { n: number; r: number }>();
    for (const o of v2) {
      const a = perAgent.get(o.agent) ?? { n: 0, r: 0 };
      a.n++;
      if (o.recorded) a.r++;
      perAgent.set(o.agent, a);
    }
    const busy = [...perAgent.values()].filter((a) => a.n >= 80);
    expect(busy.length).toBeGreaterThan(100);
    expect(Math.max(...[...perAgent.values()].map((a) => a.r))).toBeLessThanOrEqual(8);
    const mean = busy.reduce((s, a) => s + a.r, 0) / busy.length;
    expect(mean).toBeGreaterThan(7.5);
    expect(v2.filter((o) => o.recorded).length / v2.length).toBeLessThan(0.2);
  });
});
