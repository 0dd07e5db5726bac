/**
 * `fairlisten <command> [options]`: the command table and the dispatcher. Each command's module
 * is loaded only when it runs (the bundle splits on these imports), so `redact` never loads the
 * AWS SDK, zod or the CDK.
 */
import { type Command, describeError } from './_command';

interface Entry {
  readonly summary: string;
  readonly load: () => Promise<{ readonly cli: Command }>;
}

export const COMMANDS: Readonly<Record<string, Entry>> = {
  start: {
    summary: 'the main job: synth, compliance report, the whole simulated month, verify',
    load: () => import('./start'),
  },
  simulate: {
    summary: 'the whole month locally (calls, privacy, plans, listens, audit), verified',
    load: () => import('./simulate'),
  },
  report: { summary: 'the compliance report from the synthesized templates', load: () => import('./report') },
  verify: {
    summary: 'recompute every recording decision from the revealed seeds',
    load: () => import('./verify'),
  },
  audit: { summary: 'verify the hash chains of an audit export', load: () => import('./audit') },
  export: {
    summary: "a deployment's decisions and revealed seeds, for verify",
    load: () => import('./export'),
  },
  redact: {
    summary:
      'silence time ranges of a local WAV recording (`redact verify-proof`: check a download against its proof)',
    load: () => import('./redact'),
  },
  transparency: {
    summary: "the works council's monthly transparency report (HTML, CSV)",
    load: () => import('./transparency'),
  },
  doctor: {
    summary: 'what stands in the way of fairlisten on a Connect instance (before and after deploy)',
    load: () => import('./doctor'),
  },
  policy: {
    summary: 'check the recording policy, print its schema or table',
    load: () => import('./policy'),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'usage: fairlisten <command> [options]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `fairlisten <command> --help` for its options. Exit codes: 0 ok, 1 failed, 2 usage.',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic === undefined) {
      console.log(usage());
      return 0;
    }
    return main([topic, '--help']);
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    console.error(`fairlisten: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  try {
    const { cli } = await entry.load();
    return await cli.run(rest);
  } catch (err) {
    console.error(`fairlisten ${name}: ${describeError(err)}`);
    return 1;
  }
}
