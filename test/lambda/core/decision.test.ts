import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareDecisionKeys,
  DecisionError,
  type DecisionInput,
  decide,
  errorRecordBase,
  toDecisionRecord,
} from '../../../lambda/core/decision';
import { commitment, draw, seedFromHex } from '../../../lambda/core/lottery';
import { pacedLimit } from '../../../lambda/core/pacing';
import { elapsedFraction, periodBounds } from '../../../lambda/core/period';
import { verifyDecisions } from '../../../lib/verify/verify';
import { independentDraw } from '../../support/independent-hmac';
import { agentArn, toJsonl } from '../../support/verify-dataset';

const SEED_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const seed = seedFromHex(SEED_HEX);
const AGENT = '11111111-1111-4111-8111-111111111111';
const EXCL_AGENT = '22222222-2222-4222-8222-222222222222';
const QUEUE = '33333333-3333-4333-8333-333333333333';
const EXCL_QUEUE = '44444444-4444-4444-8444-444444444444';
const policy = {
  samplingRate: 0.2,
  maxRecordingsPerAgentPerMonth: 8,
  timezone: 'Europe/Paris',
  excludedAgents: [EXCL_AGENT],
  excludedQueues: [EXCL_QUEUE],
  version: 'test',
};

/** Contact ids whose draw (computed independently) is below / above the rate. */
function idWhere(pred: (u: number) => boolean, salt = 0): string {
  for (let i = 0; ; i++) {
    const id = `00000000-0000-4000-8000-${(i + salt * 100_000).toString(16).padStart(12, '0')}`;
    if (pred(independentDraw(SEED_HEX, id))) return id;
  }
}
const DRAWN = idWhere((u) => u < 0.2);
const NOT_DRAWN = idWhere((u) => u >= 0.2);
const MID_DEC = new Date('2026-12-16T10:00:00Z'); // f = 371 h / 744 h ≈ 0.4987: ceil(8 f) = 4

const base = (over: Partial<DecisionInput>): DecisionInput => ({
  contactId: DRAWN,
  agentId: AGENT,
  queueId: QUEUE,
  callerObjected: false,
  at: MID_DEC,
  recordedSoFar: 0,
  ...over,
});

describe('decide', () => {
  const table: [string, Partial<DecisionInput>, string, 'record' | 'skip'][] = [
    ['drawn', {}, 'drawn', 'record'],
    ['not drawn', { contactId: NOT_DRAWN }, 'not-drawn', 'skip'],
    [
      'excluded agent beats everything',
      { agentId: EXCL_AGENT, callerObjected: true },
      'excluded-line',
      'skip',
    ],
    ['excluded queue', { queueId: EXCL_QUEUE }, 'excluded-line', 'skip'],
    ['excluded even when not drawn', { queueId: EXCL_QUEUE, contactId: NOT_DRAWN }, 'excluded-line', 'skip'],
    [
      'objection before the lottery',
      { callerObjected: true, contactId: NOT_DRAWN },
      'caller-objected',
      'skip',
    ],
    ['objection of a drawn contact', { callerObjected: true }, 'caller-objected', 'skip'],
    ['not-drawn before the cap', { contactId: NOT_DRAWN, recordedSoFar: 8 }, 'not-drawn', 'skip'],
    ['cap reached', { recordedSoFar: 8 }, 'agent-cap-reached', 'skip'],
    ['pacing: 4 of 8 by mid-month, the 5th must wait', { recordedSoFar: 4 }, 'agent-cap-reached', 'skip'],
    ['pacing: 3 of 8 by mid-month, the 4th passes', { recordedSoFar: 3 }, 'drawn', 'record'],
    ['no queue is fine', { queueId: undefined }, 'drawn', 'record'],
    [
      'f = 0 exactly: nothing is recorded',
      { at: periodBounds('2026-12', 'Europe/Paris').start },
      'agent-cap-reached',
      'skip',
    ],
    [
      'first millisecond after: the first recording is allowed',
      { at: new Date(periodBounds('2026-12', 'Europe/Paris').start.getTime() + 1) },
      'drawn',
      'record',
    ],
  ];
  it.each(table)('%s', (_name, over, reason, outcome) => {
    const d = decide(base(over), policy, seed);
    expect(d.reason).toBe(reason);
    expect(d.outcome).toBe(outcome);
    expect(d.u).toBe(independentDraw(SEED_HEX, base(over).initialContactId ?? base(over).contactId));
    expect(d.lotterySelected).toBe(d.u < 0.2);
  });

  it('draws on the InitialContactId: every leg of a transfer gets the same u', () => {
    const legA = decide(base({ contactId: NOT_DRAWN, initialContactId: DRAWN }), policy, seed);
    const legB = decide(base({ contactId: idWhere(() => true, 7), initialContactId: DRAWN }), policy, seed);
    expect(legA.drawKey).toBe(DRAWN);
    expect(legA.u).toBe(legB.u);
    expect(legA.reason).toBe('drawn');
  });

  it('uses the period of the policy time zone', () => {
    expect(decide(base({ at: new Date('2026-12-31T23:30:00Z') }), policy, seed).period).toBe('2027-01');
  });

  it('refuses a rate beyond the hard limit', () => {
    expect(() => decide(base({}), { ...policy, samplingRate: 0.31 }, seed)).toThrow(DecisionError);
  });

  it('accepts a rate of exactly 0.3 and refuses 0, negative, NaN and non-number rates', () => {
    expect(decide(base({}), { ...policy, samplingRate: 0.3 }, seed).reason).toBe('drawn');
    for (const samplingRate of [0, -0.1, Number.NaN, '0.2' as unknown as number, null as unknown as number]) {
      expect(() => decide(base({}), { ...policy, samplingRate }, seed), String(samplingRate)).toThrow(
        /samplingRate .* is outside \(0, 0\.3\]/,
      );
    }
  });

  it('refuses a missing contact id or agent id, each on its own', () => {
    expect(() => decide(base({ contactId: '' }), policy, seed)).toThrow(/contactId and agentId are required/);
    expect(() => decide(base({ agentId: '' }), policy, seed)).toThrow(/contactId and agentId are required/);
  });

  it('selects on u < rate strictly: a contact whose u equals the rate is not drawn', () => {
    const id = idWhere((u) => u > 0.05 && u < 0.3);
    const u = independentDraw(SEED_HEX, id);
    const d = decide(base({ contactId: id }), { ...policy, samplingRate: u }, seed);
    expect(d.u).toBe(u);
    expect(d).toMatchObject({ lotterySelected: false, reason: 'not-drawn', outcome: 'skip' });
    // One ulp above, the same contact is drawn.
    const above = decide(base({ contactId: id }), { ...policy, samplingRate: u + 2 ** -53 }, seed);
    expect(above).toMatchObject({ lotterySelected: true, reason: 'drawn' });
  });

  it('treats an empty queue id as "no queue", even if a policy lists the empty string', () => {
    const odd = { ...policy, excludedQueues: [''] };
    expect(decide(base({ queueId: '' }), odd, seed).reason).toBe('drawn');
    expect(decide(base({ queueId: undefined }), odd, seed).reason).toBe('drawn');
    expect(decide(base({ queueId: '' }), policy, seed).reason).toBe('drawn');
  });

  it('is a function of (input, policy, seed) alone: same answers in any order, after other seeds', () => {
    const other = seedFromHex('ff'.repeat(32));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uuid(), fc.boolean(), fc.integer({ min: 0, max: 10 })), {
          minLength: 2,
          maxLength: 20,
        }),
        (calls) => {
          const inputs = calls.map(([id, obj, n]) =>
            base({ contactId: id, callerObjected: obj, recordedSoFar: n }),
          );
          const first = inputs.map((i) => decide(i, policy, seed));
          // Replay backwards, a decision under another seed before each (the draw caches per seed).
          const again = [...inputs]
            .reverse()
            .map((i) => {
              decide(i, policy, other);
              return decide(structuredClone(i), { ...policy }, new Uint8Array(seed));
            })
            .reverse();
          expect(again).toEqual(first);
          // And each answer is the one the published rule gives (an independent HMAC and the order of
          // steps 3, 5, 6), so "the same" cannot mean "the same wrong answer".
          inputs.forEach((i, k) => {
            const u = independentDraw(SEED_HEX, i.contactId);
            const paced = i.recordedSoFar + 1 <= Math.ceil(8 * elapsedFraction(i.at, policy.timezone));
            const reason = i.callerObjected
              ? 'caller-objected'
              : !(u < 0.2)
                ? 'not-drawn'
                : paced
                  ? 'drawn'
                  : 'agent-cap-reached';
            expect(first[k]).toEqual({
              period: '2026-12',
              drawKey: i.contactId,
              u,
              lotterySelected: u < 0.2,
              outcome: reason === 'drawn' ? 'record' : 'skip',
              reason,
            });
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('exclusions are absolute', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.boolean(),
        fc.integer({ min: 0, max: 10 }),
        fc.boolean(),
        (id, obj, n, byAgent) => {
          const d = decide(
            base({
              contactId: id,
              callerObjected: obj,
              recordedSoFar: n,
              ...(byAgent ? { agentId: EXCL_AGENT } : { queueId: EXCL_QUEUE }),
            }),
            policy,
            seed,
          );
          expect(d.outcome).toBe('skip');
          expect(d.reason).toBe('excluded-line');
        },
      ),
    );
  });

  it('never exceeds pacing or the cap when replaying random call sequences', () => {
    const { start, end } = periodBounds('2026-10', 'Europe/Paris');
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: start.getTime(), max: end.getTime() - 1 }),
            fc.integer({ min: 0, max: 2 }),
            fc.uuid(),
          ),
          {
            minLength: 1,
            maxLength: 400,
          },
        ),
        fc.integer({ min: 1, max: 30 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (calls, max, s) => {
          const p = { ...policy, samplingRate: 0.3, maxRecordingsPerAgentPerMonth: max };
          const counts = [0, 0, 0];
          const agents = [
            AGENT,
            '55555555-5555-4555-8555-555555555555',
            '66666666-6666-4666-8666-666666666666',
          ];
          const records = [];
          for (const [ms, a, id] of [...calls].sort((x, y) => x[0] - y[0])) {
            const input = base({
              contactId: id,
              agentId: agents[a]!,
              at: new Date(ms),
              recordedSoFar: counts[a]!,
            });
            const d = decide(input, p, s);
            if (d.outcome === 'record') {
              counts[a]! += 1;
              expect(counts[a]!).toBeLessThanOrEqual(pacedLimit(max, elapsedFraction(input.at, p.timezone)));
            }
            expect(d.u).toBe(draw(s, id));
            records.push(toDecisionRecord({ input, decision: d, agentArn: agentArn(agents[a]!), policy: p }));
          }
          for (const c of counts) expect(c).toBeLessThanOrEqual(max);
          // And the verifier agrees that the replay is clean.
          const seeds = { '2026-10': { seed: Buffer.from(s).toString('hex'), commitment: commitment(s) } };
          const report = verifyDecisions({ decisionsJsonl: toJsonl(records), seeds, policy: p });
          expect(report.violations).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('produces records the verifier accepts', () => {
    const input = base({});
    const d = decide(input, policy, seed);
    const rec = toDecisionRecord({ input, decision: d, agentArn: agentArn(AGENT), policy });
    expect(rec).toMatchObject({
      queue: QUEUE,
      initialContactId: null,
      recorded: true,
      reason: 'drawn',
      period: '2026-12',
      algorithmVersion: 'fairlisten-lottery-v1',
    });
    const failed = toDecisionRecord({
      input: base({ contactId: idWhere((u) => u < 0.2, 3) }),
      decision: decide(base({ contactId: idWhere((u) => u < 0.2, 3) }), policy, seed),
      agentArn: agentArn(AGENT),
      policy,
      final: 'record-failed',
    });
    expect(failed.recorded).toBe(false);
    // The published policy's hash is stored when the handler knows it, and null when it does not.
    expect(rec.policyHash).toBeNull();
    const hash = createHash('sha256').update('policy document').digest('hex');
    expect(
      toDecisionRecord({ input, decision: d, agentArn: agentArn(AGENT), policy, policyHash: hash })
        .policyHash,
    ).toBe(hash);
    const report = verifyDecisions({
      decisionsJsonl: toJsonl([rec, failed]),
      seeds: { '2026-12': { seed: SEED_HEX, commitment: createHash('sha256').update(seed).digest('hex') } },
      policy,
    });
    expect(report.violations).toEqual([]);
  });
});

describe('compareDecisionKeys', () => {
  it('orders by decidedAt first, then by contactId, and ties only on both', () => {
    const k = (decidedAt: string, contactId: string) => ({ decidedAt, contactId });
    const early = k('2026-12-01T08:00:00.000Z', 'b');
    const late = k('2026-12-01T09:00:00.000Z', 'a');
    // The time decides even when the contact ids are in the other order.
    expect(compareDecisionKeys(early, late)).toBeLessThan(0);
    expect(compareDecisionKeys(late, early)).toBeGreaterThan(0);
    // Same time: the contact id decides.
    const sameTime = k('2026-12-01T08:00:00.000Z', 'a');
    expect(compareDecisionKeys(sameTime, early)).toBeLessThan(0);
    expect(compareDecisionKeys(early, sameTime)).toBeGreaterThan(0);
    expect(compareDecisionKeys(early, { ...early })).toBe(0);
    expect([late, early, sameTime].sort(compareDecisionKeys)).toEqual([sameTime, early, late]);
  });
});

describe('errorRecordBase', () => {
  const args = {
    input: { contactId: DRAWN, agentId: AGENT, queueId: QUEUE, at: MID_DEC },
    period: '2026-12',
    agentArn: agentArn(AGENT),
    policy,
  };

  it('records an error without a draw as not selected, u null, not recorded', () => {
    expect(errorRecordBase(args)).toEqual({
      contactId: DRAWN,
      initialContactId: null,
      agentArn: agentArn(AGENT),
      agentId: AGENT,
      queue: QUEUE,
      period: '2026-12',
      decidedAt: MID_DEC.toISOString(),
      u: null,
      rate: 0.2,
      lotterySelected: false,
      recorded: false,
      reason: 'error',
      policyVersion: 'test',
      policyHash: null,
    });
  });

  it('keeps the draw it failed after: its u and selection, still not recorded', () => {
    const rec = errorRecordBase({
      ...args,
      drawn: { u: 0.125, lotterySelected: true },
      policyHash: 'ab'.repeat(32),
    });
    expect(rec).toMatchObject({ u: 0.125, lotterySelected: true, recorded: false, reason: 'error' });
    expect(rec.policyHash).toBe('ab'.repeat(32));
  });
});
