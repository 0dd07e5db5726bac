import { describe, expect, it } from 'vitest';
import {
  mutationSection,
  rowsWithoutReport,
  scoresOf,
  scoresTable,
  TABLE_END,
  TABLE_START,
  withScores,
} from '../../bench/mutation';

const at = (line: number) => ({ start: { line } });
const report = {
  files: {
    'lambda/core/a.ts': {
      mutants: [
        ...Array.from({ length: 7 }, () => ({
          status: 'Killed',
          mutatorName: 'EqualityOperator',
          location: at(1),
        })),
        { status: 'Timeout', mutatorName: 'UpdateOperator', location: at(2) },
        { status: 'Survived', mutatorName: 'ConditionalExpression', location: at(30) },
        { status: 'NoCoverage', mutatorName: 'BlockStatement', location: at(41) },
        { status: 'Ignored', mutatorName: 'ArithmeticOperator', location: at(5) },
        { status: 'CompileError', mutatorName: 'BooleanLiteral', location: at(6) },
        { status: 'RuntimeError', mutatorName: 'BooleanLiteral', location: at(7) },
      ],
    },
  },
};

describe('mutation scores in bench/results.md', () => {
  it("scores a file Stryker's way: (killed + timed out) ÷ (those + survived + not covered); errors and ignored left out", () => {
    const [s] = scoresOf(report, 'a.json', new Date('2026-12-02T08:00:00Z'));
    expect(s).toMatchObject({
      file: 'lambda/core/a.ts',
      killed: 7,
      timeout: 1,
      survived: 1,
      noCoverage: 1,
      ignored: 1,
      errors: 2,
      score: 80,
      undetected: ['30 ConditionalExpression', '41 BlockStatement (not covered)'],
    });
    expect(scoresTable([s!])).toContain('| `lambda/core/a.ts` | **80.00 %** | 7 | 1 | 1 | 1 | 1 |');
  });

  const results = [
    '# fairlisten benchmarks',
    '',
    '## redact',
    '',
    '| figure |',
    '',
    '## mutation',
    '',
    'Written by hand: the settings.',
    '',
    TABLE_START,
    '| old table |',
    TABLE_END,
    '',
    'More prose.',
    '',
    '## listening',
    '',
    '| figure |',
    '',
  ].join('\n');

  it('finds the mutation section up to the next heading, wherever it is', () => {
    expect(mutationSection(results)).toBe(
      [
        '## mutation',
        '',
        'Written by hand: the settings.',
        '',
        TABLE_START,
        '| old table |',
        TABLE_END,
        '',
        'More prose.',
      ].join('\n'),
    );
    expect(mutationSection('# x\n\n## mutation\n\nlast\n')).toBe('## mutation\n\nlast');
    expect(mutationSection('# x\n\n## mutations of something else\n')).toBeUndefined();
  });

  it('replaces only the generated table, keeping the prose and the other sections', () => {
    const out = withScores(results, '| new table |');
    expect(out).toBe(results.replace('| old table |', '| new table |'));
    // `$&` in a table is text, not a replacement pattern.
    expect(withScores(results, '| $& |')).toContain('\n| $& |\n');
  });

  it('keeps the rows of files no report here measured, in file order, and replaces the others', () => {
    const [a] = scoresOf(report, 'a.json', new Date('2026-12-02T08:00:00Z'));
    const old = results.replace(
      '| old table |',
      [
        '| file | … |',
        '| --- | … |',
        '| `lambda/core/a.ts` | 10.00 % |',
        '| `lambda/core/z.ts` | 95.00 % |',
        '| `lambda/core/0.ts` | 91.00 % |',
      ].join('\n'),
    );
    const kept = rowsWithoutReport(old, [a!]);
    expect(kept).toEqual(['| `lambda/core/z.ts` | 95.00 % |', '| `lambda/core/0.ts` | 91.00 % |']);
    const rows = scoresTable([a!], kept).split('\n').slice(2);
    expect(rows.map((r) => r.split(' | ')[0])).toEqual([
      '| `lambda/core/0.ts`',
      '| `lambda/core/a.ts`',
      '| `lambda/core/z.ts`',
    ]);
    expect(rows[1]).toContain('**80.00 %**');
    expect(rowsWithoutReport('# no section\n', [a!])).toEqual([]);
  });

  it('adds the section and its markers when the file has none', () => {
    expect(withScores('# b\n\n## redact\n', '| t |')).toBe(
      `# b\n\n## redact\n\n## mutation\n\n${TABLE_START}\n| t |\n${TABLE_END}\n`,
    );
  });
});
