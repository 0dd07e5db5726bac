import fc from 'fast-check';

/**
 * Mutation runs only (vitest.mutation.config.mts): a property that fails has killed the mutant, so
 * fast-check stops at the first counterexample instead of shrinking it. Shrinking a broken draw or
 * period took minutes per mutant; what fails, and which runs are tried before, stays the same.
 */
fc.configureGlobal({ endOnFailure: true });
