#!/usr/bin/env node
/**
 * `fairlisten`: runs the bundled command line (dist/cli/fairlisten.mjs). On first use after
 * `npm ci`, or when a source it was built from changed, it is rebuilt first with esbuild.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const entry = join(root, 'dist', 'cli', 'fairlisten.mjs');
const inputs = join(root, 'dist', 'cli', 'inputs.json');

function stale() {
  if (!existsSync(entry) || !existsSync(inputs)) return true;
  const built = statSync(entry).mtimeMs;
  const meta = JSON.parse(readFileSync(inputs, 'utf8'));
  if (meta.root !== root) return true;
  for (const file of meta.inputs) {
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
