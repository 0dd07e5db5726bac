import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../lib/cli/verify';
import { generateDataset, toJsonl } from '../../support/verify-dataset';

const dir = mkdtempSync(join(tmpdir(), 'fairlisten-verify-'));
const ds = generateDataset({ calls: 300 });
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const policy = write(
  'policy.json',
  JSON.stringify({
    version: ds.policy.version,
    timezone: ds.policy.timezone,
    samplingRate: ds.policy.samplingRate,
    maxRecordingsPerAgentPerMonth: ds.policy.maxRecordingsPerAgentPerMonth,
    excludedAgents: ds.policy.excludedAgents,
    excludedQueues: ds.policy.excludedQueues,
  }),
);
const seeds = write('seeds.json', JSON.stringify(ds.seeds));

function capture() {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('fairlisten verify', () => {
  it('exits 0 with a summary on a clean dataset', async () => {
    const out = capture();
    const code = await run([
      '--algorithm-only',
      '--decisions',
      write('ok.jsonl', ds.jsonl),
      '--seeds',
      seeds,
      '--policy',
      policy,
    ]);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/OK: 300 decisions, \d+ recorded/);
  });

  it('exits 1 and names the contact of a tampered line', async () => {
    const records = ds.records.map((r) => ({ ...r }));
    const t = records.find((r) => r.reason === 'not-drawn')!;
    t.recorded = true;
    const out = capture();
    const code = await run([
      '--algorithm-only',
      '--decisions',
      write('bad.jsonl', toJsonl(records)),
      '--seeds',
      seeds,
      '--policy',
      policy,
    ]);
    expect(code).toBe(1);
    expect(out.join('\n')).toContain(t.contactId);
  });

  it('exits 1 on unreadable files and 2 on usage errors', async () => {
    capture();
    expect(
      await run([
        '--algorithm-only',
        '--decisions',
        join(dir, 'missing.jsonl'),
        '--seeds',
        seeds,
        '--policy',
        policy,
      ]),
    ).toBe(1);
    expect(
      await run([
        '--algorithm-only',
        '--decisions',
        write('x.jsonl', ''),
        '--seeds',
        write('bad.json', '{'),
        '--policy',
        policy,
      ]),
    ).toBe(1);
    expect(await run(['--algorithm-only', '--seeds', seeds])).toBe(2);
    expect(await run(['--algorithm-only', '--bogus'])).toBe(2);
  });
});
