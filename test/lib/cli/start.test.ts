import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../lib/cli/start';
import { synthAssembly } from '../../support/report-fixture';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('fairlisten start', () => {
  const assembly = synthAssembly();

  it('runs a tiny month end to end with --skip-synth and prints every path', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fairlisten-start-'));
    dirs.push(out);
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.join(' '));
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = await run([
        '--skip-synth',
        '--cdk-out',
        assembly,
        '--out',
        out,
        '--agents',
        '6',
        '--teams',
        '2',
        '--coaches',
        '2',
        '--calls',
        '150',
        '--month',
        '2026-10',
        '--seed',
        'start-test',
      ]);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    const text = printed.join('\n');
    expect(text).toMatch(/verify\s+OK/);
    expect(text).toMatch(/audit verify\s+OK/);
    // The in-process assembly is synthesized without the cdk-nag packs, so nag-based compliance
    // checks may fail there: then, and only then, the exit code is 1.
    const compliancePassed = /compliance report\s+PASS/i.test(text);
    expect(code).toBe(compliancePassed ? 0 : 1);
    const sim = join(out, 'simulation-2026-10');
    for (const f of ['decisions.jsonl', 'seeds.json', 'assignments.jsonl', 'month.json', 'timings.json']) {
      expect(existsSync(join(sim, f)), f).toBe(true);
    }
    expect(existsSync(join(sim, 'audit'))).toBe(true);
    for (const f of [
      'transparency-2026-10.html',
      'transparency-2026-10.csv',
      'transparency-2026-10.en.html',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readFileSync(join(out, 'transparency-2026-10.html'), 'utf8')).toMatch(/<html/);
  }, 120_000);
});
