import { rmSync } from 'node:fs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { type BuildOptions, buildApp } from '../../lib/app';
import { ROLE_METADATA_KEY } from '../../lib/constructs/roles';
import { defaultPolicy } from '../../lib/policy/load';
import type { RecordingPolicyInput } from '../../lib/policy/schema';
import type { FairlistenStack } from '../../lib/stacks/fairlisten-stack';
import { removeAfterFile } from './outdirs';

export interface SynthesizedStack {
  stack: FairlistenStack;
  template: Template;
}

/**
 * The default stack without bundling, built once per worker (test files share a worker's modules,
 * `isolate: false`): most construct tests read only it. Never add constructs to it in a test.
 */
let defaultStack: SynthesizedStack | undefined;

/**
 * Builds the stack for a policy (defaults overridden) without the nag plugins; its outdir is removed
 * after the test file. Bundling the functions is skipped unless asked for: it is slow, changes no
 * property these tests assert, and the stack test bundles for real.
 *
 * The default stack (no overrides, no bundling) is synthesized once per worker and shared by the
 * test files that run there: a `Template` is a snapshot of the synthesized JSON, and the tests only
 * read it and the stack's construct properties.
 */
export function synthStack(
  overrides: Partial<RecordingPolicyInput> = {},
  options: { bundle?: boolean; build?: Pick<BuildOptions, 'routingProfile' | 'phoneNumber'> } = {},
): SynthesizedStack {
  const shareable = !options.bundle && !options.build && Object.keys(overrides).length === 0;
  if (shareable && defaultStack) return defaultStack;
  const { app, stack } = buildApp(defaultPolicy(overrides), {
    ...options.build,
    nag: false,
    appProps: options.bundle ? undefined : { context: { 'aws:cdk:bundling-stacks': [] } },
  });
  const synthesized = { stack, template: Template.fromStack(stack) };
  if (shareable) {
    // Shared by the next test files of this worker, which may read its files too: kept until the
    // worker exits.
    process.once('exit', () => rmSync(app.outdir, { recursive: true, force: true }));
    defaultStack = synthesized;
  } else {
    // The template is in memory from here on; the files are removed after this test file.
    removeAfterFile(app.outdir);
  }
  return synthesized;
}

/**
 * `[logicalId, resource]` of the one resource whose `fairlisten:role` metadata is `role` (and of
 * `type`, when given); fails the test unless there is exactly one.
 */
// biome-ignore lint/suspicious/noExplicitAny: tests read raw CloudFormation JSON
export function resourceWithRole(template: Template, role: string, type?: string): [string, any] {
  // biome-ignore lint/suspicious/noExplicitAny: tests read raw CloudFormation JSON
  const found = Object.entries(template.toJSON().Resources as Record<string, any>).filter(
    ([, r]) => r.Metadata?.[ROLE_METADATA_KEY] === role && (type === undefined || r.Type === type),
  );
  expect(found, role).toHaveLength(1);
  return found[0]!;
}

/** The logical id of the recordings bucket (the one bucket with S3 Bucket Keys). */
export function recordingsBucketIdOf(template: Template): string {
  const found = Object.keys(
    template.findResources('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true })],
        },
      },
    }),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}
