// @ts-check
/**
 * The CI-sized mutation run (`npm run mutation:ci`): the sampler's decision and its pacing, against
 * their own tests only (MUTATION_TESTS in package.json), failing below `thresholds.break`. Why these
 * two and why it is or is not in .ci/run: docs/compliance/mutation-testing.md#ci.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['lambda/core/decision.ts', 'lambda/core/pacing.ts'],
  htmlReporter: { fileName: 'reports/mutation/mutation-ci.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation-ci.json' },
  // Both modules scored 100 %; a new untested branch or a weakened test fails the run.
  thresholds: { ...base.thresholds, break: 95 },
};
