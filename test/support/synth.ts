import { rmSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { buildApp } from '../../lib/app';
import { defaultPolicy } from '../../lib/policy/load';
import type { RecordingPolicyInput } from '../../lib/policy/schema';
import type { FairlistenStack } from '../../lib/stacks/fairlisten-stack';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Builds the stack for a policy (defaults overridden) without the nag plugins; cleans up after the
 * file. Bundling the functions is skipped unless asked for: it is slow, changes no property these
 * tests assert, and the stack test bundles for real.
 */
export function synthStack(
  overrides: Partial<RecordingPolicyInput> = {},
  options: { bundle?: boolean } = {},
): {
  stack: FairlistenStack;
  template: Template;
} {
  const { app, stack } = buildApp(defaultPolicy(overrides), {
    nag: false,
    appProps: options.bundle ? undefined : { context: { 'aws:cdk:bundling-stacks': [] } },
  });
  outdirs.push(app.outdir);
  return { stack, template: Template.fromStack(stack) };
}
