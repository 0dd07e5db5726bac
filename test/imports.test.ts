/**
 * The layering rules, checked on the import statements of the source tree:
 * - a test file imports test helpers and fixtures only from `test/support/`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every `.ts`/`.mts` file under `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.m?ts$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The relative module specifiers a file imports (static, dynamic, `export … from`), resolved. */
function relativeImports(file: string, text = readFileSync(join(ROOT, file), 'utf8')): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    // Code only: not a comment, not a string literal that quotes an import.
    if (/^\s*(\/\/|\*|\/\*|['"`])/.test(line)) continue;
    for (const m of line.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      found.push(relative(ROOT, resolve(ROOT, dirname(file), m[1]!)));
    }
  }
  return found;
}

describe('relativeImports', () => {
  it('finds static, dynamic and re-export imports, resolved from the importing file', () => {
    const text = [
      "import { a } from '../shared/http';",
      "import type { B } from './b';",
      "export { c } from '../../core/c';",
      "const d = await import('../d');",
      "import 'node:fs';",
    ].join('\n');
    expect(relativeImports('lambda/views/views.ts', text)).toEqual([
      'lambda/shared/http',
      'lambda/views/b',
      'core/c',
      'lambda/d',
    ]);
  });
});

describe('tests', () => {
  it('import helpers and fixtures only from test/support', () => {
    const offenders = sources('test').flatMap((file) =>
      relativeImports(file)
        .filter((target) => target.startsWith('test/'))
        .filter((target) => !target.startsWith('test/support/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });
});
