/**
 * Simulation fixtures built once per test run (test/support/run-fixtures.ts):
 *
 *   runMonth({ ...options, prebuiltBundles: sharedBundles() })   // no esbuild run per month
 *   const dir = await sharedMonth({ agents: 6, …, seed: 's3' });  // one month, many readers
 *
 * `sharedBundles()` (test/support/run-fixtures.ts): every handler bundled once per run, for the
 * months and simulations the tests run; each of them would otherwise bundle the sampler, assignment
 * and playback again.
 *
 * `sharedMonth(options)`: the output folder of `runMonth(options)` (decisions.jsonl, audit/, …),
 * simulated once per run for every test file that asks for the same options. READ-ONLY: a test that
 * forges or changes anything copies it first (`cpSync`) into its own directory.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type MonthOptions, runMonth } from '../../lib/simulation/month';
import { buildOnceAsync, runDir, sharedBundles } from './run-fixtures';

export { sharedBundles };

/** The options a shared month may have: plain data, so equal options name the same month. */
export type SharedMonthOptions = Omit<
  MonthOptions,
  'outDir' | 'reportDir' | 'log' | 'progress' | 'withLiveTables' | 'beforeAuditExport' | 'prebuiltBundles'
>;

/** The folder of the month `options` describe, simulated once per run; read-only. */
export async function sharedMonth(options: SharedMonthOptions): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(options)).digest('hex').slice(0, 16);
  const bundles = sharedBundles();
  return buildOnceAsync(join(runDir(), `month-${key}`), async (into) => {
    await runMonth({ ...options, outDir: into, prebuiltBundles: bundles });
  });
}
