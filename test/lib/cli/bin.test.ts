/** The packaged command (package.json `bin`) as a real process: built on first use, then run. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const bin = join(root, pkg.bin.fairlisten!);
const work = mkdtempSync(join(tmpdir(), 'fairlisten-bin-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: work, timeout: 60_000 });

describe('the fairlisten bin', () => {
  it('is the package bin, and npm start / npm run report go through it', () => {
    expect(pkg.bin).toEqual({ fairlisten: 'bin/fairlisten.mjs' });
    expect(pkg.scripts.start).toBe('node bin/fairlisten.mjs start');
    expect(pkg.scripts.report).toBe('node bin/fairlisten.mjs report');
  });

  it('--help lists the commands and exits 0; no command or an unknown one: usage on stderr, exit 2', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^ {2}redact +silence time ranges/m);
    expect(help.stderr).toBe('');
    const none = cli();
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^usage: fairlisten <command>/);
    const unknown = cli('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^fairlisten: unknown command "frobnicate"\n\nusage:/);
  }, 90_000);

  it('policy --help and policy check --help answer with the usage, not a Node error', () => {
    for (const args of [
      ['policy', '--help'],
      ['policy', '-h'],
      ['policy', 'check', '--help'],
    ]) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^usage: fairlisten policy/);
      expect(r.stderr).toBe('');
    }
  }, 90_000);

  it('start --agents abc is refused before anything runs', () => {
    const r = cli('start', '--agents', 'abc', '--out', 'out');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^fairlisten start: --agents must be a whole number 2\.\.100000, got "abc"\n/);
    expect(existsSync(join(work, 'out'))).toBe(false);
    expect(existsSync(join(work, 'cdk.out'))).toBe(false);
  }, 90_000);

  it('an unknown flag is a usage error; a missing file is named once', () => {
    const flag = cli('verify', '--decisions', 'd', '--seeds', 's', '--frobnicate');
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(
      /^fairlisten verify: unknown option --frobnicate\n\nusage: fairlisten verify/,
    );
    const missing = cli('redact', 'nope.wav', 'out.wav', '--range', '0-1');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('fairlisten redact: cannot open nope.wav: no such file or directory\n');
    const proof = cli('redact', 'verify-proof', '--file', 'nope.wav');
    expect(proof.status).toBe(2);
    expect(proof.stderr).toMatch(
      /both --file and --proof are required\n\nusage: fairlisten redact verify-proof/,
    );
  }, 90_000);

  it('built from another directory, it names its sources from the package root, so the next run does not build again', () => {
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], {
      encoding: 'utf8',
      cwd: work,
      timeout: 60_000,
    });
    expect(build.status, build.stderr).toBe(0);
    const meta = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'inputs.json'), 'utf8')) as {
      inputs: string[];
    };
    expect(meta.inputs).toContain('lib/cli/redact.ts');
    expect(meta.inputs.filter((f) => !existsSync(join(root, f)))).toEqual([]);
    // Before a command runs, only the sources of what it loads are checked for a change.
    const { commands } = meta as unknown as { commands: Record<string, string[]> };
    expect(Object.keys(commands).sort()).toEqual([
      'audit',
      'doctor',
      'export',
      'policy',
      'redact',
      'report',
      'simulate',
      'start',
      'transparency',
      'verify',
    ]);
    for (const files of Object.values(commands)) {
      expect(files.filter((f) => !meta.inputs.includes(f))).toEqual([]);
      expect(files).toEqual(expect.arrayContaining(['lib/cli/_run.ts', 'lib/cli/_main.ts']));
    }
    expect(commands.redact).toEqual(
      expect.arrayContaining(['lib/cli/redact.ts', 'lambda/core/wav.ts', 'lib/cli/_redact-verify-proof.ts']),
    );
    expect(commands.redact).not.toContain('lib/cli/doctor.ts');
    expect(commands.redact).not.toContain('lib/verify/worker.ts');
    expect(commands.verify).toEqual(expect.arrayContaining(['lib/verify/month.ts', 'lib/verify/worker.ts']));
    const entry = join(root, 'dist', 'cli', 'fairlisten.mjs');
    const built = statSync(entry).mtimeMs;
    expect(cli('--help').status).toBe(0);
    expect(statSync(entry).mtimeMs).toBe(built);
  }, 90_000);
});
