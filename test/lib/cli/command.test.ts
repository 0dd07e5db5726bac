import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  command,
  describeError,
  group,
  parseArgv,
  UsageError,
  wantsHelp,
  wholeNumber,
} from '../../../lib/cli/_command';
import { COMMANDS, main, usage } from '../../../lib/cli/_main';
import { formatSeconds } from '../../../lib/cli/redact';
import { lastMonth, monthSettings } from '../../../lib/cli/simulate';
import { consolePerTest } from '../../support/console';

const { out, err } = consolePerTest();

describe('argument parsing', () => {
  it('finds --help and -h anywhere before --', () => {
    expect(wantsHelp(['--help'])).toBe(true);
    expect(wantsHelp(['check', 'x', '-h'])).toBe(true);
    expect(wantsHelp(['--', '--help'])).toBe(false);
    expect(wantsHelp(['--helpful'])).toBe(false);
  });

  it('says a parse error once and plainly', () => {
    const options = { out: { type: 'string' }, json: { type: 'boolean' } } as const;
    expect(() => parseArgv(['--nope'], options, 0)).toThrow(new UsageError('unknown option --nope'));
    expect(() => parseArgv(['--out'], options, 0)).toThrow(new UsageError('--out needs a value'));
    expect(() => parseArgv(['x'], options, 0)).toThrow(new UsageError('unexpected argument "x"'));
    expect(() => parseArgv(['a', 'b'], options, 1)).toThrow(new UsageError('unexpected argument "b"'));
    expect(parseArgv(['--out', 'o', 'a'], options, 1)).toMatchObject({
      values: { out: 'o' },
      positionals: ['a'],
    });
  });

  it('whole numbers: bounds and junk are usage errors naming the flag and the value', () => {
    expect(wholeNumber('agents', '40', 2, 100)).toBe(40);
    for (const bad of ['abc', '', '4.5', '1e3', '0x10', '1', '101', ' 7']) {
      expect(() => wholeNumber('agents', bad, 2, 100), bad).toThrow(
        new UsageError(`--agents must be a whole number 2..100, got ${JSON.stringify(bad)}`),
      );
    }
  });

  it('start/simulate settings: every number checked before anything runs, month defaults to last month', () => {
    const values = {
      out: 'o',
      seed: 's',
      agents: '40',
      teams: '6',
      coaches: '8',
      calls: '10',
      concurrency: '8',
    };
    const s = monthSettings(values, new Date('2027-01-15T00:00:00Z'));
    expect(s).toMatchObject({ month: '2026-12', agents: 40, teams: 6, coaches: 8, calls: 10 });
    expect(s.simDir).toMatch(/o[/\\]simulation-2026-12$/);
    expect(lastMonth(new Date('2027-03-01T00:00:00Z'))).toBe('2027-02');
    expect(() => monthSettings({ ...values, agents: 'abc' })).toThrow(/--agents must be a whole number/);
    expect(() => monthSettings({ ...values, teams: '41' })).toThrow(/--teams must be a whole number 1\.\.40/);
    expect(() => monthSettings({ ...values, month: '2026-1' })).toThrow(/--month must be YYYY-MM/);
  });
});

describe('errors and numbers for people', () => {
  it('a file-system error names the file and says the cause once', () => {
    const e = Object.assign(new Error("ENOENT: no such file or directory, open 'in.wav'"), {
      code: 'ENOENT',
      errno: -2,
      syscall: 'open',
      path: 'in.wav',
    });
    expect(describeError(e)).toBe('cannot open in.wav: no such file or directory');
    const odd = Object.assign(new Error("EMFILE: too many open files, open 'x'"), {
      code: 'EMFILE',
      syscall: 'open',
      path: 'x',
    });
    expect(describeError(odd)).toBe('cannot open x: too many open files');
    expect(describeError(new Error('plain'))).toBe('plain');
  });

  it('rounds durations', () => {
    expect(formatSeconds(1 / 24_000)).toBe('0.0000417');
    expect(formatSeconds(0.75)).toBe('0.75');
    expect(formatSeconds(1200)).toBe('1200');
    expect(formatSeconds(1200.123456)).toBe('1200.123');
    expect(formatSeconds(0)).toBe('0');
  });
});

describe('commands and subcommands', () => {
  const calls: unknown[] = [];
  const leaf = command({
    name: 'thing do',
    usage: 'usage: fairlisten thing do [--n N]',
    options: { n: { type: 'string' } },
    async run(values) {
      calls.push(values.n);
      if (values.n === 'boom') throw new Error('it broke');
      return 0;
    },
  });
  const thing = group({
    name: 'thing',
    summary: 'things',
    subcommands: { do: { summary: 'do it', command: leaf } },
  });

  it('--help and -h print the usage on stdout and exit 0 without running', async () => {
    for (const argv of [['--help'], ['-h'], ['--n', '3', '-h']]) {
      out.length = 0;
      expect(await leaf.run(argv)).toBe(0);
      expect(out).toEqual(['usage: fairlisten thing do [--n N]']);
    }
    expect(calls).toEqual([]);
  });

  it('a group lists its subcommands one line each; no or an unknown subcommand is a usage error', async () => {
    expect(await thing.run(['--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/^ {2}do {2}do it$/m);
    expect(await thing.run(['do', '-h'])).toBe(0);
    expect(out.at(-1)).toBe('usage: fairlisten thing do [--n N]');
    expect(await thing.run([])).toBe(2);
    expect(await thing.run(['undo'])).toBe(2);
    expect(err.join('\n')).toMatch(/fairlisten thing: unknown subcommand "undo"/);
    expect(await thing.run(['constructor'])).toBe(2);
  });

  it('usage errors go to stderr with the usage (exit 2); failures one line (exit 1)', async () => {
    expect(await leaf.run(['--m'])).toBe(2);
    expect(err).toEqual(['fairlisten thing do: unknown option --m\n\nusage: fairlisten thing do [--n N]']);
    err.length = 0;
    expect(await leaf.run(['--n', 'boom'])).toBe(1);
    expect(err).toEqual(['fairlisten thing do: it broke']);
  });

  it('the top level lists every command with one line, and refuses an unknown one', async () => {
    expect(await main(['--help'])).toBe(0);
    for (const name of Object.keys(COMMANDS))
      expect(out.join('\n')).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
    expect(await main([])).toBe(2);
    expect(err.join('\n')).toBe(usage());
    expect(await main(['toString'])).toBe(2);
    expect(err.at(-1)).toMatch(/^fairlisten: unknown command "toString"/);
  });

  it('every command file of lib/cli is in the command table, and every entry loads its own file', async () => {
    const dir = fileURLToPath(new URL('../../../lib/cli/', import.meta.url));
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
      .map((f) => f.slice(0, -3))
      .sort();
    expect(Object.keys(COMMANDS).sort()).toEqual(files);
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const { cli } = await entry.load();
      expect(cli.name, name).toBe(name);
    }
  });

  it.each(Object.keys(COMMANDS))('`%s --help` and `-h` print its usage and exit 0', async (name) => {
    for (const flag of ['--help', '-h']) {
      out.length = 0;
      expect(await main([name, flag])).toBe(0);
      expect(out.join('\n')).toMatch(new RegExp(`usage: fairlisten ${name}`));
    }
    expect(err).toEqual([]);
  });

  it.each([
    ['policy', 'check'],
    ['policy', 'schema'],
    ['policy', 'table'],
    ['audit', 'verify'],
  ])('`%s %s --help` prints the subcommand usage', async (name, sub) => {
    expect(await main([name, sub, '--help'])).toBe(0);
    expect(out.join('\n')).toMatch(new RegExp(`usage: fairlisten ${name} ${sub}`));
  });
});
