/** The docs generated from code are committed as the code renders them, and cover every registry entry. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderConcernMatrix } from '../../../lib/docs/concern-matrix';
import { docStates, GENERATED_DOCS, writeDocs } from '../../../lib/docs/generated';
import { CHECKS } from '../../../lib/report/checks';
import { CONCERN_DESCRIPTIONS } from '../../../lib/report/concerns';
import { type Check, CONCERNS } from '../../../lib/report/types';

const tmp = mkdtempSync(join(tmpdir(), 'fairlisten-docs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('generated docs', () => {
  it.each(docStates().map((s) => [s.file, s] as const))('%s is what the code generates', (file, s) => {
    expect(s.current, `${file} is missing: run \`npm run docs\``).toBeDefined();
    expect(
      s.current === s.expected,
      `${file} differs from what the code generates: run \`npm run docs\``,
    ).toBe(true);
  });

  it('npm run docs rewrites a stale or missing file, and then nothing is stale', () => {
    for (const d of GENERATED_DOCS) {
      mkdirSync(dirname(join(tmp, d.file)), { recursive: true });
      writeFileSync(join(tmp, d.file), readFileSync(d.file, 'utf8'));
    }
    const config = GENERATED_DOCS[0]!.file;
    const edited = readFileSync(join(tmp, config), 'utf8').replace(
      '| `samplingRate` | `0.2` |',
      '| `samplingRate` | `0.5` |',
    );
    writeFileSync(join(tmp, config), edited);
    rmSync(join(tmp, 'docs/compliance/matrix.md'));
    expect(
      docStates(tmp)
        .filter((s) => s.current !== s.expected)
        .map((s) => s.file),
    ).toEqual([config, 'docs/compliance/matrix.md']);
    expect(writeDocs(tmp).sort()).toEqual([config, 'docs/compliance/matrix.md'].sort());
    expect(readFileSync(join(tmp, config), 'utf8')).toContain('| `samplingRate` | `0.2` |');
    expect(docStates(tmp).every((s) => s.current === s.expected)).toBe(true);
  });

  it('the configuration page must keep its markers', () => {
    const config = GENERATED_DOCS[0]!.file;
    writeFileSync(join(tmp, config), '# Configuration\n\nno table here\n');
    expect(() => docStates(tmp)).toThrow(/has no config-table markers/);
  });
});

describe('the concern → check matrix', () => {
  it('describes every concern exactly once', () => {
    expect(CONCERN_DESCRIPTIONS.map((d) => d.id)).toEqual([...CONCERNS]);
  });

  it('lists every registered check under its concern and the concerns it answers in part', () => {
    const matrix = renderConcernMatrix();
    const rowOf = (concern: string) => matrix.split('\n').find((l) => l.startsWith(`| ${concern} |`))!;
    for (const c of CHECKS) {
      expect(rowOf(c.concern)).toContain(`\`${c.id}\``);
      for (const also of c.alsoConcerns ?? []) expect(rowOf(also)).toContain(`\`${c.id}\``);
      expect(matrix).toContain(`| \`${c.id}\` | ${c.concern} |`);
    }
    expect(rowOf('C10')).toContain('`ASSIGNMENT-RULE`');
  });

  it('a check added to the registry appears without editing the docs', () => {
    const extra: Check = {
      id: 'NEW-CHECK',
      title: 'A check with a | in its title',
      concern: 'C9',
      alsoConcerns: ['C3'],
      run: () => ({ problems: [], evidence: [] }),
    };
    const matrix = renderConcernMatrix([...CHECKS, extra]);
    expect(matrix).not.toBe(renderConcernMatrix());
    expect(matrix.split('\n').find((l) => l.startsWith('| C9 |'))).toMatch(/`NEW-CHECK` \|/);
    expect(matrix.split('\n').find((l) => l.startsWith('| C3 |'))).toContain('`NEW-CHECK`');
    expect(matrix).toContain('| `NEW-CHECK` | C9 | C3 | A check with a \\| in its title |');
  });
});
