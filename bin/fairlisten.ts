#!/usr/bin/env node
/**
 * The fairlisten command line: `fairlisten <command> [options]`.
 * Each command lives in lib/cli/<command>.ts and exports `run(argv): Promise<number>` (the exit code),
 * so adding a command never edits this file.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cliDir = fileURLToPath(new URL('../lib/cli/', import.meta.url));

function commands(): string[] {
  return readdirSync(cliDir)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(`usage: fairlisten <command> [options]\ncommands: ${commands().join(', ')}`);
    return command ? 0 : 2;
  }
  if (!/^[a-z][a-z-]*$/.test(command) || !existsSync(`${cliDir}${command}.ts`)) {
    console.error(
      `fairlisten: unknown command ${JSON.stringify(command)}; commands: ${commands().join(', ')}`,
    );
    return 2;
  }
  const mod = (await import(`${cliDir}${command}.ts`)) as { run: (args: string[]) => Promise<number> };
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`fairlisten: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
