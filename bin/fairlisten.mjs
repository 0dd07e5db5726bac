#!/usr/bin/env node
/**
 * `fairlisten`: runs the bundled command line (dist/cli/fairlisten.mjs). On first use after
 * `npm ci`, or when a source of what the command loads changed (dist/cli/inputs.json lists them
 * per command, so `redact` does not stat every other command's sources), it is rebuilt first
 * with esbuild.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const entry = join(root, 'dist', 'cli', 'fairlisten.mjs');
const inputs = join(root, 'dist', 'cli', 'inputs.json');

/** Whether a source of what this run loads changed since the build (all sources without a command). */
function stale() {
  if (!existsSync(entry) || !existsSync(inputs)) return true;
  const built = statSync(entry).mtimeMs;
  const meta = JSON.parse(readFileSync(inputs, 'utf8'));
  if (meta.root !== root) return true;
  const command = process.argv[2];
  const files =
    (command && Object.hasOwn(meta.commands ?? {}, command) && meta.commands[command]) || meta.inputs;
  for (const file of files) {
    const st = statSync(join(root, file), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > built) return true;
  }
  return false;
}

if (stale()) {
  const { buildCli } = await import('../scripts/build-cli.mjs');
  await buildCli();
}
await import(pathToFileURL(entry).href);
