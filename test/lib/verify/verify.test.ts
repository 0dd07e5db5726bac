import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../../lambda/core/decision';
import { formatReport, verifyDecisions } from '../../../lib/verify/verify';
import { generateDataset, toJsonl } from '../../support/verify-dataset';

const ds = generateDataset({ calls: 1500 });

function tamper(
  mutate: (r: DecisionRecord) => void,
  pick: (r: DecisionRecord) => boolean,
): { id: string; jsonl: string } {
  const records = ds.records.map((r) => ({ ...r }));
  const target = records.find(pick)!;
  mutate(target);
  return { id: target.contactId, jsonl: toJsonl(records) };
}

const run = (jsonl: string, seeds: unknown = ds.seeds, policy = ds.policy) =>
  verifyDecisions({ decisionsJsonl: jsonl, seeds, policy });

describe('verify', () => {
  it('accepts a clean generated dataset and summarises it', () => {
    const report = run(ds.jsonl);
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.decisions).toBe(1500);
    expect(report.recorded).toBe(ds.records.filter((r) => r.recorded).length);
    for (const reason of [
      'drawn',
      'not-drawn',
      'excluded-line',
      'caller-objected',
      'agent-cap-reached',
      'record-failed',
    ]) {
      expect(report.byReason[reason], reason).toBeGreaterThan(0);
    }
    expect(report.periods).toEqual(['2026-10', '2026-11']);
    expect(formatReport(report)).toMatch(/^OK: 1500 decisions/);
  });

  const cases: [string, (r: DecisionRecord) => void, (r: DecisionRecord) => boolean, string][] = [
    ['a changed u', (r) => (r.u = (r.u as number) / 2), (r) => r.reason === 'not-drawn', 'draw-mismatch'],
    [
      'recorded flipped on',
      (r) => (r.recorded = true),
      (r) => r.reason === 'not-drawn',
      'recorded-not-drawn',
    ],
    [
      'lotterySelected flipped',
      (r) => (r.lotterySelected = !r.lotterySelected),
      (r) => r.reason === 'not-drawn',
      'lottery-mismatch',
    ],
    [
      'an excluded line recorded',
      (r) => Object.assign(r, { recorded: true, reason: 'drawn' }),
      (r) => r.reason === 'excluded-line' && r.lotterySelected,
      'excluded-recorded',
    ],
    [
      'a cap-reached contact recorded',
      (r) => Object.assign(r, { recorded: true, reason: 'drawn' }),
      (r) => r.reason === 'agent-cap-reached',
      'pacing-exceeded',
    ],
    ['a rate above 0.30', (r) => (r.rate = 0.5), (r) => r.reason === 'not-drawn', 'rate-limit'],
    [
      'a period that does not match decidedAt',
      (r) => (r.period = '2026-09'),
      (r) => r.reason === 'not-drawn',
      'period-mismatch',
    ],
  ];
  it.each(cases)('catches %s, naming the contact', (_n, mutate, pick, code) => {
    const { id, jsonl } = tamper(mutate, pick);
    const report = run(jsonl);
    expect(report.ok).toBe(false);
    const hit = report.violations.find((v) => v.code === code);
    expect(hit, JSON.stringify(report.violations)).toBeDefined();
    expect(hit!.message).toContain(id);
    expect(hit!.contactId).toBe(id);
  });

  it('catches an over-cap agent (more than max recordings in a month)', () => {
    const p = ds.policy;
    const agent = ds.records.find((r) => r.reason === 'drawn')!.agentId;
    const extra = ds.records.filter(
      (r) => r.agentId === agent && r.reason === 'drawn' && r.period === '2026-10',
    );
    // Lower the cap below what the agent received: the verifier must flag the excess.
    const report = run(ds.jsonl, ds.seeds, { ...p, maxRecordingsPerAgentPerMonth: extra.length - 1 });
    const cap = report.violations.filter((v) => v.code === 'cap-exceeded' || v.code === 'pacing-exceeded');
    expect(cap.some((v) => v.contactId === extra[extra.length - 1]!.contactId)).toBe(true);
  });

  it('catches a wrong seed (commitment mismatch) and the draws it would have produced', () => {
    const seeds = structuredClone(ds.seeds);
    seeds['2026-10']!.seed = 'ff'.repeat(32);
    const report = run(ds.jsonl, seeds);
    expect(report.violations.some((v) => v.code === 'commitment-mismatch' && v.period === '2026-10')).toBe(
      true,
    );
    expect(report.violations.some((v) => v.code === 'missing-seed' && v.period === '2026-10')).toBe(true);
  });

  it('catches a correct commitment of a different seed (draws do not match)', () => {
    const other = generateDataset({ calls: 10, seed: 2 });
    const report = run(ds.jsonl, { ...ds.seeds, '2026-10': other.seeds['2026-10'] });
    expect(report.violations.filter((v) => v.code === 'draw-mismatch').length).toBeGreaterThan(10);
  });

  it('reports a period without a revealed seed', () => {
    const report = run(ds.jsonl, { '2026-10': ds.seeds['2026-10'] });
    expect(report.violations.some((v) => v.code === 'missing-seed' && v.period === '2026-11')).toBe(true);
  });

  it('reports malformed lines, seeds and duplicates without throwing', () => {
    const lines = ds.jsonl.trimEnd().split('\n');
    const bad = [
      lines[0],
      '{not json',
      '{"contactId":"x"}',
      '42',
      'null',
      lines[0],
      ...lines.slice(1, 5),
    ].join('\n');
    const report = run(bad, { '2026-10': { seed: 'zz', commitment: 1 }, oops: {} });
    expect(report.ok).toBe(false);
    expect(report.violations.filter((v) => v.code === 'malformed-line').map((v) => v.line)).toEqual([
      2, 3, 4, 5,
    ]);
    expect(report.violations.some((v) => v.code === 'duplicate-contact' && v.line === 6)).toBe(true);
    expect(report.violations.some((v) => v.code === 'malformed-seeds')).toBe(true);
    expect(() => run('', 'nonsense')).not.toThrow();
    expect(run('', {}).ok).toBe(true);
  });
});
