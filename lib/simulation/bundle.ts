/**
 * The sampler the simulation runs is the deployed one: the handler bundled by esbuild with the
 * options the CDK uses (`LAMBDA_BUNDLE`), or — with `fromCdkOut` — the exact asset `cdk synth` wrote.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions, PROJECT_ROOT } from '../constructs/bundling';
import { ROLE_METADATA_KEY } from '../constructs/roles';

export interface BundledHandler {
  /** The bundle file (index.mjs). */
  readonly file: string;
  /** Temporary directory to remove afterwards, when the bundle was built here. */
  readonly tempDir?: string;
  readonly source: 'esbuild' | 'cdk.out';
}

/**
 * Bundles `lambda/<fn>/handler.ts` into a temporary directory, as deployed (the pinned SDK inside).
 * `sdkExternal` leaves the AWS SDK out, for the benchmark's comparison only; a `node_modules` link
 * to the project's then lets Node resolve it.
 */
export async function bundleHandler(
  fn: string,
  options: { sdkExternal?: boolean } = {},
): Promise<BundledHandler> {
  const dir = await mkdtemp(join(tmpdir(), `fairlisten-${fn}-`));
  const file = join(dir, 'index.mjs');
  await build({ ...esbuildOptions(fn, file), ...(options.sdkExternal ? { external: ['@aws-sdk/*'] } : {}) });
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { file, tempDir: dir, source: 'esbuild' };
}

/**
 * The bundle of `lambda/<fn>/handler.ts`: taken from `prebuilt` (a directory holding
 * `<fn>/index.mjs`, as `bundleAllHandlers` writes it with the same options) when given, else bundled
 * from the source into a temporary directory.
 */
export async function simulationBundle(fn: string, prebuilt: string | undefined): Promise<BundledHandler> {
  if (prebuilt === undefined) return bundleHandler(fn);
  const file = join(prebuilt, fn, 'index.mjs');
  if (!existsSync(file)) throw new Error(`no bundle of ${fn} in ${prebuilt} (expected ${file})`);
  return { file, source: 'esbuild' };
}

/**
 * The synthesized asset of function `fn` in a cloud assembly (found through the `fairlisten:role`
 * metadata and the asset path CDK records), or undefined when there is none.
 */
export function cdkOutAsset(fn: string, cdkOut = join(PROJECT_ROOT, 'cdk.out')): BundledHandler | undefined {
  const manifestFile = join(cdkOut, 'manifest.json');
  if (!existsSync(manifestFile)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    artifacts?: Record<string, { type?: string; properties?: { templateFile?: string } }>;
  };
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    const templateFile = artifact.properties?.templateFile;
    if (artifact.type !== 'aws:cloudformation:stack' || !templateFile) continue;
    const template = JSON.parse(readFileSync(join(cdkOut, templateFile), 'utf8')) as {
      Resources?: Record<string, { Type?: string; Metadata?: Record<string, unknown> }>;
    };
    for (const resource of Object.values(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      if (resource.Metadata?.[ROLE_METADATA_KEY] !== `function:${fn}`) continue;
      const assetPath = resource.Metadata['aws:asset:path'];
      if (typeof assetPath !== 'string') continue;
      const file = join(cdkOut, assetPath, 'index.mjs');
      if (existsSync(file)) return { file, source: 'cdk.out' };
    }
  }
  return undefined;
}
