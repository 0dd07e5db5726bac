#!/usr/bin/env node
/**
 * `npm run docs`: regenerate the docs that come from code (configuration table, concern → check matrix,
 * routes × roles).
 * `--check` writes nothing and exits 1 when a committed file is stale.
 */
import { docStates, writeDocs } from '../lib/docs/generated';

const check = process.argv.includes('--check');
if (check) {
  const stale = docStates().filter((s) => s.current !== s.expected);
  for (const s of stale) console.error(`stale: ${s.file} (run \`npm run docs\`)`);
  if (stale.length === 0) console.log('generated docs are up to date');
  process.exitCode = stale.length > 0 ? 1 : 0;
} else {
  const written = writeDocs();
  console.log(written.length ? `wrote ${written.join(', ')}` : 'generated docs are up to date');
}
