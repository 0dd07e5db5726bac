import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALGORITHM_V2,
  type FairDecisionRecord,
  fairProbability,
  tookSlot,
} from '../../../lambda/core/fair-lottery';
import { ALGORITHM_VERSION } from '../../../lambda/core/lottery';
import { elapsedFraction } from '../../../lambda/core/period';
import { verifyDecisions } from '../../../lib/verify/verify';
import { generateFairDataset } from '../../support/fair-dataset';
import { generateDataset, toJsonl } from '../../support/verify-dataset';

const fair = generateFairDataset({ calls: 500 });
const verify = (records: unknown[], seeds = fair.seeds) =>
  verifyDecisions({ decisionsJsonl: toJsonl(records), seeds, policy: fair.policy });
const codes = (records: unknown[]) => [...new Set(verify(records).violations.map((v) => v.code))].sort();
const positioned = fair.records.map((r, i) => ({ r, i })).filter(({ r }) => r.callIndex !== null);

describe('verify, version 2', () => {
  it('recomputes every decision of a clean version-2 file', () => {
    const report = verify(fair.records);
    expect(report.violations).toEqual([]);
    expect(report.recorded).toBeGreaterThan(0);
    expect(fair.records.some((r) => r.reason === 'not-drawn' && r.u! < fair.policy.samplingRate)).toBe(true);
    expect(fair.records.some((r) => r.reason === 'agent-cap-reached')).toBe(true);
    expect(fair.records.some((r) => r.reason === 'record-failed')).toBe(true);
  });

  it('verifies a file mixing both versions, each under its own rules', () => {
    const v1 = generateDataset({ periods: ['2026-10'], calls: 400 });
    expect(v1.records.every((r) => r.algorithmVersion === ALGORITHM_VERSION)).toBe(true);
    const v2 = generateFairDataset({ periods: ['2026-11', '2026-12'], calls: 300, policy: v1.policy });
    const report = verifyDecisions({
      decisionsJsonl: toJsonl([...v1.records, ...v2.records]),
      seeds: { ...v1.seeds, ...v2.seeds },
      policy: v1.policy,
    });
    expect(report.violations).toEqual([]);
    expect(report.decisions).toBe(700);
    // A forged recording in either version's months is caught in the same file.
    const forge = (records: typeof v1.records | typeof v2.records) => {
      const i = records.findIndex((r) => r.reason === 'not-drawn');
      return records.map((r, j) => (j === i ? { ...r, recorded: true, reason: 'drawn' } : r));
    };
    for (const [a, b] of [
      [forge(v1.records), v2.records],
      [v1.records, forge(v2.records)],
    ] as const) {
      const forged = verifyDecisions({
        decisionsJsonl: toJsonl([...a, ...b]),
        seeds: { ...v1.seeds, ...v2.seeds },
        policy: v1.policy,
      });
      expect(forged.ok).toBe(false);
    }
  });

  it('recomputes the probability on the working-time clock: one computed on the calendar clock is caught', () => {
    const { i, r } = positioned.find(({ r }) => r.probability! > 0 && r.probability! < r.rate)!;
    const calendar = fairProbability(
      { samplingRate: r.rate, maxRecordingsPerAgentPerMonth: fair.policy.maxRecordingsPerAgentPerMonth },
      { callIndex: r.callIndex!, recordedBefore: r.recordedBefore! },
      elapsedFraction(new Date(r.decidedAt), fair.policy.timezone),
    );
    expect(calendar).not.toBe(r.probability);
    const forged = fair.records.map((x, j) => (j === i ? { ...x, probability: calendar } : x));
    expect(codes(forged)).toContain('probability-mismatch');
  });

  it('catches a call recorded although u ≥ p (the reason and the lottery disagree)', () => {
    const { i } = positioned.find(({ r }) => r.reason === 'not-drawn')!;
    const forged = fair.records.map((r, j) =>
      j === i ? { ...r, recorded: true, reason: 'drawn', lotterySelected: true } : r,
    );
    expect(codes(forged)).toEqual(expect.arrayContaining(['lottery-mismatch', 'reason-mismatch']));
  });

  it('catches a raised probability that would make a forged recording consistent', () => {
    const { i, r } = positioned.find(({ r }) => r.reason === 'not-drawn' && r.u! < fair.policy.samplingRate)!;
    const forged = fair.records.map((x, j) =>
      j === i
        ? {
            ...x,
            probability: Math.min(r.u! + 1e-9, r.rate),
            recorded: true,
            reason: 'drawn',
            lotterySelected: true,
          }
        : x,
    );
    expect(codes(forged)).toContain('probability-mismatch');
  });

  it('catches a dropped decision (a hole in the sequence) and a replayed one', () => {
    const { i } = positioned[Math.floor(positioned.length / 2)]!;
    expect(codes(fair.records.filter((_, j) => j !== i))).toContain('sequence-gap');
    const copy = { ...fair.records[i]!, contactId: '00000000-0000-4000-8000-000000000001' };
    expect(codes([...fair.records, copy])).toContain('sequence-gap');
  });

  it('catches a version-1 decision relabelled as version 2 and an unknown version', () => {
    const v1 = generateDataset({ periods: ['2026-11'], calls: 50, seed: 3 });
    const relabelled = v1.records.map((r) => ({ ...r, algorithmVersion: ALGORITHM_V2 }));
    expect(
      verifyDecisions({ decisionsJsonl: toJsonl(relabelled), seeds: v1.seeds, policy: v1.policy }).ok,
    ).toBe(false);
    expect(
      codes(fair.records.map((r, j) => (j === 0 ? { ...r, algorithmVersion: 'fairlisten-lottery-v3' } : r))),
    ).toContain('algorithm-version');
  });

  it('catches any single forged field of any positioned decision (property)', () => {
    type Forge = (r: FairDecisionRecord) => Record<string, unknown>;
    const forgeries: Forge[] = [
      (r) => ({ ...r, u: r.u === 0.5 ? 0.25 : 0.5 }),
      (r) => ({ ...r, probability: r.probability === 0 ? 0.01 : r.probability! / 2 }),
      (r) => ({ ...r, recordedBefore: r.recordedBefore! + 1 }),
      (r) => ({ ...r, callIndex: r.callIndex! + 1000 }),
      (r) => ({ ...r, rate: r.rate / 2 }),
      (r) =>
        tookSlot(r.reason)
          ? { ...r, reason: 'not-drawn', recorded: false }
          : { ...r, reason: 'drawn', recorded: true, lotterySelected: true },
    ];
    fc.assert(
      fc.property(fc.nat({ max: positioned.length - 1 }), fc.nat({ max: forgeries.length - 1 }), (p, f) => {
        const { i, r } = positioned[p]!;
        const forged = fair.records.map((x, j) => (j === i ? forgeries[f]!(r) : x));
        expect(verify(forged).ok).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
