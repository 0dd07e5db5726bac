import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
const read = (dir: string, name: string) => readFileSync(join(dir, name));

describe('fairlisten simulate', () => {
  it('runs from the command line and refuses bad arguments', async () => {
    const out = tmp();
    const code = await run([
      '--agents',
      '5',
      '--teams',
      '2',
      '--calls',
      '30',
      '--month',
      '2027-02',
      '--seed',
      's',
      '--out',
      out,
      '--quiet',
    ]);
    expect(code).toBe(0);
    expect(read(out, 'decisions.jsonl').toString().trim().split('\n').length).toBeGreaterThanOrEqual(30);
    expect(await run(['--agents', '5'])).toBe(2);
    expect(
      await run([
        '--agents',
        'x',
        '--teams',
        '2',
        '--calls',
        '3',
        '--month',
        '2027-02',
        '--seed',
        's',
        '--out',
        out,
      ]),
    ).toBe(2);
    expect(
      await run([
        '--agents',
        '5',
        '--teams',
        '2',
        '--calls',
        '3',
        '--month',
        '2027-13',
        '--seed',
        's',
        '--out',
        out,
        '--quiet',
      ]),
    ).toBe(1);
  });
});
