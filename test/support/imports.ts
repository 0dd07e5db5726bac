import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { buildSync } from 'esbuild';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Every .ts file under `dir` (relative to the repository root), recursively, sorted. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f))
    .sort();
}

/** Module specifiers of static imports and re-exports, dynamic imports and requires in `source`. */
export function importSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1]!));
}

/** The relative imports of `file` (repository-relative), resolved to repository-relative paths. */
export function relativeImports(file: string, source = readFileSync(join(ROOT, file), 'utf8')): string[] {
  return importSpecifiers(source)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

/** Relative imports of `file` (repository-relative) that resolve outside `allowedDir`. */
export function importsOutside(
  file: string,
  allowedDir: string,
  source = readFileSync(join(ROOT, file), 'utf8'),
) {
  return relativeImports(file, source).filter(
    (target) => !(target === allowedDir || target.startsWith(`${allowedDir}/`)),
  );
}

/**
 * The folder under `lambda/` a repository-relative path belongs to (`shared`, `core` or a
 * function's folder), or undefined outside `lambda/`.
 */
export const lambdaFolderOf = (path: string): string | undefined => /^lambda\/([^/]+)\//.exec(path)?.[1];

/**
 * Imports of a `lambda/` file that cross into another function's folder: a function folder may
 * import only its own files, `shared/` and `core/`; `shared/` only itself and `core/`; `core/`
 * only itself.
 */
export function crossFunctionImports(file: string, source?: string): string[] {
  const from = lambdaFolderOf(file);
  const allowed = new Set(
    from === 'core' ? ['core'] : from === 'shared' ? ['shared', 'core'] : [from, 'shared', 'core'],
  );
  return relativeImports(file, source).filter((target) => {
    const to = lambdaFolderOf(target);
    return to !== undefined && !allowed.has(to);
  });
}

/**
 * The packages `entry`'s module graph imports (first-party files followed, packages not entered),
 * with the project file that imports each: what loading `entry` loads besides our own code.
 */
export function packagesImportedBy(entry: string): Map<string, string[]> {
  const result = buildSync({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  const found = new Map<string, string[]>();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    for (const imp of input.imports) {
      if (!imp.external || imp.path.startsWith('node:')) continue;
      found.set(imp.path, [...(found.get(imp.path) ?? []), file]);
    }
  }
  return found;
}
