import { fileURLToPath } from 'node:url';

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
  /** The runtime ships AWS SDK v3; bundling it would only grow the package. */
  external: ['@aws-sdk/*'],
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
