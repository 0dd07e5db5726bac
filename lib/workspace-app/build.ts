/**
 * Builds the agent workspace app (app/) into a static directory: app.js and callback.js bundled
 * and minified by esbuild (the SDK packages inside), the HTML pages and the style sheet copied.
 * The stack bundles it this way at synth time; the local run and the browser tests serve it.
 * `config.json` is not written here: it comes from the deployment (stack outputs) or the local run.
 */
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export const APP_SOURCE = fileURLToPath(new URL('../../app/', import.meta.url));
const STATIC_FILES = ['index.html', 'callback.html', 'app.css'] as const;

export interface BuiltApp {
  readonly dir: string;
  /** Bytes of each built file. */
  readonly sizes: Readonly<Record<string, number>>;
}

/** Builds the app into `outDir` (synchronously: CDK's local bundling cannot wait). */
export function buildApp(outDir: string): BuiltApp {
  mkdirSync(outDir, { recursive: true });
  buildSync({
    entryPoints: { app: join(APP_SOURCE, 'src/main.ts'), callback: join(APP_SOURCE, 'callback.ts') },
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari17'],
    platform: 'browser',
    legalComments: 'none',
    logLevel: 'silent',
  });
  for (const f of STATIC_FILES) copyFileSync(join(APP_SOURCE, f), join(outDir, f));
  const sizes: Record<string, number> = {};
  for (const f of ['app.js', 'callback.js', ...STATIC_FILES]) sizes[f] = statSync(join(outDir, f)).size;
  return { dir: outDir, sizes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? 'dist/app';
  const built = buildApp(out);
  console.log(`built the workspace app into ${out}: ${JSON.stringify(built.sizes)}`);
}
