import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRange, run } from '../../../lib/cli/redact';
import { consolePerTest } from '../../support/console';
import { buildWav, expectedRedaction, readInfo } from '../../support/wav-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'fairlisten-cli-redact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wav = buildWav({ encoding: 'pcm', bits: 16, channels: 2, sampleRate: 8000, frames: 16_000 });
const monoWav = buildWav({ encoding: 'mulaw', bits: 8, channels: 1, sampleRate: 8000, frames: 8000 });

const { out: logs, err: errors } = consolePerTest();

function setup(bytes: Uint8Array = wav) {
  const d = mkdtempSync(join(dir, 'case-'));
  const input = join(d, 'in.wav');
  writeFileSync(input, bytes);
  return { d, input, out: join(d, 'out.wav') };
}

describe('fairlisten redact', () => {
  it('silences the ranges and prints one summary line, with the SHA-256 when asked for', async () => {
    const { input, out } = setup();
    const args = [input, out, '--range', '0.25-0.5', '--range', '1.5-2', '--channel', 'agent'];
    expect(await run(args)).toBe(0);
    expect(logs).toEqual([`redacted ${out}: 6000 frames (0.75 s) silenced on agent in 2 range(s)`]);
    const withoutHash = readFileSync(out);
    logs.length = 0;
    const code = await run([...args, '--sha256']);
    expect(code).toBe(0);
    const got = readFileSync(out);
    const expected = expectedRedaction(
      wav,
      readInfo(wav),
      [
        [2000, 4000],
        [12_000, 16_000],
      ],
      1,
      0,
    );
    expect(Buffer.compare(got, expected)).toBe(0);
    expect(Buffer.compare(withoutHash, got)).toBe(0);
    expect(logs).toEqual([
      `redacted ${out}: 6000 frames (0.75 s) silenced on agent in 2 range(s); sha256 ${createHash('sha256').update(got).digest('hex')}`,
    ]);
    expect(errors).toEqual([]);
  });

  it('defaults to both channels and accepts --range=a-b', async () => {
    const { input, out } = setup();
    expect(await run([input, out, '--range=0-1'])).toBe(0);
    expect(
      Buffer.compare(readFileSync(out), expectedRedaction(wav, readInfo(wav), [[0, 8000]], 'all', 0)),
    ).toBe(0);
  });

  it('parses ranges in seconds with decimals', () => {
    expect(parseRange('12.5-30')).toEqual({ from: 12.5, to: 30 });
    expect(parseRange(' 0-0.001 ')).toEqual({ from: 0, to: 0.001 });
    for (const bad of ['', '5', '5-', '-5-10', 'a-b', '1:00-2:00', '1e3-2e3', '5--6', '1-2-3', '.5-1']) {
      expect(() => parseRange(bad)).toThrow(/bad --range/);
    }
  });

  const failures: [string, (p: ReturnType<typeof setup>) => string[], RegExp, number][] = [
    ['bad --range string', (p) => [p.input, p.out, '--range', '10s-20s'], /bad --range "10s-20s"/, 2],
    [
      'unknown channel',
      (p) => [p.input, p.out, '--range', '0-1', '--channel', 'left'],
      /unknown --channel "left"/,
      2,
    ],
    ['no range', (p) => [p.input, p.out], /at least one --range/, 2],
    ['one file only', (p) => [p.input, '--range', '0-1'], /exactly two files/, 2],
    ['unknown option', (p) => [p.input, p.out, '--range', '0-1', '--force'], /unknown option --force/, 2],
    ['range after the end', (p) => [p.input, p.out, '--range', '3-4'], /RANGE_OUT_OF_BOUNDS/, 1],
    ['from ≥ to', (p) => [p.input, p.out, '--range', '1.5-1'], /INVALID_RANGE/, 1],
    ['in == out', (p) => [p.input, p.input, '--range', '0-1'], /SAME_FILE/, 1],
    [
      'missing input',
      (p) => [join(p.d, 'nope.wav'), p.out, '--range', '0-1'],
      /^fairlisten redact: cannot open \S*nope\.wav: no such file or directory$/,
      1,
    ],
  ];
  for (const [name, args, message, exit] of failures) {
    it(`${name}: exits ${exit} with a message and writes nothing`, async () => {
      const p = setup();
      expect(await run(args(p))).toBe(exit);
      expect(errors.join('\n')).toMatch(message);
      expect(logs).toEqual([]);
      expect(readdirSync(p.d)).toEqual(['in.wav']);
      expect(Buffer.compare(readFileSync(p.input), wav)).toBe(0);
    });
  }

  it('agent on a mono file: UNSUPPORTED_CHANNEL, no output', async () => {
    const p = setup(monoWav);
    expect(await run([p.input, p.out, '--range', '0-1', '--channel', 'agent'])).toBe(1);
    expect(errors.join('\n')).toMatch(/UNSUPPORTED_CHANNEL/);
    expect(readdirSync(p.d)).toEqual(['in.wav']);
  });

  it('malformed input: MALFORMED, no output', async () => {
    const p = setup(wav.subarray(0, 30));
    expect(await run([p.input, p.out, '--range', '0-1'])).toBe(1);
    expect(errors.join('\n')).toMatch(/MALFORMED/);
    expect(readdirSync(p.d)).toEqual(['in.wav']);
  });

  it('runs through the packaged bin (bin/fairlisten.mjs) as a real process', () => {
    const { input, out } = setup();
    const bin = fileURLToPath(new URL('../../../bin/fairlisten.mjs', import.meta.url));
    const ok = spawnSync(process.execPath, [bin, 'redact', input, out, '--range', '0-0.5', '--sha256'], {
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^redacted .*4000 frames \(0\.5 s\).*sha256 [0-9a-f]{64}\n$/);
    const bad = spawnSync(process.execPath, [bin, 'redact', input, `${out}2`, '--range', '9-10'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/RANGE_OUT_OF_BOUNDS/);
  });
});
