import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/** Repository root, found from this module rather than the current directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a handler module under lambda/. */
export const handlerEntry = (fn: string): string => `${PROJECT_ROOT}lambda/${fn}/handler.ts`;

/**
 * esbuild settings shared by every function: the CDK bundles with them, and the local harness
 * bundles with them too, so the simulation runs the code that is deployed.
 * Target node20 so one bundle runs both on the Lambda runtime and on the developer machine.
 */
export const LAMBDA_BUNDLE = {
  target: 'node20',
  format: 'esm',
  platform: 'node',
  minify: true,
  sourcemap: false,
  /**
   * Nothing external: the pinned AWS SDK clients are bundled (tree-shaken, minified), so the code
   * that runs on Lambda is the code the tests and the simulation ran, not whatever SDK version
   * the runtime happens to ship.
   */
  external: [] as string[],
  /** ESM bundles still meet CommonJS dependencies that call require(). */
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  mainFields: ['module', 'main'],
} as const;

/** esbuild options that bundle `lambda/<fn>/handler.ts` into `outfile` the way it is deployed. */
export function esbuildOptions(fn: string, outfile: string) {
  return {
    entryPoints: [handlerEntry(fn)],
    outfile,
    bundle: true,
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    platform: LAMBDA_BUNDLE.platform,
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourcemap,
    external: [...LAMBDA_BUNDLE.external],
    banner: { js: LAMBDA_BUNDLE.banner },
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    logLevel: 'silent' as const,
  };
}

/** Every function folder under lambda/ that has a handler. */
export function handlerDirs(): string[] {
  return readdirSync(join(PROJECT_ROOT, 'lambda'))
    .filter((d) => existsSync(handlerEntry(d)))
    .sort();
}

/**
 * App context key: a directory of handler bundles that `bundleAllHandlers` already wrote
 * (`<dir>/<fn>/index.mjs`), which a bundled synthesis takes as its functions' assets instead of
 * bundling the source again. The tests set it so that every bundled synthesis of a run (and every
 * simulated month) shares one esbuild run; `cdk synth` and `npm start` leave it unset.
 */
export const PREBUILT_BUNDLES_CONTEXT = 'fairlisten:prebuiltBundles';

const bundled = new Set<string>();

/**
 * Bundles every handler (or only `fns`) into `outdir/<fn>/index.mjs` in ONE esbuild run (once per
 * outdir, selection and process): the SDK's modules are parsed once for all functions instead of once per
 * function. Each output is still self-contained (no code splitting), as a Lambda asset must be.
 */
export function bundleAllHandlers(outdir: string, fns: readonly string[] = handlerDirs()): void {
  const key = `${outdir}\0${fns.join(',')}`;
  if (bundled.has(key)) return;
  const {
    outfile: _unused,
    entryPoints: _entries,
    ...options
  } = esbuildOptions('sampler', join(outdir, 'x'));
  buildSync({
    ...options,
    entryPoints: Object.fromEntries(fns.map((fn) => [`${fn}/index`, handlerEntry(fn)])),
    outdir,
    outExtension: { '.js': '.mjs' },
  });
  bundled.add(key);
}
