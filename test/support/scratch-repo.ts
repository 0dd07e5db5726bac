/** Throw-away repositories for the tests of the documentation checks. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Call at the top of a test file: returns a maker of repositories, each a fresh folder holding
 * `files` (path → text), all removed after the file's tests.
 */
export function scratchRepos(prefix: string): (files: Record<string, string>) => string {
  const tmp = mkdtempSync(join(tmpdir(), `fairlisten-${prefix}-`));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  return (files) => {
    const root = mkdtempSync(join(tmp, 'repo-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    return root;
  };
}
