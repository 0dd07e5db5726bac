/**
 * The docs that are generated from code, so they cannot drift from it: each entry renders the file (or its
 * generated part) from the registry it documents. `npm run docs` writes them; a test fails when a committed
 * file differs from what the code renders.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_DOC_FILE, withConfigTable } from '../policy/config-table';
import { renderConcernMatrix } from './concern-matrix';
import { renderRouteMatrix } from './route-matrix';

/** Root of this checkout. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface GeneratedDoc {
  /** Path relative to the checkout. */
  readonly file: string;
  /** The file's content as the code renders it, given its current content (undefined when absent). */
  render(current: string | undefined): string;
}

export const GENERATED_DOCS: readonly GeneratedDoc[] = [
  {
    file: CONFIG_DOC_FILE,
    render: (current) => {
      if (current === undefined)
        throw new Error(`${CONFIG_DOC_FILE} is missing (it holds the table's markers)`);
      return withConfigTable(current);
    },
  },
  { file: 'docs/compliance/matrix.md', render: () => renderConcernMatrix() },
  { file: 'docs/api/routes.md', render: () => renderRouteMatrix(ROOT) },
];

export interface DocState {
  readonly file: string;
  readonly current: string | undefined;
  readonly expected: string;
}

/** Every generated doc: what is committed and what the code renders. */
export function docStates(root = ROOT, docs = GENERATED_DOCS): DocState[] {
  return docs.map((d) => {
    const path = join(root, d.file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    return { file: d.file, current, expected: d.render(current) };
  });
}

/** Writes the stale ones; returns their paths. */
export function writeDocs(root = ROOT, docs = GENERATED_DOCS): string[] {
  const stale = docStates(root, docs).filter((s) => s.current !== s.expected);
  for (const s of stale) writeFileSync(join(root, s.file), s.expected);
  return stale.map((s) => s.file);
}
