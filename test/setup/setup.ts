import { expect } from 'vitest';

/**
 * Snapshots must change only when the template does: asset hashes (64 hex) and the
 * checkout-dependent asset paths are replaced before comparison.
 */
const ASSET_HASH = /[0-9a-f]{64}/g;

expect.addSnapshotSerializer({
  test: (val: unknown) => typeof val === 'string' && ASSET_HASH.test(val),
  serialize: (val: string, config, indentation, depth, refs, printer) =>
    printer(val.replace(ASSET_HASH, '[ASSET-HASH]'), config, indentation, depth, refs),
});
