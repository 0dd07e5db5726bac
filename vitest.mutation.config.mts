import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant (`npm run mutation`): the pure core's unit tests and the
 * verifiers' tests. Handler, construct and simulation tests are left out: they start servers and
 * bundle code, so a mutant would cost seconds instead of milliseconds, and the core's own tests are
 * the ones that must catch its mistakes. `wav-ffmpeg` is left out because it spawns ffmpeg for every
 * case (it checks WAV files against an independent decoder, not the core's boundaries).
 */
// MUTATION_TESTS=<file,…> narrows the selection for a quick run (npm run mutation:ci); a narrower
// selection can only kill fewer mutants, so its score is never better than the full selection's.
const only = process.env.MUTATION_TESTS?.split(',').filter(Boolean);

export default defineConfig({
  test: {
    include: only?.length
      ? only
      : [
          'test/lambda/core/**/*.test.ts',
          'test/lib/verify/**/*.test.ts',
          'test/lib/cli/audit.test.ts',
          'test/lib/cli/verify.test.ts',
        ],
    exclude: ['test/lambda/core/wav-ffmpeg.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    setupFiles: ['test/setup/setup.ts', 'test/setup/mutation.ts'],
    allowOnly: false,
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
