/** Every link of README.md and docs/ resolves inside the repository; the checker catches each way one can break. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../lib/docs/generated';
import { checkLinks, documentationFiles, headingAnchors, unreachableDocs } from '../../../lib/docs/links';
import { scratchRepos } from '../../support/scratch-repo';

const repo = scratchRepos('links');
const problems = (files: Record<string, string>) =>
  checkLinks(repo(files)).map((p) => `${p.file}:${p.line} ${p.target}: ${p.problem}`);

describe('the repository docs', () => {
  it('cover README.md and every Markdown file under docs/', () => {
    const files = documentationFiles(ROOT);
    expect(files[0]).toBe('README.md');
    for (const f of [
      'docs/operators/README.md',
      'docs/compliance/README.md',
      'docs/compliance/algorithm-v1.md',
      'docs/api/README.md',
      'docs/staff-representatives/guide.fr.md',
      'docs/developers/README.md',
    ])
      expect(files).toContain(f);
  });

  it('link only to files and headings of this repository', () => {
    const found = checkLinks(ROOT).map((p) => `${p.file}:${p.line} ${p.target}: ${p.problem}`);
    expect(found, found.join('\n')).toEqual([]);
  });

  it('README stays short and links each audience index', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(150);
    for (const audience of ['operators', 'compliance', 'api', 'staff-representatives', 'developers'])
      expect(readme).toContain(`](docs/${audience}/README.md)`);
  });

  it('are all reachable from README.md through the audience indexes', () => {
    const orphans = unreachableDocs(ROOT);
    expect(
      orphans,
      `not linked from any page reachable from README.md — link each from its audience index (docs/<audience>/README.md): ${orphans.join(', ')}`,
    ).toEqual([]);
  });
});

describe('the link checker', () => {
  const ok = { 'docs/a.md': '# Title\n\n## The lottery: `verify`\n\n## Seed rotation, or a missing seed\n' };

  it('accepts relative files, directories and GitHub heading anchors', () => {
    expect(
      problems({
        ...ok,
        'README.md':
          '[a](docs/a.md) [dir](docs/) [h](docs/a.md#the-lottery-verify) [h2](docs/a.md#seed-rotation-or-a-missing-seed) [self](#x)\n\n## x\n',
      }),
    ).toEqual([]);
  });

  it('refuses links to the web, to ../shared and out of the repository', () => {
    expect(
      problems({
        ...ok,
        'README.md': [
          '[web](https://example.org/page)',
          '[shared](../shared/seed/cse-opinion-calabrio.en.md)',
          'see `../shared/seed/x.md` or /work/shared/ARCHITECTURE.md',
          '[up](docs/../../outside.md)',
          '[abs](/etc/passwd)',
          '<https://example.org>',
          'bare https://example.org/x here',
          '[ref]: http://example.org',
          '[mail](mailto:dpo@example.org)',
        ].join('\n'),
      }),
    ).toEqual([
      'README.md:1 https://example.org/page: links outside the repository',
      'README.md:2 ../shared/seed: refers to the shared folder outside the repository',
      'README.md:2 ../shared/seed/cse-opinion-calabrio.en.md: points outside the repository',
      'README.md:3 ../shared/seed: refers to the shared folder outside the repository',
      'README.md:3 /work/shared: refers to the shared folder outside the repository',
      'README.md:4 docs/../../outside.md: points outside the repository',
      'README.md:5 /etc/passwd: absolute path: link relative to the file instead',
      'README.md:6 https://example.org: links outside the repository',
      'README.md:7 https://example.org/x: links outside the repository',
      'README.md:8 http://example.org: links outside the repository',
      'README.md:9 mailto:dpo@example.org: links outside the repository',
    ]);
  });

  it('refuses missing files and missing headings', () => {
    expect(
      problems({
        ...ok,
        'README.md': '[gone](docs/gone.md)\n[h](docs/a.md#no-such-heading)\n[h](docs/#x)',
        'docs/b.md': '[up](../README.md#nowhere)',
      }),
    ).toEqual([
      'README.md:1 docs/gone.md: no such file: docs/gone.md',
      'README.md:2 docs/a.md#no-such-heading: no heading #no-such-heading in docs/a.md',
      'README.md:3 docs/#x: an anchor into something that is not a Markdown file',
      'docs/b.md:1 ../README.md#nowhere: no heading #nowhere in README.md',
    ]);
  });

  it('finds docs no chain of links from README.md reaches', () => {
    const root = repo({
      'README.md': '[ops](docs/ops/README.md)',
      'docs/ops/README.md': '[deploy](deploy.md#x) [web](https://example.org)',
      'docs/ops/deploy.md': '# x\n[back](../../README.md)',
      'docs/ops/orphan.md': '[deploy](deploy.md)',
      'docs/api/README.md': '',
    });
    expect(unreachableDocs(root)).toEqual(['docs/api/README.md', 'docs/ops/orphan.md']);
  });

  it('accepts an in-repository ../shared/ path in text (lambda/<fn>/ → lambda/shared/)', () => {
    expect(problems({ 'README.md': '`lambda/privacy/privacy.ts` imports `../shared/http`.\n' })).toEqual([]);
  });

  it('ignores what is inside code, and numbers repeated headings as GitHub does', () => {
    expect(
      problems({ 'README.md': '```sh\ncurl https://example.org/[x](y)\n```\n`[a](missing.md)`\n' }),
    ).toEqual([]);
    expect([...headingAnchors('# A\n## A\n## A\n```\n# not a heading\n```\n## Où, déjà ?')]).toEqual([
      'a',
      'a-1',
      'a-2',
      'où-déjà-',
    ]);
  });
});
