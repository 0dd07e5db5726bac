import { afterAll, expect } from 'vitest';
import { removeOutdirs } from '../support/outdirs';

/**
 * Snapshots must change only when the template does: asset hashes (64 hex) and the
 * checkout-dependent asset paths are replaced before comparison.
 */
const ASSET_HASH = /[0-9a-f]{64}/g;

// This file runs before every test file; with `isolate: false` a worker runs several files, so the
// serializer is added once per worker.
const SERIALIZER_ADDED = Symbol.for('fairlisten.test.assetHashSerializer');
const registry = globalThis as { [SERIALIZER_ADDED]?: true };
if (!registry[SERIALIZER_ADDED]) {
  registry[SERIALIZER_ADDED] = true;
  expect.addSnapshotSerializer({
    test: (val: unknown) => typeof val === 'string' && ASSET_HASH.test(val),
    serialize: (val: string, config, indentation, depth, refs, printer) =>
      printer(val.replace(ASSET_HASH, '[ASSET-HASH]'), config, indentation, depth, refs),
  });
}

afterAll(removeOutdirs);
