/**
 * The default app's cloud assembly, synthesized ONCE per test run and shared by every test file and
 * worker: what `cdk synth` writes for the default policy (functions and workspace app bundled, the
 * functions from the run's shared bundles), without the cdk-nag validation plugins. A bundled synth costs seconds of CPU; the compliance report, the
 * `report` and `start` commands and the fingerprint tests all read the same files.
 *
 *   const dir = synthesizedAssembly();                  // the cdk.out directory
 *   const template = synthesizedTemplate();             // aws-cdk-lib/assertions Template of a stack
 *   const json = synthesizedTemplateJson('Fairlisten'); // its parsed JSON (a fresh copy every call)
 *
 * The directory is READ-ONLY for tests: copy it (`cpSync`) or the parsed JSON (`structuredClone`)
 * before changing anything, and write outputs elsewhere. A test that needs the construct objects
 * (`stack.audit`, `getLogicalId`) or another policy keeps `synthStack` (test/support/synth.ts).
 *
 * Built once per run by the first file that asks, under a lock (test/support/run-fixtures.ts); the
 * other workers wait for it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { PREBUILT_BUNDLES_CONTEXT } from '../../lib/constructs/bundling';
import { defaultPolicy } from '../../lib/policy/load';
import { buildOnce, runDir, sharedBundles } from './run-fixtures';

/** The stack id of the default policy's stack (no stage). */
export const DEFAULT_STACK = 'Fairlisten';

const templates = new Map<string, string>();

/** The shared cloud assembly directory of the default app (bundled, no cdk-nag plugins); read-only. */
export function synthesizedAssembly(): string {
  return buildOnce(join(runDir(), 'assembly-default'), (into) => {
    const { app } = buildApp(defaultPolicy(), {
      nag: false,
      appProps: { outdir: into, context: { [PREBUILT_BUNDLES_CONTEXT]: sharedBundles() } },
    });
    app.synth();
  });
}

/** The parsed template of `stackName` in the shared assembly: a fresh copy the caller may change. */
export function synthesizedTemplateJson(stackName = DEFAULT_STACK): Record<string, unknown> {
  let text = templates.get(stackName);
  if (text === undefined) {
    text = readFileSync(join(synthesizedAssembly(), `${stackName}.template.json`), 'utf8');
    templates.set(stackName, text);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/** `Template.fromJSON` of `stackName` in the shared assembly, for `hasResourceProperties` and friends. */
export function synthesizedTemplate(stackName = DEFAULT_STACK): Template {
  return Template.fromJSON(synthesizedTemplateJson(stackName));
}
