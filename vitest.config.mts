import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Child processes (dynalite, s3rver, esbuild, ffmpeg and Chromium run in them or beside them).
    pool: 'forks',
    // Vitest's default on 2 cores is one worker (cores − 1); the tests wait on servers and child
    // processes often enough that two keep both cores busy.
    maxWorkers: 2,
    // A worker keeps its module graph between test files: aws-cdk-lib, the AWS SDK and zod are
    // imported (and aws-cdk-lib's lazily loaded modules compiled) once per worker instead of once per
    // file, and the default test stack (test/support/synth.ts) is built once per worker. Isolated,
    // every construct test file paid that again (the construct, deploy and stack tests took 200 s of
    // CPU isolated, 45 s shared). Test files restore what they change (environment, SDK mocks, spies);
    // per-file clean-up runs from the setup file.
    isolate: false,
    // One scratch directory per run for fixtures built once for all workers (test/support/assembly.ts).
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/setup.ts'],
    allowOnly: false,
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
