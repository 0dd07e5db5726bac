import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../lib/cli/simulate';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'fairlisten-sim-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let errors: string[];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation((m: string) => errors.push(m));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const small = ['--agents', '5', '--teams', '2', '--calls', '30', '--month', '2027-02', '--seed', 's'];

describe('fairlisten simulate', () => {
  it('--sampler-only runs the calls only, into DIR/simulation-YYYY-MM/', async () => {
    const out = tmp();
    expect(await run([...small, '--out', out, '--sampler-only'])).toBe(0);
    const sim = join(out, 'simulation-2027-02');
    const lines = readFileSync(join(sim, 'decisions.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(30);
    for (const f of ['seeds.json', 'summary.json', 'policy.json'])
      expect(existsSync(join(sim, f)), f).toBe(true);
    // Only the calls: no month model, no audit export.
    expect(existsSync(join(sim, 'month.json'))).toBe(false);
    expect(existsSync(join(sim, 'audit'))).toBe(false);
  });

  it.each([
    [['--agents', 'x'], /--agents must be a whole number 2\.\.100000, got "x"/],
    [['--agents', '5', '--teams', '6'], /--teams must be a whole number 1\.\.5, got "6"/],
    [['--calls', '1.5'], /--calls must be a whole number/],
    [['--month', '2027-13'], /--month must be YYYY-MM, got "2027-13"/],
    [['--seed', ''], /--seed must not be empty/],
    [['--from-cdk-out'], /--from-cdk-out needs --sampler-only/],
    [['--bogus'], /unknown option --bogus/],
  ])('rejects %j before anything runs (exit 2, usage)', async (argv, message) => {
    const out = tmp();
    rmSync(out, { recursive: true });
    expect(await run([...argv, '--out', out])).toBe(2);
    expect(errors.join('\n')).toMatch(message);
    expect(errors.join('\n')).toMatch(/usage: fairlisten simulate/);
    expect(existsSync(out)).toBe(false);
  });

  it('a policy file that does not exist fails (exit 1) naming the file, before anything runs', async () => {
    const out = tmp();
    rmSync(out, { recursive: true });
    expect(await run([...small, '--out', out, '--policy', join(out, 'nope.json')])).toBe(1);
    expect(errors.join('\n')).toMatch(/nope\.json/);
    expect(existsSync(out)).toBe(false);
  });
});
