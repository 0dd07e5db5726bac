import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateBigMonth } from '../../../bench/big-month-data';
import { run } from '../../../lib/cli/verify';
import { captureConsole } from '../../support/console';
import { chainOf, publishedExport } from '../../support/publication';
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

afterEach(() => vi.restoreAllMocks());

describe('fairlisten verify', () => {
  it('exits 0 with a summary on a clean dataset', async () => {
    const out = captureConsole();
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
    const out = captureConsole();
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
    captureConsole();
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

/** `verify --algorithm-only` of `decisions` with the dataset's seeds and policy; later options win. */
const algorithmOnly = (decisions: string, ...more: string[]) =>
  run(['--algorithm-only', '--decisions', decisions, '--seeds', seeds, '--policy', policy, ...more]);

/** What the command prints on stdout and on stderr, apart. */
function captureStreams(): { log: string[]; err: string[] } {
  const log: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void log.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { log, err };
}

describe('fairlisten verify --algorithm-only, the output', () => {
  it('prints the report as JSON with --json, and the finding on stderr without it', async () => {
    const out = captureConsole();
    expect(await algorithmOnly(write('j.jsonl', ds.jsonl), '--json')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: true, decisions: 300, violations: [] });

    vi.restoreAllMocks();
    const { log, err } = captureStreams();
    const forged = ds.records.map((r, i) => (i === 0 ? { ...r, rate: 0.9 } : r));
    expect(await algorithmOnly(write('f.jsonl', toJsonl(forged)))).toBe(1);
    expect(log).toEqual([]);
    expect(err[0]).toMatch(/^VIOLATION rate-limit: /);
    expect(err.at(-1)).toMatch(/^NOTE: --algorithm-only checks these files against each other only/);
  });

  it('prints the summary on stdout and the note on stderr when everything checks out', async () => {
    const { log, err } = captureStreams();
    expect(await algorithmOnly(write('ok2.jsonl', ds.jsonl))).toBe(0);
    expect(log).toEqual([expect.stringMatching(/^OK: 300 decisions/)]);
    expect(err).toEqual([expect.stringMatching(/^NOTE: /)]);
  });

  it('exits 1 naming a seeds file that is not JSON, and passes other read errors on', async () => {
    const out = captureConsole();
    const bad = write('not-json-seeds.json', '{');
    expect(await run(['--algorithm-only', '--decisions', write('s.jsonl', ''), '--seeds', bad])).toBe(1);
    expect(out).toEqual([expect.stringMatching(new RegExp(`^fairlisten verify: ${bad} is not JSON: `))]);
    out.length = 0;
    const missing = join(dir, 'no-seeds.json');
    expect(await run(['--algorithm-only', '--decisions', write('s.jsonl', ''), '--seeds', missing])).toBe(1);
    expect(out.join('\n')).not.toMatch(/is not JSON/);
    expect(out.join('\n')).toMatch(/ENOENT|no such file/);
  });

  it('exits 1 on a policy file that is not one, without re-computing anything', async () => {
    const out = captureConsole();
    expect(await algorithmOnly(write('p.jsonl', ds.jsonl), '--policy', write('bad-policy.json', '{'))).toBe(
      1,
    );
    expect(out.join('\n')).toMatch(/^fairlisten verify: .*\n.*not valid JSON/);
  });
});

describe('fairlisten verify --month, the command', () => {
  const CHAIN = 'decisions/2026-10';
  /** A month folder whose audit export checks out and that holds no decision. */
  async function emptyMonth(): Promise<string> {
    const month = mkdtempSync(join(dir, 'month-'));
    const e = await publishedExport(join(month, 'audit'));
    const chain = chainOf(CHAIN, 2);
    e.writeFile(CHAIN, chain);
    await e.publishHeadsOf({ [CHAIN]: chain }, new Date('2026-11-01T10:00:00.000Z'));
    writeFileSync(join(month, 'decisions.jsonl'), '');
    return month;
  }

  it('exits 0 on a month that checks out, and says what it did not check', async () => {
    const month = await emptyMonth();
    const out = captureConsole();
    expect(await run(['--month', month])).toBe(0);
    expect(out).toEqual([
      'listens: no assignments.jsonl in the folder, C5 not checked',
      'OK: the decisions could not be re-computed; 0 finding(s)',
    ]);
    out.length = 0;
    expect(await run(['--month', month, '--json'])).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual({ ok: true, findings: [] });
  });

  it('says how many decisions it re-computed, how many were recorded, and their periods', async () => {
    const month = join(mkdtempSync(join(dir, 'big-')), 'month');
    await generateBigMonth(month, 40);
    const lines = readFileSync(join(month, 'decisions.jsonl'), 'utf8').trim().split('\n');
    const recorded = lines.filter((l) => JSON.parse(l).recorded === true).length;
    const periods = [...new Set(lines.map((l) => JSON.parse(l).period as string))].sort();
    expect(recorded).toBeGreaterThan(0);
    expect(periods).toHaveLength(1);
    const out = captureConsole();
    expect(await run(['--month', month])).toBe(0);
    expect(out).toEqual([
      'listens: no assignments.jsonl in the folder, C5 not checked',
      `OK: 40 decisions re-computed, ${recorded} recorded, periods ${periods[0]}; 0 finding(s)`,
    ]);
  });

  it('exits 1 with each finding on its own line, also as JSON', async () => {
    const month = await emptyMonth();
    rmSync(join(month, 'decisions.jsonl'));
    const out = captureConsole();
    expect(await run(['--month', month])).toBe(1);
    expect(out[0]).toMatch(/^FAILED: decisions\.jsonl cannot be read: /);
    expect(out.at(-1)).toBe('FAILED: the decisions could not be re-computed; 1 finding(s)');
    out.length = 0;
    expect(await run(['--month', month, '--json'])).toBe(1);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: false, findings: [{ code: 'no-decisions' }] });
  });

  it('exits 1 when the export no longer extends the heads in the witness file', async () => {
    const month = await emptyMonth();
    const witness = write(
      'witness.jsonl',
      `${JSON.stringify({ kind: 'head', chain: CHAIN, seq: 3, hash: 'a'.repeat(64), witnessedAt: '2026-11-01T00:00:00.000Z' })}\n`,
    );
    const out = captureConsole();
    expect(await run(['--month', month, '--witness', witness])).toBe(1);
    expect(out[0]).toBe(
      `FAILED: chain ${CHAIN} stops at record 2, but your witness file (seen 2026-11-01T00:00:00.000Z) shows record 3: records at the end were removed`,
    );
    expect(await run(['--month', month])).toBe(0);
    // A witness file that is not there is a usage error, not "nothing witnessed": the month passes
    // without it, so a mistyped path would hide the check the reader asked for.
    const missing = join(dir, 'no-witness-yet.jsonl');
    expect(await run(['--month', month, '--witness', missing])).toBe(2);
    expect(out.join('\n')).toContain(`${missing}: no such witness file`);
  });

  it.each([
    [['--month', '.', '--algorithm-only']],
    [['--month', '.', '--decisions', 'd.jsonl']],
    [['--month', '.', '--seeds', 's.json']],
    [['--month', '.', '--policy', 'p.json']],
    [['--month', '/definitely/not/here']],
    [['--algorithm-only', '--decisions', 'd', '--seeds', 's', '--witness', 'w']],
    [[]],
    [['--seeds', 's.json']],
  ])('exits 2 on the usage error %j', async (argv) => {
    const out = captureConsole();
    expect(await run(argv)).toBe(2);
    expect(out.join('\n')).toMatch(/usage: fairlisten verify/);
  });

  it('says which option is missing or misplaced', async () => {
    const out = captureConsole();
    expect(await run([])).toBe(2);
    expect(out[0]).toMatch(/^fairlisten verify: --month DIR is required \(or --algorithm-only\)/);
    out.length = 0;
    expect(await run(['--algorithm-only', '--decisions', 'd', '--seeds', 's', '--witness', 'w'])).toBe(2);
    expect(out[0]).toMatch(/^fairlisten verify: --witness needs --month/);
  });

  it('exits 2 on a witness file that is not one', async () => {
    const month = await emptyMonth();
    captureConsole();
    expect(
      await run(['--month', month, '--witness', write('bad-witness.jsonl', '{"kind":"nonsense"}\n')]),
    ).toBe(2);
  });
});
