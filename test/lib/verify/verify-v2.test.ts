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
import { checkFairRecord, checkFairSequence, type FairRecord } from '../../../lib/verify/verify-v2';
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

/** What a check reported: `code: message` per report. */
function reports(check: (report: (code: string, rec: FairRecord, message: string) => void) => unknown) {
  const out: string[] = [];
  const result = check((code, rec, message) => out.push(`${code} line ${rec.line}: ${message}`));
  return { result, out };
}
const base = fair.records.find((r) => r.reason === 'not-drawn' && r.callIndex !== null)!;
/** A positioned call at position 1, consistent unless `fields` say otherwise. */
const call = (fields: Record<string, unknown>): FairRecord => ({
  line: 7,
  r: {
    ...base,
    callIndex: 1,
    recordedBefore: 0,
    probability: 0.2,
    rate: 0.2,
    u: 0.5,
    lotterySelected: false,
    reason: 'not-drawn',
    recorded: false,
    ...fields,
  } as FairRecord['r'],
});
const unpositioned = { callIndex: null, recordedBefore: null, probability: null, reason: 'excluded-line' };

describe('checkFairRecord', () => {
  it('accepts a consistent call, at probability 0 and at the rate, and u equal to the probability as not selected', () => {
    for (const fields of [
      {},
      { probability: 0, u: 0.1, reason: 'agent-cap-reached' },
      { probability: 0.2, u: 0.1, lotterySelected: true, reason: 'drawn', recorded: true },
      { probability: 0.1, u: 0.1 },
    ]) {
      expect(
        reports((r) => checkFairRecord(call(fields), r)),
        JSON.stringify(fields),
      ).toEqual({ result: true, out: [] });
    }
    expect(reports((r) => checkFairRecord(call(unpositioned), r))).toEqual({ result: false, out: [] });
  });

  it.each([[1.5], [-1], ['1']])('keeps a position or slot count of %j out of the sequence', (bad) => {
    const message = 'sequence-mismatch line 7: callIndex and recordedBefore must be whole numbers or null';
    for (const fields of [{ callIndex: bad }, { recordedBefore: bad }]) {
      expect(reports((r) => checkFairRecord(call(fields), r))).toEqual({ result: false, out: [message] });
    }
  });

  it.each([[-0.01], [0.21], ['0.1']])(
    'keeps a probability of %j, outside [0, rate], out of the sequence',
    (p) => {
      expect(reports((r) => checkFairRecord(call({ probability: p }), r))).toEqual({
        result: false,
        out: [`probability-mismatch line 7: probability ${p} is not in [0, rate 0.2]`],
      });
    },
  );

  it('refuses a position on a call that has none, and none on a call that needs one', () => {
    const forged = [
      { reason: 'excluded-line' },
      { reason: 'caller-objected' },
      { reason: 'error' },
      { recordedBefore: null },
      { probability: null },
      { ...unpositioned, reason: 'not-drawn' },
      { ...unpositioned, recordedBefore: 0 },
      { ...unpositioned, probability: 0 },
    ];
    for (const fields of forged) {
      const { result, out } = reports((r) => checkFairRecord(call(fields), r));
      expect(result).toBe(false);
      expect(out, JSON.stringify(fields)).toEqual([
        expect.stringMatching(/^reason-mismatch line 7: reason [a-z-]+ with callIndex/),
      ]);
    }
  });

  it('refuses a call without a position that was selected or recorded, and a positioned call without its draw', () => {
    for (const fields of [{ lotterySelected: true }, { recorded: true }]) {
      expect(reports((r) => checkFairRecord(call({ ...unpositioned, ...fields }), r))).toEqual({
        result: false,
        out: ['reason-mismatch line 7: reason excluded-line but selected or recorded'],
      });
    }
    expect(reports((r) => checkFairRecord(call({ u: null }), r))).toEqual({
      result: false,
      out: ['reason-mismatch line 7: a positioned call without its draw u'],
    });
  });
});

describe('checkFairSequence', () => {
  const { agentId, period } = base;
  const sequence = fair.records
    .map((r, i) => ({ line: i + 1, r }) as FairRecord)
    .filter(({ r }) => r.agentId === agentId && r.period === period && r.callIndex !== null);
  const check = (list: FairRecord[], policy = fair.policy) =>
    reports((r) => checkFairSequence(list, policy, r)).out;

  it('replays the positions in callIndex order, whatever the order given, and leaves the list as it was', () => {
    expect(sequence.length).toBeGreaterThan(3);
    expect(check(sequence)).toEqual([]);
    const reversed = [...sequence].reverse();
    expect(check(reversed)).toEqual([]);
    expect(reversed[0]).toBe(sequence.at(-1));
  });

  it('names a repeated position on the later line, and a hole by the positions missing', () => {
    const [first, second, ...rest] = sequence;
    const replayed = { ...second!, line: second!.line + 10_000 };
    expect(check([first!, replayed, second!, ...rest])[0]).toBe(
      `sequence-gap line ${replayed.line}: position 2 of agent ${agentId} in ${period} is used twice`,
    );
    const earlier = { ...second!, line: 0 };
    expect(check([first!, second!, earlier, ...rest])[0]).toBe(
      `sequence-gap line ${second!.line}: position 2 of agent ${agentId} in ${period} is used twice`,
    );
    expect(check([first!, ...rest])[0]).toBe(
      `sequence-gap line ${rest[0]!.line}: positions 2..2 of agent ${agentId} in ${period} have no decision`,
    );
    expect(check([first!, ...rest.slice(1)])[0]).toBe(
      `sequence-gap line ${rest[1]!.line}: positions 2..3 of agent ${agentId} in ${period} have no decision`,
    );
  });

  it('says the formula gives no value for a position it does not define', () => {
    const out = check([call({ callIndex: 0 })]);
    expect(out).toContainEqual(
      expect.stringMatching(
        /^probability-mismatch line 7: probability 0\.2 but the formula gives no value \(.+\)$/,
      ),
    );
  });

  it('names the slot beyond the cap', () => {
    const drawn = (callIndex: number): FairRecord => ({
      ...call({
        callIndex,
        recordedBefore: callIndex - 1,
        u: 0.01,
        lotterySelected: true,
        reason: 'drawn',
        recorded: true,
      }),
      line: callIndex,
    });
    const list = [drawn(1), drawn(2)];
    const out = check(list, { ...fair.policy, maxRecordingsPerAgentPerMonth: 1 });
    expect(out.filter((m) => m.startsWith('cap-exceeded'))).toEqual([
      `cap-exceeded line 2: slot #2 of agent ${agentId} in ${period} exceeds the cap 1`,
    ]);
  });
});
