import { statSync } from 'node:fs';
/**
 * What every command shares: `--help`/`-h` (usage on stdout, exit 0), usage errors (the message
 * once, then the usage, on stderr, exit 2), and failures (one line on stderr naming the file, exit
 * 1). A command is `command({...})` or, with subcommands, `group({...})`; both give the
 * `run(argv) → exit code` that bin/fairlisten and the tests call. (Files starting with `_` are not
 * commands.)
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A wrong invocation: exit 2 with the usage. */
export class UsageError extends Error {}

export type Values = Record<string, string | boolean | string[] | undefined>;
export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec {
  /** `policy check`, `redact`… as typed after `fairlisten`. */
  readonly name: string;
  readonly usage: string;
  readonly options?: Options;
  /** How many positionals are allowed. @default 0 */
  readonly positionals?: number;
  run(values: Values, positionals: string[]): Promise<number>;
}

export type Run = (argv: string[]) => Promise<number>;

export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly run: Run;
}

/** `--help` or `-h` anywhere before a `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  return args.includes('--help') || args.includes('-h');
}

/** Node's parse errors, said once and plainly (`unknown option --x`). */
export function parseArgv(
  argv: string[],
  options: Options,
  positionals: number,
): { values: Values; positionals: string[] } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options,
      allowPositionals: positionals > 0,
      strict: true,
    }) as typeof parsed;
  } catch (err) {
    const e = err as Error & { code?: string };
    const option = /'(-[^' ]*)/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option)
      throw new UsageError(`unknown option ${option}`);
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']*)'/.exec(e.message)?.[1];
      throw new UsageError(`unexpected argument ${JSON.stringify(arg ?? '')}`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
      throw new UsageError(/argument missing/.test(e.message) ? `${option} needs a value` : e.message);
    }
    throw new UsageError(e.message);
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals])}`);
  }
  return parsed;
}

/** A whole number option within bounds, or a usage error naming the flag and the value. */
export function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  const text = String(value);
  const n = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number ${min}..${max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** A required string option, or a usage error. */
export function required(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on device',
};

/**
 * One line for an error: a file-system error names the file and says the cause once
 * (`cannot open in.wav: no such file or directory`), anything else is its message.
 */
export function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.path === 'string') {
    const cause = ERRNO_TEXT[e.code] ?? e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
    return `cannot ${e.syscall ?? 'use'} ${e.path}: ${cause}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Runs `body`; a UsageError prints the usage (exit 2), any other error one line (exit 1). */
async function guarded(name: string, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`fairlisten ${name}: ${err.message}\n\n${usage}`);
      return 2;
    }
    console.error(`fairlisten ${name}: ${describeError(err)}`);
    return 1;
  }
}

export function command(spec: CommandSpec): Command {
  const run: Run = (argv) =>
    guarded(spec.name, spec.usage, async () => {
      if (wantsHelp(argv)) {
        console.log(spec.usage);
        return 0;
      }
      const { values, positionals } = parseArgv(argv, spec.options ?? {}, spec.positionals ?? 0);
      return spec.run(values, positionals);
    });
  return { name: spec.name, usage: spec.usage, run };
}

export interface GroupSpec {
  readonly name: string;
  /** One line: what the group is for. */
  readonly summary: string;
  readonly subcommands: Readonly<Record<string, { summary: string; command: Command }>>;
}

/** A command with subcommands: `--help` lists them, one line each. */
export function group(spec: GroupSpec): Command {
  const width = Math.max(...Object.keys(spec.subcommands).map((k) => k.length));
  const usage = [
    `usage: fairlisten ${spec.name} <subcommand> [options]`,
    `  ${spec.summary}`,
    '',
    'subcommands:',
    ...Object.entries(spec.subcommands).map(([k, s]) => `  ${k.padEnd(width)}  ${s.summary}`),
    '',
    `Run \`fairlisten ${spec.name} <subcommand> --help\` for its options.`,
  ].join('\n');
  const run: Run = (argv) =>
    guarded(spec.name, usage, async () => {
      const [sub, ...rest] = argv;
      if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
        if (sub === undefined) throw new UsageError('a subcommand is required');
        console.log(usage);
        return 0;
      }
      const entry = Object.hasOwn(spec.subcommands, sub) ? spec.subcommands[sub] : undefined;
      if (!entry) throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}`);
      return entry.command.run(rest);
    });
  return { name: spec.name, usage, run };
}

/** `dir` when it is an existing directory; a usage error naming it otherwise. */
export function existingDirectory(dir: string): string {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`no such directory: ${dir}`);
  return dir;
}
