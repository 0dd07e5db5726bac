/**
 * Test files import helpers and fixtures only from `test/support/`, so a fixture has one home and
 * the test tree mirrors the source tree.
 */
import { describe, expect, it } from 'vitest';
import { relativeImports, sourceFiles } from './support/imports';

describe('tests', () => {
  it('import helpers and fixtures only from test/support', () => {
    const offenders = sourceFiles('test').flatMap((file) =>
      relativeImports(file)
        .filter((target) => target.startsWith('test/') && !target.startsWith('test/support/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('would catch a test importing a helper from beside another test', () => {
    const beside = '../views/listening-fixtures';
    const source = `import { x } from '${beside}';`;
    expect(relativeImports('test/lambda/plans/coaching.test.ts', source)).toEqual([
      'test/lambda/views/listening-fixtures',
    ]);
  });
});
