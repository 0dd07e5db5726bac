// @ts-check
/**
 * Mutation testing of the pure core and the verifiers (`npm run mutation`); the settings and what is
 * excluded are explained in docs/compliance/mutation-testing.md. One module at a time:
 *   npm run mutation -- --mutate lambda/core/decision.ts
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
// A run over one module names its report after it: MUTATION_REPORT=decision npm run mutation -- --mutate …
const report = process.env.MUTATION_REPORT ?? 'mutation';

export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.mts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'lambda/core/**/*.ts',
    'lib/verify/**/*.ts',
    'lib/cli/audit.ts',
    // `fairlisten verify`'s own code: which check runs, and the exit code that says whether it passed.
    'lib/cli/verify.ts',
    // Types and the canonical JSON helper only (covered through the audit chain); see the doc.
    '!lambda/core/**/*.d.ts',
  ],
  // String literals here are error messages and names; the ones that carry meaning (reasons, kinds,
  // outcomes) are typed unions that the tests compare by value. Left out to fit the machine.
  mutator: { excludedMutations: ['StringLiteral'] },
  // Only the mutants a test reaches run, and only the tests that reach them.
  coverageAnalysis: 'perTest',
  // Module-level constants (tables, regexes) would re-run the whole suite per mutant.
  ignoreStatic: true,
  // The machine has 2 cores shared by several people.
  concurrency: 1,
  timeoutMS: 20_000,
  // The first, unmutated run of every selected test takes minutes when the machine is busy.
  dryRunTimeoutMinutes: 30,
  timeoutFactor: 2,
  checkers: [],
  // Stryker rewrites tsconfig paths with the TypeScript JS API, which TypeScript 7 (native) no longer
  // has; our tsconfig has no `extends` or `references` to rewrite, so point it at no file.
  tsconfigFile: 'no-tsconfig-rewrite.json',
  tempDirName: 'reports/.stryker-tmp',
  cleanTempDir: 'always',
  incremental: false,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  thresholds: { high: 90, low: 80, break: null },
};
