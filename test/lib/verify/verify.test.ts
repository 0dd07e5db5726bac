import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../../lambda/core/decision';
import {
  cleanDecisionsFile,
  cleanDecisionsStream,
  formatReport,
  verifyDecisions,
} from '../../../lib/verify/verify';
import { generateFairDataset } from '../../support/fair-dataset';
import { generateDataset, toJsonl } from '../../support/verify-dataset';

const ds = generateDataset({ calls: 1500 });
/** Enough calls for every reason; the checks below run once per mutant in `npm run mutation`. */
const small = generateDataset({ calls: 400 });

function tamper(
  mutate: (r: DecisionRecord) => void,
  pick: (r: DecisionRecord) => boolean,
  data = ds,
): { id: string; jsonl: string } {
  const records = data.records.map((r) => ({ ...r }));
  const target = records.find(pick)!;
  mutate(target);
  return { id: target.contactId, jsonl: toJsonl(records) };
}

const run = (jsonl: string, seeds: unknown = ds.seeds, policy = ds.policy) =>
  verifyDecisions({ decisionsJsonl: jsonl, seeds, policy });

/** Forgeries of one line, each with the violation verify must name. */
const cases: [string, (r: DecisionRecord) => void, (r: DecisionRecord) => boolean, string][] = [
  ['a changed u', (r) => (r.u = (r.u as number) / 2), (r) => r.reason === 'not-drawn', 'draw-mismatch'],
  ['recorded flipped on', (r) => (r.recorded = true), (r) => r.reason === 'not-drawn', 'recorded-not-drawn'],
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

/** The file through `cleanDecisionsStream`, line by line: what each line returned, and the report. */
function stream(jsonl: string, seeds: unknown = small.seeds, policy = small.policy) {
  const s = cleanDecisionsStream(seeds, policy);
  const got = jsonl.split('\n').map((text, i) => s.line(text, i + 1));
  return { got, report: s.finish() };
}

describe('cleanDecisionsStream (the fast path of verify --month)', () => {
  it('gives every record of a clean file of both versions, and the report verifyDecisions gives', () => {
    const v2 = generateFairDataset({ periods: ['2026-12'], calls: 300, policy: small.policy });
    const jsonl = `${small.jsonl}\n${toJsonl(v2.records)}`;
    const seeds = { ...small.seeds, ...v2.seeds };
    const { got, report } = stream(jsonl, seeds);
    const lines = jsonl.split('\n');
    expect(got.filter((r) => r !== undefined).map((r) => r!.contactId)).toEqual(
      [...small.records, ...v2.records].map((r) => r.contactId),
    );
    expect(lines.filter((l, i) => l.trim() === '' && got[i] === undefined)).toHaveLength(
      lines.filter((l) => l.trim() === '').length,
    );
    expect(report).toEqual(verifyDecisions({ decisionsJsonl: jsonl, seeds, policy: small.policy }));
    expect(report!.agents).toBeGreaterThan(1);
  });

  it.each(cases)('gives way at %s and stays given way', (_n, mutate, pick) => {
    const { id, jsonl } = tamper(mutate, pick, small);
    const { got, report } = stream(jsonl);
    const at = jsonl.split('\n').findIndex((l) => l.includes(id));
    expect(got.slice(0, at).every((r) => r !== undefined)).toBe(true);
    expect(got.slice(at).every((r) => r === undefined)).toBe(true);
    expect(report).toBeUndefined();
  });

  it('gives way on a duplicate, a line out of order, a malformed line and an over-cap agent', () => {
    const lines = small.jsonl.trimEnd().split('\n');
    const forged = [
      [...lines.slice(0, 10), lines[3]!, ...lines.slice(10)],
      [...lines.slice(0, 9), lines[10]!, lines[9]!, ...lines.slice(11)],
      [...lines.slice(0, 10), '{not json', ...lines.slice(10)],
      [...lines.slice(0, 10), '{"contactId":"x"}', ...lines.slice(10)],
    ];
    for (const f of forged) {
      const { got, report } = stream(f.join('\n'));
      expect(report).toBeUndefined();
      expect(got.slice(10).every((r) => r === undefined)).toBe(true);
      expect(got.slice(0, 9).every((r) => r !== undefined)).toBe(true);
    }
    const recorded = small.records.filter((r) => r.recorded && r.period === '2026-10');
    const agent = recorded[0]!.agentId;
    const n = recorded.filter((r) => r.agentId === agent).length;
    const lowered = { ...small.policy, maxRecordingsPerAgentPerMonth: n - 1 };
    expect(verifyDecisions({ decisionsJsonl: small.jsonl, seeds: small.seeds, policy: lowered }).ok).toBe(
      false,
    );
    expect(stream(small.jsonl, small.seeds, lowered).report).toBeUndefined();
  });

  it('gives way on a seed that does not match its commitment, or is missing', () => {
    const wrong = structuredClone(small.seeds);
    wrong['2026-11']!.seed = 'ff'.repeat(32);
    expect(stream(small.jsonl, wrong).report).toBeUndefined();
    expect(stream(small.jsonl, { '2026-10': small.seeds['2026-10'] }).report).toBeUndefined();
    expect(stream(small.jsonl, 'nonsense').report).toBeUndefined();
  });

  it('gives way on a version-2 position out of turn: dropped, repeated or with a wrong slot count', () => {
    const v2 = generateFairDataset({ calls: 300 });
    const clean = stream(toJsonl(v2.records), v2.seeds, v2.policy);
    expect(clean.report?.ok).toBe(true);
    const i = v2.records.findIndex((r) => r.callIndex === 2);
    const dropped = v2.records.filter((_, j) => j !== i);
    const repeated = v2.records.map((r, j) => (j === i ? { ...r, callIndex: 1 } : r));
    const k = v2.records.findIndex((r) => typeof r.recordedBefore === 'number' && r.recordedBefore > 0);
    const slots = v2.records.map((r, j) => (j === k ? { ...r, recordedBefore: 0 } : r));
    for (const forged of [dropped, repeated, slots]) {
      expect(
        verifyDecisions({ decisionsJsonl: toJsonl(forged), seeds: v2.seeds, policy: v2.policy }).ok,
      ).toBe(false);
      expect(stream(toJsonl(forged), v2.seeds, v2.policy).report).toBeUndefined();
    }
  });
});

const OLDER = '2026-01';
const excludedAgents = new Set(small.policy.excludedAgents);
const other = small.records.find(
  (r) => !excludedAgents.has(r.agentId) && r.agentId !== small.records[0]!.agentId,
)!;
const isDrawn = (r: DecisionRecord) => r.reason === 'drawn' && (r.u as number) > 0;
const excludedNotSelected = (r: DecisionRecord) => r.reason === 'excluded-line' && !r.lotterySelected;
const notDrawn = (r: DecisionRecord) =>
  r.reason === 'not-drawn' && !excludedAgents.has(r.agentId) && r.agentId !== other.agentId;

/** Forgeries that each trip exactly one check (or, marked, none): the codes verify must give. */
const oneCheck: [string, (r: DecisionRecord) => boolean, (r: DecisionRecord) => void, string[]][] = [
  [
    'a rate of 0 under an older policy',
    notDrawn,
    (r) => Object.assign(r, { rate: 0, policyVersion: OLDER }),
    ['rate-limit'],
  ],
  ['another rate under the policy’s version', notDrawn, (r) => (r.rate = 0.2), ['rate-mismatch']],
  [
    '(none) another rate under an older policy',
    notDrawn,
    (r) => Object.assign(r, { rate: 0.2, policyVersion: OLDER }),
    [],
  ],
  ['an agentId that is not the agentArn’s', notDrawn, (r) => (r.agentId = other.agentId), ['malformed-line']],
  ['a drawn call not recorded', isDrawn, (r) => (r.recorded = false), ['reason-mismatch']],
  ['a draw removed', notDrawn, (r) => (r.u = null), ['reason-mismatch']],
  ['(none) an error without a draw', notDrawn, (r) => Object.assign(r, { u: null, reason: 'error' }), []],
  [
    'u equal to the rate, selected and recorded',
    isDrawn,
    (r) => Object.assign(r, { rate: r.u, policyVersion: OLDER }),
    ['lottery-mismatch', 'recorded-not-drawn'],
  ],
  [
    '(none) u equal to the rate, not selected',
    isDrawn,
    (r) =>
      Object.assign(r, {
        rate: r.u,
        policyVersion: OLDER,
        lotterySelected: false,
        reason: 'not-drawn',
        recorded: false,
      }),
    [],
  ],
  ['drawn without selection', notDrawn, (r) => (r.reason = 'drawn'), ['reason-mismatch', 'reason-mismatch']],
  [
    'agent-cap-reached without selection',
    notDrawn,
    (r) => (r.reason = 'agent-cap-reached'),
    ['reason-mismatch'],
  ],
  ['record-failed without selection', notDrawn, (r) => (r.reason = 'record-failed'), ['reason-mismatch']],
  [
    'not-drawn although selected',
    (r) => r.reason === 'record-failed',
    (r) => (r.reason = 'not-drawn'),
    ['reason-mismatch'],
  ],
  [
    'an excluded line stored as not-drawn',
    excludedNotSelected,
    (r) => (r.reason = 'not-drawn'),
    ['reason-mismatch'],
  ],
  [
    'a line stored as excluded that is not',
    notDrawn,
    (r) => (r.reason = 'excluded-line'),
    ['reason-mismatch'],
  ],
  [
    '(none) an excluded line that failed',
    excludedNotSelected,
    (r) => Object.assign(r, { reason: 'error' }),
    [],
  ],
];

describe('verify, one check at a time', () => {
  it.each(oneCheck)('%s', (_n, pick, mutate, expected) => {
    const { id, jsonl } = tamper(mutate, pick, small);
    const violations = run(jsonl, small.seeds, small.policy).violations;
    expect(violations.map((v) => v.code)).toEqual(expected);
    for (const v of violations) expect(v.contactId).toBe(id);
  });

  it('reports a period without a seed once, and names a contact decided three times after its first line', () => {
    const missing = run(small.jsonl, { '2026-10': small.seeds['2026-10'] }).violations;
    expect(missing.map((v) => v.code)).toEqual(['missing-seed']);
    const lines = small.jsonl.trimEnd().split('\n');
    const report = run([lines[0], lines[1], lines[0], lines[0]].join('\n'));
    expect(report.violations.map((v) => v.message)).toEqual([
      `contact ${small.records[0]!.contactId} (line 3): decided twice (first on line 1)`,
      `contact ${small.records[0]!.contactId} (line 4): decided twice (first on line 1)`,
    ]);
    expect(report.decisions).toBe(2);
  });

  it('replays each agent’s recordings in decidedAt order, whatever the order of the lines', () => {
    const reversed = small.jsonl.trimEnd().split('\n').reverse().join('\n');
    const report = run(reversed, small.seeds, small.policy);
    expect(report.violations).toEqual([]);
    expect(report.periods).toEqual(['2026-10', '2026-11']);
    expect(report.agents).toBe(new Set(small.records.map((r) => r.agentId)).size);
  });

  it('names a recording beyond the cap as over the cap, not as paced too fast', () => {
    const recorded = small.records.filter((r) => r.recorded && r.period === '2026-10');
    const agent = recorded.at(-1)!.agentId;
    const mine = recorded.filter((r) => r.agentId === agent);
    const report = run(small.jsonl, small.seeds, {
      ...small.policy,
      maxRecordingsPerAgentPerMonth: mine.length - 1,
    });
    expect(report.violations.find((v) => v.contactId === mine.at(-1)!.contactId)?.code).toBe('cap-exceeded');
  });

  it('says which field of a malformed line is wrong, and names its contact when it has one', () => {
    const lines = small.jsonl.trimEnd().split('\n');
    const report = run([lines[0], '{not json', '{"contactId":"x"}', '42', '   ', lines[1]].join('\n'));
    expect(report.violations.map((v) => 'contactId' in v)).toEqual([false, true, false]);
    expect(report.violations.map((v) => [v.line, v.contactId])).toEqual([
      [2, undefined],
      [3, 'x'],
      [4, undefined],
    ]);
    expect(report.violations[0]!.message).toBe('line 2: not valid JSON');
    expect(report.violations[1]!.message).toMatch(/^line 3 \(contact x\): contactId: .*; initialContactId: /);
    expect(report.violations[2]!.message).toMatch(/^line 4: \(line\): /);
  });

  it('names a seed under a key that is not a period, and one that is not hex', () => {
    const report = run('', {
      oops: small.seeds['2026-10'],
      '2026-10': { seed: 'zz', commitment: small.seeds['2026-10']!.commitment },
    });
    expect(report.violations.map((v) => [v.code, v.period, v.message])).toEqual([
      ['malformed-seeds', 'oops', 'seeds file: "oops" is not a period'],
      ['malformed-seeds', '2026-10', 'seed of 2026-10 is not 64 lowercase hex characters'],
    ]);
  });

  it('formats the summary with every reason in order, and dashes for none', () => {
    const report = run(small.jsonl);
    const reasons = Object.entries(report.byReason)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}=${n}`)
      .join(', ');
    expect(reasons).toMatch(/^agent-cap-reached=\d+, caller-objected=/);
    expect(formatReport(report)).toBe(
      `OK: 400 decisions, ${report.recorded} recorded, ${report.agents} agents, periods 2026-10, 2026-11; reasons: ${reasons}; 0 violation(s)`,
    );
    const none = run('{', {});
    expect(formatReport(none)).toBe(
      'VIOLATION malformed-line: line 1: not valid JSON\nFAILED: 0 decisions, 0 recorded, 0 agents, periods -; reasons: -; 1 violation(s)',
    );
  });
});

describe('the fast path, at its edges', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fairlisten-verify-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams blank and whitespace-only lines, and two decisions in the same millisecond', () => {
    const lines = small.jsonl.trimEnd().split('\n');
    expect(stream([lines[0], '   ', '\t', ...lines.slice(1)].join('\n')).report).toEqual(run(small.jsonl));
    const i = small.records.findIndex(
      (r, j) => j > 0 && !r.recorded && r.period === small.records[j - 1]!.period,
    );
    const same = small.records.map((r, j) =>
      j === i ? { ...r, decidedAt: small.records[i - 1]!.decidedAt } : r,
    );
    const report = run(toJsonl(same), small.seeds, small.policy);
    expect(report.ok).toBe(true);
    expect(stream(toJsonl(same)).report).toEqual(report);
  });

  it('cleanDecisionsFile gives the report of a clean file with the SHA-256 of its bytes, and none for a forged one', () => {
    const file = join(dir, 'decisions.jsonl');
    writeFileSync(file, `${small.jsonl}\n\n`);
    const clean = cleanDecisionsFile(file, small.seeds, small.policy);
    expect(clean).toEqual({
      report: run(small.jsonl, small.seeds, small.policy),
      sha256: createHash('sha256').update(`${small.jsonl}\n\n`).digest('hex'),
    });
    const { jsonl } = tamper(
      (r) => (r.recorded = true),
      (r) => r.reason === 'not-drawn',
      small,
    );
    writeFileSync(file, jsonl);
    const forged = cleanDecisionsFile(file, small.seeds, small.policy);
    expect(forged.report).toBeUndefined();
    expect(forged.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says which way u and the rate compare when the lottery flag disagrees', () => {
    const selected = tamper((r) => (r.lotterySelected = true), notDrawn, small);
    const hit = run(selected.jsonl, small.seeds, small.policy).violations.find(
      (v) => v.code === 'lottery-mismatch',
    );
    expect(hit?.message).toMatch(/lotterySelected=true but u [0-9.]+ ≥ rate 0\.3$/);
    const dropped = tamper((r) => (r.lotterySelected = false), isDrawn, small);
    const miss = run(dropped.jsonl, small.seeds, small.policy).violations.find(
      (v) => v.code === 'lottery-mismatch',
    );
    expect(miss?.message).toMatch(/lotterySelected=false but u [0-9.]+ < rate 0\.3$/);
  });
});
