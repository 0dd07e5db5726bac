/**
 * Conventions of the source tree that no linter checks:
 * - test files import helpers and fixtures only from `test/support/`, so a fixture has one home
 *   and the test tree mirrors the source tree;
 * - code comments say why, not which ticket: no issue numbers in the sources.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, relativeImports, sourceFiles } from './support/imports';

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

describe('sources', () => {
  const TICKET = /\bissues? #\d+|(?:^|[\s(])#\d+ §\d/i;

  it('name no ticket (issue #n, #n §m): a comment says why, the history says which ticket', () => {
    const offenders = ['lambda', 'lib', 'bin', 'bench', 'test']
      .flatMap((dir) => sourceFiles(dir))
      .filter((file) => !file.startsWith('test/fixtures/'))
      .flatMap((file) =>
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => (TICKET.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });

  it('would catch the forms seen before', () => {
    // Written with N for the hash sign so that this file does not name a ticket itself.
    const caught = [
      ' * The views (issue N5 §6), with',
      '// Seeds (Issue N3): commit',
      'rows of issues N3, N4',
    ];
    for (const line of caught.map((l) => l.replaceAll('N', '#'))) expect(TICKET.test(line), line).toBe(true);
    for (const line of [
      'RFC 8785 §3.2.3',
      'amazon-connect-streams#294',
      "sk: 'listen-2025-03#3'",
      'transparency §7',
    ]) {
      expect(TICKET.test(line), line).toBe(false);
    }
  });
});
