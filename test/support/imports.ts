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

/** Relative imports of `file` (repository-relative) that resolve outside `allowedDir`. */
export function importsOutside(
  file: string,
  allowedDir: string,
  source = readFileSync(join(ROOT, file), 'utf8'),
) {
  return importSpecifiers(source)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)))
    .filter((target) => !(target === allowedDir || target.startsWith(`${allowedDir}/`)));
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
